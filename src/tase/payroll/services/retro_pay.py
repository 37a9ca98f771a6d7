"""Retro pay (taannehtiva palkka): a salary change entered with an effective date in the past.

:func:`retro_differences` compares each past payment of the employment (the payslips of
approved or paid regular runs, with the approved corrections of each) with what the salary
history now says it should have been:

- the monthly and weekly salary lines: the line scaled by the salary now in force on the
  payment date (the salary the pay run takes, :func:`.employees.salary_on`) over the salary
  it was priced at, which the payslip line keeps (``salary_used``), less the amount paid: a
  full month pays the new monthly salary, a weekly salary per week paid weeks x the new
  weekly salary, a line lowered for a holiday or entered for a part month or week its share
  (a monthly salary line of a payslip from before lines kept it: the new monthly salary);
- lines priced at the employee's hourly wage (hours of an hourly-paid employee, overtime,
  evening, night, Saturday and Sunday supplements and any other hour-based wage type of a
  monthly-paid employee, :mod:`.hourly`), the hours a correction run added or took away
  included (a correction prices them at the original payment's hourly wage and keeps its
  record on the line): the paid amount scaled by the new hourly wage over the one used
  (rounded to the cent, half up), less the amount paid.

Differences already added to a run (not cancelled) are subtracted, so the preview shows what
is still due and adding it twice adds nothing. :func:`add_retro_pay` adds the differences to a
draft pay run, one line per original payment and income type, with the retro wage type of
that income type (``RETRO_WAGE_TYPES`` of the catalogue: ``retro_pay`` 201 time-rate pay,
``retro_overtime`` 235 overtime compensation, ``retro_evening_supplement`` 206,
``retro_night_supplement`` 236, ``retro_saturday_supplement`` 211, ``retro_sunday_supplement``
221; the company's own income type settings decide the match), each with the original pay
period as its earnings period. The Incomes Register report of that run carries each as its
own transaction with EarningPeriods/EarningPeriod (WageReportsToIRTypes.xsd, Transaction;
vero.fi, "Ansaintajakso": pay earned in another period than it is paid, such as a
retroactive pay rise, is reported with its earnings period).

Not recomputed: hours priced at an entered unit price (a fixed supplement in euros per hour
does not follow the salary), an hour-based line whose income type has no retro wage type in
the company's catalogue. A monthly salary line of a payslip calculated before salary lines
kept their salary is taken as a full month's: one lowered for a holiday or entered for a part
month gets the whole new salary as due (check such a difference before adding it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tase.core import audit
from tase.rules.payroll.salary import (
    MONTHLY_SALARY,
    SALARY_USED,
    WEEKLY_SALARY,
    is_salary,
    salary_wage_type,
)
from tase.rules.payroll_catalogue import RETRO_WAGE_TYPES

from ..models import Employment, PayItem, PayRun, Payslip
from .common import require
from .employees import salary_on
from .hourly import hourly_wage
from .setup import engine_catalogue, ensure_setup

CENT = Decimal("0.01")
TIME_RATE = 201
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


def _retro_wage_types(company) -> dict[int, str]:
    """Income type → the company's retro wage type of it (hidden ones left out)."""
    catalogue = engine_catalogue(company)
    found: dict[int, str] = {}
    for code in RETRO_WAGE_TYPES:
        wage = catalogue.get(code)
        if wage is not None and wage.income_type is not None:
            found.setdefault(wage.income_type, code)
    return found


def _corrected_hours(employee_id: int, run_ids) -> dict[int, list[dict]]:
    """Per original run: the hour lines (with their hourly-wage record) of the approved
    correction payslips of ``employee_id`` correcting it."""
    found: dict[int, list[dict]] = defaultdict(list)
    rows = Payslip.objects.filter(
        employee_id=employee_id,
        pay_run__kind=PayRun.Kind.CORRECTION,
        pay_run__status__in=SETTLED,
        pay_run__corrects_id__in=run_ids,
    ).values_list("pay_run__corrects_id", "lines")
    for run_id, lines in rows:
        found[run_id].extend(line for line in lines if line.get("hourly"))
    return found


