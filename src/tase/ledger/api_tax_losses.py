"""API of a company's confirmed losses of earlier tax years (vahvistetut tappiot, TVL
1535/1992 119 § and 122 §), which the calculation of taxable income (form 6B) deducts oldest
first: list, record or change one per tax year (PUT), delete. The same services as the
page (:mod:`tase.ledger.views_tax_losses`). Euros as decimal strings."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from tase.apiutil import actor

from . import services
from .models import ConfirmedLoss
from .services import cents_to_decimal

router = Router(tags=["ledger"])


class ConfirmedLossOut(Schema):
    tax_year: int
    amount: str = Field(..., description="The loss confirmed in taxation, euros")
    used_before: str = Field(
        ..., description="Deducted in the taxation of earlier tax years, euros"
    )
    forfeited: bool = Field(..., description="Not deductible after an ownership change (TVL 122 §)")


class ConfirmedLossIn(Schema):
    amount: Decimal = Field(..., description="The loss confirmed for the tax year, euros")
    used_before: Decimal = Field(
        Decimal(0), description="Deducted in earlier tax years, per the latest tax decision"
    )
    forfeited: bool = Field(
        False,
        description="An ownership change of over half the shares without the Tax "
        "Administration's permission forfeits the loss (TVL 122 §)",
    )


def _out(loss: ConfirmedLoss) -> dict:
    return {
        "tax_year": loss.tax_year,
        "amount": f"{cents_to_decimal(loss.amount):.2f}",
        "used_before": f"{cents_to_decimal(loss.used_before):.2f}",
        "forfeited": loss.forfeited,
    }


@router.get("/companies/{company_id}/confirmed-losses", response=list[ConfirmedLossOut])
def list_confirmed_losses(request, company_id: int):
    company = actor(request).company(company_id, "ledger.view")
    return [_out(loss) for loss in ConfirmedLoss.objects.filter(company=company)]


@router.put(
    "/companies/{company_id}/confirmed-losses/{tax_year}",
    response={200: ConfirmedLossOut},
    summary="Record or change the confirmed loss of a tax year (TVL 119 §)",
)
def put_confirmed_loss(request, company_id: int, tax_year: int, payload: ConfirmedLossIn):
    company = actor(request).company(company_id, "ledger.manage")
    loss = services.save_confirmed_loss(
        actor(request), company, tax_year=tax_year, **payload.dict()
    )
    return Status(200, _out(loss))


@router.delete("/companies/{company_id}/confirmed-losses/{tax_year}", response={204: None})
def delete_confirmed_loss(request, company_id: int, tax_year: int):
    company = actor(request).company(company_id, "ledger.manage")
    loss = get_object_or_404(ConfirmedLoss, company=company, tax_year=tax_year)
    services.delete_confirmed_loss(actor(request), loss)
    return Status(204, None)
