"""Calculating a pay run's payslips, at once or in the background with progress on the run."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.rules import payroll as engine
from tase.rules.payroll.salary import (
    SALARY_USED,
    WEEKLY_SALARY,
    salary_wage_type,
    weeks_in_period,
)
from tase.rules.payroll_catalogue import BY_CODE

from ..models import (
    Employee,
    Employment,
    PayItem,
    PayrollSettings,
    PayRun,
    Payslip,
    TaxCard,
)
from .common import euros, require
from .employees import employment_on, income_paid_before, salary_on, tax_card_on
from .hourly import hourly_wage, is_hour_based, regular_monthly_pay
from .pay_runs import _check_draft
from .setup import engine_catalogue, ensure_setup

# The wage type of holiday compensation (vuosilomalaki 17 §, 16 §): not pay for time at work.
HOLIDAY_COMPENSATION = "holiday_compensation"
# The wage types of holiday pay, holiday bonus and holiday compensation: pay for the holiday,
# not "for the time at work" (vuosilomalaki 162/2005 11 § 2 mom., 12 § 1 mom., 16 § 1 mom.),
# so not part of the wages the holiday rules read from payslips.
HOLIDAY_LINE_CODES = ("holiday_pay", "holiday_bonus", HOLIDAY_COMPENSATION)
CENT = Decimal("0.01")


def holiday_line_cents(lines) -> int:
    """Of a payslip's stored ``lines``: the holiday pay, bonus and compensation, in cents."""
    return sum(
        int(Decimal(line["amount"]) * 100)
        for line in lines
        if line.get("code") in HOLIDAY_LINE_CODES
    )


def holiday_tags(item) -> dict:
    """The holiday rule and credit year a run line records (``PayItem.holiday_rule``,
    ``credit_year_end``), as the payslip's line keeps them; empty for other lines."""
    rule = getattr(item, "holiday_rule", "")
    if not rule:
        return {}
    year = getattr(item, "credit_year_end", None)
    return {"holiday_rule": rule, "credit_year_end": year.isoformat() if year else None}


def _engine_card(employee: Employee, run: PayRun, paid: int | None) -> tuple[object, dict]:
    card = tax_card_on(employee, run.payment_date)
    if card is None:
        return None, {"kind": "none"}
    if card.kind == TaxCard.Kind.SOURCE:
        return (
            engine.TaxAtSource(
                Decimal(card.source_rate),
                euros(card.monthly_deduction_cents),
                health_insurance=card.source_health_insurance,
            ),
            {
                "kind": "source",
                "rate": str(card.source_rate),
                "monthly_deduction": str(euros(card.monthly_deduction_cents)),
                "health_insurance": card.source_health_insurance,
                "valid_from": str(card.valid_from),
                "year": card.year,
            },
        )
    if paid is None:
        paid = income_paid_before(employee, run.payment_date.year, exclude_run=run)
    return (
        engine.TaxCard(
            Decimal(card.base_rate),
            Decimal(card.additional_rate),
            euros(card.income_limit_cents),
            euros(paid),
        ),
        {
            "kind": "card",
            "base_rate": str(card.base_rate),
            "additional_rate": str(card.additional_rate),
            "income_limit": str(euros(card.income_limit_cents)),
            "income_paid_before": str(euros(paid)),
            "valid_from": str(card.valid_from),
            "year": card.year,
        },
    )


