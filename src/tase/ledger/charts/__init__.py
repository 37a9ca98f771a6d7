"""The standard Finnish charts of accounts and statement layouts shipped as data.

``limited-company.csv`` (osakeyhtiö) and ``sole-trader.csv`` (toiminimi): one row per
header (kind H1-H3) or account (kind A) with number, Finnish and English name, type,
default VAT code (see :mod:`tase.rules.vat`), the statement line the account rolls up
to (``statements.yaml``) and a role the services look accounts up by (VAT accounts,
retained earnings, bank), and the tax treatment of the calculation of taxable income
(``tax_treatment``, empty for normal; the representation account 7600 carries one).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).parent
CHARTS = {"limited-company": "limited-company.csv", "sole-trader": "sole-trader.csv"}


@dataclass(frozen=True)
class ChartRow:
    kind: str  # H1, H2, H3 or A
    number: str
    name_fi: str
    name_en: str
    type: str
    vat_code: str
    line: str
    role: str
    tax_treatment: str = ""  # Account.TaxTreatment (form 6B's calculation of taxable income)

    @property
    def is_header(self) -> bool:
        return self.kind != "A"

    @property
    def level(self) -> int:
        return int(self.kind[1:]) if self.is_header else 9


@cache
def chart(key: str) -> tuple[ChartRow, ...]:
    if key not in CHARTS:
        raise KeyError(key)
    with open(HERE / CHARTS[key], encoding="utf-8", newline="") as handle:
        return tuple(
            ChartRow(**{name: value or "" for name, value in row.items()})
            for row in csv.DictReader(handle)
        )


@dataclass(frozen=True)
class StatementRow:
    code: str
    level: int
    kind: str
    fi: str
    en: str
    sum: tuple[str, ...] = ()

    def label(self, language: str) -> str:
        return self.en if language == "en" else self.fi


@cache
def statements() -> dict[str, tuple[StatementRow, ...]]:
    data = yaml.safe_load((HERE / "statements.yaml").read_text(encoding="utf-8"))
    return {
        name: tuple(
            StatementRow(
                code=row["code"],
                level=int(row["level"]),
                kind=row["kind"],
                fi=row["fi"],
                en=row["en"],
                sum=tuple(row.get("sum", ())),
            )
            for row in rows
        )
        for name, rows in data.items()
    }
