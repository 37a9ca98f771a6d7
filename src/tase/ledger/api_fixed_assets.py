"""API of the fixed-asset register: list with residuals, add an asset, run depreciation,
dispose, and the tax depreciation with the depreciation difference booked at the year end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from tase.apiutil import Day, actor

from . import asset_register, services, tax_depreciation
from .models import FiscalYear, FixedAsset

router = Router(tags=["ledger"])


def _company(request, company_id: int, action: str = "ledger.view"):
    return actor(request).company(company_id, action)


def _euros(cents: int | None) -> Decimal | None:
    return None if cents is None else services.cents_to_decimal(cents)


class FixedAssetIn(Schema):
    number: str
    name: str
    group: str
    asset_account: str
    expense_account: str
    acquired: Day
    in_use: Day | None = None
    cost: Decimal
    method: str
    years: int | None = None
    rate: Decimal | None = None
    tax_opening: Decimal | None = Field(
        None,
        description="An asset bought before the first fiscal year in Tase: its undepreciated "
        "tax value at the start of that year (EVL 30 §)",
    )


class FixedAssetOut(FixedAssetIn):
    id: int
    in_use: dt.date
    depreciated: Decimal
    residual: Decimal
    disposed: dt.date | None
    disposal_price: Decimal | None


class DepreciationRunIn(Schema):
    until: Day


class DepreciationRunOut(Schema):
    voucher_id: int
    voucher_number: int | None
    date: dt.date
    amount: Decimal


class DisposalIn(Schema):
    date: Day
    price: Decimal
    proceeds_account: str = services.fixed_assets.PROCEEDS_ACCOUNT
    gain_account: str = services.fixed_assets.GAIN_ACCOUNT
    loss_account: str = services.fixed_assets.LOSS_ACCOUNT


def _out(asset: FixedAsset) -> dict:
    depreciated = getattr(asset, "depreciated_cents", None)
    if depreciated is None:
        depreciated = services.depreciated_cents(asset)
    residual = 0 if asset.disposed else asset.cost_cents - depreciated
    return {
        "id": asset.pk,
        "number": asset.number,
        "name": asset.name,
        "group": asset.group,
        "asset_account": asset.asset_account.number,
        "expense_account": asset.expense_account.number,
        "acquired": asset.acquired,
        "in_use": asset.in_use,
        "cost": _euros(asset.cost_cents),
        "method": asset.method,
        "years": asset.years,
        "rate": asset.rate,
        "tax_opening": _euros(asset.tax_opening_cents),
        "depreciated": _euros(depreciated),
        "residual": _euros(residual),
        "disposed": asset.disposed,
        "disposal_price": _euros(asset.disposal_price_cents),
    }


@router.get("/companies/{company_id}/fixed-assets", response=list[FixedAssetOut])
def list_fixed_assets(request, company_id: int):
    return [_out(a) for a in asset_register.assets_of(_company(request, company_id))]


@router.post("/companies/{company_id}/fixed-assets", response={201: FixedAssetOut})
def create_fixed_asset(request, company_id: int, payload: FixedAssetIn):
    company = _company(request, company_id)
    asset = services.create_fixed_asset(actor(request), company, **payload.dict())
    return Status(201, _out(asset))


@router.post("/companies/{company_id}/depreciation-runs", response={201: DepreciationRunOut})
def run_depreciation(request, company_id: int, payload: DepreciationRunIn):
    company = _company(request, company_id)
    voucher = services.run_depreciation(actor(request), company, payload.until)
    amount = sum(e.amount_cents for e in voucher.entries.all() if e.amount_cents > 0)
    return Status(
        201,
        {
            "voucher_id": voucher.pk,
            "voucher_number": voucher.number,
            "date": voucher.date,
            "amount": _euros(amount),
        },
    )


@router.post("/companies/{company_id}/fixed-assets/{asset_id}/disposal", response=FixedAssetOut)
def dispose_fixed_asset(request, company_id: int, asset_id: int, payload: DisposalIn):
    company = _company(request, company_id)
    asset = get_object_or_404(FixedAsset, company=company, pk=asset_id)
    return _out(services.dispose_fixed_asset(actor(request), company, asset, **payload.dict()))


class TaxPoolOut(Schema):
    pool: str
    label: str
    balance: Decimal
    maximum: Decimal
    planned: Decimal
    accumulated: Decimal
    least: Decimal
    most: Decimal
    change: Decimal
    deducted: Decimal
    closing: Decimal
    booked: bool


class TaxDepreciationOut(Schema):
    fiscal_year_id: int
    pools: list[TaxPoolOut]


class DepreciationDifferenceIn(Schema):
    fiscal_year_id: int
    changes: dict[str, Decimal] | None = None


class DepreciationDifferenceOut(TaxDepreciationOut):
    voucher_id: int
    voucher_number: int | None


def _pools(company, fiscal_year) -> dict:
    rows = tax_depreciation.pools(company, fiscal_year)
    money = ("balance", "maximum", "planned", "accumulated", "least", "most", "change")
    return {
        "fiscal_year_id": fiscal_year.pk,
        "pools": [
            {
                "pool": row.pool,
                "label": row.label,
                "booked": row.booked,
                "deducted": _euros(row.year.deducted),
                "closing": _euros(row.year.closing),
                **{name: _euros(getattr(row.year, name)) for name in money},
            }
            for row in rows
        ],
    }


@router.get("/companies/{company_id}/tax-depreciation", response=TaxDepreciationOut)
def tax_depreciation_of(request, company_id: int, fiscal_year_id: int):
    """Each tax pool's EVL maximum, planned depreciation and depreciation difference."""
    company = _company(request, company_id)
    return _pools(company, get_object_or_404(FiscalYear, company=company, pk=fiscal_year_id))


@router.post(
    "/companies/{company_id}/depreciation-differences", response={201: DepreciationDifferenceOut}
)
def book_depreciation_difference(request, company_id: int, payload: DepreciationDifferenceIn):
    """Book the change of the depreciation difference at the fiscal year's end; a pool
    left out of ``changes`` takes the largest deduction the Act allows."""
    company = _company(request, company_id)
    year = get_object_or_404(FiscalYear, company=company, pk=payload.fiscal_year_id)
    voucher = services.book_depreciation_difference(actor(request), company, year, payload.changes)
    return Status(
        201,
        {**_pools(company, year), "voucher_id": voucher.pk, "voucher_number": voucher.number},
    )
