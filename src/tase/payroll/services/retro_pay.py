"""Retro pay (taannehtiva palkka): a salary change entered with an effective date in the past.

:func:`retro_differences` compares each past payment of the employment (the payslips of
approved or paid regular runs) with what the salary history now says it should have been:

- the monthly salary line: the monthly salary in force on the payment date (the salary the
  pay run takes, :func:`.employees.salary_on`) less the amount paid;
- lines priced at the employee's hourly wage (hours of an hourly-paid employee, overtime and
  other hours of a monthly-paid employee, :mod:`.hourly`): the paid amount scaled by the new
  hourly wage over the one used (rounded to the cent, half up), less the amount paid.

Differences already added to a run (not cancelled) are subtracted, so the preview shows what
is still due and adding it twice adds nothing. :func:`add_retro_pay` adds the differences to a
draft pay run, one line per original payment and income type (wage type ``retro_pay``, 201
time-rate pay, or ``retro_overtime``, 235 overtime compensation), each with the original
pay period as its earnings period. The Incomes Register report of that run carries each as
its own transaction with EarningPeriods/EarningPeriod (WageReportsToIRTypes.xsd, Transaction;
vero.fi, "Ansaintajakso": pay earned in another period than it is paid, such as a
retroactive pay rise, is reported with its earnings period).

Hour lines of other income types (evening, night, weekend supplements) and manually entered
salary amounts (a part month) are not recomputed: the preview says so in its notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tase.core import audit

from ..models import Employment, PayItem, PayRun, Payslip
from .common import require
from .employees import salary_on
from .hourly import hourly_wage
from .setup import ensure_setup

CENT = Decimal("0.01")
TIME_RATE, OVERTIME = 201, 235
WAGE_TYPE_OF = {TIME_RATE: "retro_pay", OVERTIME: "retro_overtime"}
SETTLED = (PayRun.Status.APPROVED, PayRun.Status.PAID)


@dataclass(frozen=True)
class RetroLine:
    """One difference still to pay (negative: to recover) for one past payslip."""

    payslip_id: int
    payment_date: object
    period_start: object
    period_end: object
    wage_type: str
    paid: Decimal  # what the payslip paid on these lines
    due: Decimal  # what the salary history now gives for them
    added: Decimal  # already added to a run as retro pay
    amount: Decimal  # due - paid - added


def _past_payslips(employment: Employment):
    return (
        Payslip.objects.filter(
            employee_id=employment.employee_id,
            pay_run__status__in=SETTLED,
            pay_run__kind=PayRun.Kind.REGULAR,
            payment_date__gte=employment.start_date,
        )
        .select_related("pay_run")
        .order_by("payment_date", "pk")
    )


def _already_added(slip_ids) -> dict[tuple[int, str], Decimal]:
    added: dict[tuple[int, str], Decimal] = {}
    rows = (
        PayItem.objects.filter(retro_for_id__in=slip_ids)
        .exclude(pay_run__status=PayRun.Status.CANCELLED)
        .values_list("retro_for_id", "wage_type", "amount_cents")
    )
    for slip_id, code, cents in rows:
        key = (slip_id, code)
        added[key] = added.get(key, Decimal("0")) + Decimal(cents or 0) / 100
    return added


def retro_differences(actor, employment: Employment) -> list[RetroLine]:
    """The retro pay still due for ``employment``'s past payments under its salary history,
    per payslip and wage type; empty when nothing is due."""
    require(actor, employment.company, "payroll.view")
    employment = Employment.objects.prefetch_related("salaries").get(pk=employment.pk)
    settings_row = ensure_setup(employment.company)
    slips = [s for s in _past_payslips(employment) if employment.covers(s.payment_date)]
    added = _already_added([s.pk for s in slips])
    result = []
    for slip in slips:
        salary = salary_on(employment, slip.payment_date)
        if not salary:
            continue
        new_hourly = hourly_wage(employment, settings_row, salary)
        paid: dict[int, Decimal] = {}
        due: dict[int, Decimal] = {}
        for line in slip.lines:
            amount = Decimal(line["amount"])
            if line["code"] == "monthly_salary":
                paid[TIME_RATE] = paid.get(TIME_RATE, Decimal("0")) + amount
                due[TIME_RATE] = due.get(TIME_RATE, Decimal("0")) + Decimal(salary) / 100
                continue
            record = line.get("hourly")
            income_type = line.get("income_type")
            if not record or new_hourly is None or income_type not in WAGE_TYPE_OF:
                continue
            old_price = Decimal(record["hourly_wage"])
            if old_price <= 0:
                continue
            scaled = (amount * new_hourly.price / old_price).quantize(CENT, ROUND_HALF_UP)
            paid[income_type] = paid.get(income_type, Decimal("0")) + amount
            due[income_type] = due.get(income_type, Decimal("0")) + scaled
        for income_type, due_amount in sorted(due.items()):
            code = WAGE_TYPE_OF[income_type]
            already = added.get((slip.pk, code), Decimal("0"))
            amount = due_amount - paid[income_type] - already
            if amount == 0:
                continue
            result.append(
                RetroLine(
                    payslip_id=slip.pk,
                    payment_date=slip.payment_date,
                    period_start=slip.pay_run.period_start,
                    period_end=slip.pay_run.period_end,
                    wage_type=code,
                    paid=paid[income_type],
                    due=due_amount,
                    added=already,
                    amount=amount,
                )
            )
    return result


def next_draft_run(employment: Employment) -> PayRun | None:
    """The employee's next draft regular pay run (the earliest payment date)."""
    return (
        PayRun.objects.filter(
            company_id=employment.company_id,
            status=PayRun.Status.DRAFT,
            kind=PayRun.Kind.REGULAR,
            employees=employment.employee_id,
        )
        .order_by("payment_date", "pk")
        .first()
    )


