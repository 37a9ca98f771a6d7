"""The items of the statutory layouts, the forms and the chart-line conventions they share.

Imports nothing from Django."""

from __future__ import annotations

from dataclasses import dataclass

FORMS = ("micro", "small", "full")
STATEMENTS = ("income_statement", "balance_sheet")
# How the income statement groups the operating expenses: by nature (kululajikohtainen, KPA
# 1:1 §) or by function (toimintokohtainen, KPA 1:2 §).
BASES = ("nature", "function")

# The functions of expense of KPA 1:2 § items 2, 4, 5 and 7: cost of sales (hankinnan ja
# valmistuksen kulut), selling and marketing, administration, other operating expenses.
FUNCTIONS = ("cost_of_sales", "selling", "administration", "other")
# The by-nature lines whose accounts a by-function statement takes by their function: items
# 2-3 (changes in inventories of finished goods, production for own use: they adjust the
# cost of production) and 5-8 (materials, personnel, depreciation, other expenses).
FUNCTION_LINES = ("IS.2", "IS.3", "IS.5", "IS.6", "IS.7", "IS.8")
FUNCTION_PREFIX = "FN"

# The line of the chart the period's result is added to on the balance sheet.
PROFIT_LINE = "BS.C.5"
ASSET_LINES = ("BS.A", "BS.B")
EQUITY_AND_LIABILITY_LINES = ("BS.C", "BS.D", "BS.E", "BS.F")


@dataclass(frozen=True)
class Item:
    code: str
    level: int
    kind: str  # heading | line | total
    fi: str
    sv: str
    en: str
    lines: tuple[str, ...] = ()
    forms: tuple[str, ...] = FORMS

    def label(self, language: str) -> str:
        """The label in ``language``; the Finnish one where no other is written."""
        return {"sv": self.sv, "en": self.en}.get(language) or self.fi


def _i(code, level, kind, fi, sv, en, lines=(), forms=FORMS) -> Item:
    return Item(code, level, kind, fi, sv, en, tuple(lines), tuple(forms))


SMALL_UP = ("small", "full")
FULL = ("full",)


def matches(line: str, prefix: str) -> bool:
    """True when the chart's ``line`` code falls under ``prefix`` (``IS.5.a`` under ``IS.5``)."""
    return line == prefix or line.startswith(prefix + ".")
