"""Charts of accounts: apply a chart, create, change and delete accounts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.rules import financial_statements as statement_rules
from tase.rules import vat as vat_rules

from .. import charts
from ..models import Account, LedgerSettings
from .common import _forget, ensure_standard_series, guard


@transaction.atomic
def apply_chart(actor, company: Company, key: str) -> int:
    """Add the standard chart ``key`` (limited-company, sole-trader) to the company.

    Idempotent: accounts that exist (by number) are left as they are. Returns the
    number of rows added.
    """
    guard(actor, company, "ledger.manage")
    _forget(actor)
    try:
        rows = charts.chart(key)
    except KeyError:
        raise ValidationError(
            {"chart": _("Unknown chart of accounts “%(key)s”.") % {"key": key}}
        ) from None
    existing = {(a.number, a.is_header): a for a in Account.objects.filter(company=company)}
    parents: dict[int, Account] = {}
    added = 0
    for row in rows:
        account = existing.get((row.number, row.is_header))
        parent = None
        for level in range(min(row.level, 4) - 1, 0, -1):
            if level in parents:
                parent = parents[level]
                break
        if account is None:
            account = Account.objects.create(
                company=company,
                number=row.number,
                name_fi=row.name_fi,
                name_en=row.name_en,
                type=row.type,
                is_header=row.is_header,
                level=row.level if row.is_header else 0,
                parent=parent,
                default_vat_code=row.vat_code,
                takes_vat=bool(row.vat_code) or (row.type in ("revenue", "expense")),
                income_statement_line=row.line if row.line.startswith("IS") else "",
                balance_sheet_line=row.line if row.line.startswith("BS") else "",
                role=row.role,
                function=statement_rules.default_function(row.number, row.line),
                tax_treatment=row.tax_treatment,
            )
            added += 1
        if row.is_header:
            parents[row.level] = account
            for deeper in [lv for lv in parents if lv > row.level]:
                del parents[deeper]
    LedgerSettings.objects.update_or_create(company=company, defaults={"chart": key})
    ensure_standard_series(company)
    audit.record(
        actor.user, "apply_chart", company, company=company, changes={"chart": [None, key]}
    )
    return added


def _clean_account_fields(company, number, name_fi, type_, vat_code, line, *, exclude=None):
    errors = {}
    number = (number or "").strip()
    if not number.isdigit() or not 3 <= len(number) <= 8:
        errors["number"] = _("An account number is 3-8 digits.")
    elif (
        Account.objects.filter(company=company, number=number, is_header=False)
        .exclude(pk=exclude)
        .exists()
    ):
        errors["number"] = _("Account %(number)s exists already.") % {"number": number}
    if not (name_fi or "").strip():
        errors["name_fi"] = _("This field is required.")
    if type_ not in Account.Type.values:
        errors["type"] = _("Choose a type.")
    if vat_code and vat_code not in vat_rules.CODES:
        errors["default_vat_code"] = _("Unknown VAT code “%(code)s”.") % {"code": vat_code}
    if line:
        known = {row.code for rows in charts.statements().values() for row in rows}
        if line not in known:
            errors["line"] = _("Unknown statement line “%(line)s”.") % {"line": line}
    if errors:
        raise ValidationError(errors)
    return number


@transaction.atomic
def create_account(
    actor,
    company: Company,
    *,
    number: str,
    name_fi: str,
    name_en: str = "",
    type: str,
    default_vat_code: str = "",
    line: str = "",
    function: str | None = None,
    tax_treatment: str = "",
) -> Account:
    """A new account; without a ``line`` it takes the nearest account's below it, without a
    ``function`` the default of its number's range (KPA 1:2 §, by function); its
    ``tax_treatment`` (:func:`_check_tax_treatment`) normal unless given."""
    guard(actor, company, "ledger.manage")
    _forget(actor)
    number = _clean_account_fields(company, number, name_fi, type, default_vat_code, line)
    if not line:
        # Take the statement line of the nearest account below it in the chart.
        neighbour = (
            Account.objects.filter(company=company, is_header=False, number__lte=number)
            .order_by("-number")
            .first()
        )
        if neighbour is not None:
            line = neighbour.income_statement_line or neighbour.balance_sheet_line
    parent = (
        Account.objects.filter(company=company, is_header=True, number__lte=number)
        .order_by("-number", "-level")
        .first()
    )
    account = Account.objects.create(
        company=company,
        number=number,
        name_fi=name_fi.strip(),
        name_en=(name_en or "").strip(),
        type=type,
        parent=parent,
        default_vat_code=default_vat_code or "",
        takes_vat=bool(default_vat_code) or type in ("revenue", "expense"),
        income_statement_line=line if line.startswith("IS") else "",
        balance_sheet_line=line if line.startswith("BS") else "",
    )
    account.function = (
        statement_rules.default_function(number, line) if function is None else function
    )
    _check_function(account)
    account.tax_treatment = tax_treatment or ""
    _check_tax_treatment(account)
    account.save(update_fields=["function", "tax_treatment"])
    audit.record(actor.user, "create", account, company=company, changes={"number": [None, number]})
    return account


def _check_function(account: Account) -> None:
    """A function is one of KPA 1:2 §'s, and only on an account of the by-nature operating
    lines (the others reach the by-function statement as they are)."""
    if account.function not in Account.Function.values:
        raise ValidationError({"function": _("Choose a function.")})
    if account.function and not account.takes_function:
        raise ValidationError(
            {
                "function": _(
                    "Account %(number)s is not an operating expense account: it takes no function."
                )
                % {"number": account.number}
            }
        )


def _check_tax_treatment(account: Account) -> None:
    """A tax treatment the account's type takes: representation (half deductible, EVL 8 §
    1 mom. 8 kohta) and non-deductible (EVL 16 §) on an expense account, tax-exempt income
    and dividends taxable in part (EVL 6 a §) on a revenue account."""
    if account.tax_treatment not in Account.TaxTreatment.values:
        raise ValidationError({"tax_treatment": _("Choose a tax treatment.")})
    if account.tax_treatment not in dict(account.tax_treatments):
        raise ValidationError(
            {
                "tax_treatment": _(
                    "Account %(number)s is a %(type)s account: it cannot take the tax "
                    "treatment “%(treatment)s”."
                )
                % {
                    "number": account.number,
                    "type": account.get_type_display(),
                    "treatment": account.get_tax_treatment_display(),
                }
            }
        )


@transaction.atomic
def update_account(
    actor,
    account: Account,
    *,
    name_fi: str | None = None,
    name_en: str | None = None,
    default_vat_code: str | None = None,
    hidden: bool | None = None,
    function: str | None = None,
    tax_treatment: str | None = None,
) -> Account:
    guard(actor, account.company, "ledger.manage")
    _forget(actor)
    before = audit.snapshot(
        account, ["name_fi", "name_en", "default_vat_code", "hidden", "function", "tax_treatment"]
    )
    if name_fi is not None:
        if not name_fi.strip():
            raise ValidationError({"name_fi": _("This field is required.")})
        account.name_fi = name_fi.strip()
    if name_en is not None:
        account.name_en = name_en.strip()
    if default_vat_code is not None:
        if default_vat_code and default_vat_code not in vat_rules.CODES:
            raise ValidationError(
                {"default_vat_code": _("Unknown VAT code “%(code)s”.") % {"code": default_vat_code}}
            )
        account.default_vat_code = default_vat_code
        if default_vat_code:
            account.takes_vat = True
    if hidden is not None:
        account.hidden = hidden
    if function is not None:
        account.function = function
        _check_function(account)
    if tax_treatment is not None:
        account.tax_treatment = tax_treatment
        _check_tax_treatment(account)
    account.save()
    changes = audit.changes_since(before, account)
    audit.record(actor.user, "update", account, company=account.company, changes=changes)
    return account


@transaction.atomic
def delete_account(actor, account: Account) -> None:
    guard(actor, account.company, "ledger.manage")
    _forget(actor)
    if account.entries.exists() or account.children.exists():
        raise ValidationError(
            {
                "account": _("Account %(number)s is in use; hide it instead.")
                % {"number": account.number}
            }
        )
    audit.record(actor.user, "delete", account, company=account.company)
    account.delete()
