"""The chart of accounts, its lookup for the voucher form, and the bank accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _

from tase.core.editing import this_page
from tase.rules import vat as vat_rules

from .. import selectors, services
from ..models import Account
from .common import _actor, _base, _company, posted


def _post(request, company) -> None:
    actor, action = _actor(request), request.POST.get("action")
    if action == "apply_chart":
        services.apply_chart(actor, company, request.POST.get("chart", ""))
        messages.success(request, _("Chart of accounts added."))
    elif action == "create":
        services.create_account(
            actor,
            company,
            number=request.POST.get("number", ""),
            name_fi=request.POST.get("name_fi", ""),
            name_en=request.POST.get("name_en", ""),
            type=request.POST.get("type", ""),
            default_vat_code=request.POST.get("default_vat_code", ""),
        )
        messages.success(request, _("Account added."))
    elif action in ("rename", "hide", "show", "delete"):
        account = get_object_or_404(Account, company=company, pk=request.POST.get("account"))
        if action == "delete":
            services.delete_account(actor, account)
            messages.success(request, _("Account deleted."))
            return
        if action == "rename":
            services.update_account(
                actor,
                account,
                name_fi=request.POST.get("name_fi", ""),
                name_en=request.POST.get("name_en", ""),
                function=request.POST.get("function"),
                tax_treatment=request.POST.get("tax_treatment"),
            )
        else:
            services.update_account(actor, account, hidden=action == "hide")
        messages.success(request, _("Account saved."))


@login_required
def accounts(request, company_pk):
    company = _company(request, company_pk)
    done, errors = posted(
        request,
        company,
        "ledger.manage",
        _post,
        redirect_to=lambda _done: this_page(request) + "#accounts",
    )
    if done is not None:
        return done
    language = translation.get_language() or "fi"
    return render(
        request,
        "ledger/accounts.html",
        _base(
            request,
            company,
            accounts=selectors.accounts_of(company),
            errors=errors,
            language=language,
            types=Account.Type.choices,
            functions=Account.Function.choices,
            vat_codes=vat_rules.CODES.values(),
            charts=[
                ("limited-company", _("Limited company (osakeyhtiö)")),
                ("sole-trader", _("Sole trader (toiminimi)")),
            ],
        ),
    )


@login_required
def account_lookup(request, company_pk):
    """Options for the account field: by number prefix or by name (htmx)."""
    company = _company(request, company_pk)
    query = request.GET.get("q", "").strip()
    for key, value in request.GET.items():
        if key.startswith("account_"):
            query = value.strip()
    qs = Account.objects.filter(company=company, is_header=False, hidden=False)
    if query:
        number = query.split(" ")[0]
        qs = qs.filter(
            Q(number__startswith=number) | Q(name_fi__icontains=query) | Q(name_en__icontains=query)
        )
    return render(request, "ledger/_account_options.html", {"accounts": qs.order_by("number")[:30]})


# -- bank accounts --------------------------------------------------------------------------


@login_required
def bank_accounts(request, company_pk):
    """The company's bank accounts (printed on invoices and in bank barcodes)."""
    company = _company(request, company_pk)
    done, errors = posted(request, company, "ledger.manage", _add_bank_account)
    if done is not None:
        return done
    return render(
        request,
        "ledger/bank_accounts.html",
        _base(
            request,
            company,
            errors=errors,
            bank_accounts=selectors.bank_accounts_of(company),
            asset_accounts=Account.objects.filter(
                company=company, is_header=False, hidden=False, type=Account.Type.ASSET
            ).order_by("number"),
            form=request.POST if errors else {},
        ),
    )


def _add_bank_account(request, company) -> None:
    services.create_bank_account(
        _actor(request),
        company,
        iban=request.POST.get("iban", ""),
        bic=request.POST.get("bic", ""),
        account=request.POST.get("account", ""),
        name=request.POST.get("name", ""),
        is_default=bool(request.POST.get("is_default")) or None,
    )
    messages.success(request, _("Bank account added."))
