"""Correction runs: correcting the payslips of an approved pay run.

A correction run (``PayRun.kind == "correction"``) refers to the approved run it corrects
(``corrects``) and names the employees whose payslips are corrected. The clerk enters the
corrections as pay items (an hour more, a bonus left out, a recovered overpayment as a
negative ``pay_correction``). Calculating the correction run calculates each employee's
payslip again *as it should have been*: the original run's items, the items of earlier
approved corrections and these, on the original payment date with the original tax card
and the running totals the original had. The correction payslip holds the difference from
what was already paid (the original payslip and earlier corrections), line by line and in
every total, so that:

- the correction run's voucher posts only the differences (the ordinary pay-run posting;
  a negative difference is posted on the other side), dated on the correction run's
  payment date, when the money moves;
- its net pay is what is paid on top (or, negative, recovered);
- the payslip keeps the original payment date, the date the Incomes Register knows the
  payment by: the year-to-date figures, the month's employer's health insurance
  contribution (the separate report) and the next payslips count it there.

Approving it produces replacement earnings payment reports (ActionCode 2 once the original
was sent; the same ReportId, the next ReportVersion) for exactly the employees whose
payslip changed, carrying the whole corrected payment of the original payment date (the
Register's replacement report re-enters all of the report's data: vero.fi, "Korvaava
ilmoitus", https://www.vero.fi/tulorekisteri/yritykset-ja-organisaatiot/suorituksen-maksajat/palkkatiedot/palkkatietojen-korjaaminen/korvaava-ilmoitus/),
and produces the separate report of the original payment month again.

A run that was never approved (a draft: change it instead; a cancelled run) cannot be
corrected: the request is refused naming the run, nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.formats import incomes_register as irf
from tase.rules import incomes_register as rules
from tase.rules import payroll as engine
from tase.rules.payroll.salary import (
    MONTHLY_SALARY,
    SALARY_USED,
    is_salary,
    salary_wage_type,
)

from ..models import Employee, IncomesRegisterReport, PayItem, PayRun, Payslip
from .common import require

Report = IncomesRegisterReport
SETTLED = (PayRun.Status.APPROVED, PayRun.Status.PAID)
# Payslip fields (money, and the overtime hours) that a correction payslip holds as
# differences.
TOTALS = (
    "gross_cents",
    "benefits_cents",
    "taxable_cents",
    "withholding_cents",
    "employee_tyel_cents",
    "employee_unemployment_cents",
    "employee_health_cents",
    "union_dues_cents",
    "deductions_cents",
    "tax_free_cents",
    "net_cents",
    "employer_health_cents",
    "employer_tyel_cents",
    "employer_unemployment_cents",
    "employer_accident_cents",
    "employer_group_life_cents",
    "total_cost_cents",
    "unemployment_wage_sum_cents",
    "tyel_earnings_cents",
    "tyel_charged_cents",
    # The holiday rules' parts of gross pay (vuosilomalaki 162/2005 10 § 1 mom., 11 § 2 mom.,
    # 12 § 1 mom.): the holiday lines (not wages for time at work), the overtime increments
    # and hours, the other pay besides a salary. As differences like the gross pay they are
    # part of, so that the original and its corrections together count each once.
    "holiday_pay_cents",
    "overtime_increment_cents",
    "overtime_hours",
    "holiday_other_pay_cents",
)


def _fi_day(day: dt.date, year: bool = True) -> str:
    return f"{day.day}.{day.month}.{day.year}" if year else f"{day.day}.{day.month}."


def run_name(run: PayRun) -> str:
    """A run as a clerk knows it: its pay period and (in brackets) its payment date, in the
    Finnish form (1.3.-31.3.2026 (31.3.2026); the first year only when it differs)."""
    start, end = run.period_start, run.period_end
    return f"{_fi_day(start, start.year != end.year)}-{_fi_day(end)} ({_fi_day(run.payment_date)})"


def _original(run: PayRun) -> PayRun:
    """The regular run a correction finally corrects (a correction of a correction corrects
    the same original)."""
    while run.kind == PayRun.Kind.CORRECTION and run.corrects_id:
        run = run.corrects
    return run


def check_correctable(run: PayRun) -> None:
    """Refuse a run that was never approved (or was cancelled): nothing to correct."""
    if run.status not in SETTLED:
        raise ValidationError(
            {
                "corrects": _(
                    "The pay run %(run)s has not been approved (it is %(status)s): only an "
                    "approved pay run can be corrected. Change a draft directly."
                )
                % {"run": run_name(run), "status": run.get_status_display().lower()}
            }
        )


@transaction.atomic
def create_correction_run(
    actor,
    original: PayRun,
    *,
    payment_date: dt.date,
    employees,
    description: str = "",
) -> PayRun:
    """A draft correction run of the approved ``original`` for ``employees`` (each must have
    a payslip in it), paid on ``payment_date``."""
    require(actor, original.company, "payroll.manage")
    original = _original(PayRun.objects.select_for_update().get(pk=original.pk))
    check_correctable(original)
    if payment_date is None:
        raise ValidationError({"payment_date": _("Give the payment date of the correction.")})
    if payment_date < original.payment_date:
        raise ValidationError(
            {
                "payment_date": _(
                    "The correction is paid on or after the original payment date %(date)s."
                )
                % {"date": f"{original.payment_date:%d.%m.%Y}"}
            }
        )
    employees = list(employees or [])
    if not employees:
        raise ValidationError({"employees": _("Choose the employees whose payslips to correct.")})
    paid = set(Payslip.objects.filter(pay_run=original).values_list("employee_id", flat=True))
    for employee in employees:
        if employee.company_id != original.company_id or employee.pk not in paid:
            raise ValidationError(
                {
                    "employees": _("%(employee)s has no payslip in the pay run %(run)s.")
                    % {"employee": employee.name, "run": run_name(original)}
                }
            )
    run = PayRun.objects.create(
        company=original.company,
        kind=PayRun.Kind.CORRECTION,
        corrects=original,
        period_start=original.period_start,
        period_end=original.period_end,
        payment_date=payment_date,
        description=description or _("Correction of %(run)s") % {"run": run_name(original)},
    )
    run.employees.set(employees)
    audit.record(
        actor.user,
        "create_correction",
        run,
        company=run.company,
        changes={"corrects": [None, original.pk], "employees": [None, len(employees)]},
    )
    return run


def _earlier_corrections(run: PayRun):
    """The approved corrections of ``run``'s original, ``run`` itself excluded."""
    return PayRun.objects.filter(
        corrects_id=run.corrects_id, kind=PayRun.Kind.CORRECTION, status__in=SETTLED
    ).exclude(pk=run.pk)


