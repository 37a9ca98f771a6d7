"""Fiscal years, the VAT period and method, and period locks."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company

from .. import charts
from ..models import (
    Account,
    FiscalYear,
    LedgerSettings,
    PeriodLock,
    SeriesCounter,
    VoucherSeries,
)
from .common import _as_date, _forget, add_months, ensure_standard_series, fmt_date, guard


@transaction.atomic
def create_fiscal_year(
    actor, company: Company, *, start, end, change_of_period: bool = False
) -> FiscalYear:
    """A new fiscal year (KPL 1336/1997 1:4 §): the first may be 1-18 months long; a later
    one starts the day after the one before it and is 12 months long, unless the fiscal
    period is being changed (``change_of_period``, tilikauden muutos), when it may again be
    1-18 months. A year placed before existing ones must end the day before them."""
    guard(actor, company, "ledger.manage")
    start, end = _as_date(start, "start"), _as_date(end, "end")
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if end > add_months(start, 18) - dt.timedelta(days=1):
        raise ValidationError({"end": _("A fiscal year is at most 18 months long.")})
    years = FiscalYear.objects.filter(company=company)
    if years.filter(start__lte=end, end__gte=start).exists():
        raise ValidationError({"start": _("The fiscal year overlaps an existing one.")})
    before = years.filter(end__lt=start).order_by("-end").first()
    if before is not None and before.end + dt.timedelta(days=1) != start:
        raise ValidationError(
            {
                "start": _("The next fiscal year must start on %(date)s.")
                % {"date": fmt_date(before.end + dt.timedelta(days=1))}
            }
        )
    twelve_months = add_months(start, 12) - dt.timedelta(days=1)
    if before is not None and not change_of_period and end != twelve_months:
        raise ValidationError(
            {
                "end": _(
                    "A fiscal year after the first is 12 months long and ends on %(date)s; "
                    "mark it as a change of fiscal period to make it 1-18 months."
                )
                % {"date": fmt_date(twelve_months)}
            }
        )
    year = FiscalYear.objects.create(company=company, start=start, end=end)
    ensure_standard_series(company)
    for series in VoucherSeries.objects.filter(company=company):
        SeriesCounter.objects.get_or_create(series=series, fiscal_year=year)
    audit.record(
        actor.user,
        "create",
        year,
        company=company,
        changes={
            "start": [None, start.isoformat()],
            "end": [None, end.isoformat()],
            **({"change_of_period": [None, True]} if change_of_period else {}),
        },
    )
    return year


@transaction.atomic
def set_vat_period(actor, company: Company, period: str) -> LedgerSettings:
    """The company's VAT period: month, quarter or year (as the Tax Administration set it)."""
    guard(actor, company, "ledger.manage")
    if period not in LedgerSettings.VatPeriod.values:
        raise ValidationError({"vat_period": _("Choose month, quarter or year.")})
    row, _created = LedgerSettings.objects.get_or_create(company=company)
    old, row.vat_period = row.vat_period, period
    row.save()
    audit.record(actor.user, "update", row, company=company, changes={"vat_period": [old, period]})
    return row


@transaction.atomic
def set_cash_basis_vat(actor, company: Company, enabled: bool) -> LedgerSettings:
    """Cash-based VAT (maksuperusteinen alv, AVL 137 §) on or off. Switched on, the chart gets
    the two unrecognised VAT accounts it lacks (numbers and names of the shipped chart).
    Invoices keep the method they were sent with, so the switch belongs at the start of a
    tax period; the turnover limit (``vat.cash_basis_turnover_limit``) is the company's to
    watch, since only the finished fiscal year shows it."""
    guard(actor, company, "ledger.manage")
    row, _created = LedgerSettings.objects.select_for_update().get_or_create(company=company)
    enabled = bool(enabled)
    if enabled:
        _ensure_pending_vat_accounts(actor, company, row.chart or "limited-company")
    old, row.cash_basis_vat = row.cash_basis_vat, enabled
    row.save(update_fields=["cash_basis_vat"])
    audit.record(
        actor.user, "update", row, company=company, changes={"cash_basis_vat": [old, enabled]}
    )
    return row


