"""Absences (poissaolot): their effect on earning annual holiday, sick pay and the Kela
sickness allowance the employer receives.

* **Days equated to work** (työssäolon veroinen aika, vuosilomalaki 162/2005 7 § 2 mom.):
  the working days of an absence that count as days at work when the full months of a credit
  year are counted (6 §). Sick leave: at most 75 working days per credit year, and an
  incapacity that goes on over 31 March at most 75 per illness over the years (2 kohta;
  sick leaves without a working day between them are one incapacity);
  pregnancy and parental leave: at most 160 leave days (weekdays) per birth or adoption, one
  absence record being one leave (1 kohta; 156 before 1.8.2022); lay-off: at most 30 working
  days at a time, one record being one lay-off; an absence the employer pays by law (7 § 1
  mom.: an "other" absence marked paid) counts in full; unpaid leave and other unpaid
  absences do not count.
* **Sick pay** (työsopimuslaki 55/2001 2 luku 11 §): the day of falling ill and the nine
  weekdays after it are paid, at most until the right to Kela's allowance begins, in full
  when the employment has lasted a month, else 50 %; a collective agreement may pay longer (the company's sick-pay period, data). The days paid
  are the employee's own working days in that period: the weekdays of their schedule
  (Monday to Friday unless the contract gives others), public holidays not counted.
* **Kela reimbursement** (sairausvakuutuslaki 1224/2004): for the weekdays after the waiting
  period (8 luku 7 §: the day of falling ill and nine weekdays, Christmas and Midsummer Eve
  counted as weekdays, :func:`is_sickness_weekday`) for which the employer paid wages, Kela
  pays the sickness allowance to the employer, at most the wages paid for those days. The
  allowance per weekday follows Kela's formula from the annual income (the wages of the 12
  calendar months before the month preceding the incapacity, less the insurance contribution
  deduction); every figure is a dated parameter (``payroll.sick_pay.*``).

Working days are Monday to Friday, weekdays (arkipäivät) Monday to Saturday, neither a public
holiday (the ``holidays`` package's Finnish calendar). Imports no Django.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import holidays as public_holidays

from tase.rules.parameters import value_at
from tase.rules.payroll import cents

KINDS = ("sick", "family", "unpaid", "layoff", "other")
# Absences that take pay away unless the employer pays them: a negative line in the pay run.
UNPAID_BY_DEFAULT = ("family", "unpaid", "layoff", "other")
# Not an absence one records: the employee's annual holiday taken or planned, given to
# :func:`month_effects` so its working days are equated to work rather than worked.
HOLIDAY = "holiday"
P_SICK_EQUATED = "payroll.absences.equated_sick_days_per_credit_year"
P_LAYOFF_EQUATED = "payroll.absences.equated_layoff_days_per_period"
P_FAMILY_EQUATED = "payroll.absences.equated_family_leave_days_per_child"
P_EMPLOYER_DAYS = "payroll.sick_pay.employer_pay_weekdays"
P_SHORT_EMPLOYMENT = "payroll.sick_pay.short_employment"
P_KELA_WAITING = "payroll.sick_pay.kela_waiting_weekdays"
P_KELA_FORMULA = "payroll.sick_pay.kela_daily_allowance"
HUNDRED = Decimal(100)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Absence:
    kind: str
    start: dt.date
    end: dt.date
    paid: bool = False


# -- calendars ----------------------------------------------------------------------------
@lru_cache(maxsize=64)
def easter(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm, Meeus /
    Jones / Butcher): Easter Saturday, the day before, uses no day of annual holiday
    (vuosilomalaki 3 § 2 mom.). Stdlib only; the tests hold it to the Finnish calendar of
    the ``holidays`` package, whose Easter Sunday is the same date."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday) // 433
    month = (h + weekday - 7 * m + 90) // 25
    return dt.date(year, month, (h + weekday - 7 * m + 33 * month + 19) % 32)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(public_holidays.Finland(years=year))


def is_public_holiday(day: dt.date) -> bool:
    return day in _public_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, not a public holiday (a five-day week's working day)."""
    return day.weekday() < 5 and not is_public_holiday(day)


