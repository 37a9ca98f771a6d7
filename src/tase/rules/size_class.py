"""The size class of a company by the Accounting Act (kirjanpitolaki 1336/1997, KPL 1 luku
4 a and 4 b §): micro company (mikroyritys), small company (pienyritys) or larger. The class
decides which statement forms the company may use: a micro company may use the micro form
(PMA 1753/2015 4 luku), a small company the small form (PMA 2 luku); a larger one uses the
full form of the Accounting Ordinance. A company may always use a fuller form than its class.

The rule (KPL 1:4 a § and 4 b §): a company is of a class when in both the ended fiscal year
and the one before it at most one of the class's three limits is exceeded on the balance
sheet date: the balance sheet total, the turnover, and the average personnel of the year.

Two years decide each change (Kirjanpitolautakunta, lausunto 1982/2018, "Pienyrityksen ja
pienkonsernin raja-arvojen arvioimisesta"): a company leaves its class only when at least two
limits are exceeded in two consecutive years, and it enters a smaller class only when the
figures of both years fit that class; a year that fits and a year that does not leave the
class as it was. The statement names which limits are exceeded: it does not matter which.

The first year Tase knows has no year before it here: it is classed by its own figures, and
the result says so (:attr:`YearClass.alone`). The personnel may be unknown (no payroll in
Tase): then it is never counted as exceeded, and the result says so too.

The limits are dated parameters (``size_classes.micro`` and ``size_classes.small``), taken
by the day the fiscal year begins.

Pure rules: cents and :class:`~decimal.Decimal` in, no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tase.rules.parameters import value_at

CLASSES = ("micro", "small", "full")  # smallest first; "full": larger than a small company
LIMITS = ("balance_sheet_total", "turnover", "personnel")


@dataclass(frozen=True)
class Limits:
    balance_sheet_total: int  # cents
    turnover: int  # cents
    personnel: Decimal


@dataclass(frozen=True)
class YearFigures:
    start: dt.date
    end: dt.date
    balance_sheet_total: int  # cents, on the balance sheet date
    turnover: int  # cents, of the fiscal year as booked
    personnel: Decimal | None  # the year's average; None when Tase does not know it


@dataclass(frozen=True)
class YearClass:
    figures: YearFigures
    size_class: str  # one of CLASSES
    exceeded: dict[str, tuple[str, ...]]  # per class ("micro", "small"): the limits exceeded
    alone: bool  # no earlier year in Tase: classed by this year's figures only


def limits_on(size_class: str, day: dt.date) -> Limits:
    """The limits of ``size_class`` ("micro" or "small") for a fiscal year beginning ``day``."""
    found = value_at(f"size_classes.{size_class}", day)
    return Limits(
        balance_sheet_total=int(Decimal(found["balance_sheet_total"]) * 100),
        turnover=int(Decimal(found["turnover"]) * 100),
        personnel=Decimal(found["personnel"]),
    )


def exceeded(figures: YearFigures, limits: Limits) -> tuple[str, ...]:
    """The limits ``figures`` exceed (strictly above the limit; an unknown personnel never)."""
    over = []
    if figures.balance_sheet_total > limits.balance_sheet_total:
        over.append("balance_sheet_total")
    if figures.turnover > limits.turnover:
        over.append("turnover")
    if figures.personnel is not None and figures.personnel > limits.personnel:
        over.append("personnel")
    return tuple(over)


def size_classes(years: list[YearFigures]) -> list[YearClass]:
    """The class of each of ``years`` (oldest first, consecutive fiscal years of one
    company), each decided with the year before it as KPL 1:4 a-4 b § and KILA 1982/2018
    say; the first by its own figures."""
    result: list[YearClass] = []
    within = {"micro": False, "small": False}
    fits_before: dict[str, bool] = {}
    for index, figures in enumerate(years):
        over = {name: exceeded(figures, limits_on(name, figures.start)) for name in within}
        for name in within:
            fits = len(over[name]) <= 1
            if index == 0:
                within[name] = fits
            elif fits and fits_before[name]:
                within[name] = True
            elif not fits and not fits_before[name]:
                within[name] = False
            fits_before[name] = fits
        size_class = "micro" if within["micro"] else "small" if within["small"] else "full"
        result.append(YearClass(figures, size_class, over, alone=index == 0))
    return result


def allows(size_class: str, form: str) -> bool:
    """Whether a company of ``size_class`` may use the statement ``form``: its own or a
    fuller one (a micro company the small or the full form too)."""
    return CLASSES.index(form) >= CLASSES.index(size_class)
