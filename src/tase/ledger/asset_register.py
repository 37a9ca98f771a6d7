"""The fixed-asset register as a balance-sheet specification (tase-erittely).

Cost, planned depreciation posted and the residual per asset, summed in the
database (one query), and totalled per balance-sheet account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from tase.core.models import Company

from .models import FixedAsset


@dataclass
class AccountTotal:
    number: str
    name: str
    cost_cents: int = 0
    depreciated_cents: int = 0
    residual_cents: int = 0
    assets: list = field(default_factory=list)


def assets_of(company: Company, on: dt.date | None = None):
    """The company's assets with ``depreciated_cents`` and ``residual_cents`` annotated;
    with ``on``, as at the end of that day: the assets acquired by then, the depreciation of
    the months up to it, and ``disposed`` only when it was by then.

    A disposed asset's residual is zero: it has left the balance sheet."""
    assets = FixedAsset.objects.filter(company=company)
    posted = Q()
    if on is not None:
        assets = assets.filter(acquired__lte=on)
        posted = Q(depreciations__month__lte=on)
    assets = (
        assets.select_related("asset_account", "expense_account")
        .annotate(depreciated_cents=Coalesce(Sum("depreciations__amount_cents", filter=posted), 0))
        .order_by("number")
    )
    for asset in assets:
        if on is not None and asset.disposed and asset.disposed > on:
            asset.disposed = None
        asset.residual_cents = 0 if asset.disposed else asset.cost_cents - asset.depreciated_cents
        yield asset


def specification(company: Company, on: dt.date | None = None) -> list[AccountTotal]:
    """Assets still on the balance sheet (at the end of ``on``, if given), grouped by their
    balance-sheet account."""
    totals: dict[str, AccountTotal] = {}
    for asset in assets_of(company, on):
        if asset.disposed:
            continue
        account = asset.asset_account
        total = totals.setdefault(account.number, AccountTotal(account.number, account.name_fi))
        total.cost_cents += asset.cost_cents
        total.depreciated_cents += asset.depreciated_cents
        total.residual_cents += asset.residual_cents
        total.assets.append(asset)
    return [totals[number] for number in sorted(totals)]
