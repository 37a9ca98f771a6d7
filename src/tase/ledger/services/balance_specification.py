"""Write what the accountant gives to one account's balance-sheet specification (tase-erittely,
Kirjanpitolaki 1336/1997 3:13 §) of a fiscal year: a free text and items with amounts in
euros (the balance sheet's sign: an asset and a liability both positive). An empty text and
no items remove what was written."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit

from ..models import Account, BalanceSpecification, FiscalYear
from .common import guard, to_cents

TEXT_LIMIT = 20_000
MAX_LINES = 500


def _lines(raw, errors: dict) -> list[dict]:
    found, problems = [], []
    for number, item in enumerate(raw or [], start=1):
        text = str((item or {}).get("text") or "").strip()
        amount = (item or {}).get("amount")
        if not text and amount in (None, ""):
            continue  # an empty row of the form
        if not text or len(text) > 300:
            problems.append(_("Item %(n)s: give a text of at most 300 characters.") % {"n": number})
            continue
        try:
            cents = to_cents(amount)
        except ValueError as error:
            problems.append(_("Item %(n)s: %(error)s") % {"n": number, "error": error})
            continue
        found.append({"text": text, "amount_cents": cents})
    if len(found) > MAX_LINES:
        problems.append(_("At most %(n)s items.") % {"n": MAX_LINES})
    if problems:
        errors["lines"] = problems
    return found


@transaction.atomic
def save_balance_specification(
    actor, company, year: FiscalYear, account_number: str, *, text: str = "", lines=None
) -> BalanceSpecification | None:
    """Write the specification of account ``account_number`` for ``year``; every problem
    reported under its field, nothing written unless all are right."""
    guard(actor, company, "ledger.manage")
    if year.company_id != company.pk:
        raise ValidationError({"fiscal_year": _("The fiscal year is not this company's.")})
    errors: dict = {}
    account = Account.objects.filter(
        company=company, number=account_number, is_header=False
    ).first()
    if account is None or account.type not in (
        Account.Type.ASSET,
        Account.Type.LIABILITY,
        Account.Type.EQUITY,
    ):
        errors["account"] = _("No balance-sheet account %(number)s in the chart.") % {
            "number": account_number
        }
    text = (text or "").strip()
    if len(text) > TEXT_LIMIT:
        errors["text"] = _("At most %(n)s characters.") % {"n": TEXT_LIMIT}
    found = _lines(lines, errors)
    if errors:
        raise ValidationError(errors)
    current = (
        BalanceSpecification.objects.select_for_update()
        .filter(fiscal_year=year, account_number=account_number)
        .first()
    )
    before = {"text": current.text, "lines": len(current.lines)} if current else None
    if not text and not found:
        if current is not None:
            audit.record(actor.user, "delete", current, company=company)
            current.delete()
        return None
    created = current is None
    if created:
        current = BalanceSpecification(
            company=company, fiscal_year=year, account_number=account_number
        )
    current.text, current.lines = text, found
    current.save()
    after = {"text": text, "lines": len(found)}
    audit.record(
        actor.user,
        "create" if created else "update",
        current,
        company=company,
        changes={k: [(before or {}).get(k), after[k]] for k in after},
    )
    return current
