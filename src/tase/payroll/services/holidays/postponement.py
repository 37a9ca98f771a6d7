"""Postponing a holiday for incapacity for work (vuosilomalaki 162/2005 25 §): the employee's
request recorded against a planned or taken holiday and the sick leave it rests on, the days
computed by :mod:`tase.rules.holidays.postponement`. The postponed days come off the holiday
(:func:`.ledger.postponed_days`): they return to the credit year's balance (``Balance.postponed``,
in ``left``) to be given later by 26 §, the pay-run holiday lines leave them out, and the
absence lines pay them as sick leave (:func:`..absences.held_holiday_days`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.rules.holidays import postponement as rules
from tase.rules.parameters import ParameterError

from ...models import Absence, Employee, HolidayPostponement, HolidayRecord
from ..common import require, to_date
from .earnings import earning
from .ledger import DATED, load

# The rule's messages, for translation (tase.rules.holidays.postponement.PostponementError).
_MESSAGES = {
    "The incapacity does not overlap the holiday.": lambda: _(
        "The incapacity does not overlap the holiday."
    ),
    "The incapacity holds no holiday day of the holiday to postpone.": lambda: _(
        "The incapacity holds no holiday day of the holiday to postpone."
    ),
}


def _absence(record: HolidayRecord, absence) -> Absence:
    """The employee's sick leave the request rests on (an Absence or its id)."""
    pk = absence.pk if isinstance(absence, Absence) else absence
    try:
        found = Absence.objects.filter(pk=int(pk), employee_id=record.employee_id).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ValidationError({"absence": _("Choose a sick leave of the employee.")})
    if found.kind != Absence.Kind.SICK:
        raise ValidationError(
            {"absence": _("Only incapacity for work recorded as sick leave postpones a holiday.")}
        )
    return found


def deductible_used(record: HolidayRecord) -> int:
    """The deductible days (25 § 2 mom.) the earlier postponements of the holidays of the
    record's credit year used: six at most per credit year, summer and winter together."""
    return sum(
        HolidayPostponement.objects.filter(
            employee_id=record.employee_id, holiday__credit_year_end=record.credit_year_end
        ).values_list("deductible_days", flat=True)
    )


def compute(record: HolidayRecord, absence: Absence, requested_on: dt.date):
    """The rule's :class:`~tase.rules.holidays.postponement.Postponement` of ``record`` for
    ``absence`` asked on ``requested_on``, with the days the record's credit year earned and
    the deductible days its earlier postponements used; refusals as ValidationError naming
    the field."""
    employee = record.employee
    book = load(
        employee.company,
        max(dt.date.today(), record.credit_year_end),
        Employee.objects.filter(pk=employee.pk),
    )
    earned = earning(book, book.employees[0], record.credit_year_end, days_only=True).days
    try:
        return rules.postponement(
            record.start_date,
            record.end_date,
            absence.start_date,
            absence.end_date,
            requested_on,
            year_end=record.credit_year_end,
            earned=earned,
            deductible_used=deductible_used(record),
        )
    except rules.PostponementError as error:
        translate = _MESSAGES.get(error.message)
        text = translate() if translate else error.message
        raise ValidationError({error.field: text}) from None
    except ParameterError as error:  # a credit year before the rule entered (1.10.2013)
        raise ValidationError({"holiday": str(error)}) from None


@transaction.atomic
def postpone_holiday(
    actor, record: HolidayRecord, *, absence, requested_on, note=""
) -> HolidayPostponement:
    """Record the employee's request to postpone ``record`` (a planned or taken holiday) for
    the incapacity of ``absence`` (a sick leave of the employee that overlaps the holiday),
    asked on ``requested_on`` (before the holiday began or during it): the incapacity's
    holiday days within the holiday less the deductible days of 25 § 2 mom. (none when the
    employee was incapacitated when the holiday began, or the treatment was known before
    it, 1 mom.) are postponed. Refused for saved leave taken and free time (not covered
    here), for an absence that is no sick leave of the employee or does not overlap the
    holiday, and for the same absence twice."""
    require(actor, record.company, "payroll.manage")
    employee = Employee.objects.select_for_update().get(pk=record.employee_id)
    record = HolidayRecord.objects.select_related("employee__company").get(pk=record.pk)
    if record.kind not in DATED:
        raise ValidationError({"holiday": _("Only a planned or taken holiday can be postponed.")})
    if record.free_time or record.from_saved:
        raise ValidationError({"holiday": _("Free time and saved leave are not postponed here.")})
    absence = _absence(record, absence)
    requested = to_date(requested_on, "requested_on")
    if record.postponements.filter(absence=absence).exists():
        raise ValidationError(
            {"absence": _("The holiday is already postponed for this incapacity.")}
        )
    result = compute(record, absence, requested)
    row = HolidayPostponement.objects.create(
        company=record.company,
        employee=employee,
        holiday=record,
        absence=absence,
        requested_on=requested,
        made_before=requested < record.start_date,
        ground=result.ground,
        first_day=result.first_day,
        last_day=result.last_day,
        incapacity_days=result.incapacity_days,
        deductible_days=result.deductible_days,
        postponed_days=result.postponed_days,
        postponed_from=result.postponed_from,
        note=(note or "")[:200],
    )
    audit.record(
        actor.user,
        "create",
        row,
        company=record.company,
        changes={
            "holiday": [None, record.pk],
            "absence": [None, absence.pk],
            "ground": [None, result.ground],
            "deductible_days": [None, result.deductible_days],
            "postponed_days": [None, result.postponed_days],
        },
    )
    return row


@transaction.atomic
def delete_postponement(actor, row: HolidayPostponement) -> None:
    """Remove a postponement recorded in error: its days are holiday again."""
    require(actor, row.company, "payroll.manage")
    audit.record(
        actor.user,
        "delete",
        row,
        company=row.company,
        changes={"postponed_days": [row.postponed_days, None]},
    )
    row.delete()
