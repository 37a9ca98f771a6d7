"""Holiday compensation while the employment goes on (vuosilomalaki 162/2005 8 § 1 mom.,
16 §, 19 § 1 mom.): the credit years in which an employee under the 35-hour rule earned no
holiday day, and the compensation still owed for them, for the pay run at the end of the
holiday season and for the holiday-pay liability.

8 § 1 mom.: "Työntekijällä, joka sopimuksen mukaan tekee kaikkina kalenterikuukausina työtä
alle 14 päivää tai 35 tuntia, on työsuhteen kestäessä oikeus halutessaan saada vapaata kaksi
arkipäivää kultakin kalenterikuukaudelta ... Vapaan ajalta maksettavasta lomakorvauksesta
säädetään 16 ja 19 §:ssä." 16 § 1 mom.: "... oikeus saada lomakorvauksena 9 prosenttia tai, jos
työsuhde on jatkunut lomakautta edeltävän lomanmääräytymisvuoden loppuun mennessä vähintään
vuoden, 11,5 prosenttia hänelle lomanmääräytymisvuoden aikana työssäolon ajalta maksetusta tai
maksettavaksi erääntyneestä palkasta lukuun ottamatta hätätyöstä tai lain tai sopimuksen
mukaisesta ylityöstä maksettavaa korotusta." 19 § 1 mom.: paid with the free time, otherwise
at the latest when the holiday season ends (30 September, 4 § 2 kohta). 17 § 1 mom.: the
time already compensated is not compensated again. Read in TEM's guide quoting the Act,
http://www.vuosilomaopas.fi/fi/lomakorvaus-2 and
https://www.vuosilomaopas.fi/fi/lomakorvaus-2/lomakorvauksen-maksaminen.html
(https://finlex.fi/fi/laki/ajantasa/2005/20050162).

A credit year is such a year when the contract's days a week give the 35-hour rule (6 §,
:func:`tase.rules.holidays.earning_rule_for`) and no month of it was full (no day earned, as
:func:`tase.rules.holidays.free_time_only` decides for the calculator), and the employment
began by the year's end and goes on past it (one that ends within the year is compensated by
17 § in its final run). The basis is the year's wages for time at work: the approved payslips
paid within the credit year from the employment's start, gross less the overtime increments
and less their holiday compensation lines, as at the end of an employment. The holiday
compensation already paid from the first such year's first day (approved payslips, and a
draft run's own lines entered by hand) is taken off, down to zero; a compensation paid after
31 March is taken to pay the ended year first. The pay lost in pregnancy and parental leave
is added to each year's basis (16 § 1 mom., second sentence, "siten kuin 12 §:n 2
momentissa säädetään": :func:`.earnings.family_leave_lost_pay`, the days within the 7 §
limit at the day's pay, as the calculator's ``absence_wages``).

**Free time** (8 § 1 mom.: two weekdays for each calendar month of the employment,
:func:`tase.rules.holidays.giving.free_time_days`): the employee who uses it is paid the
year's 16 § compensation with it (19 § 1 mom.: "maksetaan vapaan yhteydessä siten kuin 15
§:ssä säädetään. Muutoin lomakorvaus maksetaan viimeistään lomakauden päättyessä"). The
clerk records it as a holiday marked free time (``HolidayRecord.free_time``, kept apart from
the holiday balance in :attr:`.ledger.Ledger.free_time`). A year with free time recorded is
not paid at the end of the holiday season; the run whose period holds free-time days pays
their share of what is still owed (:func:`tase.rules.holidays.giving.free_time_share`:
owed x the days in the run / the year's free-time days not yet paid), so the year's last
free time pays the rest, and the holiday-pay liability owes it until then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tase.rules import absences as calendar
from tase.rules import holidays as rules
from tase.rules.holidays import giving

from ...models import Employee, Employment, PayItem, PayRun, Payslip
from ..absences import LOCKED
from ..calculation import HOLIDAY_COMPENSATION
from .earnings import chain, earning, family_leave_lost_pay
from .ledger import (
    HOLIDAY_SOURCE,
    ZERO,
    Ledger,
    compensation_cents,
    credit_year_end,
    holiday_cents,
)


def free_time_year(
    book: Ledger, employee: Employee, employment: Employment, year_end: dt.date, upto: dt.date
) -> bool:
    """Whether the credit year ending ``year_end`` is, by ``upto``, a year of 8 § 1 mom. for
    the ``employment``: 35-hour rule, no day earned, the employment begun by then and not
    ended within or before the year."""
    if chain(book, employee, employment)[0].start_date > min(upto, year_end):
        return False
    if employment.end_date is not None and employment.end_date <= year_end:
        return False
    if rules.earning_rule_for(Decimal(employment.days_per_week), year_end) != "35_hours":
        return False
    return not earning(book, employee, year_end, min(upto, year_end), days_only=True).days


def free_time_owed(
    book: Ledger,
    employee: Employee,
    employment: Employment,
    years: list[dt.date],
    until: dt.date,
    run: PayRun | None = None,
) -> Decimal:
    """The 16 § compensation of the credit ``years`` (each its 31 March, in order) not yet
    paid by ``until``: 9 or 11.5 % of each year's wages for time at work paid by ``until``
    (:func:`tase.rules.holidays.no_holiday_compensation`, each year rounded to the cent, half
    up, the rate by a year of employment at the year's end; the wages are gross pay less the
    overtime increments and less the holiday pay, bonus and compensation lines), less the
    16 § compensation paid from the first year's start to ``until`` for these years (lines
    the season-end run or the free time generated for one of ``years``, and lines that record
    no rule; a 17 § or 26 § compensation, or one of another year, is not taken off:
    :func:`.ledger.compensation_cents`) and, for a draft ``run``, its own lines entered by
    hand. One payslip query for a run; for the liability (no ``run``) none of its own, the
    payslips of the ledger's employees under the 35-hour rule being read at once
    (:func:`_slips_of_book`)."""
    if not years:
        return ZERO
    first = dt.date(years[0].year - 1, 4, 1)
    since = max(first, chain(book, employee, employment)[0].start_date)
    if run is None:  # the liability: the chunk's payslips read once (:func:`_slips_of_book`)
        rows = [r for r in _slips_of_book(book, until).get(employee.pk, ()) if r[0] >= since]
    else:
        rows = (
            Payslip.objects.filter(
                company=book.company,
                employee=employee,
                pay_run__status__in=LOCKED,
                payment_date__gte=since,
                payment_date__lte=until,
            )
            .exclude(pay_run=run)
            .order_by()
            .values_list("payment_date", "gross_cents", "overtime_increment_cents", "lines")
        )
    basis: defaultdict[dt.date, int] = defaultdict(int)
    paid = 0
    for day, gross, increments, lines in rows:
        year = credit_year_end(day)
        if year in years:
            basis[year] += gross - increments - holiday_cents(lines)
        paid += compensation_cents(lines, years=years)
    if run is not None:
        paid += sum(
            PayItem.objects.filter(
                pay_run=run, employee=employee, wage_type=HOLIDAY_COMPENSATION, holiday_rule=""
            )
            .exclude(source__startswith=HOLIDAY_SOURCE)
            .values_list("amount_cents", flat=True)
        )
    for year in years:  # 16 § 1 mom., second sentence: the pay lost in family leave
        basis[year] += family_leave_lost_pay(book, employee, employment, year, min(until, year))
    pay = rules.no_holiday_compensation(
        chain(book, employee, employment)[0].start_date,  # a changed contract goes on
        years[-1],
        tuple((year, Decimal(basis[year]) / 100) for year in years),
        Decimal(paid) / 100,
    )
    return pay.amount


def _slips_of_book(book: Ledger, until: dt.date) -> dict[int, list[tuple]]:
    """The approved payslips (payment date, gross, overtime increments, lines) paid by
    ``until`` from the start of the credit year before ``until``'s, of the ledger's employees
    with a contract under the 35-hour rule (6 §: the only ones whose year can be one of 8 §
    1 mom.), by employee id: one query for the whole ledger (a chunk of a company), not one
    per employee, kept in the ledger for ``until``."""
    key = ("free_time_slips", until)
    found = book.shapes.get(key)
    if found is not None:
        return found
    year_end = credit_year_end(until)
    rule_year = dt.date(year_end.year - 1, 3, 31)
    ids = [
        pk
        for pk, employments in book.employments.items()
        if any(
            rules.earning_rule_for(Decimal(e.days_per_week), rule_year) == "35_hours"
            or rules.earning_rule_for(Decimal(e.days_per_week), year_end) == "35_hours"
            for e in employments
        )
    ]
    found = defaultdict(list)
    if ids:
        for row in (
            Payslip.objects.filter(
                company=book.company,
                employee_id__in=ids,
                pay_run__status__in=LOCKED,
                payment_date__gte=dt.date(year_end.year - 2, 4, 1),
                payment_date__lte=until,
            )
            .order_by()
            .values_list(
                "employee_id", "payment_date", "gross_cents", "overtime_increment_cents", "lines"
            )
        ):
            found[row[0]].append(row[1:])
    book.shapes[key] = found
    return found


def season_end_within(run: PayRun) -> dt.date | None:
    """The end of a holiday season (30 September) within the run's period, if one is."""
    for year in sorted({run.period_start.year, run.period_end.year}):
        day = dt.date(year, 9, 30)
        if run.period_start <= day <= run.period_end:
            return day
    return None