def _line_key(line: dict) -> tuple:
    period = tuple(line.get("earning_period") or ())
    return (line["section"], line["code"], line.get("cost_centre") or "", period)


def combined_lines(slips) -> list[dict]:
    """The lines of ``slips`` (an original payslip and its corrections) summed per wage type,
    section, cost centre and earnings period: the payment as it now stands. Zero lines
    are left out."""
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    first: dict[tuple, dict] = {}
    for slip in slips:
        for line in slip.lines:
            key = _line_key(line)
            totals[key] += Decimal(line["amount"])
            first.setdefault(key, line)
    result = []
    for key, total in totals.items():
        if total == 0:
            continue
        line = dict(first[key])
        line["amount"] = str(total)
        result.append(line)
    return result


def _difference_lines(now: list[dict], before: list[dict]) -> list[dict]:
    previous: dict[tuple, Decimal] = defaultdict(Decimal)
    labels: dict[tuple, dict] = {}
    for line in before:
        previous[_line_key(line)] += Decimal(line["amount"])
        labels.setdefault(_line_key(line), line)
    current: dict[tuple, Decimal] = defaultdict(Decimal)
    hourly: dict[tuple, dict] = {}
    for line in now:
        current[_line_key(line)] += Decimal(line["amount"])
        labels.setdefault(_line_key(line), line)
        if line.get("hourly"):
            hourly[_line_key(line)] = line["hourly"]
    lines = []
    for key in list(dict.fromkeys([*(_line_key(x) for x in now), *previous])):
        difference = current[key] - previous[key]
        if difference == 0:
            continue
        line = dict(labels[key])
        line.update(
            amount=str(difference),
            base=None,
            rate=None,
            quantity=None,
            unit_price=None,
            was=str(previous[key]),
            now=str(current[key]),
        )
        # Hours are priced at the original payment's hourly wage (_at_original_hourly_wage):
        # the difference keeps its record, so retro pay can recompute it.
        line.pop("hourly", None)
        if key in hourly:
            line["hourly"] = hourly[key]
        lines.append(line)
    return lines


