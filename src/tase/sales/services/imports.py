"""CSV imports of sales: a customer register, and the open invoices of the previous system.

Both read through :mod:`tase.formats.csv_table` (UTF-8 or Windows-1252, comma or semicolon,
Finnish numbers and dates, control characters refused), measured against the ``sales_csv``
upload limit before parsing. Every row is checked; a file with any error writes nothing and
every problem names its line. The columns are documented in docs/sales.md.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import limits
from tase.core.models import Company
from tase.formats import csv_table

from ..models import Customer
from .common import guard
from .customers import FIELDS as CUSTOMER_FIELDS
from .customers import create_customer
from .migration import migrate_open_invoice

CUSTOMER_COLUMNS = ("number", *CUSTOMER_FIELDS)
OPEN_INVOICE_COLUMNS = (
    "customer_number",
    "invoice_number",
    "invoice_date",
    "due_date",
    "delivery_date",
    "reference",
    "amount",
    "open_amount",
    "description",
    "your_reference",
)
OPEN_INVOICE_REQUIRED = ("customer_number", "invoice_number", "invoice_date", "due_date", "amount")


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {message}" for field, messages in error.message_dict.items()
            for message in messages
        )  # fmt: skip
    return "; ".join(error.messages)


def _rows(data, columns: tuple[str, ...], required: tuple[str, ...]):
    limits.check_size(data, "sales_csv")
    return csv_table.read(data, columns, required)


def _run(table, handle) -> int:
    """Apply ``handle`` to every row (each in a savepoint) and collect every problem: the
    file's own (header, field counts, control characters) and each row's. Any problem rolls
    the whole file back (the caller's transaction)."""
    problems: list[tuple[int, str]] = []
    count = 0
    for line, cells in table.rows:
        try:
            with transaction.atomic():
                handle(cells)
            count += 1
        except ValidationError as error:
            problems.append((line, _messages(error)))
    problems = sorted(problems + table.errors)
    if problems:
        raise ValidationError(
            {
                "file": [
                    _("Line %(line)s: %(message)s") % {"line": line, "message": message}
                    for line, message in problems[:200]
                ]
            }
        )
    if not count:
        raise ValidationError({"file": _("The file has no rows.")})
    return count


def _date(cells: dict, column: str):
    if not cells[column]:
        return None
    try:
        return csv_table.parse_date(cells[column])
    except ValueError:
        raise ValidationError(
            {column: _("“%(value)s” is not a date.") % {"value": cells[column]}}
        ) from None


def _amount(cells: dict, column: str):
    try:
        return csv_table.parse_amount(cells[column])
    except ValueError:
        raise ValidationError(
            {column: _("“%(value)s” is not an amount.") % {"value": cells[column]}}
        ) from None


@transaction.atomic
def import_customers(actor, company: Company, data) -> int:
    """Customers from CSV (columns :data:`CUSTOMER_COLUMNS`; ``name`` required; an empty
    ``number`` takes the next one). Returns how many were added."""
    guard(actor, company, "sales.invoice")
    table = _rows(data, CUSTOMER_COLUMNS, ("name",))

    def handle(cells):
        values = {k: v for k, v in cells.items() if v != ""}
        create_customer(actor, company, **values)

    return _run(table, handle)


@transaction.atomic
def import_open_invoices(actor, company: Company, data) -> int:
    """The previous system's open invoices from CSV (columns :data:`OPEN_INVOICE_COLUMNS`),
    each for a customer already in Tase by its number; see :mod:`.migration`."""
    guard(actor, company, "sales.invoice")
    table = _rows(data, OPEN_INVOICE_COLUMNS, OPEN_INVOICE_REQUIRED)
    customers = {c.number: c for c in Customer.objects.filter(company=company)}

    def handle(cells):
        try:
            customer = customers[int(cells["customer_number"])]
        except (KeyError, ValueError):
            raise ValidationError(
                {"customer_number": _("No customer has the number “%(n)s”.")
                 % {"n": cells["customer_number"]}}
            ) from None  # fmt: skip
        dates = {k: _date(cells, k) for k in ("invoice_date", "due_date", "delivery_date")}
        amount, open_amount = _amount(cells, "amount"), _amount(cells, "open_amount")
        description = cells["description"] or _("Invoice %(number)s of the previous system") % {
            "number": cells["invoice_number"]
        }
        migrate_open_invoice(
            actor,
            company,
            number=cells["invoice_number"],
            customer=customer,
            reference=cells["reference"],
            open_amount=open_amount,
            your_reference=cells["your_reference"],
            prices_include_vat=True,
            lines=[{"description": description, "quantity": "1", "unit_price": amount}],
            **{k: v for k, v in dates.items() if v},
        )

    return _run(table, handle)