def payslip_input(
    run: PayRun,
    employee: Employee,
    items: list[PayItem],
    settings_row: PayrollSettings,
    paid_before: int | None = None,
    wage_sum_before: int | None = None,
    tyel_month: tuple[int, int] = (0, 0),
    catalogue: dict | None = None,
) -> SlipInput:
    """The engine's input for one employee of ``run``; ValidationError names the employee.
    ``wage_sum_before``: the company's unemployment wage sum (cents) paid before this payslip
    in the year, when the company is marked above the threshold (see calculate_pay_run).
    ``tyel_month``: the employee's TyEL earnings on approved payslips earlier in the payment's
    calendar month and the part of them TyEL was not charged on (cents). Hours of an
    hour-based wage type without a unit price are priced at the employee's hourly wage
    (:mod:`.hourly`); ``catalogue`` is the company's (engine wage types by code)."""
    day = run.payment_date
    employment = employment_on(employee, day)
    if employment is None:
        raise ValidationError(
            {
                "payment_date": _("%(employee)s: no employment on the payment date %(date)s.")
                % {"employee": employee.name, "date": day.isoformat()}
            }
        )
    engine_items, hourly_records, periods, tags = _engine_items(
        employee, employment, items, settings_row, run, catalogue
    )
    card, card_info = _engine_card(employee, run, paid_before)
    employer = engine.Employer(
        tyel_rate=None if settings_row.tyel_rate is None else Decimal(settings_row.tyel_rate),
        above_unemployment_threshold=settings_row.above_unemployment_threshold,
        accident_rate=Decimal(settings_row.accident_rate),
        group_life_rate=Decimal(settings_row.group_life_rate),
        wage_sum_before=None if wage_sum_before is None else euros(wage_sum_before),
    )
    data = engine.PayslipInput(
        payment_date=day,
        birth_date=employee.birth_date,
        tax_card=card,
        items=tuple(engine_items),
        union_dues_rate=Decimal(employment.union_dues_rate),
        employer=employer,
        tyel_earnings_before=euros(tyel_month[0]),
        tyel_uncharged_before=euros(tyel_month[0] - tyel_month[1]),
    )
    return SlipInput(
        data,
        card_info,
        employment,
        hourly_records,
        regular_monthly_pay(employment, salary_on(employment, day)),
        periods,
        tags,
    )


def _engine_items(
    employee: Employee,
    employment: Employment,
    items: list[PayItem],
    settings_row: PayrollSettings,
    run: PayRun,
    catalogue: dict | None,
) -> tuple[list[engine.PayItem], dict[int, dict], dict[int, list[str]], dict[int, dict]]:
    """The engine's pay items of one employee's lines in ``run`` (paid on its payment day):
    the salary of the pay basis when no line gives it (:func:`salary_item`), hours priced at
    the hourly wage (:mod:`.hourly`); with the hourly-wage record, the earnings period and the
    line's tags (the holiday rule, :func:`holiday_tags`; the salary a salary line was priced
    at, :data:`~tase.rules.payroll.salary.SALARY_USED`) per item index. ValidationError names the
    employee."""
    catalogue = BY_CODE if catalogue is None else catalogue
    day = run.payment_date
    engine_items = []
    hourly_records: dict[int, dict] = {}
    periods: dict[int, list[str]] = {}
    tags: dict[int, dict] = {}
    salary = salary_on(employment, day)
    generated = salary_item(employment, salary, run.period_start, run.period_end, items)
    if generated is not None:
        engine_items.append(generated)
    wage_per_hour = hourly_wage(employment, settings_row, salary) if salary else None
    for item in items:
        unit_price = item.unit_price
        wage = catalogue.get(item.wage_type)
        if (
            unit_price is None
            and item.quantity is not None
            and wage is not None
            and is_hour_based(wage)
        ):
            if wage_per_hour is None:
                raise ValidationError(
                    {
                        "items": _(
                            "%(employee)s: %(wage_type)s is entered in hours, but the "
                            "employment has no salary or hourly wage to price them."
                        )
                        % {"employee": employee.name, "wage_type": wage.label_fi}
                    }
                )
            unit_price = wage_per_hour.price
            hourly_records[len(engine_items)] = wage_per_hour.record
        elif getattr(item, "hourly_record", None):
            # Hours a correction prices at the hourly wage of the payment it corrects.
            hourly_records[len(engine_items)] = item.hourly_record
        if getattr(item, "earning_start", None) and getattr(item, "earning_end", None):
            periods[len(engine_items)] = [
                item.earning_start.isoformat(),
                item.earning_end.isoformat(),
            ]
        if tagged := holiday_tags(item):
            tags[len(engine_items)] = tagged
        engine_items.append(
            engine.PayItem(
                item.wage_type,
                amount=None if item.amount_cents is None else euros(item.amount_cents),
                quantity=None if item.quantity is None else Decimal(item.quantity),
                unit_price=None if unit_price is None else Decimal(unit_price),
                cost_centre=item.cost_centre or employment.cost_centre,
            )
        )
    salary_code = salary_wage_type(employment.pay_basis)
    if salary_code is not None and salary:
        for index, item in enumerate(engine_items):
            if item.wage_type == salary_code:
                used = _salary_used(item, items, index - (generated is not None), salary)
                tags.setdefault(index, {})[SALARY_USED] = used
    return engine_items, hourly_records, periods, tags