def _salary_lines(original_slip: Payslip) -> list[dict]:
    """The original payslip's monthly or weekly salary lines."""
    return [line for line in original_slip.lines if is_salary(line["code"])]


def _kept_salary_item(employee: Employee, original_slip: Payslip) -> list[PayItem]:
    """The original salary lines (monthly or weekly) as items, so the corrected payslip keeps
    the salary the original was paid with (a retro salary change is paid as retro pay, not
    here): a weekly salary of weeks x the weekly salary as the same quantity and unit price,
    an amount as the amount, each with the salary it was priced at."""
    items = []
    for line in _salary_lines(original_slip):
        if line.get("quantity") is not None and line.get("unit_price") is not None:
            item = PayItem(
                employee=employee,
                wage_type=line["code"],
                quantity=Decimal(line["quantity"]),
                unit_price=Decimal(line["unit_price"]),
            )
        elif Decimal(line["amount"]):
            item = PayItem(
                employee=employee,
                wage_type=line["code"],
                amount_cents=int(Decimal(line["amount"]) * 100),
            )
        else:
            continue
        item.salary_used = line.get(SALARY_USED)
        items.append(item)
    return items


def _original_hourly_wage(original_slip: Payslip, calculation) -> dict | None:
    """The hourly-wage record the original payslip priced hours at: its hourly lines' record,
    or (a monthly or weekly-paid employee without hours then) the hourly wage of the salary
    its salary line was priced at (a payslip calculated before lines kept it: the monthly
    salary line's amount). None when neither is known (an hourly-paid employee paid no hours
    then)."""
    from .employees import employment_on
    from .hourly import hourly_wage

    used = next((line["hourly"] for line in original_slip.lines if line.get("hourly")), None)
    if used is not None:
        return used
    employment = employment_on(original_slip.employee, original_slip.payment_date)
    if employment is None:
        return None
    code = salary_wage_type(employment.pay_basis)
    lines = [line for line in _salary_lines(original_slip) if line["code"] == code]
    priced_at = next((line[SALARY_USED] for line in lines if line.get(SALARY_USED)), None)
    if priced_at:
        salary = Decimal(priced_at)
    elif code == MONTHLY_SALARY:  # a payslip calculated before lines kept their salary
        salary = sum((Decimal(line["amount"]) for line in lines), Decimal("0"))
    else:
        salary = Decimal(0)
    if not salary:
        return None
    wage = hourly_wage(employment, calculation.settings_row, int(salary * 100))
    return None if wage is None else wage.record


def _at_original_hourly_wage(items: list[PayItem], original_slip: Payslip, calculation) -> list:
    """Hours without a unit price are priced at the hourly wage the original payslip used, so
    that a salary change made since (retro pay, paid on its own) does not enter the
    correction. Each keeps that hourly-wage record on its line (``hourly_record``): retro pay
    recomputes the hours a correction added like the original's."""
    from .hourly import is_hour_based

    used = _original_hourly_wage(original_slip, calculation)
    if used is None:
        return items
    priced = []
    for item in items:
        wage = calculation.catalogue.get(item.wage_type)
        if item.unit_price is None and item.quantity is not None and wage and is_hour_based(wage):
            item = PayItem(
                employee_id=item.employee_id,
                wage_type=item.wage_type,
                amount_cents=item.amount_cents,
                quantity=item.quantity,
                unit_price=Decimal(used["hourly_wage"]),
                cost_centre=item.cost_centre,
                earning_start=item.earning_start,
                earning_end=item.earning_end,
            )
            item.hourly_record = used
        priced.append(item)
    return priced


