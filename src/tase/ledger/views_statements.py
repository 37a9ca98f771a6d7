"""The financial-statements page: a fiscal year's income statement and balance sheet in the
form chosen (micro, small, full), the income statement by nature or by function, their PDF, and the statement book's data (the board's
proposal, the dated signatures, the auditor's note, the notes) with the statement book PDF.
Thin over :mod:`tase.ledger.financial_statements` and ``services.save_statement_book``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from tase.core import pdf
from tase.rules import financial_statements as rules

from . import financial_statements as statements
from . import services, size_class, tax_return
from .services.income_tax import pays_corporate_income_tax
from .statement_notes import notes_for, suggestions
from .views import _actor, _base, _company, _errors, chosen_year, posted

SIGNATURE_ROWS = 6


def _signatures_from(post) -> list[dict]:
    return [
        {
            "name": post.get(f"sig-{i}-name", ""),
            "role": post.get(f"sig-{i}-role", ""),
            "date": post.get(f"sig-{i}-date", "").strip() or None,
        }
        for i in range(SIGNATURE_ROWS)
    ]


def _save_book(request, company, year) -> None:
    services.save_statement_book(
        _actor(request),
        company,
        year,
        form=request.POST.get("form", "small"),
        basis=request.POST.get("basis", "nature"),
        gross=request.POST.get("gross") == "1",
        board_proposal=request.POST.get("board_proposal", ""),
        place=request.POST.get("place", ""),
        signatures=_signatures_from(request.POST),
        auditor_note=request.POST.get("auditor_note", ""),
        notes={
            key.removeprefix("note-"): value
            for key, value in request.POST.items()
            if key.startswith("note-")
        },
    )
    messages.success(request, _("The statement book's data was saved."))


@login_required
def financial_statements(request, company_pk):
    company = _company(request, company_pk)
    years, year = chosen_year(request, company)
    errors = []
    if year is not None:
        done, errors = posted(
            request,
            company,
            "ledger.manage",
            lambda request, company: _save_book(request, company, year),
            redirect_to=f"{request.path}?year={year.pk}",
        )
        if done is not None:
            return done
    book = statements.statement_book_of(year) if year else None
    form = request.GET.get("form") or (book.form if book else "small")
    form = form if form in rules.FORMS else "small"
    basis = request.GET.get("basis") or (book.basis if book else "nature")
    basis = basis if basis in rules.BASES else "nature"
    if "form" in request.GET:  # the choice on the page, else the statement book's
        gross = request.GET.get("gross") == "1"
    else:
        gross = book.gross if book else False
    result = None
    if year is not None:
        if request.GET.get("format") == "book":
            try:
                data = statements.statement_book_pdf(company, year.end)
                return pdf.response(data, f"tasekirja-{year.end}")
            except ValidationError as error:
                errors = _errors(error)
        try:
            result = statements.financial_statements(
                company, year.end, form=form, basis=basis, gross=gross
            )
        except ValidationError as error:  # by function without functions; gross in full form
            errors = errors + _errors(error)
        if result is not None and request.GET.get("format") == "pdf":
            return pdf.response(statements.statements_pdf(result), f"tilinpaatos-{year.end}")
    tax_figures, tax_errors = None, []
    wants_tax = request.GET.get("tax") == "1" or request.GET.get("format") == "tax-csv"
    # A closed year shows them at once; an open one on request (its closing gate is asked).
    if year is not None and pays_corporate_income_tax(company) and (not year.is_open or wants_tax):
        try:
            tax_figures = tax_return.tax_return_figures(company, year)
        except ValidationError as error:
            tax_errors = _errors(error)
        if tax_figures is not None and request.GET.get("format") == "tax-csv":
            return tax_return.csv_response(tax_figures)
    company_size = size_class.size_class(company, year) if year is not None else None
    size_warning = size_class.form_warning(company_size, form) if company_size else None
    signatures = statements.signatures_of(book)
    signatures += [{"name": "", "role": "", "date": None}] * (SIGNATURE_ROWS - len(signatures))
    written = (book.notes or {}) if book else {}
    proposed = suggestions(company, year) if year else {}
    return render(
        request,
        "ledger/financial_statements.html",
        _base(
            request,
            company,
            errors=errors,
            fiscal_years=years,
            year=year,
            form=form,
            forms=statements.form_labels(),
            basis=basis,
            bases=statements.basis_labels(),
            gross=gross,
            result=result,
            book=book,
            signatures=signatures[:SIGNATURE_ROWS],
            notes=[
                (note, written.get(note.key) or proposed.get(note.key, ""), note.key in proposed)
                for note in notes_for(form)
            ],
            default_sign_date=(year.end + dt.timedelta(days=1)) if year else None,
            files_6b=pays_corporate_income_tax(company),
            tax_figures=tax_figures,
            tax_errors=tax_errors,
            no_codes=tax_return.NO_CODES,
            company_size=company_size,
            size_warning=size_warning,
            size_label=size_class.class_labels()[company_size.size_class] if company_size else "",
            size_rows=size_class.page_rows(company_size) if company_size else [],
        ),
    )