def salary_item(employment: Employment, salary_cents, start, end, items) -> engine.PayItem | None:
    """The salary line a pay run of the pay period ``start`` - ``end`` adds for an employment
    on a salaried basis when none of the employee's ``items`` is of its salary wage type
    (:func:`tase.rules.payroll.salary.salary_wage_type`; an entered line, e.g. a part month or
    part week, replaces it): the monthly salary in force on the payment date
    (``salary_cents``), or the weekly salary in force times the weeks of the pay period
    (:func:`tase.rules.payroll.salary.weeks_in_period`: the Sundays in it) as quantity x unit
    price, the engine rounding the product to the cent. None for an hourly or
    performance-paid employment, without a salary, or for a period of no weeks."""
    code = salary_wage_type(employment.pay_basis)
    if code is None or not salary_cents or any(item.wage_type == code for item in items):
        return None
    if code == WEEKLY_SALARY:
        weeks = weeks_in_period(start, end)
        if not weeks:
            return None
        return engine.PayItem(
            code,
            quantity=Decimal(weeks),
            unit_price=euros(salary_cents),
            cost_centre=employment.cost_centre,
        )
    return engine.PayItem(code, amount=euros(salary_cents), cost_centre=employment.cost_centre)


def _salary_used(item: engine.PayItem, items, position: int, salary_cents: int) -> str:
    """The salary (euros) the salary line ``item`` was priced at: the unit price of weeks x
    the weekly salary; for a line given as an amount, the salary a correction keeps from the
    payment it corrects (``salary_used`` on the run line), else the salary in force."""
    if item.quantity is not None and item.unit_price is not None:
        return str(Decimal(item.unit_price).quantize(CENT))
    kept = getattr(items[position], "salary_used", None) if position >= 0 else None
    return kept or str(euros(salary_cents))


def holiday_basis_of_run(
    run: PayRun, employee: Employee, employment: Employment, items
) -> tuple[int, int]:
    """Of ``employee``'s lines in the draft ``run``, as its payslip will have them: the wages
    for time at work and the holiday compensation, in cents. The wages are the gross pay less
    the overtime and emergency-work increments in it (the definition the annual holiday rules
    read from approved payslips, vuosilomalaki 162/2005 11 § 2 mom., 12 § 1 mom., 16 §) and
    less the holiday pay, holiday bonus and holiday compensation (:data:`HOLIDAY_LINE_CODES`),
    which are not pay for time at work. ``items``: the employee's run lines (the holiday rules
    ask before the run is calculated)."""
    catalogue = engine_catalogue(run.company)
    engine_items, _hourly, _periods, _tags = _engine_items(
        employee, employment, items, ensure_setup(run.company), run, catalogue
    )
    try:
        lines = engine.steps.item_lines(tuple(engine_items), catalogue, run.payment_date)
        gross = engine.steps.bases(lines, catalogue).gross
    except engine.PayrollInputError as error:
        raise ValidationError({"items": f"{employee.name}: {error}"}) from None
    increments, _hours = engine.steps.overtime_split(lines, catalogue)
    compensation = sum((line.amount for line in lines if line.code == HOLIDAY_COMPENSATION), 0)
    holiday = sum((line.amount for line in lines if line.code in HOLIDAY_LINE_CODES), 0)
    return _cents(gross - increments - holiday), _cents(Decimal(compensation))


