"""Cash-based VAT (maksuperusteinen alv, AVL 137 §) on sales invoices.

A company that has chosen the cash basis in its bookkeeping settings sends its invoices with
their VAT posted to the unrecognised output VAT account (role ``vat_output_pending``, 2972 in
the shipped charts) instead of output VAT. Each payment then recognises its share of every
VAT code's VAT (:func:`tase.rules.vat.recognised_vat`: VAT x paid / gross, half up, never more
than the invoice's VAT and all of it when paid in full) by a ``recognise_vat`` line of the
payment's voucher, which moves the share to the output VAT account on the payment's date; the
VAT return counts it in that period. A credit note cancels what is still unrecognised and
takes back what payments had recognised, in the credit note's period. docs/sales.md shows the
postings.
"""

from __future__ import annotations

from collections import defaultdict

from tase.ledger import selectors as ledger_selectors
from tase.rules import vat as vat_rules

from ..models import Invoice
from .common import cents, invoice_totals


def applies_to(invoice: Invoice) -> bool:
    """Is the invoice about to be sent one whose VAT waits for its payment? Only when the
    company has the cash basis on and there is something to pay."""
    return invoice.gross_cents > 0 and ledger_selectors.cash_basis_vat(invoice.company)


def _by_code(invoice: Invoice) -> tuple[dict[str, int], dict[str, int]]:
    """VAT and net per domestic sales VAT code, as the invoice's voucher posted them."""
    vat: dict[str, int] = defaultdict(int)
    net: dict[str, int] = defaultdict(int)
    for group in invoice_totals(invoice).groups:
        code = vat_rules.CODES.get(group.vat_code)
        if code is not None and code.kind == vat_rules.DOMESTIC_SALE and group.vat:
            vat[code.code] += group.vat
            net[code.code] += group.net
    return vat, net


def _lines(shares: dict[str, int], vat, net, text: str, *, back: bool = False) -> list[dict]:
    lines = []
    for code in sorted(shares):
        share = shares[code]
        if not share:
            continue
        base = abs(vat_rules.proportion(net[code], abs(share), abs(vat[code])))
        side = "credit" if (share > 0) != back else "debit"
        lines.append(
            {
                "recognise_vat": code,
                side: cents(abs(share)),
                "vat_base": cents(base),
                "text": text,
            }
        )
    return lines


def payment_lines(invoice: Invoice, paid_before: int, paid_after: int, text: str) -> list[dict]:
    """The ``recognise_vat`` lines of a payment that takes the invoice's paid amount (without
    reminder charges) from ``paid_before`` to ``paid_after``."""
    if not invoice.cash_vat:
        return []
    vat, net = _by_code(invoice)
    before = vat_rules.recognised_vat(vat, invoice.gross_cents, paid_before)
    after = vat_rules.recognised_vat(vat, invoice.gross_cents, paid_after)
    return _lines({code: after[code] - before[code] for code in vat}, vat, net, text)


def credit_lines(original: Invoice, text: str) -> list[dict]:
    """The lines of a credit note that take back the VAT the original's payments recognised
    (the rest of the note's VAT cancels what still waits on the unrecognised account)."""
    if not original.cash_vat:
        return []
    vat, net = _by_code(original)
    shares = vat_rules.recognised_vat(vat, original.gross_cents, original.paid_cents)
    return _lines(shares, vat, net, text, back=True)


def recognised_of(invoice: Invoice) -> int:
    """The VAT recognised so far on a cash-basis invoice (cents); all of it otherwise."""
    if not invoice.cash_vat:
        return invoice.vat_cents
    vat, _net = _by_code(invoice)
    return sum(vat_rules.recognised_vat(vat, invoice.gross_cents, invoice.paid_cents).values())
