"""Fiscal years, the VAT period and the month locks."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from .. import closing, selectors, services
from ..models import FiscalYear, LedgerSettings
from .common import (
    _actor,
    _base,
    _company,
    _month_end,
    _require_confirmation,
    gate_day,
    posted,
)


def _lock_day(request, company) -> dt.date:
    """The month end the lock form proposes: asked (``?on=`` or the month posted), else the
    month after the current lock, else last month; its closing gate is shown beside."""
    asked = _month_end(request.POST.get("locked_month") or request.GET.get("on", "")[:7])
    if isinstance(asked, dt.date):
        return asked
    current = services.locked_until(company)
    if current is not None:
        return services.add_months(current + dt.timedelta(days=1), 1) - dt.timedelta(days=1)
    return gate_day()


def _post(request, company) -> None:
    actor, action = _actor(request), request.POST.get("action")
    if action in ("close", "lock"):
        _require_confirmation(request)
    if action == "create":
        services.create_fiscal_year(
            actor,
            company,
            start=request.POST.get("start"),
            end=request.POST.get("end"),
            change_of_period=bool(request.POST.get("change_of_period")),
        )
        messages.success(request, _("Fiscal year created."))
    elif action == "close":
        year = get_object_or_404(FiscalYear, company=company, pk=request.POST.get("year"))
        services.close_fiscal_year(
            actor, year, override_reason=request.POST.get("override_reason", "")
        )
        messages.success(request, _("Fiscal year closed."))
    elif action == "reopen":
        year = get_object_or_404(FiscalYear, company=company, pk=request.POST.get("year"))
        services.reopen_fiscal_year(actor, year, reason=request.POST.get("reason", ""))
        messages.success(request, _("Fiscal year reopened."))
    elif action == "income_tax":
        _require_confirmation(request)
        year = get_object_or_404(FiscalYear, company=company, pk=request.POST.get("year"))
        services.book_income_tax(actor, company, year, request.POST.get("amount") or None)
        messages.success(request, _("Income tax booked."))
    elif action == "vat_period":
        services.set_vat_period(actor, company, request.POST.get("vat_period", ""))
        messages.success(request, _("VAT period saved."))
    elif action == "vat_method":
        services.set_cash_basis_vat(actor, company, request.POST.get("vat_method") == "cash")
        messages.success(request, _("VAT method saved."))
    elif action == "lock":
        services.lock_period(
            actor,
            company,
            _month_end(request.POST.get("locked_month")),
            override_reason=request.POST.get("override_reason", ""),
        )
        messages.success(request, _("Period locked."))


@login_required
def fiscal_years(request, company_pk):
    company = _company(request, company_pk)
    actor = _actor(request)
    done, errors = posted(request, company, "ledger.manage", _post)
    if done is not None:
        return done
    years = FiscalYear.objects.filter(company=company).order_by("-start")
    last = years.first()
    lock_on = _lock_day(request, company)
    first_open = years.filter(state=FiscalYear.State.OPEN).order_by("start").first()
    return render(
        request,
        "ledger/fiscal_years.html",
        _base(
            request,
            company,
            years=years,
            errors=errors,
            locked_until=services.locked_until(company),
            vat=selectors.vat_settings(company, dt.date.today()),
            lock_on=lock_on,
            lock_gate=closing.closing_gate(company, lock_on),
            first_open=first_open,
            income_tax=_income_tax(company, first_open),
            close_gate=(
                closing.closing_gate(company, first_open.end, year_end=True) if first_open else None
            ),
            vat_periods=LedgerSettings.VatPeriod.choices,
            can_reopen=actor.can_in_company("ledger.reopen_year", company),
            next_start=(last.end + dt.timedelta(days=1))
            if last
            else dt.date(dt.date.today().year, 1, 1),
            next_end=(
                services.add_months(last.end + dt.timedelta(days=1), 12) - dt.timedelta(days=1)
                if last
                else dt.date(dt.date.today().year, 12, 31)
            ),
        ),
    )


def _income_tax(company, year) -> dict | None:
    """The income tax form's figures for ``year``, or None where the tax does not apply."""
    tax = services.income_tax
    if year is None or not tax.pays_corporate_income_tax(company):
        return None
    proposal, rate = tax.proposal(company, year)
    return {"year": year, "proposal": proposal, "rate": rate, "voucher": tax.booked(company, year)}
