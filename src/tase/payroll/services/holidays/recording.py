"""Recording holidays: planning and recording them (refused beyond the balance), saved
leave saved and taken, a planned holiday marked taken, a holiday deleted.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase.core import audit
from tase.rules import absences as calendar
from tase.rules.parameters import value_at

from ...models import Employee, HolidayRecord
from ..absences import check_dates, check_free
from ..common import require
from .balance_days import balance, saved_left
from .free_time import free_time_left
from .ledger import DATED, P_SAVING, P_SAVING_AGREED, load, year_used_by


def _year_end(value, start: dt.date | None) -> dt.date:
    if value in (None, ""):
        if start is None:
            raise ValidationError({"credit_year_end": _("Give the credit year.")})
        return year_used_by(start)
    day = value if isinstance(value, dt.date) else None
    if day is None:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError({"credit_year_end": _("Enter a date.")}) from None
    if (day.month, day.day) != (3, 31):
        raise ValidationError({"credit_year_end": _("A credit year ends on 31 March.")})
    return day


def _refuse_beyond(left: int, days: int, year_end: dt.date, field_name: str) -> None:
    if days > left:
        raise ValidationError(
            {
                field_name: _(
                    "%(days)s holiday days asked, but only %(left)s are left of the credit "
                    "year ending %(end)s."
                )
                % {
                    "days": days,
                    "left": max(left, 0),
                    "end": date_format(year_end, "SHORT_DATE_FORMAT"),
                }
            }
        )


@transaction.atomic
def record_holiday(
    actor,
    employee: Employee,
    *,
    start_date,
    end_date,
    kind="planned",
    credit_year_end=None,
    note="",
    from_saved=False,
    free_time=False,
) -> HolidayRecord:
    """Plan or record a holiday: its holiday days (vuosilomalaki 3 § 2 mom.) from the credit
    year given (by default the last one ended before it starts). Refused beyond the balance,
    over another holiday or absence, or outside the employment. ``from_saved``: saved leave
    taken (27 § 3 mom.), from the saved days of the year given (by default the oldest year
    with saved days left), refused beyond them. ``free_time``: the free time of an employee
    who earned no holiday in the credit year (8 § 1 mom., :func:`.free_time.free_time_left`:
    two weekdays for each month of the employment in it), refused beyond it; it uses no
    holiday days, and the year's 16 § compensation is paid with it (19 § 1 mom.)."""
    require(actor, employee.company, "payroll.manage")
    if kind not in DATED:
        raise ValidationError({"kind": _("Choose planned or taken.")})
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    start, end = check_dates(employee, start_date, end_date)
    days = calendar.holiday_days(start, end)
    if days == 0:
        raise ValidationError({"end_date": _("The dates hold no holiday days.")})
    check_free(employee, start, end, "start_date")
    if free_time:
        if from_saved:
            raise ValidationError({"from_saved": _("Free time is not saved leave.")})
        year_end = _year_end(credit_year_end, start)
        book = load(
            employee.company,
            max(dt.date.today(), year_end),
            Employee.objects.filter(pk=employee.pk),
        )
        left = free_time_left(book, book.employees[0], year_end, start)
        _refuse_beyond(left, days, year_end, "end_date")
    elif from_saved:
        year_end = _saved_year(employee, credit_year_end, days)
    else:
        year_end = _year_end(credit_year_end, start)
        book = load(
            employee.company,
            max(dt.date.today(), year_end),
            Employee.objects.filter(pk=employee.pk),
        )
        _refuse_beyond(balance(book, book.employees[0], year_end).left, days, year_end, "end_date")
    record = HolidayRecord.objects.create(
        company=employee.company,
        employee=employee,
        credit_year_end=year_end,
        kind=kind,
        start_date=start,
        end_date=end,
        days=days,
        from_saved=bool(from_saved),
        free_time=bool(free_time),
        note=(note or "")[:200],
    )
    audit.record(
        actor.user,
        "create",
        record,
        company=employee.company,
        changes={
            "kind": [None, kind],
            "dates": [None, f"{start}/{end}"],
            "days": [None, days],
            "from_saved": [None, bool(from_saved)],
            "free_time": [None, bool(free_time)],
        },
    )
    return record


def _saved_year(employee: Employee, credit_year_end, days: int) -> dt.date:
    """The credit year whose saved days a saved leave of ``days`` uses: the one given, or
    the oldest with saved days left; refused (naming ``end_date``) beyond its saved days."""
    book = load(employee.company, dt.date.today(), Employee.objects.filter(pk=employee.pk))
    pool = saved_left(book, employee.pk)
    if credit_year_end in (None, ""):
        if not pool:
            raise ValidationError({"end_date": _("The employee has no saved leave left.")})
        year_end = next(iter(pool))
    else:
        year_end = _year_end(credit_year_end, None)
    _refuse_beyond(pool.get(year_end, 0), days, year_end, "end_date")
    return year_end


@transaction.atomic
def save_leave(
    actor, employee: Employee, *, credit_year_end, days, note="", agreed=True
) -> HolidayRecord:
    """Saved leave (säästövapaa, vuosilomalaki 27 § 1 mom.): by agreement with the employer
    the days beyond the first 18 of the credit year may be saved; without one, the employee's
    own right covers the days beyond 24. The days are kept for the credit year they were
    saved from and taken later (:func:`record_holiday` with ``from_saved``)."""
    require(actor, employee.company, "payroll.manage")
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    year_end = _year_end(credit_year_end, None)
    try:
        count = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": _("Enter a whole number.")}) from None
    if count <= 0:
        raise ValidationError({"days": _("Enter a number above zero.")})
    book = load(
        employee.company, max(dt.date.today(), year_end), Employee.objects.filter(pk=employee.pk)
    )
    current = balance(book, book.employees[0], year_end)
    kept = int(value_at(P_SAVING_AGREED if agreed else P_SAVING, year_end))
    savable = current.earned - kept - current.saved
    _refuse_beyond(min(current.left, savable), count, year_end, "days")
    record = HolidayRecord.objects.create(
        company=employee.company,
        employee=employee,
        credit_year_end=year_end,
        kind=HolidayRecord.Kind.SAVED,
        days=count,
        note=(note or "")[:200],
    )
    audit.record(
        actor.user,
        "create",
        record,
        company=employee.company,
        changes={"days": [None, count], "agreed": [None, bool(agreed)]},
    )
    return record


@transaction.atomic
def mark_taken(actor, record: HolidayRecord) -> HolidayRecord:
    require(actor, record.company, "payroll.manage")
    if record.kind != HolidayRecord.Kind.PLANNED:
        raise ValidationError({"kind": _("Only a planned holiday can be marked taken.")})
    record.kind = HolidayRecord.Kind.TAKEN
    record.save(update_fields=["kind"])
    audit.record(
        actor.user, "update", record, company=record.company, changes={"kind": ["planned", "taken"]}
    )
    return record


@transaction.atomic
def delete_holiday(actor, record: HolidayRecord) -> None:
    require(actor, record.company, "payroll.manage")
    audit.record(
        actor.user, "delete", record, company=record.company, changes={"days": [record.days, None]}
    )
    record.delete()
