"""Delivery pages: documents and meetings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.editing import run_action, save_form

from .. import forms, selectors, services
from ..models import (
    Document,
    Meeting,
)
from ..pdf import render_pdf
from ._common import _actor, _form_page


@login_required
def document_create(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk, "delivery.manage")
    form = forms.DocumentForm(
        request.POST or None,
        request.FILES or None,
        prefix="doc",
        initial={"kind": request.GET.get("kind", Document.Kind.STATUS_REPORT)},
    )
    if done := save_form(
        request,
        form,
        lambda data: services.add_document(
            actor, organization=project.organization, project=project, **data
        ),
        success=_("Document saved. Publish it to show it to the customer."),
        redirect_to=lambda doc: reverse("delivery:document", args=[doc.pk]),
    ):
        return done
    return _form_page(request, form, _("New document"), project.name, multipart=True)


@login_required
def document_detail(request, pk):
    actor = _actor(request)
    doc = selectors.document(actor, pk)
    staff = selectors.is_staff_view(actor, doc.organization)
    text_form = forms.DocumentTextForm(request.POST or None, initial={"body": doc.body})
    if staff and (
        done := save_form(
            request,
            text_form,
            lambda data: services.update_document_text(actor, doc, data["body"]),
            success=_("Document saved."),
            redirect_to=reverse("delivery:document", args=[doc.pk]),
        )
    ):
        return done
    return render(
        request,
        "delivery/document.html",
        {
            "doc": doc,
            "staff": staff,
            "text_form": text_form,
            "meeting": getattr(doc, "agenda_of", None) or getattr(doc, "minutes_of", None),
            "can_manage": actor.can("delivery.manage", doc.organization),
            "can_approve": actor.can("delivery.approve", doc.organization),
        },
    )


def _doc_action(request, pk, action, fn, success):
    actor = _actor(request)
    doc = selectors.document(actor, pk, action)
    return run_action(
        request,
        lambda: fn(actor, doc),
        success=success,
        back=reverse("delivery:document", args=[pk]),
    )


@login_required
@require_POST
def document_publish(request, pk):
    return _doc_action(
        request,
        pk,
        "delivery.manage",
        services.publish_document,
        _("Published; the customer's users were emailed."),
    )


@login_required
@require_POST
def document_approve(request, pk):
    return _doc_action(
        request, pk, "delivery.approve", services.approve_document, _("Document approved.")
    )


@login_required
@require_POST
def document_archive(request, pk):
    return _doc_action(
        request,
        pk,
        "delivery.manage",
        services.archive_document,
        _("Document archived (kept, not deleted)."),
    )


@login_required
def document_file(request, pk):
    """The attached file, through the same access check as the document (never a bare media URL)."""
    doc = selectors.document(_actor(request), pk)
    if not doc.file:
        raise Http404
    name = doc.file.name.rsplit("/", 1)[-1]
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=name)


@login_required
def document_pdf(request, pk):
    doc = selectors.document(_actor(request), pk)
    meeting = getattr(doc, "agenda_of", None) or getattr(doc, "minutes_of", None)
    return render_pdf(
        "delivery/pdf/document.html",
        {"doc": doc, "meeting": meeting, "project": doc.project},
        doc.title,
    )


@login_required
def meeting_create(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk, "delivery.manage")
    form = forms.MeetingForm(
        request.POST or None, project=project, initial={"kind": request.GET.get("kind", "status")}
    )
    if done := save_form(
        request,
        form,
        lambda data: services.create_meeting(actor, project, **data),
        success=_("Meeting created with an agenda from its template."),
        redirect_to=lambda meeting: reverse("delivery:meeting", args=[meeting.pk]),
    ):
        return done
    return _form_page(request, form, _("New meeting"), project.name)


@login_required
def meeting_detail(request, pk):
    actor = _actor(request)
    meeting = selectors.meeting(actor, pk)
    staff = selectors.is_staff_view(actor, meeting.organization)
    minutes_form = forms.DocumentTextForm(
        request.POST or None, initial={"body": meeting.minutes.body if meeting.minutes else ""}
    )
    if staff and (
        done := save_form(
            request,
            minutes_form,
            lambda data: services.write_minutes(actor, meeting, data["body"]),
            success=_("Minutes saved. Publish them to email the customer."),
            redirect_to=reverse("delivery:meeting", args=[meeting.pk]),
        )
    ):
        return done
    visible = lambda d: d and (staff or (d.published_at and d.customer_visible))  # noqa: E731
    return render(
        request,
        "delivery/meeting.html",
        {
            "meeting": meeting,
            "staff": staff,
            "minutes_form": minutes_form,
            "agenda": meeting.agenda if visible(meeting.agenda) else None,
            "minutes": meeting.minutes if visible(meeting.minutes) else None,
            "checklist": selectors.go_live_checklist(meeting.project)
            if meeting.kind == Meeting.Kind.CLOSING
            else None,
        },
    )