FIVE_DAY_WEEK = "12345"  # ISO weekdays: Monday to Friday


def is_schedule_day(day: dt.date, schedule: str = FIVE_DAY_WEEK) -> bool:
    """A working day of a schedule (ISO weekday numbers, "135": Mon, Wed, Fri), not a public
    holiday."""
    return str(day.isoweekday()) in schedule and not is_public_holiday(day)


def schedule_days(start: dt.date, end: dt.date, schedule: str = FIVE_DAY_WEEK) -> list[dt.date]:
    return [day for day in days(start, end) if is_schedule_day(day, schedule)]


@lru_cache(maxsize=4096)
def schedule_day_count(start: dt.date, end: dt.date, schedule: str = FIVE_DAY_WEEK) -> int:
    """The number of :func:`schedule_days` (a day's pay divides a month's salary by it for
    every absent day, so it is remembered)."""
    return len(schedule_days(start, end, schedule))


def is_weekday(day: dt.date) -> bool:
    """An arkipäivä: Monday to Saturday, not a public holiday."""
    return day.weekday() < 6 and not is_public_holiday(day)


def is_eve(day: dt.date) -> bool:
    """Christmas Eve or Midsummer Eve (the Friday of 19-25 June): in the ``holidays``
    package's Finnish calendar, but no church holiday."""
    return (day.month, day.day) == (12, 24) or (
        day.month == 6 and 19 <= day.day <= 25 and day.weekday() == 4
    )


def is_sickness_weekday(day: dt.date) -> bool:
    """An arkipäivä of the sickness allowance (sairausvakuutuslaki 1224/2004 8 luku 7 §, the
    waiting period and the days paid): Monday to Saturday, not a church holiday,
    Independence Day or May Day; Christmas Eve and Midsummer Eve count ("Arkipäiviin
    lasketaan myös lauantait ja aattopäivät", https://www.kela.fi/omavastuuaika)."""
    return day.weekday() < 6 and (is_eve(day) or not is_public_holiday(day))


def is_holiday_day(day: dt.date) -> bool:
    """A day that uses a day of annual holiday (vuosilomalaki 3 § 2 mom.): a weekday that is
    not a church holiday, Independence Day, Christmas or Midsummer Eve, Easter Saturday or
    May Day."""
    return is_weekday(day) and day != easter(day.year) - ONE_DAY


@lru_cache(maxsize=4096)
def holiday_days(start: dt.date, end: dt.date) -> int:
    return sum(is_holiday_day(day) for day in days(start, end))


def days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


@lru_cache(maxsize=4096)
def working_days(start: dt.date, end: dt.date) -> int:
    return sum(is_working_day(day) for day in days(start, end))


@lru_cache(maxsize=4096)
def weekdays(start: dt.date, end: dt.date) -> int:
    return sum(is_weekday(day) for day in days(start, end))


def month_key(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


# -- overlaps ------------------------------------------------------------------------------
def overlapping(absences: Iterable[Absence], start: dt.date, end: dt.date) -> Absence | None:
    """The first absence sharing a day with ``start`` - ``end``, if any."""
    for absence in absences:
        if absence.start <= end and start <= absence.end:
            return absence
    return None


# -- earning -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MonthEffect:
    """One month's absences: working days away, and how many of them count as work (7 §)."""

    absent: int = 0
    equated: int = 0


def _equated_working_days(absence: Absence, schedule: str = FIVE_DAY_WEEK) -> set[dt.date]:
    """The working days (of ``schedule``) of a family leave, paid other absence or annual
    holiday equated to work (sick leave is counted day by day in :func:`_absence_days`, a
    lay-off by its occasion in :func:`layoff_days_equated`)."""
    worked = schedule_days(absence.start, absence.end, schedule)
    if absence.kind == "family":
        limit = int(value_at(P_FAMILY_EQUATED, absence.start))
        leave_days = [day for day in days(absence.start, absence.end) if is_weekday(day)]
        last = leave_days[limit - 1] if len(leave_days) >= limit else absence.end
        return {day for day in worked if day <= last}
    if absence.kind == "other" and absence.paid:
        return set(worked)  # 7 § 1 mom.: the employer pays it by law
    if absence.kind == HOLIDAY:
        # The employee's own annual holiday: the employer pays holiday pay for it by law
        # (7 § 1 mom.), so its working days count for earning; being equated, not worked,
        # they are not "tehtyjen työpäivien" in the divisor of the average daily wage (11 §
        # 2 mom.), as its holiday pay is not in the wages "työssäolon ajalta".
        return set(worked)
    return set()


def _credit_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year - (day.month < 4), 4, 1)


