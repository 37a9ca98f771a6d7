"""Every payroll write: settings, wage types, employees, employments, tax cards, pay runs.

Each function takes the acting user's :class:`~tase.core.access.Actor`, checks the
permission, validates, writes inside one transaction and records an audit event.
Money arrives as :class:`~decimal.Decimal` euros and is stored as integer cents.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import hetu

from tase.core import audit
from tase.core.models import Company
from tase.rules import payroll as engine
from tase.rules.payroll_catalogue import CATALOGUE

from .models import (
    CompanyWageType,
    Employee,
    Employment,
    PayItem,
    PayrollSettings,
    PayRun,
    Payslip,
    SalaryChange,
    TaxCard,
)

CENTURIES = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900}
CENTURIES |= {c: 2000 for c in "ABCDEF"}


# -- helpers ---------------------------------------------------------------------------------
def to_cents(value, field: str) -> int:
    if value is None or value == "":
        return 0
    try:
        amount = Decimal(str(value).strip().replace(",", ".").replace(" ", "").replace("\xa0", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def euros(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))


def check_rate(value, field: str) -> Decimal:
    try:
        rate = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100):
        raise ValidationError({field: _("The rate must be between 0 and 100.")})
    return rate


def company_for(actor, company_pk, action: str) -> Company:
    return actor.company(company_pk, action)


def require(actor, company: Company, action: str) -> Company:
    """404 outside the actor's companies, 403 without ``action``."""
    return actor.company(company.pk, action)


def birth_date_from_identity_code(code: str) -> dt.date:
    code = hetu.compact(code)
    return dt.date(CENTURIES[code[6]] + int(code[4:6]), int(code[2:4]), int(code[0:2]))


def clean_identity_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        return ""
    try:
        return hetu.validate(code)
    except StdnumError:
        raise ValidationError(
            {"identity_code": _("Enter a valid Finnish personal identity code.")}
        ) from None


