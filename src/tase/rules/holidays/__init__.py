"""Annual holidays by the Annual Holidays Act (vuosilomalaki 162/2005): earning and holiday pay.

One credit year (lomanmääräytymisvuosi, 1.4.-31.3., 4 § 1 kohta) of one employment, given
month by month, becomes the days earned, the holiday pay by the method the Act gives for the
pay basis and earning rule, the holiday bonus the company or the collective agreement grants,
and the holiday compensation when the employment ended within the year:

* **Full months** (6 §): a calendar month with at least 14 days at work or equated to work
  (the 14-day rule), or, for one whose contract gives fewer than 14 days in some month, at
  least 35 such hours (the 35-hour rule). At the end of an employment its first and last month,
  neither full, count together as one full month when their days (hours) reach the limit
  (17 § 2 mom.).
* **Days** (5 § 1 mom.): 2 weekdays per full month, 2.5 when the employment has lasted at least
  a year by 31 March (at the end of an employment: when it ended, 17 § 1 mom.); a part day
  becomes a whole day.
* **Pay**: monthly and weekly paid keep their salary (10 § 1 mom.), a day valued at 1/25 of
  the monthly or 1/6 of the weekly salary (17 § 3 mom.); when the 35-hour rule leaves only some
  months full, or the working time and pay changed during the year, the percentage method
  instead (10 § 3-4 mom.). Hourly and performance paid under the 14-day rule: the average daily
  wage times the coefficient for the number of days (11 §). Under the 35-hour rule: 9 % or,
  after a year of employment by 31 March, 11.5 % of the wages (12 §). A collective agreement's
  average-hourly-earnings method replaces 11 § when its multiplier is given.
* **Compensation** (17 §): when the employment ended within the year, the earned days are paid
  as compensation computed as the holiday pay above; one who earned no days at all during the
  employment gets the percentage of the wages (17 § 4 mom., 16 §;
  :func:`no_holiday_compensation`), less the compensation already paid during it (17 § 1
  mom.). In an employment that goes on, a year under the 35-hour rule without a full month
  earns no holiday: its percentage is holiday compensation by 16 § and 8 § 1 mom., not 12 §
  holiday pay (:func:`compensation_during_employment`). Days that could not be given because
  the incapacity for work continued are compensated during the employment (26 § 1 mom.).
* **Holiday bonus** (not in the Act): the percentage the agreement or the company grants of
  the holiday pay, and of the compensation too when its rule says so.

Statutory figures are dated parameters (``payroll.holidays.*``). Money is rounded to the cent,
half up, where each result is stated; the results shown are the ones used further. Imports no
Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from typing import Any

from tase.rules.absences import holiday_days
from tase.rules.parameters import ParameterError, default_set
from tase.rules.payroll import cents, money

from . import giving
from .model import (
    ACT,
    ACT_URL,
    EARNING_RULES,
    HUNDRED,
    NOT_STATUTORY,
    P_COEFFICIENTS,
    P_DAY_DIVISORS,
    P_DAYS_PER_MONTH,
    P_MIN_DAYS,
    P_MIN_HOURS,
    P_OVERTIME_HOURS,
    P_PERCENTAGES,
    P_STANDARD_WEEK,
    PAY_BASES,
    SALARIED,
    TIMES,
    WEEKS_IN_FEBRUARY,
    ZERO,
    EarlierYear,
    HolidayInput,
    HolidayInputError,
    HolidayResult,
    Line,
    Month,
)
from .parsing import input_from_dict

__all__ = [
    "ACT",
    "ACT_URL",
    "NOT_STATUTORY",
    "P_DAY_DIVISORS",
    "EarlierYear",
    "HolidayInput",
    "HolidayInputError",
    "HolidayResult",
    "Line",
    "Month",
    "calculate",
    "coefficient",
    "earned_days",
    "earning_rule_for",
    "full_months",
    "input_from_dict",
    "lasted_a_year",
    "long_employment",
    "no_holiday_compensation",
]


# -- parameters ----------------------------------------------------------------------------
# Values read, per parameter set: the set is replaced (not changed) when an admin enters a
# value, so a memo tied to the set's identity is never stale. A company's month end asks for
# the same few figures tens of thousands of times.
_MEMO: tuple[Any, dict] = (None, {})


def _param(name: str, on: dt.date) -> Any:
    global _MEMO
    params = default_set()
    owner, memo = _MEMO
    if owner is not params:
        memo = {}
        _MEMO = (params, memo)
    key = (name, on)
    if key in memo:
        return memo[key]
    try:
        value = memo[key] = params.value_at(name, on)
    except ParameterError:
        raise HolidayInputError(
            "credit_year_end", "no statutory figures are known for this credit year."
        ) from None
    return value


def coefficient(days: int, on: dt.date) -> Decimal:
    """The 11 § 1 mom. coefficient for ``days`` holiday days (above 30: +0.9 a day)."""
    if days <= 0:
        return ZERO
    coefficients = _param(P_COEFFICIENTS, on)
    table = coefficients["table"]
    if days in table:
        return table[days]
    top = max(table)
    if days > top:
        return table[top] + coefficients["per_day_above_table"] * (days - top)
    # One day is never earned (a full month gives at least two); the table starts at two.
    return table[min(table)] * days / min(table)


# -- earning -------------------------------------------------------------------------------
def lasted_a_year(start: dt.date, on: dt.date) -> bool:
    """Has an employment begun on ``start`` lasted at least a year by the end of ``on``?"""
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # started on 29 February
        anniversary = dt.date(start.year + 1, 3, 1)
    return anniversary <= on + dt.timedelta(days=1)


def long_employment(data: HolidayInput) -> bool:
    """A year of employment by 31 March (5 § 1 mom., 12 § 1 mom.), or by its end (17 § 1 mom.)."""
    on = data.employment_end if data.ended_within_year else data.credit_year_end
    return lasted_a_year(data.employment_start, on)


def is_full_month(month: Month, rule: str, on: dt.date) -> bool:
    """6 §: at least 14 days (14-day rule) or 35 hours (35-hour rule) at work or equated."""
    if rule == "14_days":
        return month.days_worked >= _param(P_MIN_DAYS, on)
    return month.hours_worked >= _param(P_MIN_HOURS, on)


def full_months(data: HolidayInput) -> tuple[int, bool]:
    """The number of full months, and whether 17 § 2 mom. joined the first and the last."""
    on = data.credit_year_end
    # is_full_month of each month, its limit read once
    if data.earning_rule == "14_days":
        least = _param(P_MIN_DAYS, on)
        count = sum(month.days_worked >= least for month in data.months)
    else:
        least = _param(P_MIN_HOURS, on)
        count = sum(month.hours_worked >= least for month in data.months)
    if not data.ended_within_year or len(data.months) < 2:
        return count, False
    first = min(data.months, key=lambda month: month.first_day)
    last = max(data.months, key=lambda month: month.first_day)
    starts_here = first.first_day <= data.employment_start <= first.last_day
    ends_here = last.first_day <= data.employment_end <= last.last_day
    rule = data.earning_rule
    if not (starts_here and ends_here) or is_full_month(first, rule, on):
        return count, False
    if is_full_month(last, rule, on):
        return count, False
    joined = Month(
        first.year,
        first.month,
        first.days_worked + last.days_worked,
        hours_worked=first.hours_worked + last.hours_worked,
    )
    if is_full_month(joined, rule, on):
        return count + 1, True
    return count, False


def earned_days(months: int, long: bool, on: dt.date) -> tuple[int, Decimal]:
    """5 § 1 mom.: 2 or 2.5 days per full month; a part day becomes a whole day."""
    rates = _param(P_DAYS_PER_MONTH, on)
    rate = rates["at_least_one_year"] if long else rates["under_one_year"]
    return int((rate * months).to_integral_value(rounding=ROUND_CEILING)), rate


# -- pay -----------------------------------------------------------------------------------
def choose_method(data: HolidayInput, months: int) -> str:
    """The holiday pay method the Act (or the agreement) gives for this employment."""
    if earned_none(data, months):
        return "percentage"  # 17 § 4 mom., 16 §: no holiday was earned at all
    if free_time_only(data, months):
        return "percentage"  # 8 § 1 mom., 16 §: compensation during the employment
    if data.pay_basis in SALARIED:
        some_months_short = data.earning_rule == "35_hours" and months < len(data.months)
        if some_months_short or data.working_time_changed:
            return "percentage"  # 10 § 3-4 mom.
        return "salary_kept"  # 10 § 1 mom.
    if data.earning_rule == "35_hours":
        return "percentage"  # 12 §
    if data.average_hourly_earnings_multiplier is not None:
        return "average_hourly_earnings"
    return "average_daily_wage"  # 11 §


def earned_none(data: HolidayInput, months: int) -> bool:
    """17 § 4 mom.: the employment ended within the year without a holiday day earned in it
    (no full month) or in its earlier credit years."""
    return data.ended_within_year and months == 0 and data.days_earned_before == 0


def free_time_only(data: HolidayInput, months: int) -> bool:
    """8 § 1 mom.: the employment goes on past the year, under the 35-hour rule, and no month
    of the year was full: no holiday was earned, and the year is compensated by 16 §
    (:func:`compensation_during_employment`)."""
    return not data.ended_within_year and months == 0 and data.earning_rule == "35_hours"


@dataclass(slots=True)
class _Pay:
    amount: Decimal
    lines: list[Line]
    average_daily_wage: Decimal | None = None
    coefficient: Decimal | None = None
    other_pay_share: Decimal = ZERO


def salary_kept(data: HolidayInput, days: int) -> _Pay:
    """10 § 1 mom.: the salary continues; a day is 1/25 of the monthly, 1/6 of the weekly salary.

    The total is rounded to the cent once: salary x days / divisor. Other pay besides the
    salary adds its share (:func:`other_pay_share`).
    """
    divisor = _param(P_DAY_DIVISORS, data.credit_year_end)[data.pay_basis]
    salary = data.monthly_salary if data.pay_basis == "monthly" else data.weekly_salary
    assert salary is not None  # checked by validate()
    amount = cents(salary * days / divisor)
    line = Line(
        f"Loma-ajan palkka (palkka säilyy, lomapäivä 1/{divisor} palkasta)",
        f"Holiday pay (salary kept, a holiday day 1/{divisor} of the salary)",
        f"{money(salary)} / {divisor} {TIMES} {days}",
        amount,
        "10 § 1 mom., 17 § 3 mom.",
    )
    other = other_pay_share(data, days)
    if other is None:
        return _Pay(amount, [line])
    return _Pay(amount + other.amount, [line, *other.lines], other_pay_share=other.amount)


def other_pay_share(data: HolidayInput, days: int) -> _Pay | None:
    """10 § 1 mom., second sentence: "Jos työntekijälle on lomanmääräytymisvuoden aikana
    työssäolon ajalta viikko- tai kuukausipalkan lisäksi maksettu tai erääntynyt maksettavaksi
    muuta palkkaa, joka ei määräydy tilapäisten olosuhteiden perusteella, tämän palkan osuus
    lasketaan vuosilomapalkkaan siten kuin 11 §:n 1 ja 2 momentissa säädetään." (read at
    https://www.vuosilomaopas.fi/fi/vuosilomapalkka/viikko-tai-kuukausipalkkaan-perustuva-vuosilomapalkka.html).

    The other pay of the credit year / (days worked + an eighth of the overtime hours), the
    days equated to work left out (11 § 2 mom.), rounded to the cent, half up, times the
    coefficient for the days (11 § 1 mom.), rounded the same way. 11 § 3 mom. (days a week
    other than five) is not named, so not applied. None when there was no other pay."""
    other = sum((month.other_pay for month in data.months), ZERO)
    if not other:
        return None
    on = data.credit_year_end
    worked = sum(month.days_worked - month.equated_days for month in data.months)
    overtime = sum((month.overtime_hours for month in data.months), ZERO)
    per_day = _param(P_OVERTIME_HOURS, on)
    divisor = worked + overtime / per_day
    daily = cents(other / divisor) if divisor else ZERO
    factor = coefficient(days, on)
    amount = cents(daily * factor)
    line = Line(
        f"Muun palkan osuus, kerroin {factor}",
        f"Share of other pay, coefficient {factor}",
        f"{money(other)} / ({worked} + {_number(overtime)}/{per_day}) = {money(daily)}"
        f" {TIMES} {factor}",
        amount,
        "10 § 1 mom., 11 § 1-2 mom.",
    )
    return _Pay(amount, [line])


def percentage_pay(
    data: HolidayInput,
    long: bool,
    section: str,
    labels: tuple[str, str] = ("Prosenttiperusteinen lomapalkka", "Percentage-based holiday pay"),
) -> _Pay:
    """12 § 1 mom.: 9 % (11.5 % after a year by 31 March) of the credit year's wages for time at
    work without the overtime and emergency-work increments; rounded to the cent, half up.
    ``labels``: the line's Finnish and English label, the rate appended (16 § computes its
    compensation the same way, :func:`compensation_during_employment`).

    12 § 2 mom.: "Jos työntekijä on lomanmääräytymisvuoden aikana ollut estynyt tekemästä
    työtä 7 §:n 2 momentin 1-4 tai 7 kohdassa tarkoitetusta syystä, vuosilomapalkan
    perusteena olevaan palkkaan lisätään laskennallisesti poissaoloajalta saamatta jäänyt
    palkka enintään 7 §:n 3 momentissa säädetyltä ajalta." The absence's pay is reckoned,
    unless agreed otherwise, by the average weekly working time and the pay when the absence
    began with the raises during it (by the 12 weeks before it when no weekly time was
    agreed): the months' ``absence_wages``, added here (read at
    https://www.vuosilomaopas.fi/fi/vuosilomapalkka/prosenttiperusteinen-vuosilomapalkka.html)."""
    rates = _param(P_PERCENTAGES, data.credit_year_end)
    rate = rates["at_least_one_year"] if long else rates["under_one_year"]
    basis = data.wage_basis + data.absence_wages
    amount = cents(basis * rate / HUNDRED)
    shown = money(data.wage_basis)
    if data.absence_wages:
        shown = f"({shown} + {money(data.absence_wages)})"
        section += ", 12 § 2 mom."
    line = Line(
        f"{labels[0]} {rate} %",
        f"{labels[1]} {rate} %",
        f"{shown} {TIMES} {rate} %",
        amount,
        section,
    )
    return _Pay(amount, [line])


