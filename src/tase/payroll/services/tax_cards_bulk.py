"""Many employees' tax cards at once, from a CSV file.

Columns (comma or semicolon, a header row): ``employee`` (the employee number) or
``identity_code``, ``year``, ``base_rate``, ``additional_rate``, ``income_limit``, and
optionally ``valid_from`` (default 1 January). Every row is checked first: an unknown
employee, a year other than the one being imported, or a bad rate is an error naming the
row, and then nothing is written (the errors of all rows are listed together). A card with
the same employee and start date replaces the earlier one, as on the employee page.
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
from tase.formats import csv_table

from ..models import Employee, TaxCard
from .common import require
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


@transaction.atomic
def import_tax_cards_csv(actor, company: Company, data: bytes | str, *, year: int) -> int:
    """Import the tax cards of ``year`` from CSV; returns how many were written."""
    require(actor, company, "payroll.manage")
    table = csv_table.read(
        data.encode() if isinstance(data, str) else data, TAX_CARD_COLUMNS, REQUIRED
    )
    rows = list(table.rows)
    # Matched by number, or by the identity code's blind index (the codes stay encrypted).
    by_number = {
        e.number: e for e in Employee.objects.filter(company=company).defer("identity_code", "iban")
    }
    by_hash = {e.identity_code_hash: e for e in by_number.values() if e.identity_code_hash}
    cards: list[TaxCard] = []
    errors: list[str] = []
    for row_number, row in rows:
        number = (row.get("employee") or "").strip()
        code = (row.get("identity_code") or "").strip().upper()
        employee = by_number.get(number) if number else _by_code(by_hash, code)
        try:
            if employee is None:
                raise ValidationError(
                    _("Row %(row)s: unknown employee “%(employee)s”.")
                    % {"row": row_number, "employee": number or code}
                )
            if (row.get("year") or "").strip() != str(year):
                raise ValidationError(
                    _("Row %(row)s: the year “%(given)s” is not %(year)s.")
                    % {"row": row_number, "given": row.get("year") or "", "year": year}
                )
            data_row = dict(
                row, kind=TaxCard.Kind.CARD, valid_from=_date(row.get("valid_from"), row_number)
            )
            cards.append(tax_card_row(employee, data_row))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
                errors.append(
                    _("Row %(row)s: %(message)s") % {"row": row_number, "message": detail}
                )
            else:
                errors.extend(error.messages)
    errors.extend(
        _("Row %(row)s: %(message)s") % {"row": line, "message": message}
        for line, message in table.errors
    )
    if not rows and not table.errors:
        errors.append(_("The file has no tax cards."))
    if errors:
        raise ValidationError({"file": errors})
    for card in cards:
        TaxCard.objects.filter(employee=card.employee, valid_from=card.valid_from).delete()
    TaxCard.objects.bulk_create(cards)
    audit.record(
        actor.user,
        "import_tax_cards",
        company,
        company=company,
        changes={"tax_cards": [None, len(cards)], "year": [None, year]},
    )
    return len(cards)
