"""Tax depreciation by the Business Tax Act and the depreciation difference (poistoero).

Taxation deducts what is booked (EVL 54 §): planned depreciation, plus the change in
the depreciation difference booked at the year end as a closing appropriation (KPL
5:5 §), up to the maximum of the Act. The pools:

* machinery and equipment: one pool, 25 % of its undepreciated balance (EVL 30 §);
* each building on its own balance, at the rate of its type (EVL 34 §);
* each intangible right or other long-term expenditure straight-line over its years,
  10 when the plan names none (EVL 24 §).

Additions are the costs of the assets acquired in a fiscal year, disposals their
proceeds; an asset acquired before the company's first fiscal year in Tase counts
in the first, by its undepreciated tax value at the start of that year when one is
entered (EVL 30 §: the pool goes on from its balance in the earlier taxation), and the
difference of its cost (its book value when it came to Tase) over that value is the
depreciation difference accumulated before. A fiscal year longer or shorter than twelve months scales the
maximum by its months (EVL 30 § 2 mom). The rule per pool and year is
:func:`tase.rules.depreciation.pool_years`; planned depreciation and the booked
differences are summed per asset and fiscal year in the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Sum, Value, When
from django.utils.translation import gettext as _

from tase.core.models import Company
from tase.rules import depreciation as rules

from .models import AssetDepreciation, DepreciationDifference, FiscalYear, FixedAsset

MACHINERY = "machinery"
BUILDING_TYPES = {
    FixedAsset.Group.BUILDING_COMMERCIAL: "commercial",
    FixedAsset.Group.BUILDING_RESIDENTIAL: "residential",
    FixedAsset.Group.BUILDING_LIGHT: "light",
}


@dataclass(frozen=True)
class PoolRow:
    pool: str
    label: str
    year: rules.PoolYear
    booked: bool


def pool_of(asset) -> str:
    return MACHINERY if asset.group == FixedAsset.Group.MACHINERY else f"asset:{asset.pk}"


def _months(year: FiscalYear) -> int:
    return (year.end.year - year.start.year) * 12 + year.end.month - year.start.month + 1


def _maximum(asset, year: FiscalYear):
    """The EVL maximum of ``asset``'s pool in ``year`` as a function of the balance."""
    months = _months(year)
    if asset.group == FixedAsset.Group.MACHINERY:
        rate = rules.machinery_rate(year.end)
    elif asset.group in BUILDING_TYPES:
        rate = rules.building_rate(BUILDING_TYPES[asset.group], year.end)
    else:
        amount = rules.intangible_tax(asset.cost_cents, year.end, asset.years, months)
        return lambda balance: amount
    return lambda balance: rules.balance_maximum(balance, rate, months)


def _year_of(years: list[FiscalYear], field: str):
    """A CASE giving the fiscal year id a date field falls in (the first year for earlier)."""
    whens = [When(**{f"{field}__lte": y.end}, then=Value(y.pk)) for y in years]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def pools(company: Company, fiscal_year: FiscalYear) -> list[PoolRow]:
    """Each tax pool of ``company`` in ``fiscal_year``: its balance, maximum, planned
    depreciation, the difference accumulated before, the range of the change and the
    change booked (``booked``) or proposed. Four queries."""
    years = list(company.fiscal_years.filter(start__lte=fiscal_year.start).order_by("start"))
    assets = list(
        FixedAsset.objects.filter(company=company, acquired__lte=fiscal_year.end).order_by("number")
    )
    if not assets:
        return []
    additions: dict[tuple[str, int], int] = defaultdict(int)
    disposals: dict[tuple[str, int], int] = defaultdict(int)
    first: dict[str, int] = {}
    before: dict[str, int] = defaultdict(int)  # the difference accumulated before Tase
    by_pool: dict[str, FixedAsset] = {}
    index = {y.pk: i for i, y in enumerate(years)}
    for asset in assets:
        pool = pool_of(asset)
        by_pool.setdefault(pool, asset)
        acquired = next((y for y in years if asset.acquired <= y.end), years[0])
        if asset.tax_opening_cents is not None and asset.acquired < years[0].start:
            additions[pool, acquired.pk] += asset.tax_opening_cents
            before[pool] += max(asset.cost_cents - asset.tax_opening_cents, 0)
        else:
            additions[pool, acquired.pk] += asset.cost_cents
        first[pool] = min(first.get(pool, len(years)), index[acquired.pk])
        if asset.disposed and asset.disposed <= fiscal_year.end:
            sold = next((y for y in years if asset.disposed <= y.end), years[0])
            disposals[pool, sold.pk] += asset.disposal_price_cents or 0
    planned: dict[tuple[str, int], int] = defaultdict(int)
    for row in (
        AssetDepreciation.objects.filter(asset__in=assets, month__lte=fiscal_year.end)
        .annotate(year_id=_year_of(years, "month"))
        .values("asset_id", "asset__group", "year_id")
        .annotate(total=Sum("amount_cents"))
    ):
        pool = (
            MACHINERY
            if row["asset__group"] == FixedAsset.Group.MACHINERY
            else f"asset:{row['asset_id']}"
        )
        planned[pool, row["year_id"]] += row["total"]
    booked = {
        (row.pool, row.fiscal_year_id): row.change_cents
        for row in DepreciationDifference.objects.filter(company=company, fiscal_year__in=years)
    }
    result = []
    for pool, asset in by_pool.items():
        history = years[first[pool] :]
        computed = rules.pool_years(
            [
                {
                    "additions": additions[pool, y.pk],
                    "disposals": disposals[pool, y.pk],
                    "planned": planned[pool, y.pk],
                    "maximum": _maximum(asset, y),
                    "change": booked.get((pool, y.pk)),
                }
                for y in history
            ],
            accumulated=before[pool],
        )
        year = computed[-1]
        if not (year.balance or year.accumulated or year.planned):
            continue
        label = _("Machinery and equipment") if pool == MACHINERY else str(asset)
        result.append(PoolRow(pool, label, year, (pool, fiscal_year.pk) in booked))
    return result