def compensation_during_employment(data: HolidayInput, long: bool) -> _Pay:
    """The holiday compensation of a credit year without a full month in an employment that
    goes on: no holiday day was earned (6 §), so there is no holiday and no holiday pay by
    10-12 § to pay for it.

    Vuosilomalaki 8 § 1 mom.: "Työntekijällä, joka sopimuksen mukaan tekee kaikkina
    kalenterikuukausina työtä alle 14 päivää tai 35 tuntia, on työsuhteen kestäessä oikeus
    halutessaan saada vapaata kaksi arkipäivää kultakin kalenterikuukaudelta, jonka aikana hän
    on ollut työsuhteessa. Vapaan ajalta maksettavasta lomakorvauksesta säädetään 16 ja
    19 §:ssä." 16 § 1 mom.: "Edellä 8 §:n 1 momentissa tarkoitetulla työntekijällä on oikeus
    saada lomakorvauksena 9 prosenttia tai, jos työsuhde on jatkunut lomakautta edeltävän
    lomanmääräytymisvuoden loppuun mennessä vähintään vuoden, 11,5 prosenttia hänelle
    lomanmääräytymisvuoden aikana työssäolon ajalta maksetusta tai maksettavaksi erääntyneestä
    palkasta lukuun ottamatta hätätyöstä tai lain tai sopimuksen mukaisesta ylityöstä
    maksettavaa korotusta." with the pay of family leave added as in 12 § 2 mom. 19 § 1 mom.:
    paid with the free time (as holiday pay by 15 §), otherwise at the latest when the holiday
    season ends. (Read at http://www.vuosilomaopas.fi/fi/lomakorvaus-2,
    https://www.vuosilomaopas.fi/fi/vuosiloman-pituus/tyontekijan-oikeus-vapaaseen.html and
    https://www.vuosilomaopas.fi/fi/lomakorvaus-2/lomakorvauksen-maksaminen.html, TEM's guide
    quoting the Act, https://finlex.fi/fi/laki/ajantasa/2005/20050162.)

    The 8 § 1 mom. employee is the one under the 35-hour rule (the contract gives fewer than
    14 days in some month) whose months all stayed below 35 hours: the 12 § percentage holiday
    pay is for the holiday that full months earn, and this year earned none. The amount is
    the percentage of 12 § 1 mom. (:func:`percentage_pay`), paid as compensation."""
    return percentage_pay(
        data,
        long,
        "16 §, 8 § 1 mom.",
        (
            "Lomakorvaus työsuhteen aikana, kun täysiä lomanmääräytymiskuukausia ei kertynyt,",
            "Holiday compensation during the employment, no full holiday credit month,",
        ),
    )