class SlipInput(NamedTuple):
    """What :func:`payslip_input` gives: the engine's input, the tax card as recorded on the
    payslip, the employment, the hourly-wage record per item index (the engine's item lines
    come first, in the items' order) and the regular monthly pay in cents."""

    data: engine.PayslipInput
    card_info: dict
    employment: Employment
    hourly: dict[int, dict]
    regular_pay_cents: int
    # The earnings period [start, end] (ISO dates) per item index: retro pay lines.
    periods: dict[int, list[str]] = {}
    # The holiday rule and credit year per item index (:func:`holiday_tags`).
    tags: dict[int, dict] = {}


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def line_record(line: engine.Line, cost_centre: str) -> dict:
    return {
        "code": line.code,
        "section": line.section,
        "label_fi": line.label_fi,
        "label_en": line.label_en,
        "base": None if line.base is None else str(engine.cents(line.base)),
        "rate": None if line.rate is None else str(line.rate),
        "quantity": None if line.quantity is None else str(line.quantity),
        "unit_price": None if line.unit_price is None else str(line.unit_price),
        "amount": str(line.amount),
        "parameter": line.parameter,
        "source": line.source,
        "cost_centre": line.cost_centre or cost_centre,
        "ledger_account": line.ledger_account,
        "income_type": line.income_type,
    }


class _Calculation:
    """What calculating a run's payslips needs besides the employees: read once per run."""

    def __init__(self, run: PayRun):
        self.run = run
        self.settings_row = ensure_setup(run.company)
        self.catalogue = engine_catalogue(run.company)
        self.ids = list(
            run.employees.order_by("last_name", "first_name", "pk").values_list("pk", flat=True)
        )
        self.paid_before = _paid_before_map(run)
        self.tyel_months = _tyel_month_map(run)
        self.wage_sum = (
            _wage_sum_before(run) if self.settings_row.above_unemployment_threshold else None
        )

    def chunks(self):
        for start in range(0, len(self.ids), CHUNK):
            yield start, self.ids[start : start + CHUNK]

    def calculate(self, start: int, chunk: list[int]) -> int:
        """Calculate and store the payslips of the employees ``chunk`` (positions from
        ``start``); returns how many. ValidationError names the employee."""
        run = self.run
        employees = {
            e.pk: e
            for e in Employee.objects.filter(pk__in=chunk).prefetch_related(
                "employments__salaries", "tax_cards"
            )
        }
        items: dict[int, list[PayItem]] = {}
        for item in PayItem.objects.filter(pay_run=run, employee_id__in=chunk):
            items.setdefault(item.employee_id, []).append(item)
        slips = []
        if run.kind == PayRun.Kind.CORRECTION:
            from .corrections import correction_payslips

            slips = correction_payslips(run, [employees[pk] for pk in chunk], items, self)
            for offset, slip in enumerate(slips):
                slip.position = start + offset
            Payslip.objects.bulk_create(slips)
            return len(slips)
        for offset, pk in enumerate(chunk):
            employee = employees[pk]
            slip_input = payslip_input(
                run,
                employee,
                items.get(pk, []),
                self.settings_row,
                self.paid_before.get(pk, 0),
                self.wage_sum,
                self.tyel_months.get(pk, (0, 0)),
                self.catalogue,
            )
            try:
                result = engine.calculate(slip_input.data, self.catalogue)
            except engine.PayrollInputError as error:
                field = "payment_date" if error.field == "payment_date" else "items"
                raise ValidationError({field: f"{employee.name}: {error}"}) from None
            slip = _payslip_row(run, employee, result, slip_input)
            slip.position = start + offset
            slips.append(slip)
            if self.wage_sum is not None:
                self.wage_sum += slip.unemployment_wage_sum_cents
        Payslip.objects.bulk_create(slips)
        return len(slips)


@transaction.atomic
def calculate_pay_run(actor, run: PayRun, *, progress=None) -> int:
    """(Re)calculate every payslip of a draft run in one transaction; returns how many.
    Payslips of a draft are replaced. Employees are handled in chunks, so memory stays flat
    as the run grows; ``progress(done, total)`` is called after each chunk. A large run is
    calculated in the background instead (:func:`start_calculation`).

    A company marked above the unemployment insurance wage-sum threshold pays the higher
    employer rate only on the part of the year's wage sum above it. The wage sum before each
    payslip is: the approved (or paid) runs of the same calendar year, then this run's earlier
    payslips in the run's order (employees by last name, first name, id: the order of the
    payslip numbers at approval). The payslip that crosses the threshold is split."""
    require(actor, run.company, "payroll.manage")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    _check_draft(run)
    calculation = _Calculation(run)
    total = len(calculation.ids)
    Payslip.objects.filter(pay_run=run).delete()
    for start, chunk in calculation.chunks():
        calculation.calculate(start, chunk)
        if progress is not None:
            progress(start + len(chunk), total)
    run.calculated_at = timezone.now()
    run.stale = False
    # A background calculation still running is superseded: it stops at its next chunk.
    run.calculation_token += 1
    run.progress_state, run.progress_message = PayRun.Progress.IDLE, ""
    run.save(
        update_fields=[
            "calculated_at",
            "stale",
            "calculation_token",
            "progress_state",
            "progress_message",
        ]
    )
    audit.record(
        actor.user, "calculate", run, company=run.company, changes={"payslips": [None, total]}
    )
    return total


