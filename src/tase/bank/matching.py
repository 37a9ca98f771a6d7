"""The matcher registry: apps that know what a bank line pays claim it, so bank knows no app.

Each app registers a :class:`Matcher` in its ``AppConfig.ready``: sales claims incoming
reference payments for its invoices (:mod:`tase.sales.bank_matching`); purchases claims
outgoing payments by their end-to-end id (:mod:`tase.purchases.bank_matching`). During an
import, :func:`tase.bank.services.statements.match` hands each chunk's open lines to each
matcher in ``order``; a matcher returns the lines it took, each with a
:class:`Claim` (what the line paid, the voucher it posted), and does its own writes through its
own services, each line in a savepoint of its own so one refusal leaves the rest. A matcher may
also ``propose`` targets for the lines left open (an invoice of that amount) and ``accept`` the
one the accountant picks; :func:`propose_by_amount` is the proposal both sales and purchases
make (the open invoices of the line's amount, those of a similar name first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F

CHUNK = 500  # amounts asked at a time
LOOKED_AT = 20  # open documents of one amount looked at per line
PROPOSED = 5  # proposals kept per line


@dataclass(frozen=True)
class Context:
    """What a matcher gets besides the lines: who acts, for which company, and the ledger
    account of the bank account the statement is booked to."""

    actor: Any
    company: Any
    bank_ledger_account: str  # "1910"
    write_off_cents: int = 0  # a short payment within this is paid in full …
    write_off_account: str = ""  # … the rest posted here
    # The source and reference of a voucher that books many lines at once (a day's reference
    # payments): the voucher then drills down to the statement.
    batch_source: str = "bank.statement"
    batch_ref: str = ""  # the statement's id


@dataclass(frozen=True)
class Claim:
    matched_to: str  # "Sales invoice 1042" — shown on the line
    voucher_id: int | None = None
    note: str = ""  # "paid 12.00 € less; written off"


@dataclass(frozen=True)
class Proposal:
    target: str  # "sales.invoice:42": what ``accept`` takes back
    label: str  # "Invoice 1042, Asiakas Oy, 124,00 €"
    score: int = 0  # higher first


@dataclass(frozen=True)
class Matcher:
    key: str  # "sales.reference"
    # (Context, open lines) -> {line pk: Claim} for the lines it took
    claim: Callable[[Context, Sequence[Any]], dict[int, Claim]]
    # (Context, open lines) -> {line pk: [Proposal]}
    propose: Callable[[Context, Sequence[Any]], dict[int, list[Proposal]]] | None = None
    # (Context, line, target) -> Claim, or ValidationError
    accept: Callable[[Context, Any, str], Claim] | None = None
    prefix: str = ""  # the targets it accepts start with this ("sales.invoice:")
    order: int = 100


MATCHERS: dict[str, Matcher] = {}


def register_matcher(matcher: Matcher) -> None:
    MATCHERS[matcher.key] = matcher


def matchers() -> list[Matcher]:
    return sorted(MATCHERS.values(), key=lambda m: (m.order, m.key))


def matcher_for(target: str) -> Matcher | None:
    return next((m for m in matchers() if m.prefix and target.startswith(m.prefix)), None)


def names_alike(payer: str, name: str) -> bool:
    """Does the bank line's counterparty look like the customer's or supplier's name: one
    contains the other, or the payer names the first word of it ("ELISA OYJ" ~ "Elisa Oyj")."""
    payer, name = payer.casefold(), name.casefold()
    first = name.split()[0] if name.split() else ""
    return bool(payer) and bool(first) and (name in payer or payer in name or first in payer)


def propose_by_amount(
    lines: Sequence[Any],
    open_documents,
    *,
    sign: int,
    prefix: str,
    label: Callable[[Any], str],
    similar: Callable[[Any, Any], bool],
    left=None,
    fits: Callable[[Any, Any], bool] | None = None,
) -> dict[int, list[Proposal]]:
    """For each line whose ``sign * amount`` is positive (+1: money in, -1: money out), the
    open documents of ``open_documents`` (a queryset with ``gross_cents``, ``paid_cents`` and
    ``due_date``) with that much open, the earliest due first, those ``similar`` to the line
    scored higher: up to five of the first twenty, each a :class:`Proposal` of target
    ``prefix`` + id. The amounts are asked 500 at a time. ``left``: the amount a document
    is paid off with, as a query expression (default: gross less paid; purchases pass gross
    less the cash discount); ``fits``: whether a document of the amount may pay that line
    (default: any)."""
    wanted = [line for line in lines if sign * line.amount_cents > 0]
    amounts = sorted({sign * line.amount_cents for line in wanted})
    by_amount: dict[int, list] = defaultdict(list)
    left = F("gross_cents") - F("paid_cents") if left is None else left
    for start in range(0, len(amounts), CHUNK):
        for document in (
            open_documents.annotate(left=left)
            .filter(left__in=amounts[start : start + CHUNK])
            .order_by("due_date", "pk")[:2000]
        ):
            by_amount[document.left].append(document)
    proposals: dict[int, list[Proposal]] = {}
    for line in wanted:
        found = [
            Proposal(f"{prefix}{document.pk}", label(document), 2 if similar(line, document) else 1)
            for document in [
                d
                for d in by_amount.get(sign * line.amount_cents, [])
                if fits is None or fits(line, d)
            ][:LOOKED_AT]
        ]
        if found:
            proposals[line.pk] = sorted(found, key=lambda p: -p.score)[:PROPOSED]
    return proposals
