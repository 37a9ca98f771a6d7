"""API of the financial statements: the income statement and the balance sheet of a fiscal
year in a statutory form, the income statement by nature or by function (JSON or PDF), and the statement book's data and PDF.

A problem (no fiscal year ends on the date, an unknown form, an open year whose closing gate
fails) answers 422 naming the field, as every ValidationError of the API does."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import Field, Query, Router, Schema

from tase.apiutil import Day, actor
from tase.core import pdf

from . import financial_statements as statements
from . import services, size_class, tax_return
from .models import FiscalYear

router = Router(tags=["ledger"])


class StatementsQuery(Schema):
    year_end: Day = Field(..., description="The last day of the fiscal year")
    form: Literal["micro", "small", "full"] = "small"
    basis: Literal["nature", "function"] = Field(
        "nature",
        description="Income statement by nature of expense (KPA 1:1 §) or by function "
        "(KPA 1:2 §; every operating account with a balance needs its function)",
    )
    gross: bool = Field(
        False,
        description="Combine the first items of the income statement into Bruttotulos (a small "
        "or micro company's option, PMA 1753/2015 2:1 § 2 mom. and 4:1 §; 422 for the full form)",
    )
    format: Literal["json", "pdf"] = "json"
    language: Literal["fi", "sv", "en"] = "fi"


class StatementRowOut(Schema):
    code: str = Field(..., description="The item's mark in the statute (5a, VA.B.II …)")
    label: str
    level: int
    kind: str = Field(..., description="heading | line | total")
    amount: str | None = Field(..., description="Euros, this fiscal year")
    previous: str | None = Field(..., description="Euros, the previous fiscal year")


class PairOut(Schema):
    amount: str
    previous: str | None


class PeriodOut(Schema):
    start: dt.date
    end: dt.date


class StatementsOut(Schema):
    company: str
    business_id: str
    form: str
    basis: str
    gross: bool
    fiscal_year: PeriodOut
    previous_fiscal_year: PeriodOut | None
    income_statement: list[StatementRowOut]
    balance_sheet: list[StatementRowOut]
    balance_sheet_total_assets: PairOut
    balance_sheet_total_equity_and_liabilities: PairOut
    profit: PairOut
    unmapped_lines: list[str] = Field(..., description="Statement lines no item takes")


@router.get(
    "/companies/{company_id}/financial-statements",
    response={200: StatementsOut},
    summary="The income statement and balance sheet of a fiscal year (micro, small or full)",
)
def financial_statements(request, company_id: int, query: Query[StatementsQuery]):
    company = actor(request).company(company_id, "ledger.view")
    with translation.override("en" if query.language == "en" else "fi"):
        result = statements.financial_statements(
            company,
            query.year_end,
            form=query.form,
            language=query.language,
            basis=query.basis,
            gross=query.gross,
        )
        if query.format == "pdf":
            return pdf.response(statements.statements_pdf(result), f"tilinpaatos-{query.year_end}")
    return statements.to_data(result)


class SignatureIO(Schema):
    name: str
    role: str = ""
    date: Day | None = None


class StatementBookIO(Schema):
    form: Literal["micro", "small", "full"] = "small"
    basis: Literal["nature", "function"] = "nature"
    gross: bool = Field(False, description="Bruttotulos (small or micro form only)")
    board_proposal: str = ""
    place: str = ""
    signatures: list[SignatureIO] = []
    auditor_note: str = ""
    notes: dict[str, str] = Field({}, description="Note key → text (see the page for the keys)")


def _year(request, company_id: int, year_id: int, action: str):
    company = actor(request).company(company_id, action)
    return company, get_object_or_404(FiscalYear, company=company, pk=year_id)


def _book_out(book) -> dict:
    if book is None:
        return StatementBookIO().dict()
    return {
        "form": book.form,
        "basis": book.basis,
        "gross": book.gross,
        "board_proposal": book.board_proposal,
        "place": book.place,
        "signatures": book.signatures,
        "auditor_note": book.auditor_note,
        "notes": book.notes,
    }


class SizeLimitsOut(Schema):
    balance_sheet_total: str
    turnover: str
    personnel: str


class SizeYearOut(Schema):
    start: dt.date
    end: dt.date
    balance_sheet_total: str = Field(..., description="Euros, the assets on the last day")
    turnover: str = Field(..., description="Euros, income statement item 1 of the year")
    personnel: str | None = Field(..., description="Average; null when Tase does not know it")
    size_class: Literal["micro", "small", "full"]
    exceeded: dict[str, list[str]] = Field(..., description="Per class: the limits exceeded")
    limits: dict[str, SizeLimitsOut] = Field(..., description="Per class: its limits that year")
    alone: bool = Field(..., description="No earlier year in Tase: by this year's figures only")


class SizeClassOut(Schema):
    fiscal_year: int
    size_class: Literal["micro", "small", "full"] = Field(
        ..., description="KPL 1:4 a-4 b §; full: larger than a small company"
    )
    label: str
    forms_allowed: list[str]
    years: list[SizeYearOut] = Field(..., description="Every year up to this one, oldest first")


@router.get(
    "/companies/{company_id}/fiscal-years/{year_id}/size-class",
    response=SizeClassOut,
    summary="The company's size class (micro, small, larger) at the year's end, and its forms",
)
def get_size_class(request, company_id: int, year_id: int):
    """Decided year by year from the books as KPL 1:4 a-4 b § and KILA 1982/2018 say: two
    consecutive years change the class."""
    company, year = _year(request, company_id, year_id, "ledger.view")
    return size_class.to_data(size_class.size_class(company, year))


@router.get(
    "/companies/{company_id}/fiscal-years/{year_id}/statement-book",
    response=StatementBookIO,
    summary="The statement book's data of a fiscal year: proposal, signatures, auditor's note",
)
def get_statement_book(request, company_id: int, year_id: int):
    _company, year = _year(request, company_id, year_id, "ledger.view")
    return _book_out(statements.statement_book_of(year))


@router.put(
    "/companies/{company_id}/fiscal-years/{year_id}/statement-book",
    response=StatementBookIO,
    summary="Write the statement book's data of a fiscal year",
)
def put_statement_book(request, company_id: int, year_id: int, payload: StatementBookIO):
    company, year = _year(request, company_id, year_id, "ledger.view")
    book = services.save_statement_book(
        actor(request),
        company,
        year,
        form=payload.form,
        basis=payload.basis,
        gross=payload.gross,
        board_proposal=payload.board_proposal,
        place=payload.place,
        signatures=[s.dict() for s in payload.signatures],
        auditor_note=payload.auditor_note,
        notes=payload.notes,
    )
    return _book_out(book)


@router.get(
    "/companies/{company_id}/fiscal-years/{year_id}/statement-book.pdf",
    summary="The statement book (tasekirja) as one PDF; the year closed or its gate passing",
)
def statement_book_pdf(request, company_id: int, year_id: int, language: str = "fi"):
    company, year = _year(request, company_id, year_id, "ledger.view")
    language = language if language in ("fi", "sv", "en") else "fi"
    with translation.override("en" if language == "en" else "fi"):
        data = statements.statement_book_pdf(company, year.end, language=language)
    return pdf.response(data, f"tasekirja-{year.end}")


class TaxFigureOut(Schema):
    key: str = Field(..., description="Stable key of the figure (not a field code of form 6B)")
    label: str
    amount: str | None = Field(..., description="Euros; null when the books do not know it")
    source: str = Field(..., description="The statement items or accounts it sums")
    basis: str = Field(..., description="Its legal basis")


class LossOut(Schema):
    tax_year: int
    confirmed: str
    used_before: str
    used: str = Field(..., description="Deducted from this year's taxable income, euros")
    left: str
    last_tax_year: int = Field(..., description="The last tax year it may be deducted in")
    expired: bool
    forfeited: bool


class TaxReturnOut(Schema):
    company: str
    business_id: str
    fiscal_year: PeriodOut
    field_codes: None = Field(
        None, description="Always null: the record description of 6B was not available"
    )
    field_codes_note: str
    key_figures: list[TaxFigureOut]
    average_personnel: str | None
    calculation: list[TaxFigureOut] = Field(
        ..., description="The calculation of taxable income: result, additions, taxable income"
    )
    taxable_income: str
    loss: str
    losses_of_earlier_years: list[LossOut] = Field(
        ...,
        description="The confirmed losses of earlier tax years (TVL 119 §), oldest first: "
        "used this year and left after it",
    )


@router.get(
    "/companies/{company_id}/fiscal-years/{year_id}/tax-return-figures",
    response={200: TaxReturnOut},
    summary="The income tax return's key figures (form 6B) of a closed year; no field codes",
)
def tax_return_figures(
    request, company_id: int, year_id: int, format: Literal["json", "csv"] = "json"
):
    """A limited company's or cooperative's year, closed or with its closing gate passing
    (422 naming ``fiscal_year`` or ``year_end`` otherwise). ``format=csv``: the same as the
    page's CSV download."""
    company, year = _year(request, company_id, year_id, "ledger.view")
    figures = tax_return.tax_return_figures(company, year)
    if format == "csv":
        return tax_return.csv_response(figures)
    return tax_return.to_data(figures)