@transaction.atomic
def add_retro_pay(actor, employment: Employment, run: PayRun | None = None) -> list[PayItem]:
    """Add the retro pay still due for ``employment`` to ``run`` (default: the employee's
    next draft run): one item per past payslip and wage type, with its earnings period.
    Refused, nothing written, when nothing is due or there is no draft run to pay it in."""
    require(actor, employment.company, "payroll.manage")
    run = run or next_draft_run(employment)
    if run is None:
        raise ValidationError(
            {
                "run": _(
                    "%(employee)s has no draft pay run: create the next pay run first, then "
                    "add the retro pay to it."
                )
                % {"employee": employment.employee.name}
            }
        )
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    if run.company_id != employment.company_id:
        raise ValidationError({"run": _("Unknown pay run.")})
    if run.status != PayRun.Status.DRAFT or run.kind != PayRun.Kind.REGULAR:
        raise ValidationError(
            {"run": _("Retro pay is added to a draft pay run (not a correction run).")}
        )
    if not run.employees.filter(pk=employment.employee_id).exists():
        raise ValidationError(
            {
                "run": _("%(employee)s is not in the pay run %(run)s.")
                % {"employee": employment.employee.name, "run": str(run)}
            }
        )
    lines = retro_differences(actor, employment)
    if not lines:
        raise ValidationError({"run": _("No retro pay is due: the past payments are right.")})
    items = PayItem.objects.bulk_create(
        [
            PayItem(
                pay_run=run,
                employee_id=employment.employee_id,
                wage_type=line.wage_type,
                amount_cents=int(line.amount * 100),
                cost_centre=employment.cost_centre,
                earning_start=line.period_start,
                earning_end=line.period_end,
                retro_for_id=line.payslip_id,
            )
            for line in lines
        ]
    )
    PayRun.objects.filter(pk=run.pk).update(stale=True, revision=F("revision") + 1)
    audit.record(
        actor.user,
        "add_retro_pay",
        run,
        company=run.company,
        changes={
            "retro_pay": [None, str(sum((line.amount for line in lines), Decimal("0")))],
            "lines": [None, len(lines)],
        },
    )
    return items