def incapacities(
    absences: Iterable[Absence], schedule: str = FIVE_DAY_WEEK
) -> dict[Absence, Absence]:
    """Each sick leave's continuous incapacity (yhdenjaksoinen työkyvyttömyys, vuosilomalaki
    7 § 2 mom. 2 kohta), keyed by the sick leave: its first sick leave. Sick leaves follow
    one another without a break when no working day of ``schedule`` lies between them (a
    certificate continued by the next, over a weekend): one incapacity. An assumption, stated
    in docs/holidays.md: the records do not say whether a following certificate is for the
    same illness."""
    chains: dict[Absence, Absence] = {}
    previous: Absence | None = None
    for absence in sorted((a for a in absences if a.kind == "sick"), key=lambda a: a.start):
        joined = previous is not None and not schedule_days(
            previous.end + ONE_DAY, absence.start - ONE_DAY, schedule
        )
        chains[absence] = chains[previous] if joined else absence
        previous = absence
    return chains


def layoff_days_equated(
    absences: Iterable[Absence], schedule: str = FIVE_DAY_WEEK
) -> dict[Absence, set[dt.date]]:
    """The working days (of ``schedule``) of each lay-off that count as work: at most 30 of a
    lay-off at a time (vuosilomalaki 162/2005 7 § 2 mom. 7 kohta, "lomauttamisen takia,
    enintään kuitenkin 30 työpäivää kerrallaan"; the limit is the dated parameter).

    "At a time" is the lay-off occasion, not a record: a lay-off that continues the previous
    one with no working day of ``schedule`` between them, or with only the employee's annual
    holiday between them, goes on counting the same 30 days. Työneuvosto's statement of
    25.10.2021 on 7 § 2 mom. 7 kohta (https://www.edilex.fi/tn/24828): "vuosiloman johdosta ... 30
    työpäivän laskentaa ei aloiteta uudelleen vuosiloman jälkeen seuraavassa lomautuksessa.
    Myöskään ... lomautusjakson seuratessa välittömästi edellistä" is it started again. A
    working day in between (a return to work) starts a new count; the credit year's end does
    not (the count follows the occasion, whatever the year). The same days count for an
    employee under the 35-hour rule: the rules of time equated to work apply to them as they
    are (HE 238/2004, "sovellettaisiin sellaisinaan myös 35 tunnin säännön piirissä oleviin")."""
    ordered = sorted(absences, key=lambda a: a.start)
    holidays = [a for a in ordered if a.kind == HOLIDAY]
    equated: dict[Absence, set[dt.date]] = {}
    left, previous_end = 0, None
    for absence in (a for a in ordered if a.kind == "layoff"):
        between = (
            []
            if previous_end is None
            else schedule_days(previous_end + ONE_DAY, absence.start - ONE_DAY, schedule)
        )
        continues = previous_end is not None and all(
            any(h.start <= day <= h.end for h in holidays) for day in between
        )
        if not continues:
            left = int(value_at(P_LAYOFF_EQUATED, absence.start))
        worked = schedule_days(absence.start, absence.end, schedule)
        equated[absence] = set(worked[:left])
        left -= len(equated[absence])
        previous_end = max(previous_end or absence.end, absence.end)
    return equated


