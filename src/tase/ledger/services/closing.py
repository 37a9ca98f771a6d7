"""The closing gate in the acts that lock the books: locking a period and closing a year
are refused while an assertion of the gate fails (:mod:`tase.ledger.closing`), unless the
accountant gives a written reason, which the act's audit event keeps with the differences."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tase.core.models import Company
from tase.core.templatetags.tase import format_money

from .. import closing

MAX_REASON = 1000


def difference_message(row: closing.GateRow) -> str:
    """One failing assertion in words: what, the two sides and the difference."""
    what = f"{row.label} ({row.value.detail})" if row.value.detail else row.label
    return _("%(what)s: books %(book)s, %(other_label)s %(other)s, difference %(difference)s.") % {
        "what": what,
        "book": format_money(row.value.book_cents),
        "other_label": row.other_label.lower(),
        "other": format_money(row.value.other_cents),
        "difference": format_money(row.value.difference_cents),
    }


def gate_or_override(
    company: Company, on: dt.date, override_reason: str = "", *, year_end: bool = False
) -> dict:
    """Refuse (``ValidationError`` under ``closing_gate``, one message per difference) while
    the gate of ``on`` fails and no reason is given; with a reason, the audit changes that
    record the override (empty when the gate passes). The caller has checked the right to lock."""
    gate = closing.closing_gate(company, on, year_end=year_end)
    if gate.ok:
        return {}
    reason = (override_reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "closing_gate": [
                    _(
                        "The books do not tie on %(date)s: fix the differences, or give a "
                        "reason to override the closing gate."
                    )
                    % {"date": closing._fmt(on)},
                    *(difference_message(row) for row in gate.failing),
                ]
            }
        )
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {
                "override_reason": _("The reason is at most %(count)s characters.")
                % {"count": MAX_REASON}
            }
        )
    return {
        "closing_gate_override": [None, reason],
        "closing_gate_differences": [
            None,
            [
                {
                    "code": row.code,
                    "detail": row.value.detail,
                    "book_cents": row.value.book_cents,
                    "other_cents": row.value.other_cents,
                    "difference_cents": row.value.difference_cents,
                }
                for row in gate.failing
            ],
        ],
    }
