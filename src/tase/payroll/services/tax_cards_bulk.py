"""Many employees' tax cards at once: from a CSV file, or from the withholding data file of
the Tax Administration (:mod:`tase.formats.tax_card_file`; its exact official schema is
behind the Vero API portal's registration, see there).

CSV columns (comma or semicolon, a header row): ``employee`` (the employee number) or
``identity_code``, ``year``, ``base_rate``, ``additional_rate``, ``income_limit``, and
optionally ``valid_from`` (default 1 January). Every row is checked first: an unknown
employee, a year other than the one being imported, or a bad rate is an error naming the
row, and then nothing is written (the errors of all rows are listed together). A card with
the same employee and start date replaces the earlier one, as on the employee page.

Every file is measured before it is read (:mod:`tase.core.limits`, kind ``tax_card_file``);
CSV rows are streamed and a control character (a NUL byte) refuses its row; an income limit
out of range is refused (``to_cents``).

Fetching the cards straight from the Tax Administration needs the Vero API's client
certificate: :class:`VeroApiTaxCards` is the adapter, a documented stub.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import hetu

from tase.core import audit, fieldcrypt
from tase.core.models import Company
from tase.formats import csv_table, tax_card_file

from ..models import Employee, TaxCard
from .common import require, upload_source
from .employees import tax_card_row

TAX_CARD_COLUMNS = (
    "employee",
    "identity_code",
    "year",
    "valid_from",
    "base_rate",
    "additional_rate",
    "income_limit",
)
REQUIRED = ("year", "base_rate", "additional_rate", "income_limit")


def _date(text: str, row_number: int) -> dt.date | None:
    if not (text or "").strip():
        return None
    try:
        return csv_table.parse_date(text)
    except ValueError:
        raise ValidationError(
            _("Row %(row)s: valid_from is not a date.") % {"row": row_number}
        ) from None


def _by_code(by_hash: dict, code: str):
    try:
        code = hetu.compact(code)
    except StdnumError:
        return None
    return next((by_hash[h] for h in fieldcrypt.blind_indexes(code) if h in by_hash), None)


class NotConfigured(RuntimeError):
    """The Tax Administration's interface is not configured."""


class VeroApiTaxCards:
    """Fetching employees' withholding data through the Vero API (api.vero.fi; the successor
    of the closed direct transfer, verokorttien suorasiirto).

    Not configured in Tase: the interface needs the client certificate of the Incomes
    Register's Web Service (vero.fi "Vero API - overview": client certificate authentication)
    and a software registration in the Vero API portal, whose message schema is published
    only there. Every call raises :class:`NotConfigured`; download the withholding data from
    the Tax Administration's service and import the file instead. An implementation would
    query each employee's card for the year with the company's certificate and pass the
    answers to :func:`import_tax_cards_file`."""

    def fetch(self, company: Company, year: int, identity_codes: list[str]) -> bytes:
        raise NotConfigured(
            _(
                "The Tax Administration's interface is not configured (it needs the Vero API "
                "certificate). Import the withholding data file or a CSV file instead."
            )
        )


def _error_text(error: ValidationError, row_number) -> list[str]:
    if hasattr(error, "error_dict"):
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        return [_("Row %(row)s: %(message)s") % {"row": row_number, "message": detail}]
    return list(error.messages)


