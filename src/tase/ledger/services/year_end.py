"""Year-end: close a fiscal year (closing and opening vouchers) and reopen it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company

from ..models import Account, FiscalYear, PeriodLock, Voucher
from .closing import gate_or_override
from .common import add_months, cents_to_decimal, guard
from .periods import create_fiscal_year
from .posting import _post, reverse_voucher


def _year_totals(company: Company, year: FiscalYear) -> dict[int, int]:
    """Net cents per account over the fiscal year."""
    from ..selectors import account_totals

    return {
        account_id: debit - credit
        for account_id, (debit, credit) in account_totals(company, year.start, year.end).items()
    }


@transaction.atomic
def close_fiscal_year(actor, year: FiscalYear, *, override_reason: str = "") -> FiscalYear:
    """Close ``year``: the result to retained earnings in the next year's opening
    balances (a voucher on the next year's first day), the year locked. Refused while the
    closing gate of the year's last day (with its year-end items) fails, unless
    ``override_reason`` says why (kept in the audit event with the differences)."""
    company = guard(actor, year.company, "ledger.manage")
    year = FiscalYear.objects.select_for_update().get(pk=year.pk)
    if not year.is_open:
        raise ValidationError({"fiscal_year": _("The fiscal year is closed already.")})
    earlier_open = FiscalYear.objects.filter(
        company=company, end__lt=year.start, state=FiscalYear.State.OPEN
    ).exists()
    if earlier_open:
        raise ValidationError({"fiscal_year": _("Close the earlier fiscal years first.")})
    if Voucher.objects.filter(fiscal_year=year, state=Voucher.State.DRAFT).exists():
        raise ValidationError(
            {"fiscal_year": _("The fiscal year has draft vouchers; post or delete them first.")}
        )
    override = gate_or_override(company, year.end, override_reason, year_end=True)
    following = FiscalYear.objects.filter(
        company=company, start=year.end + dt.timedelta(days=1)
    ).first()
    if following is None:
        following = create_fiscal_year(
            actor,
            company,
            start=year.end + dt.timedelta(days=1),
            change_of_period=False,
            end=add_months(year.end + dt.timedelta(days=1), 12) - dt.timedelta(days=1),
        )
    retained = Account.objects.filter(
        company=company, role=Account.Role.RETAINED_EARNINGS, is_header=False
    ).first()
    if retained is None:
        raise ValidationError({"fiscal_year": _("The chart has no retained earnings account.")})
    totals = _year_totals(company, year)
    accounts = Account.objects.in_bulk(list(totals))
    opening: dict[int, int] = defaultdict(int)
    result = 0
    for account_id, net in totals.items():
        account = accounts[account_id]
        if account.is_balance_sheet:
            opening[account_id] += net
        else:
            result += net
    opening[retained.pk] += result
    entries = [
        {"account": accounts.get(account_id) or retained, "amount_cents": net, "text": ""}
        for account_id, net in sorted(
            opening.items(), key=lambda item: (accounts.get(item[0]) or retained).number
        )
        if net
    ]
    year.close_count += 1
    if entries:
        _post(
            actor,
            company,
            date=following.start,
            series="MU",
            description=_("Opening balances from fiscal year %(year)s") % {"year": str(year)},
            lines=(),
            entries=entries,
            source="year-end",
            source_ref=f"opening:{year.pk}:{year.close_count}",
        )
    year.state = FiscalYear.State.CLOSED
    year.closed_at = timezone.now()
    year.save()
    lock = PeriodLock.objects.filter(company=company).first()
    if lock is None or lock.locked_until < year.end:
        PeriodLock.objects.update_or_create(company=company, defaults={"locked_until": year.end})
    audit.record(
        actor.user,
        "close",
        year,
        company=company,
        changes={
            "state": ["open", "closed"],
            "result": [None, str(cents_to_decimal(-result))],
            **override,
        },
    )
    return year


@transaction.atomic
def reopen_fiscal_year(actor, year: FiscalYear, *, reason: str = "") -> FiscalYear:
    """Reopen a closed year (main user only): the opening-balance voucher it made is
    reversed, the lock moved back before the year; the act is audited."""
    company = guard(actor, year.company, "ledger.reopen_year")
    year = FiscalYear.objects.select_for_update().get(pk=year.pk)
    if year.is_open:
        raise ValidationError({"fiscal_year": _("The fiscal year is open.")})
    if FiscalYear.objects.filter(
        company=company, start__gt=year.end, state=FiscalYear.State.CLOSED
    ).exists():
        raise ValidationError({"fiscal_year": _("Reopen the later fiscal years first.")})
    # The year opens first: the database keeps a closed year locked (migration ledger 0014).
    year.state = FiscalYear.State.OPEN
    year.closed_at = None
    year.save()
    lock = PeriodLock.objects.select_for_update().filter(company=company).first()
    before_year = year.start - dt.timedelta(days=1)
    if lock is not None and lock.locked_until >= year.start:
        # The database moves a lock back only after its unlock_period event (migration 0014).
        audit.record(
            actor.user,
            "unlock_period",
            lock,
            company=company,
            changes={"locked_until": [lock.locked_until.isoformat(), before_year.isoformat()]},
        )
        lock.locked_until = before_year
        lock.save()
    opening = Voucher.objects.filter(
        company=company, source="year-end", source_ref=f"opening:{year.pk}:{year.close_count}"
    ).first()
    if opening is not None and not Voucher.objects.filter(reverses=opening).exists():
        following = FiscalYear.objects.get(pk=opening.fiscal_year_id)
        reverse_voucher(
            actor,
            opening,
            date=following.start,
            description=_("Fiscal year %(year)s reopened") % {"year": str(year)},
        )
    audit.record(
        actor.user,
        "reopen",
        year,
        company=company,
        changes={"state": ["closed", "open"], "reason": [None, reason]},
    )
    return year