def _net_absence_items(items: list[PayItem], prefix: str) -> list[PayItem]:
    """``items`` with the lines generated from absences summed per absence, wage type and
    unit price: a correction's absence lines are differences (:func:`.absences.absence_lines`,
    e.g. sick hours taken back), and the payment as it should have been holds their sum, which
    is never negative where the wage type does not allow it. Lines that sum to zero go."""
    kept, netted = [], {}
    for item in items:
        if not (item.source or "").startswith(prefix):
            kept.append(item)
            continue
        price = None if item.unit_price is None else Decimal(item.unit_price).normalize()
        key = (item.source, item.wage_type, price, item.quantity is not None)
        total = netted.get(key)
        if total is None:
            netted[key] = PayItem(
                employee_id=item.employee_id,
                wage_type=item.wage_type,
                amount_cents=item.amount_cents,
                quantity=item.quantity,
                unit_price=item.unit_price,
                cost_centre=item.cost_centre,
                source=item.source,
            )
        elif item.quantity is not None:
            total.quantity = Decimal(total.quantity) + Decimal(item.quantity)
        else:
            total.amount_cents = (total.amount_cents or 0) + (item.amount_cents or 0)
    for item in netted.values():
        if item.quantity if item.quantity is not None else item.amount_cents:
            kept.append(item)
    return kept


def _month_tyel(original: PayRun, employee_ids) -> dict[int, tuple[int, int]]:
    """TyEL earnings and charged base of the month of the original payment, before it:
    the other runs' settled payslips, the original and its corrections excluded."""
    rows = (
        Payslip.objects.filter(
            employee_id__in=employee_ids,
            payment_date__year=original.payment_date.year,
            payment_date__month=original.payment_date.month,
            pay_run__status__in=SETTLED,
        )
        .exclude(pay_run=original)
        .exclude(pay_run__corrects=original)
        .values("employee_id")
        .annotate(earnings=Sum("tyel_earnings_cents"), charged=Sum("tyel_charged_cents"))
    )
    return {r["employee_id"]: (r["earnings"] or 0, r["charged"] or 0) for r in rows}