def _absence_days(
    absences: Iterable[Absence], year_start: dt.date, year_end: dt.date, schedule: str
) -> Iterator[tuple[Absence, dt.date, bool]]:
    """Each working day (of ``schedule``) of the absences within the credit year, the
    absences in date order, with whether it is equated to work (7 § 2 mom.).

    Sick leave, vuosilomalaki 162/2005 7 § 2 mom. 2 kohta (https://finlex.fi/fi/laki/ajantasa/2005/20050162,
    read in TEM's guide quoting the Act,
    https://www.vuosilomaopas.fi/fi/vuosiloman-pituus/tyossaolon-veroinen-aika.html): the
    working days away "sairauden tai tapaturman vuoksi, enintään kuitenkin 75 työpäivää
    lomanmääräytymisvuodessa, taikka jos työkyvyttömyys jatkuu yhdenjaksoisena
    lomanmääräytymisvuoden päättymisen jälkeen, enintään 75 työpäivää tätä sairautta tai
    tapaturmaa kohden". So a credit year's sick-leave days are equated up to 75 working
    days, spent in date order; and an incapacity that goes on over 31 March
    (:func:`incapacities`: one or more sick leaves without a working day between them)
    keeps its own count over the years: its days in the new credit year are equated only
    while the days equated of it so far, in every credit year, are under 75, and they spend
    the new year's 75 too ("kuluttaa se osaltaan seuraavan lomanmääräytymisvuoden 75
    työpäivää", Taloushallintoliitto,
    https://tilitoimistossa.taloushallintoliitto.fi/palkkahallinto/vuosilomien-kertyminen-sairauspoissaolo).
    The limit counts days equated: days of the incapacity that the year before's 75 had
    already used up (other sick leave before it) do not count against it.

    The earlier credit years of an incapacity that reaches ``year_start`` are counted from
    the ``absences`` given (from its first day's credit year on)."""
    absences = sorted(absences, key=lambda a: a.start)
    chains = incapacities(absences, schedule)
    layoffs = layoff_days_equated(absences, schedule)
    reaching = [a for a in absences if a.kind == "sick" and a.end >= year_start]
    first = min(
        (chains[a].start for a in reaching if chains[a].start < year_start), default=year_start
    )
    # The credit years before the one asked, only counted; then the one asked, yielded.
    windows = []
    start = _credit_year_start(first)
    while start < year_start:
        windows.append((start, min(dt.date(start.year + 1, 3, 31), year_start - ONE_DAY), False))
        start = dt.date(start.year + 1, 4, 1)
    windows.append((year_start, year_end, True))
    chain_used: dict[Absence, int] = defaultdict(int)
    for start, end, wanted in windows:
        limit = int(value_at(P_SICK_EQUATED, end))
        sick_left = limit
        for absence in absences:
            if absence.end < start or absence.start > end:
                continue
            if not wanted and absence.kind != "sick":
                continue  # an earlier year's count needs its sick leave only
            if absence.kind == "sick":
                counted = set()
            elif absence.kind == "layoff":
                counted = layoffs[absence]
            else:
                counted = _equated_working_days(absence, schedule)
            for day in days(max(absence.start, start), min(absence.end, end)):
                if not is_schedule_day(day, schedule):
                    continue
                if absence.kind == "sick":
                    chain = chains[absence]
                    equated = sick_left > 0 and chain_used[chain] < limit
                    if equated:
                        sick_left -= 1
                        chain_used[chain] += 1
                else:
                    equated = day in counted
                if wanted:
                    yield absence, day, equated


def month_effects(
    absences: Iterable[Absence],
    year_start: dt.date,
    year_end: dt.date,
    schedule: str = FIVE_DAY_WEEK,
) -> dict[tuple[int, int], MonthEffect]:
    """Per month of the credit year ``year_start`` - ``year_end``: working days absent and
    working days equated to work (7 § 2 mom.), the sick-leave budget spent in date order.
    The working days are those of the employee's ``schedule`` (ISO weekdays; Monday to Friday
    unless given), public holidays not counted."""
    absences = list(absences)
    if not absences:
        return {}
    absent: dict[tuple[int, int], int] = defaultdict(int)
    equated: dict[tuple[int, int], int] = defaultdict(int)
    for _absence, day, counted in _absence_days(absences, year_start, year_end, schedule):
        absent[month_key(day)] += 1
        if counted:
            equated[month_key(day)] += 1
    return {
        key: MonthEffect(absent[key], equated.get(key, 0))
        for key in sorted(absent.keys() | equated.keys())
    }


