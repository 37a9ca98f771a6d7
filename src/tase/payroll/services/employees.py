"""Employees, employments, salaries and tax cards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Sum
from django.forms import ChoiceField
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase.core import audit, fieldcrypt
from tase.core.models import Company

from ..models import (
    EMPLOYMENT_TERMS,
    Employee,
    Employment,
    PayRun,
    Payslip,
    SalaryChange,
    TaxCard,
)
from .common import (
    birth_date_from_identity_code,
    check_rate,
    clean_iban,
    clean_identity_code,
    euros,
    positive_or_none,
    require,
    to_cents,
)
from .setup import ensure_setup

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

# Encrypted at rest (models.Employee); never written to the audit trail in the clear.
SECRET_FIELDS = ("identity_code", "iban")


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


def _email(value, field: str) -> str:
    """``value`` stripped, empty or a valid address, refused with the page form's own message
    (Django's EmailField: "Enter a valid email address.") naming ``field``."""
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError({field: validate_email.message}) from None
    return value


def _language(value) -> str:
    """One of the employee's languages, refused with the page form's own message (Django's
    ChoiceField: "Select a valid choice. … is not one of the available choices.")."""
    if value not in Employee.Language.values:
        raise ValidationError(
            {"language": ChoiceField.default_error_messages["invalid_choice"] % {"value": value}}
        )
    return value


def _clean_employee(company: Company, data: dict, instance: Employee | None = None) -> dict:
    """Check an employee's fields as the page form does and more: the email addresses and the
    language with the form's messages (so the API answers what the page says), the identity
    code, the birth date, the names, the number and its uniqueness in the company."""
    data = dict(data)
    if "user_email" in data:
        email = _email(data.pop("user_email"), "user_email")
        data["user"] = _user_for(company, email) if email else None
    # A value an employee already has is kept as it is (a row written before these checks is
    # not refused when another field changes).
    if "email" in data and (instance is None or data["email"] != instance.email):
        data["email"] = _email(data["email"], "email")
    if "language" in data and (instance is None or data["language"] != instance.language):
        data["language"] = _language(data["language"])
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
        same = Employee.objects.filter(
            company=company, identity_code_hash__in=fieldcrypt.blind_indexes(data["identity_code"])
        )
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
    for field, value in data.items():
        # Only the birth date may be left empty (it is then taken from the identity code).
        if value is None and field in EMPLOYEE_FIELDS and field != "birth_date":
            raise ValidationError({field: _("This field is required.")})
    merged = {field: getattr(employee, field) for field in EMPLOYEE_FIELDS} | data
    if "identity_code" in data and data["identity_code"] and "birth_date" not in data:
        merged["birth_date"] = None
    merged = _clean_employee(employee.company, merged, employee)
    if "user" in merged:
        data["user"] = merged["user"]
    # The audit trail is kept as long as the books and cannot be edited: it names a change
    # of the identity code or the bank account without holding either.
    fields = [f for f in EMPLOYEE_FIELDS if f not in SECRET_FIELDS]
    before = audit.snapshot(employee, fields)
    secrets_before = {f: getattr(employee, f) for f in SECRET_FIELDS}
    for field in EMPLOYEE_FIELDS:
        setattr(employee, field, merged[field])
    if "user" in data:
        employee.user = data["user"]
    employee.save()
    changes = audit.changes_since(before, employee)
    for field, old in secrets_before.items():
        if getattr(employee, field) != old:
            changes[field] = ["***" if old else "", "***" if getattr(employee, field) else ""]
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
        raise ValidationError(
            {"pay_basis": _("Choose monthly, weekly, hourly or performance pay.")}
        )
    data["working_weekdays"] = _working_weekdays(data.get("working_weekdays"))
    data["days_per_week"] = (
        Decimal(len(data["working_weekdays"]))
        if data["working_weekdays"]
        else _days_per_week(data.get("days_per_week"))
    )
    data["union_dues_rate"] = check_rate(data.get("union_dues_rate") or 0, "union_dues_rate")
    data["hourly_divisor"] = positive_or_none(data.get("hourly_divisor"), "hourly_divisor")
    data["profession_code"] = (data.get("profession_code") or "").strip()
    _check_report_data(data)
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


def _check_report_data(data: dict) -> None:
    """Full or part time and the car benefit's data (what the Incomes Register reports):
    each empty or one of its choices; a car benefit type needs the car's age group."""
    choices = {
        "working_time": Employment.WorkingTime,
        "car_benefit_type": Employment.CarBenefitType,
        "car_age_group": Employment.CarAgeGroup,
    }
    for field, kind in choices.items():
        data[field] = (data.get(field) or "").strip()
        if data[field] and data[field] not in kind.values:
            raise ValidationError(
                {field: _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(kind.values)}}
            )
    if bool(data["car_benefit_type"]) != bool(data["car_age_group"]):
        raise ValidationError(
            {
                "car_age_group": _(
                    "Give both the car benefit type and the car's age group, or neither."
                )
            }
        )


REPORT_DATA_FIELDS = ("working_time", "car_benefit_type", "car_age_group")


