"""Payroll settings and wage types of a company, and their copy into a test-environment company."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.rules.payroll_catalogue import CATALOGUE, MONEY

from ..models import (
    CompanyWageType,
    PayrollSettings,
)
from .common import check_rate, clean_iban, positive_or_none, require


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
                holiday_other_pay=w.holiday_other_pay,
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
    "hourly_divisor",
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
    data["hourly_divisor"] = positive_or_none(data.get("hourly_divisor"), "hourly_divisor")
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


# A wage type's fields the company edits (the wage-types page, PATCH in the API).
WAGE_TYPE_FIELDS = ["label_fi", "label_en", "ledger_account", "hidden", "holiday_other_pay"]
# Stored and copied into a test-environment company; no page edits the income type.
_STORED_FIELDS = [*WAGE_TYPE_FIELDS, "income_type"]
_WAGE_TYPE_FLAGS = {"hidden", "holiday_other_pay"}


@transaction.atomic
def update_wage_type(actor, wage_type: CompanyWageType, **data) -> CompanyWageType:
    """Change the given editable fields of a company's wage type, the others kept.

    ``holiday_other_pay``: the wage type is other pay besides a weekly or monthly salary,
    not set by temporary circumstances, whose share joins the holiday pay (vuosilomalaki
    162/2005 10 § 1 mom., second sentence: "Jos työntekijälle on lomanmääräytymisvuoden
    aikana työssäolon ajalta viikko- tai kuukausipalkan lisäksi maksettu tai erääntynyt
    maksettavaksi muuta palkkaa, joka ei määräydy tilapäisten olosuhteiden perusteella, tämän
    palkan osuus lasketaan vuosilomapalkkaan siten kuin 11 §:n 1 ja 2 momentissa
    säädetään"; https://finlex.fi/fi/laki/ajantasa/2005/20050162). Only a money wage type
    can be marked: the Act speaks of pay paid, and the payslip sums money lines only
    (:func:`tase.rules.payroll.steps.holiday_other_pay`). A payslip records the sum when it
    is calculated, so the mark counts from the next calculation on."""
    require(actor, wage_type.company, "payroll.manage")
    for name, value in data.items():
        if name not in _STORED_FIELDS:
            raise ValidationError({name: _("Unknown field.")})
        if value is None and name != "income_type":
            raise ValidationError({name: _("This field is required.")})
        if name in _WAGE_TYPE_FLAGS and not isinstance(value, bool):
            raise ValidationError({name: _("Expected true or false.")})
    if data.get("holiday_other_pay") and wage_type.kind != MONEY:
        raise ValidationError(
            {"holiday_other_pay": _("Only a money wage type can be other pay in holiday pay.")}
        )
    fields = _STORED_FIELDS
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


def copy_company_setup(actor, source: Company, target: Company) -> None:
    """Copy payroll settings and wage types into a new (test-environment) company, and add
    sample employees (:mod:`tase.payroll.sample`): never the real ones and their data."""
    settings_row = ensure_setup(source)
    target_settings = ensure_setup(target)
    for field in SETTINGS_FIELDS:
        setattr(target_settings, field, getattr(settings_row, field))
    target_settings.save()
    fields = _STORED_FIELDS
    source_rows = {row.code: row for row in CompanyWageType.objects.filter(company=source)}
    for row in CompanyWageType.objects.filter(company=target):
        if row.code in source_rows:
            for field in fields:
                setattr(row, field, getattr(source_rows[row.code], field))
            row.save()
    from tase.ledger.system import SystemActor

    from .. import sample

    sample.add_sample_employees(SystemActor(), target)
