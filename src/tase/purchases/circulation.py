"""The approval circulation's rule (kierrätys): whom a purchase invoice waits for, and what one
person's approval does to it. No writes here; :mod:`tase.purchases.services.approval` acts on
the answer and :mod:`tase.purchases.notices` reminds whom it names.

- The people who apply to an invoice are those set for its cost centre (kustannuspaikka),
  reviewers and approvers each on their own: where none of a role is set for the cost centre
  (or the invoice has none), the company-wide ones of that role (no cost centre).
- A received invoice waits for its reviewers first, when any apply.
- The approvers form a chain by amount limit, smallest first (no limit: last). The invoice
  waits for the first approver whose limit is over what was approved already. An approver
  whose limit covers the invoice's total approves it (it is posted); one whose limit does not
  approves it within the limit and passes it on to the next approver up the chain. One higher
  up may approve without waiting for those below.
- With no one set at all, anyone who may approve approves in one step.

A company's internal control decides the limits; the law asks only that the books show who
approved what (KPL 2:5 on vouchers, the approval kept with the invoice's history).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tase.core.templatetags.tase import format_money

REVIEWER, APPROVER = "reviewer", "approver"
RECEIVED = "received"

REVIEW, APPROVE, PASS_ON = "review", "approve", "pass_on"


@dataclass(frozen=True)
class Step:
    action: str  # REVIEW, APPROVE or PASS_ON
    limit_cents: int | None = None  # the acting approver's limit (PASS_ON: the new level)


def _above(limit: int | None, level: int | None) -> bool:
    """Is an approver of ``limit`` (None: any amount) still ahead of what was approved?"""
    return level is None or limit is None or limit > level


def _covers(limit: int | None, total: int) -> bool:
    return limit is None or abs(total) <= limit


def _chain_key(approver):
    return (approver.limit_cents is None, approver.limit_cents or 0, approver.pk or 0)


def applying(circulation, cost_centre: str, kind: str) -> list:
    """The people of ``kind`` who apply to an invoice of ``cost_centre``; approvers in the
    chain's order (smallest limit first)."""
    of_kind = [a for a in circulation if a.kind == kind]
    people = [a for a in of_kind if cost_centre and a.cost_centre == cost_centre] or [
        a for a in of_kind if not a.cost_centre
    ]
    return sorted(people, key=_chain_key) if kind == APPROVER else people


def waiting_for(invoice, circulation) -> list:
    """The circulation entries the open invoice waits for (empty: no circulation applies)."""
    reviewers = applying(circulation, invoice.cost_centre, REVIEWER)
    if invoice.status == RECEIVED and reviewers:
        return reviewers
    ahead = [
        a
        for a in applying(circulation, invoice.cost_centre, APPROVER)
        if _above(a.limit_cents, invoice.approved_up_to_cents)
    ]
    return ahead[:1]


def step(invoice, circulation, user_id) -> Step:
    """What the approval of ``user_id`` does to the open invoice; refused with the reason."""
    if not circulation:
        return Step(APPROVE)
    reviewers = applying(circulation, invoice.cost_centre, REVIEWER)
    approvers = applying(circulation, invoice.cost_centre, APPROVER)
    if not reviewers and not approvers:
        return Step(APPROVE)  # the circulation is for other cost centres only
    if invoice.status == RECEIVED and reviewers:
        if any(a.user_id == user_id for a in reviewers):
            return Step(REVIEW)
        raise ValidationError(
            {"invoice": _("The invoice waits for its review by %(names)s.")
             % {"names": ", ".join(str(a.user) for a in reviewers)}}
        )  # fmt: skip
    if not approvers:
        return Step(APPROVE)  # reviewed, and no approver applies: the review approves
    mine = next((a for a in approvers if a.user_id == user_id), None)
    if mine is None:
        raise ValidationError({"invoice": _("You are not an approver of this invoice.")})
    level = invoice.approved_up_to_cents
    if not _above(mine.limit_cents, level):
        raise ValidationError(
            {"invoice": _("It was approved up to %(limit)s already; it waits for %(names)s.")
             % {"limit": format_money(level),
                "names": ", ".join(str(a.user) for a in waiting_for(invoice, circulation))}}
        )  # fmt: skip
    if _covers(mine.limit_cents, invoice.gross_cents):
        return Step(APPROVE, mine.limit_cents)
    if not any(_covers(a.limit_cents, invoice.gross_cents) for a in approvers):
        raise ValidationError(
            {"invoice": _("No approver's limit covers %(total)s; add one to the circulation.")
             % {"total": format_money(abs(invoice.gross_cents))}}
        )  # fmt: skip
    return Step(PASS_ON, mine.limit_cents)