@transaction.atomic
def update_employment_report_data(actor, employment: Employment, **data) -> Employment:
    """Change what the Incomes Register is told of an employment: full or part time and the
    car benefit's type and the car's age group (fields not given keep their values)."""
    require(actor, employment.company, "payroll.manage")
    employment = Employment.objects.select_for_update().get(pk=employment.pk)
    values = {field: data.get(field, getattr(employment, field)) for field in REPORT_DATA_FIELDS}
    _check_report_data(values)
    changes = {
        field: [getattr(employment, field), value]
        for field, value in values.items()
        if getattr(employment, field) != value
    }
    if changes:
        for field, value in values.items():
            setattr(employment, field, value)
        employment.save(update_fields=list(REPORT_DATA_FIELDS))
        audit.record(actor.user, "update", employment, company=employment.company, changes=changes)
    return employment


CONTRACT_FIELDS = ("pay_basis", "days_per_week", "working_weekdays", "weekly_hours")


def _contract_values(employment: Employment, data: dict) -> dict:
    """The contract's new pay basis, days a week, working weekdays and weekly hours (a field
    not given keeps its value); ValidationError names the field."""
    values = {field: getattr(employment, field) for field in CONTRACT_FIELDS}
    if data.get("pay_basis") is not None:
        if data["pay_basis"] not in Employment.Basis.values:
            raise ValidationError(
                {"pay_basis": _("Choose monthly, weekly, hourly or performance pay.")}
            )
        values["pay_basis"] = data["pay_basis"]
    if data.get("working_weekdays") is not None:
        values["working_weekdays"] = _working_weekdays(data["working_weekdays"])
    if data.get("days_per_week") not in (None, ""):
        values["days_per_week"] = _days_per_week(data["days_per_week"])
        if data.get("working_weekdays") is None:
            values["working_weekdays"] = ""  # new days a week: the weekdays given no more
    if values["working_weekdays"]:
        values["days_per_week"] = Decimal(len(values["working_weekdays"]))
    if data.get("weekly_hours") not in (None, ""):
        hours = positive_or_none(data["weekly_hours"], "weekly_hours")
        if hours is None or hours > 168:
            raise ValidationError({"weekly_hours": _("Enter the weekly hours, above zero.")})
        values["weekly_hours"] = hours
    return values


@transaction.atomic
def change_contract(actor, employment: Employment, *, valid_from, salary=None, **data):
    """Change an employment's pay basis, working days a week (or working weekdays) or weekly
    hours from ``valid_from``, returning the employment in force from that day.

    The contract has no history of its own: from its first day the employment is changed in
    place; from a later day it is ended the day before and a new employment with the new
    terms (its other fields copied) begins on ``valid_from``, taking the salary changes from
    that day on (and the salary in force then, or ``salary`` when given; a new pay basis needs
    it). For the holiday rules the two are one employment that has gone on without a break
    (vuosilomalaki 162/2005 5 § 1 mom., :func:`.holidays.earnings.chain`), each contract's
    months counted by its own terms; pay runs take the employment in force on their payment
    date. A change from a day an approved pay run of the employee has already paid is refused
    (those payslips would not follow it)."""
    require(actor, employment.company, "payroll.manage")
    employment = Employment.objects.select_for_update().get(pk=employment.pk)
    if not isinstance(valid_from, dt.date):
        raise ValidationError({"valid_from": _("Enter a date.")})
    if not employment.covers(valid_from):
        raise ValidationError({"valid_from": _("The date must be within the employment.")})
    values = _contract_values(employment, data)
    changes = {
        field: [str(getattr(employment, field)), str(value)]
        for field, value in values.items()
        if getattr(employment, field) != value
    }
    if not changes and salary in (None, ""):
        raise ValidationError({"valid_from": _("Nothing to change.")})
    if "pay_basis" in changes and salary in (None, ""):
        raise ValidationError(
            {"salary": _("A new pay basis needs the salary or hourly wage from the date.")}
        )
    paid = (
        Payslip.objects.filter(
            employee=employment.employee,
            payment_date__gte=valid_from,
            pay_run__status__in=[PayRun.Status.APPROVED, PayRun.Status.PAID],
        )
        .order_by("-payment_date")
        .values_list("payment_date", flat=True)
        .first()
    )
    if paid is not None:
        raise ValidationError(
            {
                "valid_from": _(
                    "An approved pay run paid the employee on %(date)s: give a later date."
                )
                % {"date": date_format(paid, "SHORT_DATE_FORMAT")}
            }
        )
    changes["valid_from"] = [None, str(valid_from)]
    if valid_from == employment.start_date:
        for field, value in values.items():
            setattr(employment, field, value)
        employment.save(update_fields=list(CONTRACT_FIELDS))
        current = employment
    else:
        current = Employment.objects.create(
            company=employment.company,
            employee=employment.employee,
            start_date=valid_from,
            end_date=employment.end_date,
            **{field: getattr(employment, field) for field in EMPLOYMENT_TERMS} | values,
        )
        in_force = salary_on(employment, valid_from)
        SalaryChange.objects.filter(employment=employment, valid_from__gte=valid_from).update(
            employment=current
        )
        if in_force is not None and not current.salaries.filter(valid_from=valid_from).exists():
            SalaryChange.objects.create(
                employment=current, valid_from=valid_from, amount_cents=in_force
            )
        employment.end_date = valid_from - dt.timedelta(days=1)
        employment.save(update_fields=["end_date"])
        changes["new_employment"] = [None, current.pk]
    if salary not in (None, ""):
        row = _add_salary(current, valid_from, salary)
        changes["salary"] = [None, str(euros(row.amount_cents))]
    audit.record(actor.user, "update", employment, company=employment.company, changes=changes)
    return current


