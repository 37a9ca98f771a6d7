"""API of the closing gate: the assertions of a company on a day, every visible company's at
once, and the acts the gate guards (locking a period, closing a fiscal year) with the
accountant's ``override_reason``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from tase.apiutil import Day, actor

from . import closing, services
from .models import FiscalYear

router = Router(tags=["ledger"])


class ClosingAssertionOut(Schema):
    code: str
    label: str
    detail: str
    book_value: Decimal = Field(..., description="What the books say (euros)")
    other_label: str
    other_value: Decimal = Field(..., description="What the other ledger says (euros)")
    difference: Decimal = Field(..., description="book_value - other_value")
    ok: bool
    url: str = Field(..., description="Where to look into the difference (a page)")


class ClosingGateOut(Schema):
    company_id: int
    on: dt.date
    year_end: bool
    ok: bool
    assertions: list[ClosingAssertionOut]


class ClosingGateQuery(Schema):
    on: Day = Field(default_factory=dt.date.today)
    year_end: bool = Field(
        False, description="Also the items asked only when a fiscal year is closed"
    )


class PeriodLockIn(Schema):
    locked_until: Day = Field(..., description="The last day of a month (or fiscal year)")
    override_reason: str = Field(
        "", description="Why the period is locked although the closing gate fails (audited)"
    )


class PeriodLockOut(Schema):
    locked_until: dt.date | None


class FiscalYearCloseIn(Schema):
    override_reason: str = Field(
        "", description="Why the year is closed although the closing gate fails (audited)"
    )


def gate_out(company_id: int, gate: closing.Gate) -> dict:
    return {
        "company_id": company_id,
        "on": gate.on,
        "year_end": gate.year_end,
        "ok": gate.ok,
        "assertions": [
            {
                "code": row.code,
                "label": row.label,
                "detail": row.value.detail,
                "book_value": services.cents_to_decimal(row.value.book_cents),
                "other_label": row.other_label,
                "other_value": services.cents_to_decimal(row.value.other_cents),
                "difference": services.cents_to_decimal(row.value.difference_cents),
                "ok": row.ok,
                "url": row.value.url,
            }
            for row in gate.rows
        ],
    }


@router.get(
    "/companies/{company_id}/closing-gate",
    response=ClosingGateOut,
    summary="The closing gate: each assertion with its book value, other value and difference",
)
def closing_gate(request, company_id: int, query: Query[ClosingGateQuery]):
    company = actor(request).company(company_id, "ledger.view")
    return gate_out(company.pk, closing.closing_gate(company, query.on, year_end=query.year_end))


@router.get(
    "/closing-gates",
    response=list[ClosingGateOut],
    summary="The closing gates of every company the user may see (the accounting office)",
)
def closing_gates(request, query: Query[ClosingGateQuery]):
    companies = list(actor(request).companies("ledger.view").order_by("name", "pk"))
    gates = closing.closing_gates(companies, query.on, year_end=query.year_end)
    return [gate_out(company.pk, gates[company.pk]) for company in companies]


@router.post(
    "/companies/{company_id}/period-lock",
    response=PeriodLockOut,
    summary="Lock the periods up to a month's end, through the closing gate",
)
def lock_period(request, company_id: int, payload: PeriodLockIn):
    company = actor(request).company(company_id, "ledger.manage")
    lock = services.lock_period(
        actor(request), company, payload.locked_until, override_reason=payload.override_reason
    )
    return {"locked_until": lock.locked_until}


def close_fiscal_year(request, company_id: int, year_id: int, payload: FiscalYearCloseIn | None):
    company = actor(request).company(company_id, "ledger.view")
    year = get_object_or_404(FiscalYear, company=company, pk=year_id)
    reason = payload.override_reason if payload is not None else ""
    return services.close_fiscal_year(actor(request), year, override_reason=reason)


class IncomeTaxOut(Schema):
    fiscal_year_id: int
    applies: bool = Field(..., description="A limited company or cooperative pays it")
    result_before_taxes: Decimal
    rate: Decimal = Field(..., description="Per cent, in force on the year's last day")
    proposal: Decimal
    voucher_id: int | None
    booked: Decimal | None


class IncomeTaxIn(Schema):
    amount: Decimal | None = Field(None, description="Euros; the proposal when left out")


def _income_tax(company, year) -> dict:
    tax = services.income_tax
    proposal, rate = tax.proposal(company, year)
    voucher = tax.booked(company, year)
    booked = (
        sum(e.amount_cents for e in voucher.entries.all() if e.amount_cents > 0)
        if voucher
        else None
    )
    euros = services.cents_to_decimal
    return {
        "fiscal_year_id": year.pk,
        "applies": tax.pays_corporate_income_tax(company),
        "result_before_taxes": euros(tax.result_before_taxes(company, year)),
        "rate": rate,
        "proposal": euros(proposal),
        "voucher_id": voucher.pk if voucher else None,
        "booked": None if booked is None else euros(booked),
    }


@router.get("/companies/{company_id}/fiscal-years/{year_id}/income-tax", response=IncomeTaxOut)
def income_tax_of(request, company_id: int, year_id: int):
    """The year's result before taxes, the corporate income tax proposal and what is booked."""
    company = actor(request).company(company_id, "ledger.view")
    return _income_tax(company, get_object_or_404(FiscalYear, company=company, pk=year_id))


@router.post(
    "/companies/{company_id}/fiscal-years/{year_id}/income-tax", response={201: IncomeTaxOut}
)
def book_income_tax(request, company_id: int, year_id: int, payload: IncomeTaxIn):
    """Book the year's income tax on its last day (9900 / 2960), once per year."""
    current = actor(request)
    company = current.company(company_id, "ledger.view")
    year = get_object_or_404(FiscalYear, company=company, pk=year_id)
    services.book_income_tax(current, company, year, payload.amount)
    return 201, _income_tax(company, year)
