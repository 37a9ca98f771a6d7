"""Delivery pages: tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.editing import run_action, save_form

from .. import forms, selectors, services
from ..checks import CUSTOMER_OWNED, NOT_OVERRIDABLE
from ..models import (
    Document,
    PhaseKind,
)
from ._common import _actor, _form_page


def _task_initial(task):
    return {
        "phase": task.phase.kind,
        "title": task.title,
        "description": task.description,
        "owner": task.owner,
        "due_on": task.due_on,
        "status": task.status,
        "customer_visible": task.customer_visible,
        "state_check": task.state_check,
    }


def _save_task(request, project, task=None):
    actor = _actor(request)
    form = forms.TaskForm(
        request.POST or None,
        vendor=project.organization.vendor,
        organization=project.organization,
        initial=_task_initial(task) if task else {"phase": PhaseKind.IMPLEMENTATION},
    )

    def save(data):
        data = {**data, "phase": project.phases.get(kind=data["phase"])}
        return services.save_task(actor, project, task=task, **data)

    if done := save_form(
        request,
        form,
        save,
        success=_("Task saved."),
        redirect_to=lambda saved: reverse("delivery:task", args=[saved.pk]),
    ):
        return done
    return _form_page(request, form, task.title if task else _("New task"), project.name)


@login_required
def task_create(request, pk):
    return _save_task(request, selectors.project(_actor(request), pk, "delivery.manage"))


@login_required
def task_edit(request, pk):
    task = selectors.task(_actor(request), pk, "delivery.manage")
    return _save_task(request, task.project, task)


@login_required
def task_detail(request, pk):
    actor = _actor(request)
    task = selectors.task(actor, pk)
    staff = selectors.is_staff_view(actor, task.organization)
    attachments = task.attachments.filter(archived_at__isnull=True)
    if not staff:
        attachments = attachments.filter(customer_visible=True)
    holds = (
        selectors.check_state_for_project(task.state_check, task.project)
        if task.state_check
        else None
    )
    return render(
        request,
        "delivery/task.html",
        {
            "task": task,
            "staff": staff,
            "comments": task.comments.select_related("author"),
            "attachments": attachments,
            "comment_form": forms.CommentForm(),
            "override_form": forms.OverrideForm(),
            "attach_form": forms.AttachmentForm(),
            "holds": holds,
            "can_manage": actor.can("delivery.manage", task.organization),
            "owns": task.owner_id == request.user.pk,
            "staff_overrides": task.state_check not in NOT_OVERRIDABLE,
            "customer_confirms": task.state_check in CUSTOMER_OWNED
            and not staff
            and actor.can("delivery.approve", task.organization),
            "statuses": task.Status.choices,
        },
    )


@login_required
@require_POST
def task_status(request, pk):
    actor = _actor(request)
    task = selectors.task(actor, pk)  # the service lets staff, or the customer who owns it
    back = request.POST.get("next") or reverse("delivery:task", args=[pk])
    if not back.startswith("/"):
        back = reverse("delivery:task", args=[pk])
    return run_action(
        request,
        lambda: services.set_task_status(actor, task, request.POST.get("status", "")),
        success=_("Task status saved."),
        back=back,
    )


@login_required
@require_POST
def task_comment(request, pk):
    actor = _actor(request)
    task = selectors.task(actor, pk)
    return run_action(
        request,
        lambda: services.comment_task(actor, task, request.POST.get("body", "")),
        success=_("Comment added."),
        back=reverse("delivery:task", args=[pk]),
    )


@login_required
@require_POST
def task_override(request, pk):
    actor = _actor(request)
    task = selectors.task(actor, pk)  # the service decides: staff, or the customer's main user
    return run_action(
        request,
        lambda: services.override_check(actor, task, request.POST.get("reason", "")),
        success=_("Check overridden."),
        back=reverse("delivery:task", args=[pk]),
    )


@login_required
@require_POST
def task_overdue_reason(request, pk):
    actor = _actor(request)
    task = selectors.task(actor, pk, "delivery.manage")
    return run_action(
        request,
        lambda: services.explain_overdue(actor, task, request.POST.get("reason", "")),
        success=_("Reason saved."),
        back=reverse("delivery:task", args=[pk]),
    )


@login_required
@require_POST
def task_attach(request, pk):
    actor = _actor(request)
    task = selectors.task(actor, pk, "delivery.manage")
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give a title and choose a file."))
        return redirect("delivery:task", pk)

    def attach():
        doc = services.add_document(
            actor,
            organization=task.organization,
            project=task.project,
            task=task,
            kind=Document.Kind.ATTACHMENT,
            **form.cleaned_data,
        )
        if form.cleaned_data["customer_visible"]:
            services.publish_document(actor, doc)

    return run_action(
        request, attach, success=_("Attachment added."), back=reverse("delivery:task", args=[pk])
    )
