"""Specifications and their versions."""

from __future__ import annotations

from ninja import Status

from tase.apiutil import actor

from .. import selectors, services
from ._common import router
from .schemas import (
    BodyIn,
    SpecOut,
    VersionOut,
)

# -- specifications ---------------------------------------------------------------------------


@router.get("/projects/{int:project_id}/specs", response=list[SpecOut])
def list_specs(request, project_id: int):
    return list(selectors.project(actor(request), project_id).specs.all())


@router.get("/specs/{int:spec_id}/versions", response=list[VersionOut])
def list_versions(request, spec_id: int):
    a = actor(request)
    return selectors.visible_versions(a, selectors.spec(a, spec_id))


@router.post("/specs/{int:spec_id}/versions", response={201: VersionOut})
def save_version(request, spec_id: int, payload: BodyIn):
    a = actor(request)
    return Status(
        201,
        services.save_spec_version(a, selectors.spec(a, spec_id, "delivery.manage"), payload.body),
    )


@router.post("/spec-versions/{int:version_id}/send", response=VersionOut)
def send_version(request, version_id: int):
    a = actor(request)
    return services.send_spec_for_review(
        a, selectors.spec_version(a, version_id, "delivery.manage")
    )


@router.post("/spec-versions/{int:version_id}/approve", response=VersionOut)
def approve_version(request, version_id: int):
    a = actor(request)
    return services.approve_spec_version(
        a, selectors.spec_version(a, version_id, "delivery.approve")
    )