def correction_payslips(run: PayRun, employees: list[Employee], items: dict, calculation):
    """The correction payslips (unsaved) of ``employees`` in the correction ``run``: each the
    corrected payslip less what was paid already. ``calculation`` is the run's
    calculation context (settings, catalogue)."""
    from .absences import ABSENCE_SOURCE
    from .calculation import _payslip_row, payslip_input

    original = run.corrects
    check_correctable(original)
    ids = [e.pk for e in employees]
    earlier = list(_earlier_corrections(run).values_list("pk", flat=True))
    paid_slips: dict[int, list[Payslip]] = defaultdict(list)
    originals: dict[int, Payslip] = {}
    for slip in Payslip.objects.filter(
        pay_run_id__in=[original.pk, *earlier], employee_id__in=ids
    ).order_by("pay_run_id"):
        paid_slips[slip.employee_id].append(slip)
        if slip.pay_run_id == original.pk:
            originals[slip.employee_id] = slip
    earlier_items: dict[int, list[PayItem]] = defaultdict(list)
    for item in PayItem.objects.filter(
        pay_run_id__in=[original.pk, *earlier], employee_id__in=ids
    ).order_by("pay_run_id", "pk"):
        earlier_items[item.employee_id].append(item)
    tyel = _month_tyel(original, ids)
    wage_sum = None
    if calculation.settings_row.above_unemployment_threshold:
        wage_sum = (
            Payslip.objects.filter(
                company=run.company,
                payment_date__year=original.payment_date.year,
                payment_date__lt=original.payment_date,
                pay_run__status__in=SETTLED,
            ).aggregate(total=Sum("unemployment_wage_sum_cents"))["total"]
            or 0
        )
    slips = []
    for employee in employees:
        original_slip = originals.get(employee.pk)
        if original_slip is None:
            raise ValidationError(
                {
                    "employees": _("%(employee)s has no payslip in the pay run %(run)s.")
                    % {"employee": employee.name, "run": run_name(original)}
                }
            )
        own = items.get(employee.pk, [])
        entered = _at_original_hourly_wage(
            _net_absence_items(earlier_items[employee.pk] + own, ABSENCE_SOURCE),
            original_slip,
            calculation,
        )
        if not any(is_salary(item.wage_type) for item in entered):
            entered = _kept_salary_item(employee, original_slip) + entered
        paid_before = original_slip.tax_card.get("income_paid_before")
        slip_input = payslip_input(
            original,
            employee,
            entered,
            calculation.settings_row,
            None if paid_before is None else int(Decimal(paid_before) * 100),
            wage_sum,
            tyel.get(employee.pk, (0, 0)),
            calculation.catalogue,
        )
        try:
            result = engine.calculate(slip_input.data, calculation.catalogue)
        except engine.PayrollInputError as error:
            raise ValidationError({"items": f"{employee.name}: {error}"}) from None
        corrected = _payslip_row(original, employee, result, slip_input)
        before = paid_slips[employee.pk]
        slip = corrected
        slip.pay_run = run
        slip.payment_date = original.payment_date
        for field in TOTALS:
            setattr(slip, field, getattr(corrected, field) - sum(getattr(s, field) for s in before))
        slip.lines = _difference_lines(corrected.lines, combined_lines(before))
        slip.notes = [
            *corrected.notes,
            _("Correction of the payslip %(number)s paid on %(date)s.")
            % {
                "number": original_slip.number,
                "date": f"{original.payment_date:%d.%m.%Y}",
            },
        ]
        slips.append(slip)
    return slips


def _same_absences(one: irf.Absences | None, other: irf.Absences | None) -> bool:
    """Whether two absence blocks say the same (the periods in any order: a report read back
    gives the unpaid ones first)."""
    if one is None or other is None:
        return one is other

    def key(period):
        return (period.start, period.end, period.cause, period.days, period.amount)

    return (one.start, one.end, sorted(one.periods, key=key)) == (
        other.start,
        other.end,
        sorted(other.periods, key=key),
    )


def _reported_absences(original: PayRun, report_ids) -> dict[str, irf.Absences | None]:
    """The absence data the latest version of each of ``report_ids`` (employees' reports of
    ``original``) carries, from the rows of the deliveries of the run and its corrections
    (``IncomesRegisterReport.absences``, written with each delivery): no file is read. A
    correction's delivery lists each of its reports (null: without absence data) and comes
    after the run's own, so the last row naming a report has its latest version."""
    wanted = set(report_ids)
    found: dict[str, irf.Absences | None] = {}
    if not wanted:
        return found
    rows = (
        Report.objects.filter(
            company=original.company, kind=Report.Kind.EARNINGS, pay_run__in=_family(original)
        )
        .exclude(reports=0)  # the delivery being written
        .exclude(absences={})
        .order_by("pk")
        .values_list("absences", flat=True)
    )
    for carried in rows:
        for report_id in wanted & carried.keys():
            found[report_id] = irf.absences_from_data(carried[report_id])
    return found


def affected_slips(run: PayRun):
    """The correction payslips of ``run`` that change something: a line of pay, or (with no
    line) the employee's absence data, when it now differs from what their report carries
    (an absence removed or changed with the correction, :mod:`.absence_locks`): the
    replacement report is what takes a wrong absence out of the Register."""
    from . import incomes_register as ir
    from .absence_reports import absence_data

    slips = list(run.payslips.select_related("employee"))
    quiet = [slip.employee_id for slip in slips if not slip.lines]
    changed = set()
    if quiet:
        original = PayRun.objects.get(pk=run.corrects_id)
        settled = _family(original).filter(status__in=SETTLED)
        now = absence_data(original, quiet, paid_in=settled, correcting=run)
        ids = {employee_id: ir.employee_report_id(original, employee_id) for employee_id in quiet}
        reported = _reported_absences(original, ids.values())
        changed = {
            employee_id
            for employee_id, report_id in ids.items()
            if not _same_absences(now.get(employee_id), reported.get(report_id))
        }
    return [slip for slip in slips if slip.lines or slip.employee_id in changed]