def lost_pay_days(
    absences: Iterable[Absence],
    year_start: dt.date,
    year_end: dt.date,
    employment_start: dt.date,
    agreement_weekdays: int = 0,
    schedule: str = FIVE_DAY_WEEK,
) -> list[dt.date]:
    """The working days whose pay the percentage-based holiday pay adds (vuosilomalaki
    162/2005 12 § 2 mom.): the days equated to work (7 § 2 mom., within the limits
    :func:`month_effects` applies: sick leave 75 working days a credit year, family leave
    the leave days per birth or adoption, a lay-off 30 working days at a time) for which
    the employer paid no wages.

    12 § 2 mom. (https://finlex.fi/fi/laki/ajantasa/2005/20050162, read in TEM's
    guide quoting the Act,
    https://www.vuosilomaopas.fi/fi/vuosilomapalkka/prosenttiperusteinen-vuosilomapalkka.html):
    "Jos työntekijä on lomanmääräytymisvuoden aikana ollut estynyt tekemästä työtä 7 §:n 2
    momentin 1-4 tai 7 kohdassa tarkoitetusta syystä, vuosilomapalkan perusteena olevaan
    palkkaan lisätään laskennallisesti poissaoloajalta saamatta jäänyt palkka enintään 7 §:n
    3 momentissa säädetyltä ajalta."

    Sick leave: the equated days after the employer's sick-pay period (:func:`sick_pay`,
    TSL 2:11 or the agreement's ``agreement_weekdays``); the days of the period were paid
    and are in the wages already. Family leave and lay-off: the equated days unless the
    employer paid the absence. Other absences count only when paid (7 § 1 mom.), so lose
    no pay; unpaid leave is not equated."""
    lost: list[dt.date] = []
    unpaid_sick: dict[Absence, frozenset[dt.date]] = {}
    for absence, day, equated in _absence_days(absences, year_start, year_end, schedule):
        if not equated:
            continue
        if absence.kind == "sick":
            if absence not in unpaid_sick:
                pay = sick_pay(absence, employment_start, agreement_weekdays, schedule)
                unpaid_sick[absence] = frozenset(pay.unpaid_days)
            if day in unpaid_sick[absence]:
                lost.append(day)
        elif absence.kind in ("family", "layoff") and not absence.paid:
            lost.append(day)
    return lost


# -- sick pay ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SickPay:
    """How one sick leave is paid: the employer's paid working days and share of the pay, the
    unpaid working days after the paid period, the weekdays Kela reimburses, the waiting
    period's last day and the sections relied on."""

    paid_days: tuple[dt.date, ...]
    share_percent: Decimal
    unpaid_days: tuple[dt.date, ...]
    reimbursed_weekdays: tuple[dt.date, ...]
    waiting_end: dt.date
    # The last day of the employer's pay period (TSL 2:11: the end of the ninth weekday after
    # the day of falling ill, or the agreement's): the days after it are not paid.
    paid_until: dt.date
    source: str = "työsopimuslaki 55/2001 2 luku 11 §; sairausvakuutuslaki 1224/2004 8 luku"


def _nth_weekday_after(start: dt.date, count: int, weekday=is_weekday) -> dt.date:
    day, seen = start, 0
    while seen < count:
        day += ONE_DAY
        seen += weekday(day)
    return day


def _lasted_months(start: dt.date, on: dt.date, months: int) -> bool:
    """Has an employment begun on ``start`` lasted ``months`` calendar months by ``on``? (A
    start on the 31st reaches a shorter month at its last day.)"""
    year, index = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, index + 1)[1])
    return dt.date(year, index + 1, day) <= on