# -- background calculation with its progress on the pay run row ----------------------------
@transaction.atomic
def start_calculation(actor, run: PayRun) -> int:
    """Mark a draft run as being calculated in the background and queue the task once this
    transaction commits; returns the calculation's token (a newer start supersedes it)."""
    from ..tasks import calculate_pay_run_task

    require(actor, run.company, "payroll.manage")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    _check_draft(run)
    run.calculation_token += 1
    run.progress_state = PayRun.Progress.RUNNING
    run.progress_done, run.progress_total = 0, run.employees.count()
    run.progress_message = ""
    run.progress_updated_at = timezone.now()
    run.save(update_fields=[*PROGRESS_FIELDS, "calculation_token"])
    token, user_pk = run.calculation_token, actor.user.pk
    transaction.on_commit(lambda: calculate_pay_run_task.enqueue(run.pk, user_pk, token))
    return token


PROGRESS_FIELDS = [
    "progress_state",
    "progress_done",
    "progress_total",
    "progress_message",
    "progress_updated_at",
]


def _locked_run(run_pk: int, token: int) -> PayRun | None:
    """The run, locked, if this calculation still owns it (draft, same token)."""
    run = PayRun.objects.select_for_update().filter(pk=run_pk).first()
    if run is None or run.calculation_token != token or run.status != PayRun.Status.DRAFT:
        return None
    return run


def calculate_in_background(actor, run_pk: int, token: int, *, after_chunk=None) -> int:
    """The background calculation of a run (:func:`start_calculation`): a transaction per
    chunk of employees, each storing its payslips and the progress on the pay run row, so the
    page polling the row sees the bar move on any database and from any process. One progress
    write per chunk (CHUNK employees), not per employee.

    The run stays stale (approval refused) until the last chunk; an edit during the
    calculation (``revision`` moves) keeps it stale. A newer start, a deletion or approval
    supersedes this one: it stops at its next chunk. On bad input the partial payslips are
    removed and the error is kept on the row. Returns the number of payslips."""
    with transaction.atomic():
        run = _locked_run(run_pk, token)
        if run is None:
            return 0
        require(actor, run.company, "payroll.manage")
        calculation = _Calculation(run)
        total = len(calculation.ids)
        revision = run.revision
        Payslip.objects.filter(pay_run=run).delete()
        run.stale = True
        run.progress_state, run.progress_message = PayRun.Progress.RUNNING, ""
        run.progress_done, run.progress_total = 0, total
        run.progress_updated_at = timezone.now()
        run.save(update_fields=[*PROGRESS_FIELDS, "stale"])
    try:
        for start, chunk in calculation.chunks():
            with transaction.atomic():
                run = _locked_run(run_pk, token)
                if run is None:
                    return 0
                calculation.run = run
                calculation.calculate(start, chunk)
                run.progress_done = start + len(chunk)
                run.progress_updated_at = timezone.now()
                run.save(update_fields=["progress_done", "progress_updated_at"])
            if after_chunk is not None:
                after_chunk(run_pk)
    except ValidationError as error:
        with transaction.atomic():
            run = _locked_run(run_pk, token)
            if run is not None:
                Payslip.objects.filter(pay_run=run).delete()
                run.progress_state = PayRun.Progress.ERROR
                run.progress_message = " ".join(error.messages)[:500]
                run.progress_updated_at = timezone.now()
                run.save(update_fields=PROGRESS_FIELDS)
        return 0
    with transaction.atomic():
        run = _locked_run(run_pk, token)
        if run is None:
            return 0
        run.calculated_at = timezone.now()
        run.stale = run.revision != revision
        run.progress_state = PayRun.Progress.DONE
        run.progress_updated_at = timezone.now()
        run.save(update_fields=[*PROGRESS_FIELDS, "calculated_at", "stale"])
        audit.record(
            actor.user, "calculate", run, company=run.company, changes={"payslips": [None, total]}
        )
    return total