def no_holiday_compensation(
    start: dt.date,
    end: dt.date,
    years: tuple[tuple[dt.date, Decimal], ...],
    paid: Decimal = ZERO,
) -> _Pay:
    """The holiday compensation of an employee who earned no holiday during the employment.

    Vuosilomalaki 17 § 4 mom.: "Työntekijällä, jolle ei ole työsuhteen aikana kertynyt
    5-7 §:n mukaan oikeutta lomaan, on oikeus lomakorvaukseen, jonka määrä lasketaan siten
    kuin 16 §:ssä säädetään." 16 § 1 mom.: 9 per cent or, if the employment has lasted a
    year by the end of the credit year preceding the holiday season, 11.5 per cent of the
    wages paid or fallen due for time at work during the credit year, without the increments
    for emergency work and statutory or agreed overtime.

    ``years`` are the credit years not yet compensated, each (its 31 March, its wage basis).
    Each year has its own rate: 11.5 % when the employment had lasted a year by the end of
    that year, or by its end when it ended within the year (the year it ended has not ended
    when the compensation is paid; 17 § 1 mom. counts the year at the end of the employment
    likewise). Each year's amount is rounded to the cent, half up. Read at
    https://www.vuosilomaopas.fi/fi/lomakorvaus-2/lomakorvaus-tyosuhteen-paattyessa.html and
    http://www.vuosilomaopas.fi/fi/lomakorvaus-2 (TEM's guide quoting the Act).

    ``paid``: the holiday compensation already paid during the employment by 16 § (and 8 §
    1 mom.), taken off the total, which goes no lower than zero. 17 § 1 mom.: "Työsuhteen
    päättyessä työntekijällä on oikeus saada vuosiloman sijasta lomakorvaus siltä ajalta,
    jolta hän siihen mennessä ei ole saanut lomaa tai lomakorvausta": the time already
    compensated is not compensated again. (16 § itself leaves out only the overtime and
    emergency-work increments; the compensation is out of the wage basis because it is not
    pay for time at work.)
    """
    lines, total = [], ZERO
    for year_end, basis in sorted(years):
        rates = _param(P_PERCENTAGES, year_end)
        long = lasted_a_year(start, min(year_end, end))
        rate = rates["at_least_one_year"] if long else rates["under_one_year"]
        amount = cents(basis * rate / HUNDRED)
        total += amount
        lines.append(
            Line(
                f"Lomakorvaus {rate} %, kun lomaa ei kertynyt (lomanmääräytymisvuosi "
                f"{year_end.year - 1}-{year_end.year})",
                f"Holiday compensation {rate} % when no holiday was earned (credit year "
                f"{year_end.year - 1}-{year_end.year})",
                f"{money(basis)} {TIMES} {rate} %",
                amount,
                "17 § 4 mom., 16 §",
            )
        )
    if paid:
        taken = min(paid, total)
        lines.append(
            Line(
                "Työsuhteen aikana jo maksettu lomakorvaus",
                "Holiday compensation already paid during the employment",
                f"{money(total)} \N{MINUS SIGN} {money(paid)}",
                -taken,
                "17 § 1 mom., 16 §",
            )
        )
        total -= taken
    return _Pay(total, lines)