@transaction.atomic
def update_employment(actor, employment: Employment, **data) -> Employment:
    """The API's edit of an employment in one transaction: its Incomes Register data
    (:func:`update_employment_report_data`) and its contract from ``valid_from``
    (:func:`change_contract`, needed when the pay basis, days a week, working weekdays,
    weekly hours or salary are given). Returns the employment in force from ``valid_from``
    (a new one when the contract changed from a later day than its start), else the same."""
    report = {field: data[field] for field in REPORT_DATA_FIELDS if field in data}
    contract = {
        field: data[field] for field in (*CONTRACT_FIELDS, "salary") if data.get(field) is not None
    }
    if report:
        employment = update_employment_report_data(actor, employment, **report)
    if contract or data.get("valid_from") is not None:
        if data.get("valid_from") is None:
            raise ValidationError({"valid_from": _("Give the date the change applies from.")})
        employment = change_contract(actor, employment, valid_from=data["valid_from"], **contract)
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


def tax_card_row(employee: Employee, data: dict) -> TaxCard:
    """A validated, unsaved tax card of ``employee`` from ``data`` (year, valid_from, kind,
    rates, limits); ValidationError names the field."""
    kind = data.get("kind") or TaxCard.Kind.CARD
    if kind not in TaxCard.Kind.values:
        raise ValidationError({"kind": _("Choose a tax card or tax at source.")})
    valid_from = data.get("valid_from")
    try:
        year = int(data.get("year") or (valid_from.year if valid_from else 0))
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter a year.")}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year.")})
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
    return row


@transaction.atomic
def add_tax_card(actor, employee: Employee, **data) -> TaxCard:
    require(actor, employee.company, "payroll.manage")
    row = tax_card_row(employee, data)
    TaxCard.objects.filter(employee=employee, valid_from=row.valid_from).delete()
    row.save()
    audit.record(
        actor.user,
        "create",
        row,
        company=employee.company,
        changes={
            "year": [None, row.year],
            "valid_from": [None, str(row.valid_from)],
            "kind": [None, row.kind],
        },
    )
    return row


def tax_card_on(employee: Employee, day: dt.date) -> TaxCard | None:
    """The card in force on ``day``: the latest of that year valid from on or before it.

    In January, without a card of the new year, the previous year's last card applies: the
    payer withholds at the percentage in force when the previous year ended
    (ennakkoperintälaki 1118/1996 3 § 3 mom. as amended by 499/2024, see HE 49/2024 vp;
    ennakkoperintäasetus 1124/1996 3 § as amended by 673/2024 keeps the no-card rate for
    a payee with neither card). Until the end of January only; the income limit counts the
    income paid from 1 January (the year's running total starts again).
    https://finlex.fi/fi/lainsaadanto/1996/1118 https://finlex.fi/fi/lainsaadanto/1996/1124
    """
    cards = [c for c in employee.tax_cards.all() if c.year == day.year and c.valid_from <= day]
    if not cards and day.month == 1:
        cards = [c for c in employee.tax_cards.all() if c.year == day.year - 1]
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


def employment_on(employee: Employee, day: dt.date) -> Employment | None:
    for employment in sorted(employee.employments.all(), key=lambda e: e.start_date, reverse=True):
        if employment.covers(day):
            return employment
    return None


def ensure_visible_employee(actor, employee_pk, action="payroll.view") -> Employee:
    try:
        employee = Employee.objects.select_related("company__organization").get(pk=employee_pk)
    except (Employee.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    actor.company(employee.company_id, action)
    return employee


def _working_weekdays(value) -> str:
    """The contract's weekdays of work as ISO numbers in order ("135"); empty: Monday to
    Friday."""
    text = "".join(str(value or "").split()).replace(",", "")
    if text and (
        not text.isdigit() or not set(text) <= set("1234567") or len(set(text)) != len(text)
    ):
        raise ValidationError(
            {
                "working_weekdays": _(
                    "Give the weekdays of work as numbers from 1 (Monday) to 7 (Sunday), each "
                    "once, e.g. 135."
                )
            }
        )
    return "".join(sorted(text))


def _days_per_week(value) -> Decimal:
    """The contract's working days a week: more than 0, at most 7, in halves at most."""
    if value in (None, ""):
        return Decimal(5)
    try:
        days = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({"days_per_week": _("Enter a number.")}) from None
    if not days.is_finite() or not 0 < days <= 7 or days * 2 != (days * 2).to_integral_value():
        raise ValidationError(
            {"days_per_week": _("Give the working days a week: more than 0, at most 7, in halves.")}
        )
    return days
