"""The statement book's own data of a fiscal year: the statement form, the board's proposal
for the result, the place and the dated signatures, the auditor's note and the notes.

Kirjanpitolaki 1336/1997 3:7 §: the financial statements are dated and signed by the board
members (and the managing director); PMA 1753/2015 1 luku 1 § 5 mom.: with the signatures
the statement that the small- or micro-company rules were followed and, for a limited
company, the board's proposal for the distributable free equity. Each signature carries its
own date; none may be before the end of the year it signs.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.rules.financial_statements import BASES, FORMS, GROSS_FORMS

from ..models import FiscalYear, StatementBook
from ..statement_notes import KEYS
from .common import fmt_date, guard

MAX_SIGNATURES = 50
TEXT_LIMIT = 20_000


def _signatures(raw, year: FiscalYear, errors: dict) -> list[dict]:
    found, problems = [], []
    for number, item in enumerate(raw or [], start=1):
        name = str((item or {}).get("name") or "").strip()
        role = str((item or {}).get("role") or "").strip()
        day = (item or {}).get("date")
        if not name and not role and not day:
            continue  # an empty row of the form
        if not name:
            problems.append(_("Signature %(n)s: the name is required.") % {"n": number})
            continue
        if len(name) > 200 or len(role) > 100:
            problems.append(_("Signature %(n)s: the name or role is too long.") % {"n": number})
            continue
        if day in (None, ""):
            problems.append(_("Signature %(n)s: the date is required.") % {"n": number})
            continue
        try:
            date = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        except ValueError:
            problems.append(_("Signature %(n)s: enter a valid date.") % {"n": number})
            continue
        if date <= year.end:
            problems.append(
                _("Signature %(n)s: the date must be after the end of the year (%(end)s).")
                % {"n": number, "end": fmt_date(year.end)}
            )
            continue
        found.append({"name": name, "role": role, "date": date.isoformat()})
    if len(found) > MAX_SIGNATURES:
        problems.append(_("At most %(n)s signatures.") % {"n": MAX_SIGNATURES})
    if problems:
        errors["signatures"] = problems
    return found


@transaction.atomic
def save_statement_book(
    actor,
    company,
    year: FiscalYear,
    *,
    form: str = "small",
    basis: str = "nature",
    gross: bool = False,
    board_proposal: str = "",
    place: str = "",
    signatures=None,
    auditor_note: str = "",
    notes: dict | None = None,
) -> StatementBook:
    """Write the statement book's data of ``year``; every problem reported under its field,
    nothing written unless all are right."""
    guard(actor, company, "ledger.manage")
    if year.company_id != company.pk:
        raise ValidationError({"fiscal_year": _("The fiscal year is not this company's.")})
    errors: dict = {}
    if form not in FORMS:
        errors["form"] = _("Choose micro, small or full.")
    if basis not in BASES:
        errors["basis"] = _("Choose nature or function.")
    if gross and form not in GROSS_FORMS:
        errors["gross"] = _(
            "Only a small or micro company may combine the first items of its income "
            "statement into Bruttotulos; choose the small or micro form."
        )
    texts = {"board_proposal": board_proposal, "auditor_note": auditor_note}
    for field, value in texts.items():
        if len(value or "") > TEXT_LIMIT:
            errors[field] = _("At most %(n)s characters.") % {"n": TEXT_LIMIT}
    if len(place or "") > 100:
        errors["place"] = _("At most %(n)s characters.") % {"n": 100}
    clean_notes = {}
    for key, value in (notes or {}).items():
        if key not in KEYS:
            errors["notes"] = _("Unknown note %(key)s.") % {"key": key}
        elif len(value or "") > TEXT_LIMIT:
            errors["notes"] = _("At most %(n)s characters.") % {"n": TEXT_LIMIT}
        elif (value or "").strip():
            clean_notes[key] = value.strip()
    found = _signatures(signatures, year, errors)
    if errors:
        raise ValidationError(errors)
    book = StatementBook.objects.select_for_update().filter(fiscal_year=year).first()
    created = book is None
    if created:
        book = StatementBook(company=company, fiscal_year=year)
    before = {
        "form": book.form,
        "basis": book.basis,
        "gross": book.gross,
        "board_proposal": book.board_proposal,
        "signatures": len(book.signatures or []),
        "auditor_note": book.auditor_note,
    }
    book.form = form
    book.basis = basis
    book.gross = bool(gross)
    book.board_proposal = (board_proposal or "").strip()
    book.place = (place or "").strip()
    book.signatures = found
    book.auditor_note = (auditor_note or "").strip()
    book.notes = clean_notes
    book.save()
    after = {
        "form": book.form,
        "basis": book.basis,
        "gross": book.gross,
        "board_proposal": book.board_proposal,
        "signatures": len(found),
        "auditor_note": book.auditor_note,
    }
    audit.record(
        actor.user,
        "create" if created else "update",
        book,
        company=company,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return book