def average_daily_wage_pay(data: HolidayInput, days: int) -> _Pay:
    """11 §: the average daily wage times the coefficient for the number of holiday days.

    Average daily wage = wages for time at work without the overtime and emergency-work
    increments / (days worked + an eighth of the hours beyond the regular daily working time),
    times days a week / 5 when the contract gives other than five days (11 § 2-3 mom.). It is
    rounded to the cent, half up, and the holiday pay (rounded the same way) is computed from
    the rounded figure.
    """
    on = data.credit_year_end
    basis = data.wage_basis
    worked = sum(month.days_worked - month.equated_days for month in data.months)
    overtime = sum((month.overtime_hours for month in data.months), ZERO)
    per_day = _param(P_OVERTIME_HOURS, on)
    standard = _param(P_STANDARD_WEEK, on)
    divisor = worked + overtime / per_day
    daily = basis / divisor if divisor else ZERO
    formula = f"{money(basis)} / ({worked} + {_number(overtime)}/{per_day})"
    if data.days_per_week != standard:
        daily = daily * data.days_per_week / standard
        formula += f" {TIMES} {_number(data.days_per_week)}/{standard}"
    daily = cents(daily)
    factor = coefficient(days, on)
    amount = cents(daily * factor)
    lines = [
        Line("Keskipäiväpalkka", "Average daily wage", formula, daily, "11 § 2-3 mom."),
        Line(
            f"Vuosilomapalkka, kerroin {factor} ({days} lomapäivää)",
            f"Holiday pay, coefficient {factor} ({days} holiday days)",
            f"{money(daily)} {TIMES} {factor}",
            amount,
            "11 § 1 mom.",
        ),
    ]
    return _Pay(amount, lines, daily, factor)