def season_end_compensation(
    book: Ledger, employee: Employee, employment: Employment, run: PayRun
) -> Decimal:
    """The 16 § compensation the run pays: by the run whose period holds the end of the
    holiday season, for the credit year ended the 31 March before it (19 § 1 mom.: at the
    latest when the holiday season ends); zero for any other run, employment or year."""
    season_end = season_end_within(run)
    if season_end is None:
        return ZERO
    year_end = dt.date(season_end.year, 3, 31)
    if not free_time_year(book, employee, employment, year_end, year_end):
        return ZERO
    if any(r.credit_year_end == year_end for r in book.free_time.get(employee.pk, [])):
        return ZERO  # paid with the free time instead (19 § 1 mom.)
    return free_time_owed(
        book, employee, employment, [year_end], max(run.payment_date, year_end), run
    )


def season_end_year(run: PayRun) -> dt.date | None:
    """The credit year whose 16 § compensation the run at the end of the holiday season pays
    (its 31 March), or None for a run without the season's end."""
    season_end = season_end_within(run)
    return None if season_end is None else dt.date(season_end.year, 3, 31)


def liability_owed(book: Ledger, employee: Employee, on: dt.date) -> Decimal:
    """The 16 § compensation owed at the end of ``on`` (the holiday-pay liability): of the
    last ended credit year while not yet paid, and of the current one so far (its wages by
    ``on`` at its rate; a month that becomes full later makes it holiday pay by 12 §, the same
    percentage). Zero without an employment on ``on``."""
    employment = max(
        (
            e
            for e in book.employments.get(employee.pk, [])
            if e.start_date <= on and (e.end_date is None or e.end_date >= on)
        ),
        key=lambda e: e.start_date,
        default=None,
    )
    if employment is None:
        return ZERO
    current = credit_year_end(on)
    ended = dt.date(current.year - 1, 3, 31)
    years = [y for y in (ended, current) if free_time_year(book, employee, employment, y, on)]
    return free_time_owed(book, employee, employment, years, on)


