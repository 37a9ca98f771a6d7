"""API of the accruals: list, enter (posted with its reversal), post the reversals that have
become due, and the balance-sheet specification of the accrual accounts at a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status

from tase.apiutil import Day, actor

from . import accrual_register, services
from .models import Accrual

router = Router(tags=["ledger"])


class AccrualIn(Schema):
    kind: str
    description: str
    amount: Decimal
    date: Day
    reverses_on: Day | None = None
    result_account: str
    balance_account: str | None = None


class AccrualOut(AccrualIn):
    id: int
    reverses_on: dt.date
    balance_account: str
    voucher_id: int
    reversal_id: int | None


class ReversalsIn(Schema):
    until: Day


class SpecificationAccrualOut(Schema):
    id: int
    description: str
    kind: str
    reverses_on: dt.date
    amount: Decimal


class SpecificationAccountOut(Schema):
    number: str
    name: str
    balance: Decimal
    accruals: list[SpecificationAccrualOut]
    other: Decimal


def _out(accrual: Accrual) -> dict:
    return {
        "id": accrual.pk,
        "kind": accrual.kind,
        "description": accrual.description,
        "amount": services.cents_to_decimal(accrual.amount_cents),
        "date": accrual.date,
        "reverses_on": accrual.reverses_on,
        "result_account": accrual.result_account.number,
        "balance_account": accrual.balance_account.number,
        "voucher_id": accrual.voucher_id,
        "reversal_id": accrual.reversal_id,
    }


@router.get("/companies/{company_id}/accruals", response=list[AccrualOut])
def list_accruals(request, company_id: int):
    company = actor(request).company(company_id, "ledger.view")
    return [_out(a) for a in accrual_register.accruals_of(company)]


@router.post("/companies/{company_id}/accruals", response={201: AccrualOut})
def create_accrual(request, company_id: int, payload: AccrualIn):
    """Enter an accrual: posted on ``date``, reversed on ``reverses_on`` (default the next
    day) at once when that date's fiscal year exists, else by ``accrual-reversals``."""
    current = actor(request)
    company = current.company(company_id, "ledger.view")
    return Status(201, _out(services.create_accrual(current, company, **payload.dict())))


@router.post("/companies/{company_id}/accrual-reversals", response={201: list[AccrualOut]})
def reverse_due_accruals(request, company_id: int, payload: ReversalsIn):
    """Post the reversals due by ``until`` whose fiscal year now exists."""
    current = actor(request)
    company = current.company(company_id, "ledger.view")
    return Status(
        201, [_out(a) for a in services.reverse_due_accruals(current, company, payload.until)]
    )


@router.get("/companies/{company_id}/accrual-specification", response=list[SpecificationAccountOut])
def accrual_specification(request, company_id: int, on: Day):
    """Per accrual account: the balance on ``on``, the accruals open then and the rest."""
    company = actor(request).company(company_id, "ledger.view")
    euros = services.cents_to_decimal
    return [
        {
            "number": row.number,
            "name": row.name,
            "balance": euros(row.book_cents),
            "other": euros(row.other_cents),
            "accruals": [
                {
                    "id": a.pk,
                    "description": a.description,
                    "kind": a.kind,
                    "reverses_on": a.reverses_on,
                    "amount": euros(a.amount_cents),
                }
                for a in row.accruals
            ],
        }
        for row in accrual_register.specification(company, on)
    ]
