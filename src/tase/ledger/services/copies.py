"""Test-environment copies of a company's bookkeeping set-up."""

from __future__ import annotations

from django.db import transaction

from tase.core import audit
from tase.core.models import Company

from .. import sample
from ..models import Account, FiscalYear, LedgerSettings, SeriesCounter, VoucherSeries
from ..system import SystemActor


@transaction.atomic
def copy_configuration(actor, source: Company, target: Company) -> None:
    """Copy the bookkeeping set-up of ``source`` into a new test-environment company:
    settings, chart of accounts (groups kept), voucher series and fiscal years, then a few
    sample vouchers (:mod:`tase.ledger.sample`), never the real ones. Called by core's
    ``create_test_environment``, which has checked the actor's right to make the copy."""
    settings_row = LedgerSettings.objects.filter(company=source).first()
    if settings_row is not None:
        LedgerSettings.objects.update_or_create(
            company=target,
            defaults={"chart": settings_row.chart, "vat_period": settings_row.vat_period},
        )
    copies: dict[int, Account] = {}
    for account in Account.objects.filter(company=source).order_by("-is_header", "level", "id"):
        original_pk, parent_id = account.pk, account.parent_id
        account.pk = None
        account.company = target
        account.parent = copies.get(parent_id)
        account.save(force_insert=True)
        copies[original_pk] = account
    for series in VoucherSeries.objects.filter(company=source):
        VoucherSeries.objects.get_or_create(
            company=target,
            code=series.code,
            defaults={"name_fi": series.name_fi, "name_en": series.name_en},
        )
    for year in FiscalYear.objects.filter(company=source).order_by("start"):
        created = FiscalYear.objects.create(company=target, start=year.start, end=year.end)
        for series in VoucherSeries.objects.filter(company=target):
            SeriesCounter.objects.get_or_create(series=series, fiscal_year=created)
    audit.record(
        actor.user,
        "copy_configuration",
        target,
        company=target,
        changes={"copied_from": [None, source.pk], "accounts": [None, len(copies)]},
    )
    sample.post_sample_vouchers(SystemActor(), target)