CHUNK = 500


def _settled_this_year(run: PayRun):
    """The company's payslips of approved or paid runs in the calendar year of the run's
    payment date, this run excluded: what came before it in the year's running totals."""
    return Payslip.objects.filter(
        company=run.company,
        payment_date__year=run.payment_date.year,
        pay_run__status__in=[PayRun.Status.APPROVED, PayRun.Status.PAID],
    ).exclude(pay_run=run)


def _paid_before_map(run: PayRun) -> dict[int, int]:
    rows = _settled_this_year(run).values("employee_id").annotate(total=Sum("taxable_cents"))
    return {row["employee_id"]: row["total"] or 0 for row in rows}


def _tyel_month_map(run: PayRun) -> dict[int, tuple[int, int]]:
    """Per employee: TyEL earnings and the charged base (cents) of approved or paid payslips
    in the calendar month of the run's payment date, this run excluded."""
    rows = (
        _settled_this_year(run)
        .filter(payment_date__month=run.payment_date.month)
        .values("employee_id")
        .annotate(earnings=Sum("tyel_earnings_cents"), charged=Sum("tyel_charged_cents"))
    )
    return {row["employee_id"]: (row["earnings"] or 0, row["charged"] or 0) for row in rows}


def _wage_sum_before(run: PayRun) -> int:
    """The company's unemployment wage sum (cents) of approved or paid runs in the run's
    calendar year, this run excluded."""
    total = _settled_this_year(run).aggregate(total=Sum("unemployment_wage_sum_cents"))
    return total["total"] or 0


def _payslip_row(run, employee, result: engine.Payslip, slip_input: SlipInput) -> Payslip:
    cost_centre = slip_input.employment.cost_centre
    lines = [line_record(line, cost_centre) for line in result.lines]
    for index, record in slip_input.hourly.items():
        lines[index]["hourly"] = record
    for index, period in slip_input.periods.items():
        lines[index]["earning_period"] = period
    for index, tagged in slip_input.tags.items():
        lines[index].update(tagged)
    return Payslip(
        company=run.company,
        pay_run=run,
        employee=employee,
        payment_date=run.payment_date,
        gross_cents=_cents(result.gross_pay),
        benefits_cents=_cents(result.benefits_in_kind),
        taxable_cents=_cents(result.taxable_income),
        withholding_cents=_cents(result.withholding),
        employee_tyel_cents=_cents(result.employee_tyel),
        employee_unemployment_cents=_cents(result.employee_unemployment),
        employee_health_cents=_cents(result.employee_health_insurance),
        union_dues_cents=_cents(result.union_dues),
        deductions_cents=_cents(result.other_deductions),
        tax_free_cents=_cents(result.tax_free),
        net_cents=_cents(result.net_pay),
        employer_health_cents=_cents(result.employer_health_insurance),
        employer_tyel_cents=_cents(result.employer_tyel),
        employer_unemployment_cents=_cents(result.employer_unemployment),
        employer_accident_cents=_cents(result.employer_accident),
        employer_group_life_cents=_cents(result.employer_group_life),
        total_cost_cents=_cents(result.total_cost),
        unemployment_wage_sum_cents=_cents(result.unemployment_wage_sum),
        tyel_earnings_cents=_cents(result.tyel_base),
        tyel_charged_cents=_cents(result.tyel_charged_base),
        regular_pay_cents=slip_input.regular_pay_cents,
        overtime_increment_cents=_cents(result.overtime_increments),
        overtime_hours=result.overtime_hours,
        holiday_other_pay_cents=_cents(result.holiday_other_pay),
        holiday_pay_cents=holiday_line_cents(lines),
        lines=lines,
        tax_card=slip_input.card_info,
        notes=list(result.notes),
    )