def average_hourly_earnings_pay(data: HolidayInput, days: int) -> _Pay:
    """A collective agreement's method: average hourly earnings of the credit year (wages for
    time at work without overtime increments / hours actually worked) x the agreement's hours
    per holiday day x holiday days. The hourly earnings and the day's pay are each rounded to
    the cent, half up. The Act allows agreements to depart from 11 § (30 §)."""
    multiplier = data.average_hourly_earnings_multiplier
    assert multiplier is not None
    basis = data.wage_basis
    hours = sum((month.hours_worked - month.equated_hours for month in data.months), ZERO)
    hourly = cents(basis / hours) if hours else ZERO
    day = cents(hourly * multiplier)
    amount = day * days
    lines = [
        Line(
            "Keskituntiansio",
            "Average hourly earnings",
            f"{money(basis)} / {_number(hours)}",
            hourly,
            "30 § (työehtosopimus)",
        ),
        Line(
            "Vuosilomapalkka, keskituntiansiomenetelmä",
            "Holiday pay, average-hourly-earnings method",
            f"{money(hourly)} {TIMES} {_number(multiplier)} {TIMES} {days}",
            amount,
            "30 § (työehtosopimus)",
        ),
    ]
    return _Pay(amount, lines, day, None)


def _number(value: Decimal) -> str:
    """A quantity without trailing zeros: 40 not 40.00, 7.5 not 7.50."""
    text = format(value.normalize(), "f")
    return text


# -- the calculation -----------------------------------------------------------------------
def _pay(data: HolidayInput, method: str, months: int, days: int, long: bool) -> _Pay:
    if earned_none(data, months):
        assert data.employment_end is not None  # ended within the year
        years = tuple((y.credit_year_end, y.wages) for y in data.earlier_years)
        years += ((data.credit_year_end, data.wage_basis + data.absence_wages),)
        return no_holiday_compensation(data.employment_start, data.employment_end, years)
    if data.earlier_years:
        raise HolidayInputError(
            "earlier_years",
            "apply only when the employment ended within the credit year without a holiday "
            "day earned (17 § 4 mom.).",
        )
    if data.ended_within_year and days == 0:
        return _Pay(ZERO, [])  # 17 § 1 mom.: holiday was earned before, none in this year
    if free_time_only(data, months):
        return compensation_during_employment(data, long)
    if method == "percentage":
        section = "10 § 3-4 mom., 12 § 1 mom." if data.pay_basis in SALARIED else "12 § 1 mom."
        return percentage_pay(data, long, section)
    if method == "salary_kept":
        return salary_kept(data, days)
    if method == "average_hourly_earnings":
        return average_hourly_earnings_pay(data, days)
    return average_daily_wage_pay(data, days)