def check_approvable(run: PayRun) -> None:
    """A correction run is approved only while its original still stands and when it
    changes at least one payslip."""
    original = PayRun.objects.get(pk=run.corrects_id)
    check_correctable(original)
    # A correction that changes an absence is approved even when that changes no payslip
    # or report of its period (a note, a kind whose data is not reported): its approval is
    # what changes the absence (absence_changes).
    if not affected_slips(run) and not run.absence_changes.exists():
        raise ValidationError(
            {
                "items": _(
                    "The correction changes no payslip and no absence data: enter the "
                    "corrections first."
                )
            }
        )


def _report_versions(original: PayRun, report_ids) -> dict[str, tuple[int, bool]]:
    """The latest ReportVersion of each of ``report_ids`` (employees' reports of
    ``original``) and whether a version of it may have reached the Register (its delivery was
    marked sent). Every report of the original run's own delivery carries that delivery's
    version (:func:`incomes_register.produce_earnings_reports`), so it is not read; the
    corrections' deliveries (a few reports each) are read streamed."""
    wanted = set(report_ids)
    found: dict[str, tuple[int, bool]] = {}

    def seen(report_id: str, report_version: int | None, sent: bool) -> None:
        version, was_sent = found.get(report_id, (0, False))
        found[report_id] = (max(version, report_version or 1), was_sent or sent)

    rows = Report.objects.filter(
        company=original.company, kind=Report.Kind.EARNINGS, pay_run__in=_family(original)
    ).order_by("pk")
    for row in rows:
        sent = row.sent_on is not None
        if row.pay_run_id == original.pk:
            for report_id in wanted:
                seen(report_id, row.version, sent)
            continue
        for report_id, report_version in irf.report_versions(row.chunks()):
            if report_id in wanted:
                seen(report_id, report_version, sent)
    return found


def _family(original: PayRun):
    return PayRun.objects.filter(pk=original.pk) | PayRun.objects.filter(
        corrects=original, kind=PayRun.Kind.CORRECTION
    )


def _original_delivery(original: PayRun) -> Report | None:
    """The original run's current earnings payment delivery: the one a correction's
    replacement reports replace reports of."""
    return (
        Report.objects.filter(pay_run=original, kind=Report.Kind.EARNINGS)
        .exclude(state__in=[Report.State.REPLACED, Report.State.INVALIDATED])
        .order_by("-version", "-pk")
        .first()
    )


