"""Contracts: list, create, read."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Status
from ninja.pagination import paginate

from tase.apiutil import Pagination, actor

from .. import selectors, services
from ._common import router
from .schemas import (
    ContractIn,
    ContractOut,
)

# -- contracts -----------------------------------------------------------------------------


@router.get("/contracts", response=list[ContractOut])
@paginate(Pagination)
def list_contracts(request):
    return selectors.contracts_for(actor(request))


@router.post("/contracts", response={201: ContractOut})
def create_contract(request, payload: ContractIn):
    a = actor(request)
    if not 0 < payload.organization_id < 2**63:
        raise ValidationError({"organization_id": "Unknown organization."})
    organization = a.organization(payload.organization_id)
    data = payload.dict(exclude={"organization_id"})
    return Status(201, services.create_contract(a, organization, **data))


@router.get("/contracts/{int:contract_id}", response=ContractOut)
def get_contract(request, contract_id: int):
    return selectors.contract(actor(request), contract_id)
