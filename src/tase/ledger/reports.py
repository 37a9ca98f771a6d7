"""Reports as tables, and their CSV, JSON and PDF forms.

:func:`build` turns a report name and a period into a :class:`Table` (title,
columns, rows of plain values: text, ``date`` and ``Decimal`` euros). The same table
feeds the screen, CSV (decimal point, so spreadsheets and scripts read it alike),
JSON (amounts as decimal strings) and PDF (WeasyPrint; company, business ID, period
and page numbers on every page, as the Accounting Act wants of the books) and XLSX
(:mod:`tase.formats.xlsx`, numbers as numeric cells).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.rules import vat as vat_rules

from . import selectors
from .services import cents_to_decimal

REPORTS = (
    "accounts",
    "trial-balance",
    "income-statement",
    "balance-sheet",
    "general-ledger",
    "journal",
    "vat-return",
    "vouchers",
)


def titles() -> dict[str, str]:
    return {
        "accounts": _("List of accounts"),
        "trial-balance": _("Trial balance"),
        "income-statement": _("Income statement"),
        "balance-sheet": _("Balance sheet"),
        "general-ledger": _("General ledger"),
        "journal": _("Journal"),
        "vat-return": _("VAT return"),
        "vouchers": _("List of vouchers"),
    }


def column_labels() -> dict[str, str]:
    """The printed heading of each column key (CSV, JSON and XLSX keep the keys)."""
    return {
        "account": _("Account"),
        "amount": _("Amount"),
        "balance": _("Balance"),
        "code": _("Code"),
        "credit": _("Credit"),
        "date": _("Date"),
        "debit": _("Debit"),
        "description": _("Description"),
        "field": _("Field"),
        "line": _("Statement line"),
        "name": _("Name"),
        "number": _("Number"),
        "reverses": _("Reverses"),
        "state": _("State"),
        "type": _("Type"),
        "vat_code": _("VAT code"),
        "voucher": _("Voucher"),
    }


@dataclass
class Table:
    kind: str
    title: str
    company: object
    start: dt.date | None
    end: dt.date | None
    columns: list[str]
    rows: Iterator[list] | list[list]
    styles: list[str] = field(default_factory=list)  # per row: "", "heading", "total", "level2"…


def _d(cents: int | None) -> Decimal | None:
    return None if cents is None else cents_to_decimal(cents)


def build(
    kind: str,
    company,
    start: dt.date,
    end: dt.date,
    *,
    language: str = "fi",
    cost_centre: str = "",
    project: str = "",
    compare: bool = True,
    monthly: bool = False,
    pma: bool = False,
) -> Table:
    title = titles()[kind]
    dims = {"cost_centre": cost_centre, "project": project}
    if kind == "accounts":
        rows = [
            [a.number, a.name(language), a.type, a.default_vat_code]
            for a in selectors.accounts_of(company).filter(is_header=False)
        ]
        return Table(kind, title, company, None, None, ["number", "name", "type", "vat_code"], rows)
    if kind == "trial-balance":
        rows = [
            [r.account.number, r.account.name(language), _d(r.debit), _d(r.credit), _d(r.balance)]
            for r in selectors.trial_balance(company, start, end, **dims)
        ]
        return Table(
            kind,
            title,
            company,
            start,
            end,
            ["account", "name", "debit", "credit", "balance"],
            rows,
        )
    if kind in ("income-statement", "balance-sheet"):
        if kind == "income-statement":
            statement = selectors.income_statement(
                company,
                start,
                end,
                compare=compare,
                monthly=monthly,
                pma=pma,
                language=language,
                **dims,
            )
        else:
            statement = selectors.balance_sheet(
                company, end, compare=compare, pma=pma, language=language, **dims
            )
        rows, styles = [], []
        for line in statement.lines:
            rows.append([line.code, line.label, *[_d(a) for a in line.amounts]])
            styles.append(line.kind if line.kind != "line" else f"level{line.level}")
        return Table(
            kind, title, company, start, end, ["code", "line", *statement.columns], rows, styles
        )
    if kind == "general-ledger":
        return Table(
            kind,
            title,
            company,
            start,
            end,
            ["account", "name", "date", "voucher", "description", "debit", "credit", "balance"],
            _general_ledger_rows(company, start, end, language, dims),
        )
    if kind == "journal":
        rows = (
            [
                e.date,
                e.voucher.label,
                e.account.number,
                e.account.name(language),
                e.text or e.voucher.description,
                _d(e.debit_cents) if e.amount_cents > 0 else None,
                _d(e.credit_cents) if e.amount_cents < 0 else None,
                e.vat_code,
            ]
            for e in selectors.journal(company, start, end, **dims).iterator(chunk_size=2000)
        )
        return Table(
            kind,
            title,
            company,
            start,
            end,
            ["date", "voucher", "account", "name", "description", "debit", "credit", "vat_code"],
            rows,
        )
    if kind == "vat-return":
        result = selectors.vat_return(company, start, end)
        rows = [
            [code, name_en if language == "en" else name_fi, _d(result.figures[code])]
            for code, name_fi, name_en in vat_rules.RETURN_FIELDS
        ]
        return Table(kind, title, company, start, end, ["field", "description", "amount"], rows)
    if kind == "vouchers":
        rows = (
            [v.date, v.label, v.description, v.state, v.reverses.label if v.reverses else ""]
            for v in selectors.vouchers_of(company, start=start, end=end)
            .order_by("date", "series__code", "number")
            .iterator(chunk_size=2000)
        )
        return Table(
            kind,
            title,
            company,
            start,
            end,
            ["date", "voucher", "description", "state", "reverses"],
            rows,
        )
    raise KeyError(kind)


def _general_ledger_rows(company, start, end, language, dims):
    for account, opening, entries in selectors.general_ledger(company, start, end, **dims):
        balance = opening
        yield [
            account.number,
            account.name(language),
            None,
            "",
            _("Opening balance"),
            None,
            None,
            _d(balance),
        ]
        for e in entries:
            balance += e.amount_cents
            yield [
                account.number,
                account.name(language),
                e.date,
                e.voucher.label,
                e.text or e.voucher.description,
                _d(e.debit_cents) if e.amount_cents > 0 else None,
                _d(e.credit_cents) if e.amount_cents < 0 else None,
                _d(balance),
            ]


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(table: Table, out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_plain(v) for v in row])


def to_csv(table: Table) -> str:
    buffer = io.StringIO()
    write_csv(table, buffer)
    return buffer.getvalue()


def to_json_data(table: Table) -> dict:
    return {
        "report": table.kind,
        "company": table.company.name,
        "business_id": table.company.business_id,
        "from": table.start.isoformat() if table.start else None,
        "to": table.end.isoformat() if table.end else None,
        "columns": table.columns,
        "rows": [
            {
                col: (_plain(v) if v is not None else None)
                for col, v in zip(table.columns, row, strict=False)
            }
            for row in table.rows
        ],
    }


def to_json(table: Table) -> str:
    return json.dumps(to_json_data(table), ensure_ascii=False, indent=1)


def to_xlsx(table: Table) -> bytes:
    from tase.formats import xlsx

    def rows():
        yield table.columns
        yield from table.rows

    return xlsx.write(rows(), sheet_name=table.title)


def to_pdf(table: Table) -> bytes:
    from tase.core import pdf

    rows = list(table.rows)
    styles = table.styles or [""] * len(rows)
    labels = column_labels()
    html = render_to_string(
        "ledger/report_pdf.html",
        {
            "table": table,
            # Keys for the machine formats; statement columns (periods) are already headings.
            "headings": [labels.get(column, column) for column in table.columns],
            "rows": [
                {"cells": row, "style": styles[i] if i < len(styles) else ""}
                for i, row in enumerate(rows)
            ],
            "printed": timezone.localtime(),
        },
    )
    return pdf.render(html, test_environment=table.company.is_test_environment)