def sick_pay(
    absence: Absence,
    employment_start: dt.date,
    agreement_weekdays: int = 0,
    schedule: str = FIVE_DAY_WEEK,
) -> SickPay:
    """TSL 2:11 1 mom.: the day of falling ill and the nine weekdays after it are paid, "but
    at most until the right to the allowance of the Health Insurance Act begins" (the
    statutory period ends with Kela's waiting period at the latest: a Christmas or Midsummer
    Eve, a weekday for Kela, ends it a day earlier); a collective agreement's longer period
    ``agreement_weekdays`` wins. In full after a month of employment, else 50 %; the days paid
    and lost are the working days of the employee's ``schedule`` (a period that begins or
    ends on a weekend or a public holiday pays or loses none of those days). Kela reimburses
    the paid weekdays (Mon-Sat, the eves counted: :func:`is_sickness_weekday`) after its
    waiting period, the day of falling ill and nine such weekdays (sairausvakuutuslaki 8 luku
    7 §)."""
    on = absence.start
    statutory = int(value_at(P_EMPLOYER_DAYS, on))
    waiting_end = _nth_weekday_after(
        on, int(value_at(P_KELA_WAITING, on)), weekday=is_sickness_weekday
    )
    paid_until = min(_nth_weekday_after(on, statutory), waiting_end)
    if agreement_weekdays > statutory:
        paid_until = max(paid_until, _nth_weekday_after(on, agreement_weekdays))
    short = value_at(P_SHORT_EMPLOYMENT, on)
    lasted = _lasted_months(employment_start, on, int(short["months"]))
    paid = tuple(schedule_days(on, min(absence.end, paid_until), schedule))
    unpaid = tuple(schedule_days(paid_until + ONE_DAY, absence.end, schedule))
    reimbursed = tuple(
        d
        for d in days(waiting_end + ONE_DAY, min(absence.end, paid_until))
        if is_sickness_weekday(d)
    )
    return SickPay(
        paid_days=paid,
        share_percent=HUNDRED if lasted else Decimal(short["percent"]),
        unpaid_days=unpaid,
        reimbursed_weekdays=reimbursed,
        waiting_end=waiting_end,
        paid_until=paid_until,
    )


# -- Kela reimbursement --------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Reimbursement:
    annual_income: Decimal  # after the insurance contribution deduction
    daily_allowance: Decimal
    weekdays: int
    wages_paid: Decimal
    amount: Decimal
    basis: str
    source: str = "sairausvakuutuslaki 1224/2004; https://www.kela.fi/sairauspaivaraha-laskukaava"


def income_months(start: dt.date) -> tuple[dt.date, dt.date]:
    """The annual income's months: the 12 calendar months before the month preceding the
    month the incapacity began (first day of the first, last day of the last)."""
    first_of_month = start.replace(day=1)
    last = (first_of_month - ONE_DAY).replace(day=1) - ONE_DAY  # end of the month before that
    first = dt.date(last.year - 1, last.month, 1) + dt.timedelta(days=32)
    return first.replace(day=1), last


def daily_allowance(annual_wages: Decimal, on: dt.date) -> tuple[Decimal, Decimal]:
    """Kela's sickness allowance per weekday from a year's wages: (the reduced annual income,
    the allowance rounded to the cent)."""
    formula = value_at(P_KELA_FORMULA, on)
    income = cents(annual_wages * (HUNDRED - formula["insurance_deduction"]) / HUNDRED)
    divisor = formula["divisor"]
    if income < formula["minimum_income"]:
        return income, Decimal("0.00")
    below = formula["rate_below_limit"] / HUNDRED
    above = formula["rate_above_limit"] / HUNDRED
    limit = formula["income_limit"]
    if income <= limit:
        return income, cents(below * income / divisor)
    return income, cents(below * limit / divisor + above * (income - limit) / divisor)


def reimbursement(
    annual_wages: Decimal, start: dt.date, weekdays_paid: int, wages_paid: Decimal
) -> Reimbursement:
    """What Kela pays the employer: the allowance for each reimbursed weekday, at most the
    wages the employer paid for those days."""
    income, allowance = daily_allowance(annual_wages, start)
    amount = min(cents(allowance * weekdays_paid), wages_paid)
    return Reimbursement(
        annual_income=income,
        daily_allowance=allowance,
        weekdays=weekdays_paid,
        wages_paid=wages_paid,
        amount=amount,
        basis=f"min({allowance} x {weekdays_paid}, {wages_paid})",
    )
