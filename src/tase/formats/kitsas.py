"""Reading a Kitsas book (the .kitsas file of Kitsas, formerly Kitupiikki), the bookkeeping
of a company moving to Tase from Kitsas.

A local Kitsas book is one SQLite file (kitsas/sqlite/luo.sql of github.com/artoh/kitupiikki):
``Tili`` (an account: ``numero``, ``tyyppi`` a type code, its names in ``json``),
``Tilikausi`` (a fiscal period: ``alkaa``, ``loppuu``), ``Tosite`` (a voucher: ``pvm``,
``tyyppi``, ``tila``, ``sarja``, ``tunniste``, ``otsikko``) and ``Vienti`` (a line:
``tosite``, ``rivi``, ``tili``, ``selite``, ``debetsnt`` and ``kreditsnt`` in cents), with
the company's name and business id in ``Asetus`` (``Nimi``, ``Ytunnus``).

Rules from Kitsas's source (kitsas/model/tosite.h, kitsas/db/tositetyyppimodel.h,
kitsas/db/tilityyppimodel.cpp):

- only vouchers in the ledger count: ``tila`` 100 (kirjanpidossa) and above; drafts,
  templates, inbox and deleted vouchers are left out;
- ``tyyppi`` 9010 (tilinavaus) holds the opening balances;
- an account type starting with ``A`` is an asset, ``C`` revenue, ``D`` an expense; ``BE``
  (earlier periods' result), ``T`` (the period's result) and ``BY`` (private accounts) are
  equity; other ``B`` types are liabilities, except the generic ``B`` below 2400 (share
  capital and other equity, as the Finnish chart numbers them); headings (``H…``) are not
  accounts.

Kitsas keeps no lock per period in this file, so every period is read as open.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from .earlier_books import (
    Account,
    BookError,
    Document,
    Line,
    Period,
    SQLiteBook,
    to_date,
)

POSTED = 100  # Tosite.tila KIRJANPIDOSSA and above
OPENING = 9010  # Tosite.tyyppi TILINAVAUS
EQUITY_TYPES = {"BE", "T", "BY"}
TABLES = {
    "Tili": ("numero", "tyyppi", "json"),
    "Tilikausi": ("alkaa", "loppuu"),
    "Tosite": ("id", "pvm", "tyyppi", "tila", "tunniste", "sarja", "otsikko"),
    "Vienti": ("tosite", "rivi", "tili", "selite", "debetsnt", "kreditsnt"),
    "Asetus": ("avain", "arvo"),
}


# Kitsas's type codes that name what an account is for (kitsas/db/tilityyppimodel.cpp, read
# in shared/reference/formats-fi.md §7), as Tase's account roles.
ROLES = {
    "AO": "receivables",  # myyntisaatavat
    "BO": "payables",  # ostovelat
    "AL": "vat_receivable",  # alv-saatava
    "BL": "vat_payable",  # alv-velka
    "ARP": "bank",  # pankkitili
    "BE": "retained_earnings",  # edellisten tilikausien tulos
}


def account_type(number: str, code: str) -> str | None:
    """Tase's account type of a Kitsas type code; None for a heading."""
    code = (code or "").strip().upper()
    if not code or code.startswith("H"):
        return None
    if code.startswith("A"):
        return "asset"
    if code.startswith("C"):
        return "revenue"
    if code.startswith("D"):
        return "expense"
    if code in EQUITY_TYPES or (code == "B" and number[:2] < "24"):
        return "equity"
    if code.startswith("B"):
        return "liability"
    raise BookError("unknown_account_type", account=number, value=code)


def _cents(value, where: str) -> int:
    """Kitsas keeps amounts as integer cents."""
    try:
        cents = int(value or 0)
    except (TypeError, ValueError):
        raise BookError("bad_amount", where=where, value=str(value)) from None
    if abs(cents) >= 10**14:
        raise BookError("amount_out_of_range", where=where, value=str(value))
    return cents


def _name(raw: str | None, number: str) -> str:
    try:
        names = json.loads(raw or "{}").get("nimi", {})
    except (ValueError, AttributeError):
        return number
    if isinstance(names, dict):
        return str(names.get("fi") or next(iter(names.values()), "") or number)
    return str(names or number)


class Book(SQLiteBook):
    """A Kitsas book opened read-only. Use as a context manager."""

    tables = TABLES

    def _setting(self, key: str) -> str:
        row = self._db.execute("SELECT arvo FROM Asetus WHERE avain = ?", (key,)).fetchone()
        return str(row[0] or "").strip() if row else ""

    @property
    def name(self) -> str:
        return self._setting("Nimi")

    @property
    def business_id(self) -> str:
        return self._setting("Ytunnus")

    def accounts(self) -> list[Account]:
        result = []
        for number, code, raw in self._db.execute(
            "SELECT numero, tyyppi, json FROM Tili ORDER BY CAST(numero AS TEXT)"
        ):
            number = str(number).strip()
            kind = account_type(number, code)
            if kind is not None:
                role = ROLES.get((code or "").strip().upper(), "")
                result.append(Account(number, _name(raw, number)[:200], kind, role))
        return result

    def periods(self) -> list[Period]:
        return [
            Period(
                str(start),
                to_date(start, f"period:{start}"),
                to_date(end, f"period:{start}"),
                False,
            )
            for start, end in self._db.execute("SELECT alkaa, loppuu FROM Tilikausi ORDER BY alkaa")
        ]

    def documents(self, period: Period) -> Iterator[Document]:
        """The period's posted vouchers by date and number, each with its lines in row order
        (one query, streamed)."""
        rows = self._db.execute(
            "SELECT t.id, t.pvm, t.tyyppi, t.sarja, t.tunniste, t.otsikko, v.tili, v.debetsnt, "
            "v.kreditsnt, v.selite FROM Tosite t JOIN Vienti v ON v.tosite = t.id "
            "WHERE t.tila >= ? AND t.pvm BETWEEN ? AND ? "
            "ORDER BY t.pvm, t.tunniste, t.id, v.rivi, v.id",
            (POSTED, period.start.isoformat(), period.end.isoformat()),
        )
        current, head, head_kind, lines = None, None, None, []
        for doc_id, day, kind, series, number, title, account, debit, credit, text in rows:
            if doc_id != current:
                if current is not None:
                    yield Document(*head, tuple(lines), opening=head_kind == OPENING)
                where = f"document:{period.start.year}:{number}"
                label = f"{series or ''} {number if number is not None else doc_id}".strip()
                current, head_kind, lines = doc_id, kind, []
                head = (str(doc_id), f"{label} {title or ''}".strip(), to_date(day, where))
            cents = _cents(debit, where) - _cents(credit, where)
            lines.append(Line(str(account).strip(), cents, str(text or title or "")))
        if current is not None:
            yield Document(*head, tuple(lines), opening=head_kind == OPENING)

    def trial_balance(self, period: Period) -> dict[str, int]:
        """Net cents (debit positive) per account of the period's posted vouchers, summed in
        SQLite."""
        rows = self._db.execute(
            "SELECT v.tili, SUM(COALESCE(v.debetsnt, 0)) - SUM(COALESCE(v.kreditsnt, 0)) "
            "FROM Vienti v JOIN Tosite t ON t.id = v.tosite "
            "WHERE t.tila >= ? AND t.pvm BETWEEN ? AND ? GROUP BY v.tili",
            (POSTED, period.start.isoformat(), period.end.isoformat()),
        )
        return {str(account).strip(): int(net) for account, net in rows if net}
