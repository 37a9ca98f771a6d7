"""Fixed assets (käyttöomaisuus): the register, the monthly depreciation run, disposals.

Planned depreciation (Kirjanpitolaki 1336/1997 5:5 §) is computed by
:mod:`tase.rules.depreciation` from the month the asset was taken into use. A
run posts every month not yet depreciated up to a month end as one memo voucher
(debit the depreciation account, credit the asset's balance-sheet account, a line
per asset) and records each asset's months, so no month is depreciated twice. A
disposal posts the price against the residual, the difference as a gain or a loss
(chart accounts 3800 and 8500 unless the caller names others).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.rules import depreciation as rules

from ..models import Account, AssetDepreciation, FixedAsset, Voucher
from .common import _as_date, cents_to_decimal, fmt_date, guard, to_cents, typed_account
from .posting import post_voucher

GAIN_ACCOUNT, LOSS_ACCOUNT, PROCEEDS_ACCOUNT = "3800", "8500", "1700"
MAX_CENTS = 10**15  # a sanity bound (10 000 000 000 000 €), far inside the BIGINT columns


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=monthrange(day.year, day.month)[1])


@transaction.atomic
def create_fixed_asset(
    actor,
    company: Company,
    *,
    number: str,
    name: str,
    group: str,
    asset_account: str,
    expense_account: str,
    acquired,
    in_use=None,
    cost,
    method: str,
    years: int | None = None,
    rate=None,
    tax_opening=None,
) -> FixedAsset:
    """Enter an asset in the register. Every problem is reported under its field;
    nothing is written unless all are right. ``tax_opening`` (euros): for an asset bought
    before the company's first fiscal year in Tase, its undepreciated tax value at the start
    of that year (EVL 30 §), from 0 to the cost."""
    guard(actor, company, "ledger.manage")
    errors: dict[str, str] = {}
    number, name = str(number or "").strip(), str(name or "").strip()
    for field, value in (("number", number), ("name", name)):
        limit = FixedAsset._meta.get_field(field).max_length
        if not value:
            errors[field] = _("This field is required.")
        elif len(value) > limit:
            errors[field] = _("At most %(count)s characters.") % {"count": limit}
    if number and FixedAsset.objects.filter(company=company, number=number).exists():
        errors["number"] = _("Asset number %(number)s is already in use.") % {"number": number}
    if group not in FixedAsset.Group.values:
        errors["group"] = _("Choose the asset group.")
    assets = typed_account(company, asset_account, "asset_account", Account.Type.ASSET, errors)
    expenses = typed_account(
        company, expense_account, "expense_account", Account.Type.EXPENSE, errors
    )
    dates = {}
    for field, value in (("acquired", acquired), ("in_use", in_use or acquired)):
        try:
            dates[field] = _as_date(value, field)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if len(dates) == 2 and dates["in_use"] < dates["acquired"]:
        errors["in_use"] = _("An asset cannot be taken into use before it is acquired.")
    try:
        cost_cents = to_cents(cost, "cost")
        if not 0 < cost_cents <= MAX_CENTS:
            errors["cost"] = _("The cost must be more than zero.")
    except ValueError as error:
        errors["cost"], cost_cents = str(error), 0
    tax_opening_cents = _tax_opening(
        company, tax_opening, dates.get("acquired"), cost_cents, errors
    )
    plan = {"years": None, "rate": None}
    if method == FixedAsset.Method.STRAIGHT_LINE:
        try:
            plan["years"] = int(years)
        except (TypeError, ValueError):
            plan["years"] = 0
        if not 1 <= plan["years"] <= 100:
            errors["years"] = _("Straight-line depreciation needs the years, 1 to 100.")
    elif method == FixedAsset.Method.REDUCING_BALANCE:
        try:
            plan["rate"] = Decimal(str(rate).replace(",", "."))
        except (InvalidOperation, ValueError):
            plan["rate"] = Decimal(0)
        if not plan["rate"].is_finite() or not 0 < plan["rate"] <= 100:
            errors["rate"] = _(
                "Reducing-balance depreciation needs a rate above 0 and up to 100 %."
            )
        elif plan["rate"] != plan["rate"].quantize(Decimal("0.01")):
            errors["rate"] = _("The rate takes at most two decimals.")
    else:
        errors["method"] = _("Choose the depreciation method.")
    if errors:
        raise ValidationError(errors)
    asset = FixedAsset.objects.create(
        company=company,
        number=number,
        name=name,
        group=group,
        asset_account=assets,
        expense_account=expenses,
        acquired=dates["acquired"],
        in_use=dates["in_use"],
        cost_cents=cost_cents,
        tax_opening_cents=tax_opening_cents,
        method=method,
        **plan,
    )
    audit.record(
        actor.user,
        "create",
        asset,
        company=company,
        changes={"number": [None, number], "cost_cents": [None, cost_cents]},
    )
    return asset


def _tax_opening(company, value, acquired, cost_cents: int, errors: dict) -> int | None:
    """The undepreciated tax value in cents, or None when not given; checked against the
    first fiscal year and the cost."""
    if value in (None, ""):
        return None
    try:
        cents = to_cents(value, "tax_opening")
    except ValueError as error:
        errors["tax_opening"] = str(error)
        return None
    first = company.fiscal_years.order_by("start").first()
    if first is None or acquired is None or acquired >= first.start:
        errors["tax_opening"] = _(
            "Only an asset bought before the first fiscal year in Tase has an opening tax value."
        )
    elif not 0 <= cents <= cost_cents:
        errors["tax_opening"] = _("The opening tax value is from zero to the cost.")
    return cents


def _plan(asset: FixedAsset, until: dt.date) -> dict[tuple[int, int], int]:
    """The planned months of ``asset`` through ``until``, ending before its disposal month."""
    if asset.disposed is not None:
        until = min(until, asset.disposed.replace(day=1) - dt.timedelta(days=1))
    if until < asset.in_use.replace(day=1):
        return {}
    if asset.method == FixedAsset.Method.STRAIGHT_LINE:
        return rules.straight_line(asset.cost_cents, asset.years, asset.in_use, until)
    return rules.reducing_balance(asset.cost_cents, asset.rate, asset.in_use, until)


def months_due(assets, until: dt.date) -> dict[FixedAsset, dict[tuple[int, int], int]]:
    """Each asset's planned months through ``until`` that are not yet posted (one query)."""
    posted = defaultdict(set)
    for asset_id, month in AssetDepreciation.objects.filter(asset__in=assets).values_list(
        "asset_id", "month"
    ):
        posted[asset_id].add((month.year, month.month))
    due = {}
    for asset in assets:
        months = {k: v for k, v in _plan(asset, until).items() if k not in posted[asset.pk]}
        if months:
            due[asset] = months
    return due


