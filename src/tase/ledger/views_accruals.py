"""The accruals page: enter an accrual, post the reversals that have become due, and the
balance-sheet specification of the accrual accounts at a date (thin over the services)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tase.core.days import iso_day

from . import accrual_register, services
from .models import Account, Accrual
from .views import _actor, _base, _company, _require_confirmation, posted

ACCRUAL_FIELDS = (
    "kind",
    "description",
    "amount",
    "date",
    "reverses_on",
    "result_account",
    "balance_account",
)


def _post(request, company):
    actor, action = _actor(request), request.POST.get("action")
    if action == "create":
        _require_confirmation(request)
        values = {name: request.POST.get(name, "").strip() for name in ACCRUAL_FIELDS}
        values["balance_account"] = values["balance_account"] or None
        accrual = services.create_accrual(actor, company, **values)
        messages.success(
            request, _("Accrual posted as voucher %(voucher)s.") % {"voucher": accrual.voucher}
        )
    elif action == "reverse":
        _require_confirmation(request)
        done = services.reverse_due_accruals(actor, company, request.POST.get("until"))
        messages.success(
            request,
            ngettext("%(count)s reversal posted.", "%(count)s reversals posted.", len(done))
            % {"count": len(done)},
        )


def _date(value: str | None, default: dt.date) -> dt.date:
    return iso_day(value) or default


@login_required
def accruals(request, company_pk):
    company = _company(request, company_pk)
    done, errors = posted(request, company, "ledger.post", _post)
    if done is not None:
        return done
    today = dt.date.today()
    on = _date(request.GET.get("on"), today)
    accounts = Account.objects.filter(company=company, is_header=False, hidden=False)
    return render(
        request,
        "ledger/accruals.html",
        _base(
            request,
            company,
            errors=errors,
            accruals=accrual_register.accruals_of(company),
            on=on,
            today=today,
            specification=accrual_register.specification(company, on),
            kinds=Accrual.Kind.choices,
            result_accounts=accounts.filter(type__in=[Account.Type.EXPENSE, Account.Type.REVENUE]),
            balance_accounts=accounts.filter(type__in=[Account.Type.ASSET, Account.Type.LIABILITY]),
            form=request.POST if errors else {},
        ),
    )
