"""The company's size class (KPL 1:4 a-4 b §) from its books, year by year, for the
financial statements page and the API: which statement forms it may use
(:mod:`tase.rules.size_class` holds the rule and its sources).

The figures of each fiscal year: the balance sheet total (the assets, as the balance sheet
adds them), the turnover (income statement item 1, as booked for the fiscal year: a year
longer or shorter than twelve months is not scaled) and the average personnel from the apps
that keep employments (payroll), unknown without them. One grouped query a year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from tase.core.registry import average_personnel
from tase.rules import financial_statements as statement_rules
from tase.rules import size_class as rules

from .financial_statements import form_labels, line_totals
from .models import FiscalYear
from .services import cents_to_decimal

TURNOVER_LINE = "IS.1"  # income statement item 1, LIIKEVAIHTO, in every form


@dataclass(frozen=True)
class SizeClass:
    year: FiscalYear
    size_class: str  # "micro", "small" or "full"
    history: list[rules.YearClass]  # every year up to ``year``, oldest first

    def allows(self, form: str) -> bool:
        return rules.allows(self.size_class, form)


def _figures(company, year: FiscalYear) -> rules.YearFigures:
    totals, _missing = line_totals(company, year.start, year.end)
    amounts = {line: [value] for line, value in totals.items()}
    return rules.YearFigures(
        start=year.start,
        end=year.end,
        balance_sheet_total=statement_rules.sum_lines(amounts, statement_rules.ASSET_LINES, 1)[0],
        turnover=statement_rules.sum_lines(amounts, [TURNOVER_LINE], 1)[0],
        personnel=average_personnel(company, year.start, year.end),
    )


def size_class(company, year: FiscalYear) -> SizeClass:
    """The size class at the end of ``year``, decided with every earlier year in Tase."""
    years = list(FiscalYear.objects.filter(company=company, end__lte=year.end).order_by("start"))
    history = rules.size_classes([_figures(company, each) for each in years])
    return SizeClass(year=year, size_class=history[-1].size_class, history=history)


def class_labels() -> dict[str, str]:
    return {
        "micro": _("Micro company"),
        "small": _("Small company"),
        "full": _("Larger than a small company"),
    }


def limit_labels() -> dict[str, str]:
    return {
        "balance_sheet_total": _("balance sheet total"),
        "turnover": _("turnover"),
        "personnel": _("average personnel"),
    }


def form_warning(found: SizeClass, form: str) -> str | None:
    """The message when ``form`` is smaller than the company's class allows, else None."""
    if found.allows(form):
        return None
    return _(
        "By its figures the company is not a company of the chosen form's size (%(size)s, "
        "Accounting Act 1:4 a-4 b §): use the form %(form)s or a fuller one."
    ) % {
        "size": class_labels()[found.size_class].lower(),
        "form": form_labels()[found.size_class],
    }


def to_data(found: SizeClass) -> dict:
    """JSON-ready: money as decimal strings, the limits of each class per year."""

    def limits(name: str, day: dt.date) -> dict:
        given = rules.limits_on(name, day)
        return {
            "balance_sheet_total": str(cents_to_decimal(given.balance_sheet_total)),
            "turnover": str(cents_to_decimal(given.turnover)),
            "personnel": str(given.personnel),
        }

    return {
        "fiscal_year": found.year.pk,
        "size_class": found.size_class,
        "label": class_labels()[found.size_class],
        "forms_allowed": [form for form in rules.CLASSES if found.allows(form)],
        "years": [
            {
                "start": row.figures.start,
                "end": row.figures.end,
                "balance_sheet_total": str(cents_to_decimal(row.figures.balance_sheet_total)),
                "turnover": str(cents_to_decimal(row.figures.turnover)),
                "personnel": None
                if row.figures.personnel is None
                else str(Decimal(row.figures.personnel)),
                "size_class": row.size_class,
                "exceeded": {name: list(over) for name, over in row.exceeded.items()},
                "limits": {name: limits(name, row.figures.start) for name in ("micro", "small")},
                "alone": row.alone,
            }
            for row in found.history
        ],
    }


def page_rows(found: SizeClass) -> list[dict]:
    """The years for the page, newest first: cents, the personnel, the limits exceeded per
    class in words, and the class."""
    names, labels = limit_labels(), class_labels()
    return [
        {
            "start": row.figures.start,
            "end": row.figures.end,
            "balance_sheet_total": row.figures.balance_sheet_total,
            "turnover": row.figures.turnover,
            "personnel": row.figures.personnel,
            "over_micro": ", ".join(names[name] for name in row.exceeded["micro"]),
            "over_small": ", ".join(names[name] for name in row.exceeded["small"]),
            "label": labels[row.size_class],
            "alone": row.alone,
        }
        for row in reversed(found.history)
    ]