def _import(actor, company: Company, rows, *, year: int, file_errors, action: str) -> int:
    """Check every row of ``rows`` (``(line, fields)``; fields as in the CSV), then write all
    cards or none. ``file_errors`` is called after the rows for the file's own errors."""
    # Matched by number, or by the identity code's blind index (the codes stay encrypted).
    by_number = {
        e.number: e for e in Employee.objects.filter(company=company).defer("identity_code", "iban")
    }
    by_hash = {e.identity_code_hash: e for e in by_number.values() if e.identity_code_hash}
    cards: list[TaxCard] = []
    errors: list[str] = []
    count = 0
    for row_number, row in rows:
        count += 1
        number = str(row.get("employee") or "").strip()
        code = str(row.get("identity_code") or "").strip().upper()
        employee = by_number.get(number) if number else _by_code(by_hash, code)
        try:
            if employee is None:
                raise ValidationError(
                    _("Row %(row)s: unknown employee “%(employee)s”.")
                    % {"row": row_number, "employee": number or code}
                )
            if str(row.get("year") or "").strip() != str(year):
                raise ValidationError(
                    _("Row %(row)s: the year “%(given)s” is not %(year)s.")
                    % {"row": row_number, "given": row.get("year") or "", "year": year}
                )
            valid_from = row.get("valid_from")
            if isinstance(valid_from, str):
                valid_from = _date(valid_from, row_number)
            data_row = dict(row, kind=TaxCard.Kind.CARD, valid_from=valid_from)
            for name in ("base_rate", "additional_rate", "income_limit"):
                data_row[name] = "" if data_row.get(name) is None else str(data_row[name])
            cards.append(tax_card_row(employee, data_row))
        except ValidationError as error:
            errors.extend(_error_text(error, row_number))
    errors.extend(
        _("Row %(row)s: %(message)s") % {"row": line, "message": message}
        for line, message in file_errors()
    )
    if not count and not errors:
        errors.append(_("The file has no tax cards."))
    if errors:
        raise ValidationError({"file": errors})
    for card in cards:
        TaxCard.objects.filter(employee=card.employee, valid_from=card.valid_from).delete()
    TaxCard.objects.bulk_create(cards, batch_size=1000)
    audit.record(
        actor.user,
        action,
        company,
        company=company,
        changes={"tax_cards": [None, len(cards)], "year": [None, year]},
    )
    return len(cards)


@transaction.atomic
def import_tax_cards_csv(actor, company: Company, data, *, year: int) -> int:
    """Import the tax cards of ``year`` from CSV (bytes, text or an uploaded file, its size
    checked before it is read); returns how many were written."""
    require(actor, company, "payroll.manage")
    table = csv_table.read(upload_source(data, "tax_card_file"), TAX_CARD_COLUMNS, REQUIRED)
    return _import(
        actor,
        company,
        table.rows,
        year=year,
        file_errors=lambda: table.errors,
        action="import_tax_cards",
    )


@transaction.atomic
def import_tax_cards_file(actor, company: Company, data, *, year: int) -> int:
    """Import the tax cards of ``year`` from the Tax Administration's withholding data file
    (XML or JSON, :mod:`tase.formats.tax_card_file`); the same checks as the CSV import."""
    require(actor, company, "payroll.manage")
    source = upload_source(data, "tax_card_file")
    content = source if isinstance(source, bytes) else source.read()
    try:
        result = tax_card_file.read(content)
    except tax_card_file.TaxCardFileError as error:
        raise ValidationError(
            {
                "file": _("The withholding data file cannot be read: %(reason)s")
                % {"reason": str(error)}
            }
        ) from None
    rows = (
        (
            record.line,
            {
                "identity_code": record.identity_code,
                "year": "" if record.year is None else str(record.year),
                "valid_from": record.valid_from,
                "base_rate": record.base_rate,
                "additional_rate": record.additional_rate,
                "income_limit": record.income_limit,
            },
        )
        for record in result.records
    )
    return _import(
        actor,
        company,
        rows,
        year=year,
        file_errors=lambda: result.errors,
        action="import_tax_cards_file",
    )


def import_tax_cards(actor, company: Company, data, *, year: int) -> int:
    """A CSV file or the Tax Administration's file, told apart by their first character."""
    source = upload_source(data, "tax_card_file")
    head = source[:64] if isinstance(source, bytes) else source.read(64)
    if not isinstance(source, bytes):
        source.seek(0)
    if tax_card_file.looks_like(head):
        return import_tax_cards_file(actor, company, source, year=year)
    return import_tax_cards_csv(actor, company, source, year=year)
