"""API of the fixed-asset register: list with residuals, add an asset, run depreciation, dispose."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from tase.apiutil import actor

from . import asset_register, services
from .models import FixedAsset

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
    acquired: dt.date
    in_use: dt.date | None = None
    cost: Decimal
    method: str
    years: int | None = None
    rate: Decimal | None = None


class FixedAssetOut(FixedAssetIn):
    id: int
    in_use: dt.date
    depreciated: Decimal
    residual: Decimal
    disposed: dt.date | None
    disposal_price: Decimal | None


class DepreciationRunIn(Schema):
    until: dt.date


class DepreciationRunOut(Schema):
    voucher_id: int
    voucher_number: int | None
    date: dt.date
    amount: Decimal


class DisposalIn(Schema):
    date: dt.date
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