def clean_iban(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return stdnum_iban.validate(value)
    except StdnumError:
        raise ValidationError({"iban": _("Enter a valid IBAN.")}) from None


# -- settings and wage types -----------------------------------------------------------------
def ensure_setup(company: Company) -> PayrollSettings:
    """The company's payroll settings and its copy of the wage-type catalogue (idempotent)."""
    settings_row, _created = PayrollSettings.objects.get_or_create(company=company)
    existing = set(CompanyWageType.objects.filter(company=company).values_list("code", flat=True))
    CompanyWageType.objects.bulk_create(
        [
            CompanyWageType(
                company=company,
                code=w.code,
                label_fi=w.label_fi,
                label_en=w.label_en,
                kind=w.kind,
                taxable=w.taxable,
                tyel=w.tyel,
                unemployment=w.unemployment,
                health=w.health,
                income_type=w.income_type,
                ledger_account=w.ledger_account,
                multiplier=w.multiplier,
                price_parameter=w.price_parameter or "",
                unit=w.unit,
                order=w.order,
            )
            for w in CATALOGUE
            if w.code not in existing
        ]
    )
    return settings_row


SETTINGS_FIELDS = [
    "tyel_insurer",
    "tyel_policy_number",
    "tyel_rate",
    "above_unemployment_threshold",
    "accident_rate",
    "group_life_rate",
    "post_to_ledger",
    "payer_iban",
    "payer_bic",
]


@transaction.atomic
def update_settings(actor, company: Company, **data) -> PayrollSettings:
    require(actor, company, "payroll.manage")
    row = ensure_setup(company)
    for field in ("accident_rate", "group_life_rate"):
        data[field] = check_rate(data.get(field) or 0, field)
    if data.get("tyel_rate") not in (None, ""):
        data["tyel_rate"] = check_rate(data["tyel_rate"], "tyel_rate")
    else:
        data["tyel_rate"] = None
    if "payer_iban" in data:
        try:
            data["payer_iban"] = clean_iban(data.get("payer_iban") or "")
        except ValidationError:
            raise ValidationError({"payer_iban": _("Enter a valid IBAN.")}) from None
    if "payer_bic" in data:
        data["payer_bic"] = (data.get("payer_bic") or "").strip().upper()
        if data["payer_bic"]:
            from stdnum import bic

            if not bic.is_valid(data["payer_bic"]):
                raise ValidationError({"payer_bic": _("Enter a valid BIC.")})
    before = audit.snapshot(row, SETTINGS_FIELDS)
    for field in SETTINGS_FIELDS:
        if field in data:
            setattr(row, field, data[field])
    row.save()
    audit.record(
        actor.user,
        "update",
        row,
        company=company,
        changes=audit.changes_since(before, row),
    )
    return row


@transaction.atomic
def update_wage_type(actor, wage_type: CompanyWageType, **data) -> CompanyWageType:
    require(actor, wage_type.company, "payroll.manage")
    fields = ["label_fi", "label_en", "ledger_account", "hidden", "income_type"]
    before = audit.snapshot(wage_type, fields)
    for field in fields:
        if field in data:
            setattr(wage_type, field, data[field])
    if not (wage_type.label_fi or "").strip():
        raise ValidationError({"label_fi": _("This field is required.")})
    wage_type.save()
    audit.record(
        actor.user,
        "update",
        wage_type,
        company=wage_type.company,
        changes=audit.changes_since(before, wage_type),
    )
    return wage_type


def engine_catalogue(company: Company, *, include_hidden: bool = False) -> dict:
    ensure_setup(company)
    rows = CompanyWageType.objects.filter(company=company)
    if not include_hidden:
        rows = rows.filter(hidden=False)
    return {row.code: row.to_engine() for row in rows}


# -- employees -------------------------------------------------------------------------------
EMPLOYEE_FIELDS = [
    "number",
    "first_name",
    "last_name",
    "identity_code",
    "birth_date",
    "street_address",
    "postal_code",
    "city",
    "email",
    "language",
    "iban",
    "email_payslips",
    "is_active",
]


def _user_for(company: Company, email: str):
    """The user with ``email`` who is a member of the company's organization, else an error."""
    from tase.core.models import Membership

    membership = (
        Membership.objects.filter(
            organization=company.organization, user__email__iexact=email.strip(), is_active=True
        )
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError({"user_email": _("No user with this email in the organization.")})
    return membership.user


def _clean_employee(company: Company, data: dict, instance: Employee | None = None) -> dict:
    data = dict(data)
    if "user_email" in data:
        email = (data.pop("user_email") or "").strip()
        data["user"] = _user_for(company, email) if email else None
    data["identity_code"] = clean_identity_code(data.get("identity_code", ""))
    data["iban"] = clean_iban(data.get("iban", ""))
    if data["identity_code"] and not data.get("birth_date"):
        data["birth_date"] = birth_date_from_identity_code(data["identity_code"])
    if not data.get("birth_date"):
        raise ValidationError(
            {"birth_date": _("Give the date of birth or a personal identity code.")}
        )
    for field in ("first_name", "last_name"):
        if not (data.get(field) or "").strip():
            raise ValidationError({field: _("This field is required.")})
    if not (data.get("number") or "").strip():
        last = Employee.objects.filter(company=company).count() + 1
        data["number"] = str(last)
        while Employee.objects.filter(company=company, number=data["number"]).exists():
            last += 1
            data["number"] = str(last)
    clash = Employee.objects.filter(company=company, number=data["number"])
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationError({"number": _("Another employee has this number.")})
    if data["identity_code"]:
        same = Employee.objects.filter(company=company, identity_code=data["identity_code"])
        if instance is not None:
            same = same.exclude(pk=instance.pk)
        if same.exists():
            raise ValidationError(
                {"identity_code": _("An employee with this identity code exists already.")}
            )
    return data


@transaction.atomic
def create_employee(actor, company: Company, **data) -> Employee:
    require(actor, company, "payroll.manage")
    ensure_setup(company)
    data = _clean_employee(company, data)
    employee = Employee.objects.create(
        company=company, **{k: v for k, v in data.items() if k in [*EMPLOYEE_FIELDS, "user"]}
    )
    audit.record(
        actor.user,
        "create",
        employee,
        company=company,
        changes={"name": [None, employee.name], "number": [None, employee.number]},
    )
    return employee


@transaction.atomic
def update_employee(actor, employee: Employee, **data) -> Employee:
    require(actor, employee.company, "payroll.manage")
    merged = {field: getattr(employee, field) for field in EMPLOYEE_FIELDS} | data
    if "identity_code" in data and data["identity_code"] and "birth_date" not in data:
        merged["birth_date"] = None
    merged = _clean_employee(employee.company, merged, employee)
    if "user" in merged:
        data["user"] = merged["user"]
    fields = [f for f in EMPLOYEE_FIELDS if f != "identity_code"]
    before = audit.snapshot(employee, fields)
    for field in EMPLOYEE_FIELDS:
        setattr(employee, field, merged[field])
    if "user" in data:
        employee.user = data["user"]
    employee.save()
    changes = audit.changes_since(before, employee)
    audit.record(actor.user, "update", employee, company=employee.company, changes=changes)
    return employee


def identity_code_for(actor, employee: Employee) -> str:
    """The unmasked identity code for those allowed to see it; every view is audited."""
    if not actor.can_in_company("payroll.identity_codes", employee.company):
        return employee.masked_identity_code
    if employee.identity_code:
        audit.record(actor.user, "view_identity_code", employee, company=employee.company)
    return employee.identity_code


@transaction.atomic
def add_employment(actor, employee: Employee, **data) -> Employment:
    require(actor, employee.company, "payroll.manage")
    salary = data.pop("salary", None)
    if not data.get("start_date"):
        raise ValidationError({"start_date": _("This field is required.")})
    if data.get("end_date") and data["end_date"] < data["start_date"]:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    if data.get("pay_basis") not in Employment.Basis.values:
        raise ValidationError({"pay_basis": _("Choose monthly or hourly.")})
    data["union_dues_rate"] = check_rate(data.get("union_dues_rate") or 0, "union_dues_rate")
    employment = Employment.objects.create(company=employee.company, employee=employee, **data)
    if salary not in (None, ""):
        _add_salary(employment, employment.start_date, salary)
    audit.record(
        actor.user,
        "create",
        employment,
        company=employee.company,
        changes={
            "start_date": [None, str(employment.start_date)],
            "pay_basis": [None, employment.pay_basis],
        },
    )
    return employment


def _add_salary(employment: Employment, valid_from: dt.date, amount) -> SalaryChange:
    cents = to_cents(amount, "salary")
    if cents < 0:
        raise ValidationError({"salary": _("The salary must not be negative.")})
    row, _created = SalaryChange.objects.update_or_create(
        employment=employment, valid_from=valid_from, defaults={"amount_cents": cents}
    )
    return row


@transaction.atomic
def change_salary(actor, employment: Employment, *, valid_from: dt.date, amount) -> SalaryChange:
    require(actor, employment.company, "payroll.manage")
    if valid_from < employment.start_date:
        raise ValidationError({"valid_from": _("The change is before the employment started.")})
    row = _add_salary(employment, valid_from, amount)
    audit.record(
        actor.user,
        "salary_change",
        employment.employee,
        company=employment.company,
        changes={
            "salary": [None, str(euros(row.amount_cents))],
            "valid_from": [None, str(valid_from)],
        },
    )
    return row


def salary_on(employment: Employment, day: dt.date) -> int | None:
    rows = [s for s in employment.salaries.all() if s.valid_from <= day]
    return rows[-1].amount_cents if rows else None


@transaction.atomic
def add_tax_card(actor, employee: Employee, **data) -> TaxCard:
    require(actor, employee.company, "payroll.manage")
    kind = data.get("kind") or TaxCard.Kind.CARD
    valid_from = data.get("valid_from")
    year = int(data.get("year") or (valid_from.year if valid_from else 0))
    if not valid_from:
        valid_from = dt.date(year, 1, 1)
    if valid_from.year != year:
        raise ValidationError({"valid_from": _("The date must be in the tax card's year.")})
    row = TaxCard(
        company=employee.company, employee=employee, year=year, valid_from=valid_from, kind=kind
    )
    if kind == TaxCard.Kind.CARD:
        row.base_rate = check_rate(data.get("base_rate", ""), "base_rate")
        row.additional_rate = check_rate(data.get("additional_rate", ""), "additional_rate")
        row.income_limit_cents = to_cents(data.get("income_limit"), "income_limit")
        if row.income_limit_cents < 0:
            raise ValidationError({"income_limit": _("The income limit must not be negative.")})
    else:
        row.source_rate = check_rate(data.get("source_rate", ""), "source_rate")
        row.monthly_deduction_cents = to_cents(data.get("monthly_deduction"), "monthly_deduction")
        row.source_health_insurance = bool(data.get("source_health_insurance", True))
        if row.monthly_deduction_cents < 0:
            raise ValidationError({"monthly_deduction": _("The deduction must not be negative.")})
    TaxCard.objects.filter(employee=employee, valid_from=valid_from).delete()
    row.save()
    audit.record(
        actor.user,
        "create",
        row,
        company=employee.company,
        changes={"year": [None, year], "valid_from": [None, str(valid_from)], "kind": [None, kind]},
    )
    return row


def tax_card_on(employee: Employee, day: dt.date) -> TaxCard | None:
    """The card in force on ``day``: the latest of that year valid from on or before it."""
    cards = [c for c in employee.tax_cards.all() if c.year == day.year and c.valid_from <= day]
    return max(cards, key=lambda c: c.valid_from) if cards else None


def income_paid_before(employee: Employee, year: int, exclude_run: PayRun | None = None) -> int:
    """Taxable income in ``year`` paid by this employer in approved (or paid) runs, in cents."""
    rows = Payslip.objects.filter(
        employee=employee,
        payment_date__year=year,
        pay_run__status__in=[PayRun.Status.APPROVED, PayRun.Status.PAID],
    )
    if exclude_run is not None:
        rows = rows.exclude(pay_run=exclude_run)
    return rows.aggregate(total=Sum("taxable_cents"))["total"] or 0


# -- pay runs --------------------------------------------------------------------------------
def _check_draft(run: PayRun) -> None:
    if run.status != PayRun.Status.DRAFT:
        raise ValidationError({"status": _("The pay run is not a draft any more.")})


def active_employees(company: Company, day: dt.date):
    return (
        Employee.objects.filter(
            company=company,
            is_active=True,
            employments__start_date__lte=day,
        )
        .exclude(employments__end_date__lt=day, employments__start_date__gt=day)
        .distinct()
    )


@transaction.atomic
def create_pay_run(
    actor,
    company: Company,
    *,
    period_start,
    period_end,
    payment_date,
    description="",
    employees=None,
) -> PayRun:
    require(actor, company, "payroll.manage")
    ensure_setup(company)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    run = PayRun.objects.create(
        company=company,
        period_start=period_start,
        period_end=period_end,
        payment_date=payment_date,
        description=description or "",
    )
    if employees is None:
        employees = [
            e
            for e in Employee.objects.filter(company=company, is_active=True).prefetch_related(
                "employments"
            )
            if any(
                emp.start_date <= period_end
                and (emp.end_date is None or emp.end_date >= period_start)
                for emp in e.employments.all()
            )
        ]
    else:
        employees = list(employees)
        for employee in employees:
            if employee.company_id != company.pk:
                raise ValidationError({"employees": _("Unknown employee.")})
    run.employees.set(employees)
    audit.record(
        actor.user,
        "create",
        run,
        company=company,
        changes={"payment_date": [None, str(payment_date)], "employees": [None, len(employees)]},
    )
    return run


def _wage_type_or_error(catalogue: dict, code: str, field: str):
    if code not in catalogue:
        raise ValidationError(
            {field: _("Unknown or hidden wage type “%(code)s”.") % {"code": code}}
        )
    return catalogue[code]


def _decimal_or_none(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if number < 0:
        raise ValidationError({field: _("The value must not be negative.")})
    return number


def _item(
    run: PayRun,
    catalogue: dict,
    employee: Employee,
    code,
    amount,
    quantity,
    unit_price,
    where: str,
    cost_centre="",
):
    _wage_type_or_error(catalogue, code, f"{where}wage_type")
    amount_d = _decimal_or_none(amount, f"{where}amount")
    quantity_d = _decimal_or_none(quantity, f"{where}quantity")
    price_d = _decimal_or_none(unit_price, f"{where}unit_price")
    if amount_d is None and quantity_d is None:
        raise ValidationError({f"{where}amount": _("Give an amount or a quantity.")})
    return PayItem(
        pay_run=run,
        employee=employee,
        wage_type=code,
        amount_cents=None if amount_d is None else to_cents(amount_d, f"{where}amount"),
        quantity=quantity_d,
        unit_price=price_d,
        cost_centre=cost_centre or "",
    )


@transaction.atomic
def add_item(
    actor,
    run: PayRun,
    employee: Employee,
    *,
    wage_type,
    amount=None,
    quantity=None,
    unit_price=None,
    cost_centre="",
) -> PayItem:
    require(actor, run.company, "payroll.manage")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    _check_draft(run)
    if not run.employees.filter(pk=employee.pk).exists():
        raise ValidationError({"employee": _("The employee is not in this pay run.")})
    catalogue = engine_catalogue(run.company)
    item = _item(run, catalogue, employee, wage_type, amount, quantity, unit_price, "", cost_centre)
    item.save()
    PayRun.objects.filter(pk=run.pk).update(stale=True, revision=F("revision") + 1)
    audit.record(
        actor.user,
        "add_item",
        run,
        company=run.company,
        changes={"item": [None, f"{employee.number} {wage_type}"]},
    )
    return item


@transaction.atomic
def delete_item(actor, item: PayItem) -> None:
    run = item.pay_run
    require(actor, run.company, "payroll.manage")
    _check_draft(run)
    item.delete()
    PayRun.objects.filter(pk=run.pk).update(stale=True, revision=F("revision") + 1)
    audit.record(
        actor.user,
        "delete_item",
        run,
        company=run.company,
        changes={"item": [item.wage_type, None]},
    )


@transaction.atomic
def save_grid(actor, run: PayRun, codes: list[str], entries: dict[tuple[int, str], str]) -> int:
    """Mass entry: for each (employee id, wage type) the quantity (or amount when the wage
    type is not counted in units); replaces the run's items of those wage types. Returns the
    number of items written."""
    require(actor, run.company, "payroll.manage")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    _check_draft(run)
    catalogue = engine_catalogue(run.company)
    for code in codes:
        _wage_type_or_error(catalogue, code, "wage_type")
    employees = {e.pk: e for e in run.employees.prefetch_related("employments__salaries")}
    rows = []
    for (employee_id, code), value in sorted(entries.items()):
        if value in (None, ""):
            continue
        employee = employees.get(employee_id)
        if employee is None:
            raise ValidationError({"employee": _("The employee is not in this pay run.")})
        where = f"{employee.number}.{code}."
        wage = catalogue[code]
        if wage.unit or wage.price_parameter:
            price = None
            if not wage.price_parameter:
                price = _hourly_rate(employee, run.payment_date)
            rows.append(_item(run, catalogue, employee, code, None, value, price, where))
        else:
            rows.append(_item(run, catalogue, employee, code, value, None, None, where))
    PayItem.objects.filter(pay_run=run, wage_type__in=codes).delete()
    PayItem.objects.bulk_create(rows)
    PayRun.objects.filter(pk=run.pk).update(stale=True, revision=F("revision") + 1)
    audit.record(
        actor.user, "mass_entry", run, company=run.company, changes={"items": [None, len(rows)]}
    )
    return len(rows)


def _hourly_rate(employee: Employee, day: dt.date) -> Decimal | None:
    employment = employment_on(employee, day)
    if employment is None:
        return None
    cents = salary_on(employment, day)
    return None if cents is None else euros(cents)


CSV_COLUMNS = ("employee", "wage_type", "quantity", "unit_price", "amount")


@transaction.atomic
def import_items_csv(actor, run: PayRun, data: bytes | str) -> int:
    """Items from CSV (columns employee number, wage_type, quantity, unit_price, amount;
    comma or semicolon). Any bad row: an error naming its row number, nothing written."""
    require(actor, run.company, "payroll.manage")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    _check_draft(run)
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=";,")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = {"employee", "wage_type"} - set(reader.fieldnames or [])
    if missing:
        raise ValidationError(
            {
                "file": _("The CSV file needs the columns: %(columns)s.")
                % {"columns": ", ".join(CSV_COLUMNS)}
            }
        )
    catalogue = engine_catalogue(run.company)
    employees = {e.number: e for e in run.employees.all()}
    rows = []
    for row_number, row in enumerate(reader, start=2):
        number = (row.get("employee") or "").strip()
        employee = employees.get(number)
        if employee is None:
            raise ValidationError(
                {
                    "file": _("Row %(row)s: unknown employee “%(employee)s” (not in this pay run).")
                    % {"row": row_number, "employee": number}
                }
            )
        try:
            rows.append(
                _item(
                    run,
                    catalogue,
                    employee,
                    (row.get("wage_type") or "").strip(),
                    row.get("amount"),
                    row.get("quantity"),
                    row.get("unit_price"),
                    "",
                )
            )
        except ValidationError as error:
            message = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            raise ValidationError(
                {"file": _("Row %(row)s: %(message)s") % {"row": row_number, "message": message}}
            ) from None
    PayItem.objects.bulk_create(rows)
    PayRun.objects.filter(pk=run.pk).update(stale=True, revision=F("revision") + 1)
    audit.record(
        actor.user, "import_items", run, company=run.company, changes={"items": [None, len(rows)]}
    )
    return len(rows)


def employment_on(employee: Employee, day: dt.date) -> Employment | None:
    for employment in sorted(employee.employments.all(), key=lambda e: e.start_date, reverse=True):
        if employment.covers(day):
            return employment
    return None


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
            "base_rate": str(card.base_rate.normalize()),
            "additional_rate": str(card.additional_rate.normalize()),
            "income_limit": str(euros(card.income_limit_cents)),
            "income_paid_before": str(euros(paid)),
            "valid_from": str(card.valid_from),
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
):
    """The engine's input for one employee of ``run``; ValidationError names the employee.
    ``wage_sum_before``: the company's unemployment wage sum (cents) paid before this payslip
    in the year, when the company is marked above the threshold (see calculate_pay_run).
    ``tyel_month``: the employee's TyEL earnings on approved payslips earlier in the payment's
    calendar month and the part of them TyEL was not charged on (cents)."""
    day = run.payment_date
    employment = employment_on(employee, day)
    if employment is None:
        raise ValidationError(
            {
                "payment_date": _("%(employee)s: no employment on the payment date %(date)s.")
                % {"employee": employee.name, "date": day.isoformat()}
            }
        )
    engine_items = []
    codes = {item.wage_type for item in items}
    salary = salary_on(employment, day)
    if (
        employment.pay_basis == Employment.Basis.MONTHLY
        and "monthly_salary" not in codes
        and salary
    ):
        engine_items.append(
            engine.PayItem(
                "monthly_salary", amount=euros(salary), cost_centre=employment.cost_centre
            )
        )
    for item in items:
        unit_price = item.unit_price
        if (
            unit_price is None
            and item.quantity is not None
            and item.wage_type in HOURLY_PRICED
            and salary
        ):
            unit_price = euros(salary)
        engine_items.append(
            engine.PayItem(
                item.wage_type,
                amount=None if item.amount_cents is None else euros(item.amount_cents),
                quantity=None if item.quantity is None else Decimal(item.quantity),
                unit_price=None if unit_price is None else Decimal(unit_price),
                cost_centre=item.cost_centre or employment.cost_centre,
            )
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
    return data, card_info, employment


# Wage types priced by the hourly rate when no unit price is entered.
HOURLY_PRICED = {
    "hourly_wage",
    "overtime_50",
    "overtime_100",
}


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
        for offset, pk in enumerate(chunk):
            employee = employees[pk]
            data, card_info, employment = payslip_input(
                run,
                employee,
                items.get(pk, []),
                self.settings_row,
                self.paid_before.get(pk, 0),
                self.wage_sum,
                self.tyel_months.get(pk, (0, 0)),
            )
            try:
                result = engine.calculate(data, self.catalogue)
            except engine.PayrollInputError as error:
                field = "payment_date" if error.field == "payment_date" else "items"
                raise ValidationError({field: f"{employee.name}: {error}"}) from None
            slip = _payslip_row(run, employee, result, card_info, employment.cost_centre)
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
    from .tasks import calculate_pay_run_task

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


def _payslip_row(run, employee, result: engine.Payslip, card_info, cost_centre) -> Payslip:
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
        lines=[line_record(line, cost_centre) for line in result.lines],
        tax_card=card_info,
        notes=list(result.notes),
    )


@transaction.atomic
def approve_pay_run(actor, run: PayRun) -> PayRun:
    """Lock a calculated draft: number its payslips and post the voucher."""
    require(actor, run.company, "payroll.approve")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    if run.status != PayRun.Status.DRAFT:
        raise ValidationError({"status": _("The pay run has been approved already.")})
    if run.stale or run.calculated_at is None:
        raise ValidationError({"status": _("Calculate the pay run before approving it.")})
    count = run.payslips.count()
    if not count:
        raise ValidationError({"employees": _("The pay run has no payslips.")})
    settings_row = PayrollSettings.objects.select_for_update().get(company=run.company)
    first = settings_row.next_payslip_number
    run.payslips.update(number=F("position") + first)
    settings_row.next_payslip_number = first + count
    settings_row.save(update_fields=["next_payslip_number"])
    slips = run.payslips.only("lines", "net_cents")
    run.status = PayRun.Status.APPROVED
    run.approved_at = timezone.now()
    run.approved_by = actor.user if getattr(actor.user, "is_authenticated", False) else None
    if settings_row.post_to_ledger:
        from . import postings

        voucher = postings.post_pay_run(actor, run, slips)
        run.voucher_id = voucher.pk if voucher is not None else None
    run.save()
    run_id = run.pk
    transaction.on_commit(lambda: _email_payslips(run_id))
    audit.record(
        actor.user,
        "approve",
        run,
        company=run.company,
        changes={
            "status": ["draft", "approved"],
            "payslips": [None, f"{first}-{first + count - 1}"],
        },
    )
    return run


def _email_payslips(run_id: int) -> None:
    from .tasks import email_payslips

    if Payslip.objects.filter(pay_run_id=run_id, employee__email_payslips=True).exists():
        email_payslips.enqueue(run_id)


def copy_company_setup(actor, source: Company, target: Company) -> None:
    """Copy payroll settings and wage types into a new (test-environment) company, and add
    sample employees (:mod:`tase.payroll.sample`): never the real ones and their data."""
    settings_row = ensure_setup(source)
    target_settings = ensure_setup(target)
    for field in SETTINGS_FIELDS:
        setattr(target_settings, field, getattr(settings_row, field))
    target_settings.save()
    fields = ["label_fi", "label_en", "ledger_account", "hidden", "income_type"]
    source_rows = {row.code: row for row in CompanyWageType.objects.filter(company=source)}
    for row in CompanyWageType.objects.filter(company=target):
        if row.code in source_rows:
            for field in fields:
                setattr(row, field, getattr(source_rows[row.code], field))
            row.save()
    from tase.ledger.system import SystemActor

    from . import sample

    sample.add_sample_employees(SystemActor(), target)


@transaction.atomic
def mark_paid(actor, run: PayRun) -> PayRun:
    require(actor, run.company, "payroll.approve")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    if run.status != PayRun.Status.APPROVED:
        raise ValidationError({"status": _("Only an approved pay run can be marked paid.")})
    run.status = PayRun.Status.PAID
    run.paid_at = timezone.now()
    if run.voucher_id:
        from . import postings

        voucher = postings.post_payment(actor, run)
        run.payment_voucher_id = voucher.pk if voucher is not None else None
    run.save()
    audit.record(
        actor.user, "mark_paid", run, company=run.company, changes={"status": ["approved", "paid"]}
    )
    return run


@transaction.atomic
def cancel_pay_run(actor, run: PayRun, *, date: dt.date | None = None) -> PayRun:
    """Cancel a draft (nothing posted) or an approved run (its voucher is reversed)."""
    require(actor, run.company, "payroll.approve")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in (PayRun.Status.DRAFT, PayRun.Status.APPROVED):
        raise ValidationError(
            {"status": _("Only a draft or an approved pay run can be cancelled.")}
        )
    old = run.status
    if run.status == PayRun.Status.APPROVED and run.voucher_id:
        from . import postings

        reversal = postings.reverse_pay_run(actor, run, date or run.payment_date)
        run.reversal_voucher_id = reversal.pk
    run.status = PayRun.Status.CANCELLED
    run.save()
    audit.record(
        actor.user, "cancel", run, company=run.company, changes={"status": [old, "cancelled"]}
    )
    return run


@transaction.atomic
def delete_pay_run(actor, run: PayRun) -> None:
    require(actor, run.company, "payroll.manage")
    _check_draft(run)
    audit.record(
        actor.user,
        "delete",
        run,
        company=run.company,
        changes={"payment_date": [str(run.payment_date), None]},
    )
    run.delete()


def ensure_visible_employee(actor, employee_pk, action="payroll.view") -> Employee:
    try:
        employee = Employee.objects.select_related("company__organization").get(pk=employee_pk)
    except (Employee.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    actor.company(employee.company_id, action)
    return employee


def salary_payment_file(actor, run: PayRun, version: str = "pain.001.001.03") -> bytes:
    """The SEPA salary payment file (``version`` pain.001.001.03 or .09, purpose SALA) of an
    approved run, validated against the version's ISO XSD; one transfer per employee with net
    pay."""
    from tase.formats import sepa_salary

    require(actor, run.company, "payroll.approve")
    if version not in sepa_salary.VERSIONS:
        raise ValidationError(
            {
                "version": _("Choose the file version: %(versions)s.")
                % {"versions": ", ".join(sepa_salary.VERSIONS)}
            }
        )
    run = PayRun.objects.select_related("company").get(pk=run.pk)
    if run.status not in (PayRun.Status.APPROVED, PayRun.Status.PAID):
        raise ValidationError({"status": _("Approve the pay run first.")})
    settings_row = ensure_setup(run.company)
    if not settings_row.payer_iban:
        raise ValidationError(
            {"payer_iban": _("Give the salary payment account in the payroll settings.")}
        )
    transfers = []
    text = _("Salary %(date)s") % {"date": run.payment_date.strftime("%d.%m.%Y")}
    for slip in run.payslips.select_related("employee").filter(net_cents__gt=0).order_by("number"):
        if not slip.employee.iban:
            raise ValidationError(
                {"iban": _("%(employee)s has no IBAN.") % {"employee": slip.employee.name}}
            )
        transfers.append(
            sepa_salary.Transfer(
                name=slip.employee.name,
                iban=slip.employee.iban,
                amount=euros(slip.net_cents),
                end_to_end_id=f"PAYSLIP-{slip.number}",
                text=text,
            )
        )
    try:
        document = sepa_salary.salary_file(
            sepa_salary.Debtor(run.company.name, settings_row.payer_iban, settings_row.payer_bic),
            transfers,
            execution_date=run.payment_date,
            message_id=f"PAYRUN-{run.pk}-{timezone.now():%Y%m%d%H%M%S}",
            created=timezone.localtime(),
            version=version,
        )
        sepa_salary.validate(document, version)
    except sepa_salary.SepaError as error:
        raise ValidationError({"file": str(error)}) from None
    audit.record(
        actor.user,
        "salary_file",
        run,
        company=run.company,
        changes={"transfers": [None, len(transfers)], "version": [None, version]},
    )
    return document
