"""How the chart's lines fill a layout: the rows of a statement in a form.

Imports nothing from Django."""

from __future__ import annotations

from dataclasses import dataclass, field

from .balance_sheet import BALANCE_SHEET
from .income_statement import (
    GROSS_COMBINES,
    GROSS_FORMS,
    GROSS_ITEMS,
    INCOME_STATEMENT,
    INCOME_STATEMENT_BY_FUNCTION,
)
from .items import ASSET_LINES, FORMS, FUNCTION_PREFIX, Item, matches

LAYOUTS = {
    "income_statement": INCOME_STATEMENT,
    "income_statement_by_function": INCOME_STATEMENT_BY_FUNCTION,
    "balance_sheet": BALANCE_SHEET,
}


def presentation_sign(line: str) -> int:
    """The sign that turns a line's net (debit - credit) into the printed amount: income,
    equity and liabilities are credits, shown positive; assets and expenses as they are
    (expenses then show negative after the income-statement sign)."""
    if line.startswith(("IS", FUNCTION_PREFIX)):
        return -1
    return 1 if any(matches(line, prefix) for prefix in ASSET_LINES) else -1


@dataclass
class Row:
    code: str
    label: str
    level: int
    kind: str
    amounts: list[int | None] = field(default_factory=list)


def sum_lines(amounts: dict[str, list[int]], prefixes, columns: int) -> list[int]:
    total = [0] * columns
    for line, values in amounts.items():
        if any(matches(line, prefix) for prefix in prefixes):
            for index, value in enumerate(values):
                total[index] += value
    return total


def always_shown(item: Item) -> bool:
    """True for the items shown even with nothing in them: headings and the subtotals the
    formulas write in capitals (PMA 1753/2015 2 luku 7 §: "on kuitenkin esitettävä
    liikevaihto ja tilikauden voitto (tappio) sekä kaavaan isoin kirjaimin kirjoitetut
    välisummat"). Bruttokate, a subtotal in ordinary case, is left out when empty like the
    lines (2 luku 8 §). Bruttotulos, when chosen, stands where LIIKEVAIHTO stood: shown."""
    if item.code in {gross.code for gross in GROSS_ITEMS.values()}:
        return True
    return item.kind == "heading" or (item.kind == "total" and item.fi == item.fi.upper())


def layout(statement: str, form: str, *, gross: bool = False) -> tuple[Item, ...]:
    """The items of ``statement`` in ``form``; with ``gross`` the first items combined into
    Bruttotulos (:data:`GROSS_ITEMS`, PMA 2:1 § 2 mom., 4:1 §: a small or micro company's
    income statement only, else ``ValueError``)."""
    if statement not in LAYOUTS:
        raise KeyError(statement)
    if form not in FORMS:
        raise KeyError(form)
    items = tuple(item for item in LAYOUTS[statement] if form in item.forms)
    if not gross:
        return items
    if statement not in GROSS_ITEMS or form not in GROSS_FORMS:
        raise ValueError(f"no gross result in the {form} form of the {statement}")
    combined = GROSS_COMBINES[statement]
    first = next(index for index, item in enumerate(items) if item.code in combined)
    kept = [item for item in items if item.code not in combined]
    kept.insert(first, GROSS_ITEMS[statement])
    return tuple(kept)


def fill(
    statement: str,
    form: str,
    amounts: dict[str, list[int]],
    *,
    columns: int,
    language: str = "fi",
    keep_empty: bool = False,
    gross: bool = False,
) -> list[Row]:
    """The rows of ``statement`` in ``form`` from presentation-signed cents per chart line
    per column (this year first, then the previous). Empty items are left out unless
    ``keep_empty``; ``gross``: the small or micro company's Bruttotulos (:func:`layout`)."""
    rows = []
    for item in layout(statement, form, gross=gross):
        if item.kind == "heading":
            rows.append(
                Row(item.code, item.label(language), item.level, item.kind, [None] * columns)
            )
            continue
        values = sum_lines(amounts, item.lines, columns)
        if not always_shown(item) and not keep_empty and not any(values):
            continue
        rows.append(Row(item.code, item.label(language), item.level, item.kind, values))
    return rows


def unmapped(amounts: dict[str, list[int]], statement: str) -> list[str]:
    """Chart lines with an amount that no main item of ``statement`` takes (a chart whose
    line codes this layout does not know): reported, never silently dropped."""
    prefixes = [
        p
        for item in LAYOUTS[statement]
        if item.level == 0 and item.kind == "line"
        for p in item.lines
    ]
    return sorted(
        line
        for line, values in amounts.items()
        if any(values) and not any(matches(line, p) for p in prefixes)
    )