def _replacement_reports(run: PayRun, original: PayRun, affected, versions, employments):
    """The replacement report of each affected employee, one at a time: the whole corrected
    payment of the original payment date, the original ReportId and the version after
    ``versions`` (of :func:`_report_versions`).

    Each carries the absence data as it stands now, by the rules of an original report
    (:func:`.absence_reports.absence_data` of the original run, the hourly-paid's sick pay
    from the original and its settled corrections together): a replacement report re-enters
    all of the report's data (vero.fi, "Näin korjaat tulorekisteriin ilmoitettuja tietoja",
    30.1.2020: data missing from the original is included in the replacement). So an absence
    removed or changed with the correction leaves the Register too: when none is left of a
    report that carried some, the reporting period is given with no period ("Ilmoita aina
    poissaolojen ilmoitusjakso, vaikka poissaoloja ei olisi ollut", vero.fi,
    https://www.vero.fi/tulorekisteri/yritykset-ja-organisaatiot/suorituksen-maksajat/palkkatiedot/poissaolotiedot/)."""
    from . import incomes_register as ir
    from .absence_reports import absence_data
    from .setup import engine_catalogue

    catalogue = engine_catalogue(run.company)
    provider, policy = ir._policy(ir.ensure_setup(run.company))
    ids = [slip.employee_id for slip in affected]
    slips_by_employee: dict[int, list[Payslip]] = defaultdict(list)
    for slip in (
        Payslip.objects.filter(pay_run__in=_family(original), employee_id__in=ids)
        .filter(pay_run__status__in=SETTLED)
        .order_by("pay_run_id")
    ):
        slips_by_employee[slip.employee_id].append(slip)
    settled = _family(original).filter(status__in=SETTLED)
    absences = absence_data(original, ids, paid_in=settled, correcting=run)
    report_ids = {pk: ir.employee_report_id(original, pk) for pk in ids}
    reported = _reported_absences(original, [report_ids[pk] for pk in ids if pk not in absences])
    for employee_id in ids:
        if employee_id not in absences and reported.get(report_ids[employee_id]):
            # It carried absences, and now none are left: the reporting period with no
            # period says so (vero.fi: the reporting period is given even without absences).
            absences[employee_id] = irf.Absences(original.period_start, original.period_end)
    for slip in affected:
        employee = slip.employee
        report_id = ir.employee_report_id(original, employee.pk)
        version, sent = versions.get(report_id, (0, False))
        job = employments.get(employee.pk)
        lines = combined_lines(slips_by_employee[employee.pk])
        yield irf.WageReport(
            report_id=report_id,
            earner=irf.Earner(
                last_name=employee.last_name,
                first_name=employee.first_name,
                identity_code=employee.identity_code,
                birth_date=employee.birth_date,
            ),
            employment=job.employment if job else None,
            pension_provider=provider,
            pension_policy=policy,
            transactions=tuple(ir.employee_transactions(lines, catalogue, job, employee.name)),
            action=irf.ACTION_REPLACEMENT if sent else irf.ACTION_NEW,
            version=version + 1,
            absence=absences.get(employee.pk),
        )


def produce_replacement_reports(actor, run: PayRun) -> Report | None:
    """The replacement earnings payment reports of an approved correction ``run``: one per
    employee whose payslip changed, with the original report's ReportId and its next
    ReportVersion, carrying the whole corrected payment on the original payment date.

    Stored like an original run's delivery (:func:`incomes_register.store_wage_delivery`:
    validated and stored in parts as it is written), with its own deadline and state, and
    ``corrects`` naming the original delivery: a delivery of some of its reports, which stays
    in force for the others. The month's separate report is produced again. Called inside the
    approving transaction. None when no report changes (a correction that only changes an
    absence whose data its period's report does not carry)."""
    from . import incomes_register as ir
    from .absence_changes import apply_changes

    require(actor, run.company, "payroll.approve")
    original = PayRun.objects.get(pk=run.corrects_id)
    apply_changes(actor, run)  # the absences it changes change before its reports are made
    affected = affected_slips(run)
    if not affected:
        return None
    # Before this delivery exists.
    versions = _report_versions(
        original, [ir.employee_report_id(original, slip.employee_id) for slip in affected]
    )
    row = Report.objects.create(
        company=run.company,
        kind=Report.Kind.EARNINGS,
        pay_run=run,
        corrects=_original_delivery(original),
        report_id=f"PR{original.pk}-C{run.pk}",
        version=1,
        payment_date=original.payment_date,
        deadline=rules.earnings_report_deadline(max(run.payment_date, timezone.localdate())),
        reports=0,
        xml="",
    )
    reports = _replacement_reports(
        run,
        original,
        affected,
        versions,
        ir._employments(
            run.company, original.payment_date, [slip.employee_id for slip in affected]
        ),
    )
    count = ir.store_wage_delivery(
        row, reports, period=(original.period_start, original.period_end)
    )
    audit.record(
        actor.user,
        "incomes_register_produce",
        row,
        company=run.company,
        changes={"reports": [None, count], "replaces": [None, f"PR{original.pk}"]},
    )
    ir.refresh_separate_report(actor, original)
    return row