def _covering(book: Ledger, employee: Employee, day: dt.date) -> Employment | None:
    return next(
        (
            e
            for e in book.employments.get(employee.pk, [])
            if e.start_date <= day and (e.end_date is None or e.end_date >= day)
        ),
        None,
    )


def months_employed(
    book: Ledger, employee: Employee, employment: Employment, year_end: dt.date
) -> int:
    """The calendar months of the credit year ending ``year_end`` in which the employment (its
    earlier contracts included, :func:`.earnings.chain`) was in force on some day."""
    first = max(dt.date(year_end.year - 1, 4, 1), chain(book, employee, employment)[0].start_date)
    last = min(year_end, employment.end_date or year_end)
    if first > last:
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1


def free_time_left(book: Ledger, employee: Employee, year_end: dt.date, start: dt.date) -> int:
    """The free time (weekdays) of the credit year ending ``year_end`` not yet planned or
    taken, for free time beginning on ``start``; refused (naming the field) for free time
    beginning before the year has ended, or for a year that is not one of 8 § 1 mom."""
    if start <= year_end:
        raise ValidationError(
            {"start_date": _("The free time of a credit year begins after the year has ended.")}
        )
    employment = _covering(book, employee, start)
    if employment is None or not free_time_year(book, employee, employment, year_end, year_end):
        raise ValidationError(
            {
                "credit_year_end": _(
                    "Free time is for a credit year in which the employee, working fewer than "
                    "14 days or 35 hours every month, earned no holiday (Annual Holidays Act "
                    "8 §)."
                )
            }
        )
    used = sum(r.days for r in book.free_time.get(employee.pk, []) if r.credit_year_end == year_end)
    months = months_employed(book, employee, employment, year_end)
    return giving.free_time_days(months, year_end) - used


def free_time_lines(
    book: Ledger, employee: Employee, run: PayRun
) -> list[tuple[str, dt.date, Decimal]]:
    """(source, credit year, amount) of the 16 § compensation paid with the free time within the run's
    period (19 § 1 mom.), per credit year: the share of what is still owed for the free-time
    days in the period (:func:`tase.rules.holidays.giving.free_time_share`)."""
    records = book.free_time.get(employee.pk, [])
    items = []
    for year_end in sorted({r.credit_year_end for r in records}):
        own = [r for r in records if r.credit_year_end == year_end]
        within = [
            r for r in own if r.start_date <= run.period_end and r.end_date >= run.period_start
        ]
        if not within:
            continue
        days = sum(
            calendar.holiday_days(
                max(r.start_date, run.period_start), min(r.end_date, run.period_end)
            )
            for r in within
        )
        days_left = sum(
            calendar.holiday_days(max(r.start_date, run.period_start), r.end_date)
            for r in own
            if r.end_date >= run.period_start
        )
        employment = _covering(book, employee, within[0].start_date)
        if employment is None or not free_time_year(book, employee, employment, year_end, year_end):
            continue
        owed = free_time_owed(
            book, employee, employment, [year_end], max(run.payment_date, year_end), run
        )
        share = giving.free_time_share(owed, days, days_left)
        if share:
            items.append((f"{HOLIDAY_SOURCE}free_time:{year_end.isoformat()}", year_end, share))
    return items