def compensation_part(
    data: HolidayInput, amount: Decimal, days: int, months: int
) -> tuple[Decimal, Decimal, Line | None]:
    """Split the pay for the earned days into holiday pay and holiday compensation.

    At the end of the employment all of it is compensation (17 § 1 mom.), and so is the
    percentage of a year without a full month in an employment that goes on (8 § 1 mom.,
    16 §; paid with the free time or at the latest when the holiday season ends, 19 § 1 mom.).
    During the employment, the days that could not be given because the incapacity for work
    continued (26 § 1 mom.) are compensated by 17 §: their share of the pay, ``amount x
    days_not_given / days``, rounded to the cent, half up; the rest is holiday pay, so the
    two always add up to ``amount``.
    """
    if data.ended_within_year:
        line = Line(
            "Lomakorvaus työsuhteen päättyessä",
            "Holiday compensation at the end of the employment",
            money(amount),
            amount,
            # no day earned in the employment (earned_none): the percentage of 17 § 4 mom.
            "17 § 4 mom." if days == 0 and not data.days_earned_before else "17 § 1 ja 3 mom.",
        )
        return ZERO, amount, line
    if data.days_not_given > days:
        raise HolidayInputError(
            "days_not_given", "must not exceed the {days} days earned.", days=days
        )
    if free_time_only(data, months):
        line = Line(
            "Lomakorvaus työsuhteen aikana (vapaan yhteydessä tai viimeistään lomakauden "
            "päättyessä)",
            "Holiday compensation during the employment (with the free time, or at the latest "
            "when the holiday season ends)",
            money(amount),
            amount,
            "16 §, 19 § 1 mom.",
        )
        return ZERO, amount, line
    if not data.days_not_given:
        return amount, ZERO, None
    compensation = cents(amount * data.days_not_given / days)
    line = Line(
        "Lomakorvaus lomasta, jota ei voitu antaa",
        "Holiday compensation for days that could not be given",
        f"{money(amount)} {TIMES} {data.days_not_given}/{days}",
        compensation,
        "26 § 1 mom., 17 § 3 mom.",
    )
    return amount - compensation, compensation, line


def calculate(data: HolidayInput, *, check: bool = True) -> HolidayResult:
    """Earned days, holiday pay, bonus and compensation for one credit year (see the module).

    ``check=False`` skips :func:`validate` for input built from records that already hold
    its invariants (months within the year and the employment, days within the month): the
    balances of a whole company, where validation would be half of the time."""
    if check:
        validate(data)
    on = data.credit_year_end
    months, joined = full_months(data)
    long = long_employment(data)
    days, rate = earned_days(months, long, on)
    lines = [
        Line(
            "Täydet lomanmääräytymiskuukaudet"
            + (" (ensimmäinen ja viimeinen yhdessä)" if joined else ""),
            "Full holiday credit months" + (" (first and last joined)" if joined else ""),
            _months_basis(data),
            Decimal(months),
            "6 §" + (", 17 § 2 mom." if joined else ""),
        ),
        Line(
            "Ansaitut lomapäivät (päivän osa täydeksi päiväksi)",
            "Holiday days earned (a part day becomes a whole day)",
            f"{months} {TIMES} {rate}",
            Decimal(days),
            "5 § 1 mom." + (", 17 § 1 mom." if data.ended_within_year else ""),
        ),
    ]
    if data.sick_leaves:
        not_given, line = _not_given_by_sick_leave(data, days)
        data = replace(data, days_not_given=not_given)
        lines.append(line)
    method = choose_method(data, months)
    pay = _pay(data, method, months, days, long)
    lines += pay.lines
    holiday_pay, compensation, line = compensation_part(data, pay.amount, days, months)
    if line is not None:
        lines.append(line)
    bonus, line = holiday_bonus(data, holiday_pay, compensation)
    if line is not None:
        lines.append(line)
    return HolidayResult(
        earned_days=days,
        full_months=months,
        method=method,
        average_daily_wage=pay.average_daily_wage,
        coefficient=pay.coefficient,
        holiday_pay=holiday_pay,
        holiday_bonus=bonus,
        compensation=compensation,
        lines=tuple(lines),
        other_pay_share=pay.other_pay_share,
    )


def _not_given_by_sick_leave(data: HolidayInput, days: int) -> tuple[int, Line]:
    """The days of 26 § 1 mom. from the sick leaves given (instead of ``days_not_given``):
    the year's days left at its giving deadline (31 December of the year after the credit
    year ends: the days earned less ``days_used``), of which those the incapacity kept from
    being given (:func:`.giving.days_not_given_by_sick_leave`: all when the incapacity goes
    on to the deadline; when it ended within the deadline's calendar year, those that do not
    fit into the holiday days after it; otherwise none). None when the employment ends by
    the deadline: its days are compensated by 17 § at its end. Sick leaves without a working
    day (Monday to Friday) between them are one incapacity."""
    deadline = giving.giving_deadline(data.credit_year_end)
    left = max(days - data.days_used, 0)
    leaves = tuple((leave.start, leave.end) for leave in data.sick_leaves)
    ends = data.employment_end is not None and data.employment_end <= deadline
    count = 0 if ends else giving.days_not_given_by_sick_leave(left, leaves, data.credit_year_end)
    end = giving.incapacity_end(leaves, deadline)
    if ends or end is None or end < dt.date(deadline.year, 1, 1):
        basis = "0"
    elif end >= deadline:
        basis = str(left)
    else:
        basis = f"{left} \N{MINUS SIGN} {holiday_days(end + dt.timedelta(days=1), deadline)}"
    line = Line(
        "Työkyvyttömyyden vuoksi antamatta jääneet lomapäivät",
        "Holiday days the continuing incapacity kept from being given",
        basis,
        Decimal(count),
        "25 § 1 mom., 26 § 1 mom.",
    )
    return count, line