def _salary_due(line: dict, basis: str, salary_cents: int) -> Decimal | None:
    """What the salary history now gives for one of a past payment's salary lines, or None
    when it is not recomputed. A monthly or weekly salary line of the employment's own basis
    that keeps the salary it was priced at (:data:`~tase.rules.payroll.salary.SALARY_USED`;
    a weekly line of weeks x the weekly salary: its unit price) is scaled by the salary now in
    force over that one, rounded to the cent half up: per week paid, weeks x the old weekly
    salary becomes weeks x the new one, a full month the new monthly salary, and a line
    lowered for the salary kept during a holiday or entered for a part month or week gets its
    own share. A monthly salary line of a payslip calculated before lines kept their salary:
    the monthly salary now in force."""
    code = line["code"]
    used = line.get(SALARY_USED) or (line.get("unit_price") if code == WEEKLY_SALARY else None)
    if used and code == salary_wage_type(basis) and Decimal(used) > 0:
        amount = Decimal(line["amount"])
        return (amount * Decimal(salary_cents) / 100 / Decimal(used)).quantize(CENT, ROUND_HALF_UP)
    if code == MONTHLY_SALARY and not used:
        return Decimal(salary_cents) / 100
    return None


def _paid_and_due(slip_lines, corrected, salary_cents, new_hourly, retro_of, basis=""):
    """(paid, due) per retro wage type of one past payment: its monthly or weekly salary
    (:func:`_salary_due`) and the lines priced at the hourly wage, the hours its corrections
    added included."""
    paid: dict[str, Decimal] = defaultdict(Decimal)
    due: dict[str, Decimal] = defaultdict(Decimal)
    for line in [*slip_lines, *corrected]:
        amount = Decimal(line["amount"])
        if is_salary(line["code"]):  # only the original's: corrections keep it
            code = retro_of.get(TIME_RATE)
            now = _salary_due(line, basis, salary_cents)
            if code is not None and now is not None:
                paid[code] += amount
                due[code] += now
            continue
        record = line.get("hourly")
        code = retro_of.get(line.get("income_type"))
        if not record or new_hourly is None or code is None:
            continue
        old_price = Decimal(record["hourly_wage"])
        if old_price <= 0:
            continue
        paid[code] += amount
        due[code] += (amount * new_hourly.price / old_price).quantize(CENT, ROUND_HALF_UP)
    return paid, due


def retro_differences(actor, employment: Employment) -> list[RetroLine]:
    """The retro pay still due for ``employment``'s past payments under its salary history,
    per payslip and retro wage type; empty when nothing is due."""
    require(actor, employment.company, "payroll.view")
    employment = Employment.objects.prefetch_related("salaries").get(pk=employment.pk)
    settings_row = ensure_setup(employment.company)
    retro_of = _retro_wage_types(employment.company)
    slips = [s for s in _past_payslips(employment) if employment.covers(s.payment_date)]
    corrected = _corrected_hours(employment.employee_id, {s.pay_run_id for s in slips})
    added = _already_added([s.pk for s in slips])
    result = []
    for slip in slips:
        salary = salary_on(employment, slip.payment_date)
        if not salary:
            continue
        new_hourly = hourly_wage(employment, settings_row, salary)
        paid, due = _paid_and_due(
            slip.lines,
            corrected.get(slip.pay_run_id, []),
            salary,
            new_hourly,
            retro_of,
            employment.pay_basis,
        )
        for code, due_amount in sorted(due.items()):
            already = added.get((slip.pk, code), Decimal("0"))
            amount = due_amount - paid[code] - already
            if amount == 0:
                continue
            result.append(
                RetroLine(
                    payslip_id=slip.pk,
                    payment_date=slip.payment_date,
                    period_start=slip.pay_run.period_start,
                    period_end=slip.pay_run.period_end,
                    wage_type=code,
                    paid=paid[code],
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
    next draft run): one item per past payslip and retro wage type, with its earnings period.
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