@transaction.atomic
def run_depreciation(actor, company: Company, until) -> Voucher:
    """Post the planned depreciation of every asset up to the month end ``until`` as
    one voucher dated ``until``, and record the months. Refused, with nothing
    written, for a date that is not a month end, when nothing is due, or when the
    date is in a locked period or a closed year."""
    guard(actor, company, "ledger.post")
    until = _as_date(until, "until")
    if until != _month_end(until):
        raise ValidationError({"until": _("Depreciation runs to the last day of a month.")})
    assets = list(
        FixedAsset.objects.filter(company=company, in_use__lte=until).select_related(
            "asset_account", "expense_account"
        )
    )
    due = months_due(assets, until)
    if not due:
        raise ValidationError(
            {"until": _("Nothing to depreciate up to %(date)s.") % {"date": fmt_date(until)}}
        )
    lines = []
    for asset, months in due.items():
        amount = cents_to_decimal(sum(months.values()))
        text = f"{asset.number} {asset.name}"
        lines.append({"account": asset.expense_account.number, "debit": amount, "text": text})
        lines.append({"account": asset.asset_account.number, "credit": amount, "text": text})
    try:
        voucher = post_voucher(
            actor,
            company,
            date=until,
            series="MU",
            description=_("Depreciation according to plan until %(date)s")
            % {"date": fmt_date(until)},
            lines=lines,
            source="fixed_assets",
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "date" in error.error_dict:
            raise ValidationError({"until": error.error_dict["date"]}) from None
        raise
    AssetDepreciation.objects.bulk_create(
        AssetDepreciation(
            asset=asset, month=dt.date(year, month, 1), amount_cents=amount, voucher=voucher
        )
        for asset, months in due.items()
        for (year, month), amount in months.items()
    )
    audit.record(
        actor.user,
        "depreciation_run",
        voucher,
        company=company,
        changes={"until": [None, until.isoformat()], "assets": [None, len(due)]},
    )
    return voucher


def depreciated_cents(asset: FixedAsset) -> int:
    return asset.depreciations.aggregate(total=Sum("amount_cents"))["total"] or 0


@transaction.atomic
def dispose_fixed_asset(
    actor,
    company: Company,
    asset: FixedAsset,
    *,
    date,
    price,
    proceeds_account: str = PROCEEDS_ACCOUNT,
    gain_account: str = GAIN_ACCOUNT,
    loss_account: str = LOSS_ACCOUNT,
) -> FixedAsset:
    """Sell or scrap ``asset`` on ``date`` for ``price`` (euros, VAT excluded): debit the
    proceeds account with the price, credit the asset account with the residual,
    and the difference to the gain or the loss account. The months before the
    disposal month must be depreciated first."""
    guard(actor, company, "ledger.post")
    asset = FixedAsset.objects.select_for_update().get(pk=asset.pk, company=company)
    if asset.disposed is not None:
        raise ValidationError({"date": _("The asset has already been disposed of.")})
    on = _as_date(date, "date")
    if on < asset.in_use:
        raise ValidationError({"date": _("An asset cannot be disposed of before it is in use.")})
    try:
        price_cents = to_cents(price, "price")
    except ValueError as error:
        raise ValidationError({"price": str(error)}) from None
    if price_cents < 0:
        raise ValidationError({"price": _("The price cannot be negative.")})
    if price_cents > MAX_CENTS:
        raise ValidationError({"price": _("The price is too large.")})
    previous_month_end = on.replace(day=1) - dt.timedelta(days=1)
    if months_due([asset], previous_month_end):
        raise ValidationError(
            {
                "date": _("Run the depreciation until %(date)s first.")
                % {"date": fmt_date(previous_month_end)}
            }
        )
    residual = asset.cost_cents - depreciated_cents(asset)
    text = f"{asset.number} {asset.name}"
    lines = []
    if price_cents:
        lines.append({"account": proceeds_account, "debit": cents_to_decimal(price_cents)})
    if residual:
        lines.append({"account": asset.asset_account.number, "credit": cents_to_decimal(residual)})
    difference = price_cents - residual
    if difference > 0:
        lines.append({"account": gain_account, "credit": cents_to_decimal(difference)})
    elif difference < 0:
        lines.append({"account": loss_account, "debit": cents_to_decimal(-difference)})
    for line in lines:
        line["text"] = text
    if lines:
        asset.disposal_voucher = post_voucher(
            actor,
            company,
            date=on,
            series="MU",
            description=_("Disposal of fixed asset %(asset)s") % {"asset": text},
            lines=lines,
            source="fixed_assets",
        )
    asset.disposed, asset.disposal_price_cents = on, price_cents
    asset.save(update_fields=["disposed", "disposal_price_cents", "disposal_voucher"])
    audit.record(
        actor.user,
        "dispose",
        asset,
        company=company,
        changes={"disposed": [None, on.isoformat()], "price_cents": [None, price_cents]},
    )
    return asset