def holiday_bonus(
    data: HolidayInput, holiday_pay: Decimal, compensation: Decimal
) -> tuple[Decimal, Line | None]:
    """The holiday bonus (lomaraha): not in the Act but in the collective agreement or the
    company's rule, a percentage of the holiday pay, and of the holiday compensation too when
    the rule says so (``bonus_on_compensation``; many agreements pay it on the compensation
    when the employee retires, for example). Rounded to the cent once, half up."""
    percent = data.holiday_bonus_percent
    if not percent:
        return ZERO, None
    with_compensation = data.bonus_on_compensation and compensation
    basis = holiday_pay + compensation if with_compensation else holiday_pay
    bonus = cents(basis * percent / HUNDRED)
    of_fi, of_en = (
        ("lomapalkasta ja lomakorvauksesta", "of the holiday pay and compensation")
        if with_compensation
        else ("lomapalkasta", "of the holiday pay")
    )
    return bonus, Line(
        f"Lomaraha {_number(percent)} % {of_fi}",
        f"Holiday bonus {_number(percent)} % {of_en}",
        f"{money(basis)} {TIMES} {_number(percent)} %",
        bonus,
        "",
    )


def _months_basis(data: HolidayInput) -> str:
    unit, limit = (
        ("d", _param(P_MIN_DAYS, data.credit_year_end))
        if data.earning_rule == "14_days"
        else ("h", _param(P_MIN_HOURS, data.credit_year_end))
    )
    # The same months (a company's monthly paid, each with their own salary) give the same
    # text: written once per distinct months, unit and limit.
    key = (data.months, unit, limit)
    text = _BASES.get(key)
    if text is None:
        if len(_BASES) >= 4096:
            _BASES.clear()
        values = [
            f"{m.label} {m.days_worked if unit == 'd' else _number(m.hours_worked)}"
            for m in sorted(data.months, key=lambda month: month.first_day)
        ]
        text = _BASES[key] = f"≥ {limit} {unit}: " + ", ".join(values)
    return text


_BASES: dict[tuple, str] = {}


# -- validation ----------------------------------------------------------------------------
def validate(data: HolidayInput) -> None:
    """Refuse input the Act cannot apply to, naming the field."""
    end = data.credit_year_end
    if (end.month, end.day) != (3, 31):
        raise HolidayInputError("credit_year_end", "a credit year ends on 31 March.")
    if end.year < 2:  # the credit year would start before year 1
        raise HolidayInputError(
            "credit_year_end", "no statutory figures are known for this credit year."
        )
    start = data.credit_year_start
    if data.pay_basis not in PAY_BASES:
        raise HolidayInputError(
            "pay_basis", "must be one of {choices}.", choices=", ".join(PAY_BASES)
        )
    if data.earning_rule not in EARNING_RULES:
        raise HolidayInputError(
            "earning_rule", "must be one of {choices}.", choices=", ".join(EARNING_RULES)
        )
    if not ZERO < data.days_per_week <= 7:
        raise HolidayInputError("days_per_week", "must be more than 0 and at most 7.")
    if data.days_not_given < 0:
        raise HolidayInputError("days_not_given", "must not be negative.")
    if data.days_used < 0:
        raise HolidayInputError("days_used", "must not be negative.")
    if data.sick_leaves and data.days_not_given:
        raise HolidayInputError("sick_leaves", "give either days_not_given or sick_leaves.")
    for index, leave in enumerate(data.sick_leaves):
        if leave.end < leave.start:
            raise HolidayInputError(
                f"sick_leaves[{index}].end_date", "must not be before the start date."
            )
    if data.holiday_bonus_percent < 0:
        raise HolidayInputError("holiday_bonus_percent", "must not be negative.")
    if data.days_earned_before < 0:
        raise HolidayInputError("days_earned_before", "must not be negative.")
    _validate_earlier_years(data)
    if data.employment_start > end:
        raise HolidayInputError(
            "employment_start", "is after the credit year {start} - {end}.", start=start, end=end
        )
    if data.employment_end is not None:
        if data.employment_end < data.employment_start:
            raise HolidayInputError("employment_end", "is before the employment start.")
        if data.employment_end < start:
            raise HolidayInputError(
                "employment_end", "is before the credit year {start} - {end}.", start=start, end=end
            )
    _validate_pay_basis(data)
    _validate_earning_rule(data)
    seen: set[str] = set()
    for index, month in enumerate(data.months):
        _validate_month(data, index, month, seen)


def _validate_earlier_years(data: HolidayInput) -> None:
    """Each earlier year once, ending on 31 March, within the employment and before this
    credit year, its wages not negative."""
    seen: set[dt.date] = set()
    first = dt.date(data.employment_start.year + (data.employment_start.month >= 4), 3, 31)
    for index, year in enumerate(data.earlier_years):
        where = f"earlier_years[{index}]"
        end = year.credit_year_end
        if (end.month, end.day) != (3, 31):
            raise HolidayInputError(f"{where}.credit_year_end", "a credit year ends on 31 March.")
        if end in seen:
            raise HolidayInputError(
                f"{where}.credit_year_end", "{year} is given twice.", year=end.year
            )
        seen.add(end)
        if not first <= end < data.credit_year_start:
            raise HolidayInputError(
                f"{where}.credit_year_end",
                "must be a credit year of the employment before {start}.",
                start=data.credit_year_start,
            )
        if year.wages < 0:
            raise HolidayInputError(f"{where}.wages", "must not be negative.")


