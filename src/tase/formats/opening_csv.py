"""The opening balances CSV import format (avaavat saldot), one row per account.

Header (any column order, names case-insensitive)::

    account,name,debit,credit,balance

- ``account``: the account number (required);
- ``name``: ignored, so a file can carry names for the reader;
- the amount: ``balance`` (debit positive, credit negative), or ``debit`` / ``credit``, whose
  difference is used. This is also the layout of Tase's trial balance CSV, so a trial balance
  exported at the end of one set of books is an opening balance file for the next.
- Rows whose amount is zero are skipped.

Encodings, separators, numbers and dates as in :mod:`tase.formats.csv_table`.
Pure Python: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .csv_table import parse_amount, read
from .i18n import _

COLUMNS = ("account", "name", "debit", "credit", "balance")
REQUIRED = ("account",)


@dataclass
class Row:
    line: int
    account: str
    balance: Decimal  # debit positive


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def parse(data: bytes) -> Parsed:
    """Every non-zero balance read, or the problems with their line numbers."""
    result = Parsed()
    table = read(data, COLUMNS, REQUIRED)
    for line_number, cells in table.rows:
        problems, amounts = [], {}
        for name in ("debit", "credit", "balance"):
            try:
                amounts[name] = parse_amount(cells[name])
            except ValueError:
                problems.append(
                    _("%(column)s “%(value)s” is not an amount")
                    % {"column": name, "value": cells[name]}
                )
        if not cells["account"]:
            problems.append(_("the account is empty"))
        if not problems and all(value is None for value in amounts.values()):
            problems.append(_("no amount: fill balance, or debit and credit"))
        if problems:
            result.errors.append((line_number, "; ".join(problems) + "."))
            continue
        if amounts["balance"] is not None:
            balance = amounts["balance"]
            if amounts["debit"] is not None or amounts["credit"] is not None:
                difference = (amounts["debit"] or 0) - (amounts["credit"] or 0)
                if difference != balance:
                    result.errors.append(
                        (
                            line_number,
                            _("balance %(balance)s is not debit - credit (%(difference)s).")
                            % {"balance": balance, "difference": difference},
                        )
                    )
                    continue
        else:
            balance = (amounts["debit"] or Decimal(0)) - (amounts["credit"] or Decimal(0))
        if balance:
            result.rows.append(Row(line_number, cells["account"], balance))
    result.errors = sorted(table.errors + result.errors, key=lambda error: error[0])
    return result