def _ensure_pending_vat_accounts(actor, company: Company, chart: str) -> None:
    roles = [Account.Role.VAT_OUTPUT_PENDING, Account.Role.VAT_INPUT_PENDING]
    have = set(
        Account.objects.filter(company=company, role__in=roles, is_header=False).values_list(
            "role", flat=True
        )
    )
    rows = {row.role: row for row in charts.chart(chart) if row.role in roles}
    for role in roles:
        if role in have:
            continue
        row = rows[role]
        if Account.objects.filter(company=company, number=row.number).exists():
            raise ValidationError(
                {
                    "cash_basis_vat": _(
                        "Account %(number)s is taken: give the role “%(role)s” to an account "
                        "of your chart first."
                    )
                    % {"number": row.number, "role": Account.Role(role).label}
                }
            )
        sibling = (
            Account.objects.filter(company=company, balance_sheet_line=row.line, is_header=False)
            .order_by("number")
            .first()
        )
        Account.objects.create(
            company=company,
            number=row.number,
            name_fi=row.name_fi,
            name_en=row.name_en,
            type=row.type,
            parent=sibling.parent if sibling else None,
            balance_sheet_line=row.line,
            role=role,
        )
    _forget(actor)


@transaction.atomic
def lock_period(actor, company: Company, until) -> PeriodLock:
    """Lock every month up to and including the one ending on ``until`` (the last day of a
    month, or of a fiscal year). Moving the lock back needs the right to reopen a year
    (:func:`unlock_period`)."""
    guard(actor, company, "ledger.manage")
    until = _as_date(until, "locked_until")
    month_end = until.day == monthrange(until.year, until.month)[1]
    if not month_end and not FiscalYear.objects.filter(company=company, end=until).exists():
        raise ValidationError(
            {
                "locked_until": _(
                    "Periods are locked a whole month at a time: choose the last day of a month."
                )
            }
        )
    lock = PeriodLock.objects.select_for_update().filter(company=company).first()
    old = lock.locked_until if lock else None
    if old is not None and until < old:
        raise ValidationError(
            {
                "locked_until": _("The period is already locked until %(date)s.")
                % {"date": fmt_date(old)}
            }
        )
    if lock is None:
        lock = PeriodLock.objects.create(company=company, locked_until=until)
    else:
        lock.locked_until = until
        lock.save()
    audit.record(
        actor.user,
        "lock_period",
        lock,
        company=company,
        changes={"locked_until": [old.isoformat() if old else None, until.isoformat()]},
    )
    return lock


@transaction.atomic
def unlock_period(actor, company: Company, until) -> PeriodLock | None:
    """Move the lock back to ``until`` (None: remove it). Main user only; audited."""
    guard(actor, company, "ledger.reopen_year")
    lock = PeriodLock.objects.select_for_update().filter(company=company).first()
    if lock is None:
        return None
    old = lock.locked_until
    until = _as_date(until, "locked_until") if until else None
    closed = FiscalYear.objects.filter(company=company, state=FiscalYear.State.CLOSED)
    if until is None or closed.filter(end__gt=until).exists():
        last_closed = closed.order_by("-end").first()
        if last_closed is not None and (until is None or until < last_closed.end):
            raise ValidationError(
                {"locked_until": _("A closed fiscal year stays locked; reopen it first.")}
            )
    audit.record(
        actor.user,
        "unlock_period",
        lock,
        company=company,
        changes={"locked_until": [old.isoformat(), until.isoformat() if until else None]},
    )
    if until is None:
        PeriodLock.objects.filter(pk=lock.pk).delete()
        return None
    lock.locked_until = until
    lock.save()
    return lock
