"""The project's status and its weekly status report: the facts, a draft on demand, the
draft's text (the lead edits it; publishing is the documents' own operation)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Status

from tase.apiutil import actor

from .. import selectors, services, status
from ._common import router
from .schemas import BodyIn, DocumentOut, StatusOut


@router.get("/projects/{int:project_id}/status-facts", response=StatusOut)
def get_status(request, project_id: int):
    """Health (on time / at risk / late), slip, tasks, hours, risks, decisions, next meetings."""
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    facts = status.report_facts(project)
    return {
        "health": facts["health"],
        "slip_days": facts["slip"],
        "tasks_done_last_week": [t.title for t in facts["done"]],
        "tasks_due": [t.title for t in facts["due"]],
        "tasks_overdue": [t.title for t in facts["overdue"]],
        "hours": facts["hours"],
        "risks": facts["risks"],
        "decisions": facts["decisions"],
        "next_meetings": [
            f"{m.title} {timezone.localtime(m.starts_at):%d.%m.%Y %H.%M}" for m in facts["meetings"]
        ],
    }


@router.post("/projects/{int:project_id}/status-reports", response={201: DocumentOut})
def draft_status_report(request, project_id: int):
    """This week's report as an unpublished draft; publish it with /documents/{id}/publish."""
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    return Status(201, services.draft_status_report(a, project))


@router.post("/documents/{int:document_id}/text", response=DocumentOut)
def update_document_text(request, document_id: int, payload: BodyIn):
    """Edit an unpublished document's text (a status report draft, an agenda)."""
    a = actor(request)
    document = selectors.document(a, document_id, "delivery.manage")
    return services.update_document_text(a, document, payload.body)