def _validate_pay_basis(data: HolidayInput) -> None:
    salary_field = {"monthly": "monthly_salary", "weekly": "weekly_salary"}
    for name in salary_field.values():
        value = getattr(data, name)
        wanted = salary_field.get(data.pay_basis) == name
        if wanted and value is None:
            raise HolidayInputError(
                name, "is required for pay basis {basis}.", basis=data.pay_basis
            )
        if not wanted and value is not None:
            raise HolidayInputError(name, "does not fit pay basis {basis}.", basis=data.pay_basis)
        if value is not None and value < 0:
            raise HolidayInputError(name, "must not be negative.")
    multiplier = data.average_hourly_earnings_multiplier
    if multiplier is not None:
        field_name = "average_hourly_earnings_multiplier"
        if data.pay_basis in SALARIED or data.earning_rule != "14_days":
            raise HolidayInputError(
                field_name,
                "the average-hourly-earnings method is for hourly or performance pay under "
                "the 14-day rule.",
            )
        if multiplier <= 0:
            raise HolidayInputError(field_name, "must be more than 0.")


def earning_rule_for(days_per_week: Decimal, on: dt.date) -> str:
    """6 §: the earning rule a contract of ``days_per_week`` working days gives. Five, four
    or even three and a half days a week give at least 14 days in every month (February has
    four of each weekday): the 14-day rule (6 § 1 mom.); fewer do not, and then the 35-hour
    rule applies (6 § 2 mom.)."""
    fourteen_every_month = days_per_week * WEEKS_IN_FEBRUARY >= _param(P_MIN_DAYS, on)
    return "14_days" if fourteen_every_month else "35_hours"


def _validate_earning_rule(data: HolidayInput) -> None:
    """6 §: the rule follows the contract (:func:`earning_rule_for`)."""
    min_days = _param(P_MIN_DAYS, data.credit_year_end)
    fourteen_every_month = earning_rule_for(data.days_per_week, data.credit_year_end) == "14_days"
    if data.earning_rule == "14_days" and not fourteen_every_month:
        raise HolidayInputError(
            "earning_rule",
            "a contract of {days} days a week gives fewer than {limit} days in some months: "
            "the 35-hour rule applies.",
            days=_number(data.days_per_week),
            limit=min_days,
        )
    if data.earning_rule == "35_hours" and fourteen_every_month:
        raise HolidayInputError(
            "earning_rule",
            "a contract of {days} days a week gives at least {limit} days in every month: "
            "the 14-day rule applies.",
            days=_number(data.days_per_week),
            limit=min_days,
        )


def _validate_month(data: HolidayInput, index: int, month: Month, seen: set[str]) -> None:
    where = f"months[{index}]"
    if month.label in seen:
        raise HolidayInputError(f"{where}.month", "{month} is given twice.", month=month.label)
    seen.add(month.label)
    if not data.credit_year_start <= month.first_day <= data.credit_year_end:
        raise HolidayInputError(
            f"{where}.month",
            "{month} is outside the credit year {start} - {end}.",
            month=month.label,
            start=data.credit_year_start,
            end=data.credit_year_end,
        )
    first = max(month.first_day, data.employment_start)
    last = min(month.last_day, data.employment_end or month.last_day)
    if first > last:
        raise HolidayInputError(
            f"{where}.month", "{month} has no days of employment.", month=month.label
        )
    employed = (last - first).days + 1
    if not 0 <= month.days_worked <= employed:
        raise HolidayInputError(
            f"{where}.days_worked",
            "must be between 0 and the {days} days of employment in {month}.",
            days=employed,
            month=month.label,
        )
    if not ZERO <= month.hours_worked <= 24 * employed:
        raise HolidayInputError(
            f"{where}.hours_worked",
            "must be between 0 and 24 hours a day of employment in {month}.",
            month=month.label,
        )
    for name in (
        "wages",
        "overtime_increments",
        "overtime_hours",
        "equated_hours",
        "other_pay",
        "absence_wages",
    ):
        if getattr(month, name) < 0:
            raise HolidayInputError(f"{where}.{name}", "must not be negative.")
    if month.other_pay and data.pay_basis not in SALARIED:
        raise HolidayInputError(
            f"{where}.other_pay", "does not fit pay basis {basis}.", basis=data.pay_basis
        )
    if month.overtime_increments > month.wages:
        raise HolidayInputError(f"{where}.overtime_increments", "must not exceed the wages.")
    if month.other_pay > month.basis:
        raise HolidayInputError(
            f"{where}.other_pay", "must not exceed the wages without the overtime increments."
        )
    if month.overtime_hours > month.hours_worked:
        raise HolidayInputError(f"{where}.overtime_hours", "must not exceed the hours worked.")
    if not 0 <= month.equated_days <= month.days_worked:
        raise HolidayInputError(f"{where}.equated_days", "must be between 0 and the days worked.")
    if month.equated_hours > month.hours_worked:
        raise HolidayInputError(f"{where}.equated_hours", "must not exceed the hours worked.")
