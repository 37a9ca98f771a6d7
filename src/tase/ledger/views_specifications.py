"""The balance-sheet specifications page (tase-erittelyt) of a fiscal year: per balance-sheet
account the balance, the items behind it from the ledgers and what the accountant writes,
with the difference; the free text and items are saved per account; a PDF of them.
Thin over :mod:`tase.ledger.balance_specifications` and ``services.save_balance_specification``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from tase.core import pdf
from tase.core.editing import row_count

from . import balance_specifications, services
from .views import _actor, _base, _company, chosen_year, posted

ITEM_ROWS = 3
MAX_ITEM_ROWS = 500  # the accountant's own items of one account


def _save_specification(request, company, year) -> str:
    """Save the posted specification of an account; its number, to show it after."""
    number = request.POST.get("account", "")
    services.save_balance_specification(
        _actor(request),
        company,
        year,
        number,
        text=request.POST.get("text", ""),
        lines=[
            {
                "text": request.POST.get(f"item-{i}-text", ""),
                "amount": request.POST.get(f"item-{i}-amount", ""),
            }
            for i in range(row_count(request.POST.get("rows"), ITEM_ROWS, MAX_ITEM_ROWS))
        ],
    )
    messages.success(
        request, _("The specification of account %(number)s was saved.") % {"number": number}
    )
    return number


@login_required
def balance_specifications_page(request, company_pk):
    company = _company(request, company_pk)
    years, year = chosen_year(request, company)
    errors = []
    if year is not None:
        done, errors = posted(
            request,
            company,
            "ledger.manage",
            lambda request, company: _save_specification(request, company, year),
            redirect_to=lambda number: f"{request.path}?year={year.pk}#account-{number}",
        )
        if done is not None:
            return done
    found = balance_specifications.specifications(company, year) if year else None
    if found is not None and request.GET.get("format") == "pdf":
        return pdf.response(
            balance_specifications.specifications_pdf(found), f"tase-erittelyt-{year.end}"
        )
    for spec in found.accounts if found is not None else []:
        written = [
            (item.text, f"{services.cents_to_decimal(item.amount_cents)}".replace(".", ","))
            for item in spec.items
            if item.written
        ]
        spec.form_rows = written + [("", "")] * (ITEM_ROWS if not written else 1)
    return render(
        request,
        "ledger/balance_specifications.html",
        _base(
            request,
            company,
            errors=errors,
            fiscal_years=years,
            year=year,
            specifications=found,
        ),
    )
