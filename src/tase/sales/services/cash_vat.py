"""Cash-based VAT (maksuperusteinen alv, AVL 137 § 2 mom., from 1.1.2017) on sales invoices.

A company that has chosen the cash basis in its bookkeeping settings sends its invoices with
their VAT posted to the unrecognised output VAT account (role ``vat_output_pending``, 2972 in
the shipped charts) instead of output VAT. Each payment then recognises its share of every
VAT code's VAT (:func:`tase.rules.vat.recognised_vat`: VAT x paid / gross, half up, never more
than the invoice's VAT and all of it when paid in full) by a ``recognise_vat`` line of the
payment's voucher, which moves the share to the output VAT account on the payment's date; the
VAT return counts it in that period. A credit note cancels what is still unrecognised and
takes back what payments had recognised, in the credit note's period. docs/sales.md shows the
postings.

The outer limit: a sale's VAT falls at the latest in the month in which 12 months have passed
since the delivery, paid or not (:func:`tase.rules.vat.cash_basis_outer_limit`).
:func:`recognise_unpaid` posts what still waits of such an invoice on that day, and marks the
invoice (``cash_vat_due_on``) so that later payments recognise nothing more and a credit note
takes all of its VAT back. The closing gate's check ``sales.cash_vat_unpaid``
(:func:`unpaid_many`) keeps a month with such VAT still waiting from being locked or its VAT
settled. The invoice carries the mark "Maksuperusteinen arvonlisävero" in its language
(:func:`tase.sales.services.delivery.vat_notes`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.registry import ClosingValue
from tase.ledger import selectors as ledger_selectors
from tase.ledger import services as ledger
from tase.rules import vat as vat_rules

from ..models import Invoice
from .common import as_date, cents, guard, invoice_totals

SOURCE = "sales.cash_vat"
OPEN = (Invoice.Status.SENT, Invoice.Status.PARTLY_PAID)


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
    if not invoice.cash_vat or invoice.cash_vat_due_on:
        return []  # recognised unpaid at 12 months: nothing waits any more
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
    shares = _recognised(original, vat)
    return _lines(shares, vat, net, text, back=True)


def _recognised(invoice: Invoice, vat: dict[str, int]) -> dict[str, int]:
    if invoice.cash_vat_due_on:
        return dict(vat)
    return vat_rules.recognised_vat(vat, invoice.gross_cents, invoice.paid_cents)


def recognised_of(invoice: Invoice) -> int:
    """The VAT recognised so far on a cash-basis invoice (cents); all of it otherwise."""
    if not invoice.cash_vat:
        return invoice.vat_cents
    vat, _net = _by_code(invoice)
    return sum(_recognised(invoice, vat).values())


def _candidates(company_ids, until: dt.date):
    """Open cash-basis invoices whose 12 months from delivery may be full by ``until``
    (a day's margin for a 29 February delivery; :func:`_due` decides). Deliveries before
    the rule's first day (1.1.2017) are outside it, and so is every day before that."""
    since = vat_rules.cash_basis_outer_limit_from()
    if until < since:
        return Invoice.objects.none()
    years = vat_rules.cash_basis_outer_limit(until).year - until.year
    day = min(until.day, 28) if until.month == 2 else until.day
    latest = until.replace(year=until.year - years, day=day) + dt.timedelta(days=1)
    return Invoice.objects.filter(
        company_id__in=company_ids,
        cash_vat=True,
        kind=Invoice.Kind.INVOICE,
        status__in=OPEN,
        cash_vat_due_on__isnull=True,
        delivery_date__gte=since,
        delivery_date__lte=latest,
        vat_cents__gt=0,
    )


def _due(invoice: Invoice, until: dt.date) -> bool:
    return vat_rules.cash_basis_outer_limit(invoice.delivery_date) <= until


def unpaid_due(company, until: dt.date) -> list[Invoice]:
    """The company's cash-basis invoices whose VAT falls due unpaid by ``until``."""
    rows = _candidates([company.pk], until).select_related("customer").order_by("number")
    return [invoice for invoice in rows if _due(invoice, until)]


@transaction.atomic
def recognise_unpaid(actor, company, *, until) -> list[Invoice]:
    """Post the VAT still waiting of every cash-basis invoice whose 12 months from delivery are
    full by ``until``: a voucher per invoice dated on the day the 12 months are full (so the
    VAT return of that month counts it), moving each VAT code's unrecognised rest to output
    VAT. Returns the invoices, each with ``recognised_now_cents``; running it again posts
    nothing twice."""
    guard(actor, company, "sales.invoice")
    until = as_date(until, "until")
    done = []
    for found in unpaid_due(company, until):
        invoice = (
            Invoice.objects.select_for_update()
            .select_related("company", "customer")
            .get(pk=found.pk)
        )
        if invoice.cash_vat_due_on or invoice.status not in OPEN:
            continue
        on = vat_rules.cash_basis_outer_limit(invoice.delivery_date)
        vat, net = _by_code(invoice)
        waiting = vat_rules.recognised_vat(vat, invoice.gross_cents, invoice.paid_cents)
        shares = {code: vat[code] - waiting[code] for code in vat}
        text = _("Cash-based VAT of invoice %(number)s, unpaid 12 months after delivery") % {
            "number": invoice.number
        }
        lines = _lines(shares, vat, net, text)
        if lines:
            ledger.post_voucher(
                actor,
                company,
                date=on,
                series="ML",
                description=f"{text}, {invoice.customer.name}",
                lines=lines,
                source=SOURCE,
                source_ref=str(invoice.pk),
            )
        invoice.cash_vat_due_on = on
        invoice.save(update_fields=["cash_vat_due_on"])
        invoice.recognised_now_cents = sum(shares.values())
        audit.record(
            actor.user,
            "update",
            invoice,
            company=company,
            changes={"cash_vat_due_on": [None, on.isoformat()]},
        )
        done.append(invoice)
    return done


def due_on(invoice: Invoice) -> dt.date:
    """The day the invoice's cash-basis VAT falls due unpaid (12 months from delivery)."""
    return vat_rules.cash_basis_outer_limit(invoice.delivery_date)


def waiting_cents(invoice: Invoice) -> int:
    # The invoice's whole VAT less what its payments recognised; per code the shares round
    # separately, so this may differ from the voucher by a cent, never between zero and not.
    return invoice.vat_cents - vat_rules.proportion(
        invoice.vat_cents, min(max(invoice.paid_cents, 0), invoice.gross_cents), invoice.gross_cents
    )


def unpaid_many(companies, on: dt.date) -> dict[int, ClosingValue]:
    """The closing gate's check: the cash-basis VAT still waiting on invoices whose 12 months
    from delivery are full by ``on`` must be nothing (the books' side) — one query for any
    number of companies; a company without cash-basis invoices is not asked."""
    from django.urls import reverse

    rows = _candidates([c.pk for c in companies], on)
    waiting: dict[int, int] = defaultdict(int)
    for invoice in rows:
        if _due(invoice, on):
            waiting[invoice.company_id] += waiting_cents(invoice)
    return {
        company_id: ClosingValue(
            cents_waiting, 0, reverse("sales:cash_vat_unpaid", args=[company_id])
        )
        for company_id, cents_waiting in waiting.items()
    }


def unpaid_check(company, on: dt.date) -> ClosingValue | None:
    return unpaid_many([company], on).get(company.pk)
