"""Meetings and minutes; the project's documents."""

from __future__ import annotations

from ninja import Status
from ninja.pagination import paginate

from tase.apiutil import Pagination, actor

from .. import selectors, services
from ._common import _users, router
from .schemas import (
    BodyIn,
    DocumentOut,
    MeetingIn,
    MeetingOut,
)

# -- meetings --------------------------------------------------------------------------------


@router.get("/projects/{int:project_id}/meetings", response=list[MeetingOut])
@paginate(Pagination)
def list_meetings(request, project_id: int):
    a = actor(request)
    return selectors.project(a, project_id).meetings.prefetch_related("participants")


@router.post("/projects/{int:project_id}/meetings", response={201: MeetingOut})
def create_meeting(request, project_id: int, payload: MeetingIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    data = payload.dict(exclude={"participant_ids"})
    return Status(
        201,
        services.create_meeting(a, project, participants=_users(payload.participant_ids), **data),
    )


@router.post("/meetings/{int:meeting_id}/minutes", response={201: dict})
def write_minutes(request, meeting_id: int, payload: BodyIn):
    a = actor(request)
    document = services.write_minutes(
        a, selectors.meeting(a, meeting_id, "delivery.manage"), payload.body
    )
    return Status(201, {"document_id": document.pk})


@router.get("/projects/{int:project_id}/documents", response=list[DocumentOut])
@paginate(Pagination)
def list_documents(request, project_id: int):
    """The project's documents; a customer gets only the published, customer-visible ones."""
    a = actor(request)
    return selectors.visible_documents(a, selectors.project(a, project_id))


@router.post("/documents/{int:document_id}/publish", response=dict)
def publish_document(request, document_id: int):
    a = actor(request)
    document = services.publish_document(a, selectors.document(a, document_id, "delivery.manage"))
    return {"id": document.pk, "published_at": document.published_at}


@router.post("/documents/{int:document_id}/approve", response=dict)
def approve_document(request, document_id: int):
    a = actor(request)
    document = services.approve_document(a, selectors.document(a, document_id, "delivery.approve"))
    return {
        "id": document.pk,
        "approved_by_id": document.approved_by_id,
        "approved_at": document.approved_at,
    }
