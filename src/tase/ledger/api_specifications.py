"""API of the balance-sheet specifications (tase-erittelyt, Kirjanpitolaki 1336/1997 3:13 §)
of a fiscal year: every balance-sheet account's balance with the items behind it and the
difference (GET, or the PDF), and the free text and items the accountant writes for one
account (PUT). A problem answers 422 naming the field."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Router, Schema

from tase.apiutil import actor
from tase.core import pdf

from . import balance_specifications, services
from .api_statements import _year

router = Router(tags=["ledger"])


class ItemOut(Schema):
    text: str
    reference: str = Field(..., description="A date or number (an invoice's date …)")
    amount: str = Field(..., description="Euros, the balance sheet's sign")
    written: bool = Field(..., description="Written by the accountant, not from a ledger")


class AccountSpecificationOut(Schema):
    account: str
    name: str
    balance: str = Field(..., description="Euros at the year's end; assets debit +, else credit +")
    specified: str
    difference: str = Field(..., description="balance - specified; 0.00 when it ties")
    sources: list[str]
    text: str
    items: list[ItemOut]


class SpecificationsOut(Schema):
    on: str
    accounts: list[AccountSpecificationOut]


class LineIn(Schema):
    text: str
    amount: Decimal = Field(..., description="Euros, the balance sheet's sign")


class SpecificationIn(Schema):
    text: str = ""
    lines: list[LineIn] = []


@router.get(
    "/companies/{company_id}/fiscal-years/{year_id}/balance-specifications",
    response=SpecificationsOut,
    summary="The balance-sheet specifications of a fiscal year, with their differences",
)
def get_specifications(request, company_id: int, year_id: int):
    company, year = _year(request, company_id, year_id, "ledger.view")
    return balance_specifications.to_data(balance_specifications.specifications(company, year))


@router.get(
    "/companies/{company_id}/fiscal-years/{year_id}/balance-specifications.pdf",
    summary="The balance-sheet specifications of a fiscal year as a PDF (not public)",
)
def specifications_pdf(request, company_id: int, year_id: int):
    company, year = _year(request, company_id, year_id, "ledger.view")
    found = balance_specifications.specifications(company, year)
    return pdf.response(
        balance_specifications.specifications_pdf(found), f"tase-erittelyt-{year.end}"
    )


@router.put(
    "/companies/{company_id}/fiscal-years/{year_id}/balance-specifications/{number}",
    response=SpecificationsOut,
    summary="Write one account's specification text and items; empty removes them",
)
def put_specification(
    request, company_id: int, year_id: int, number: str, payload: SpecificationIn
):
    company, year = _year(request, company_id, year_id, "ledger.view")
    services.save_balance_specification(
        actor(request),
        company,
        year,
        number,
        text=payload.text,
        lines=[line.dict() for line in payload.lines],
    )
    return balance_specifications.to_data(balance_specifications.specifications(company, year))
