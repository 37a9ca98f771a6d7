"""Delivery pages: project page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.editing import run_action, save_form

from .. import forms, selectors, services, status, svg
from ..models import (
    AccountRelationship,
    Document,
    GoLive,
    Phase,
    Project,
    SpecVersion,
)
from ..pdf import render_pdf
from ._common import _actor, _form_page


@login_required
def project_detail(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk)
    staff = selectors.is_staff_view(actor, project.organization)
    if project.status == Project.Status.RUNNING:
        services.sync_state_checks(project)  # also infers the phases' actual dates
    elif project.status == Project.Status.ON_HOLD:
        services.infer_phase_dates(project)  # meetings held since the last write
    phases = list(project.phases.order_by("kind"))
    today = timezone.localdate()
    tasks = list(selectors.visible_tasks(actor, project))
    documents = list(selectors.visible_documents(actor, project))
    specs = list(project.specs.prefetch_related("versions"))
    for spec in specs:
        versions = [v for v in spec.versions.all() if staff or v.status != SpecVersion.Status.DRAFT]
        spec.latest = versions[0] if versions else None
        spec.approved = next((v for v in versions if v.status == SpecVersion.Status.APPROVED), None)
    meetings = list(
        project.meetings.select_related("agenda", "minutes").prefetch_related("participants")
    )
    trainings = list(
        project.trainings.select_related("trainer")
        .prefetch_related("participants")
        .annotate(question_count=Count("questions"))
    )
    status_reports = [
        d for d in documents if d.kind == Document.Kind.STATUS_REPORT and d.published_at
    ]
    awaiting = [d for d in documents if d.awaits_customer] + [
        s.latest for s in specs if s.latest and s.latest.status == SpecVersion.Status.IN_REVIEW
    ]
    relationship = (
        AccountRelationship.objects.filter(organization=project.organization)
        .select_related("account_manager")
        .first()
    )
    go_live = (
        GoLive.objects.filter(project=project)
        .select_related("customer_signed_by", "lead_signed_by")
        .first()
    )
    checklist = selectors.go_live_checklist(project)
    writable = not project.is_read_only
    key_persons = selectors.key_persons(project)
    hours_summary = selectors.hours_summary(project)
    health = status.health(
        slip=selectors.project_slip(phases, today),
        overdue_tasks=sum(1 for t in tasks if t.customer_visible and t.is_overdue),
        hours_over=any(r["over"] for r in hours_summary["rows"]),
        hours_warn=any(r["warn"] for r in hours_summary["rows"]),
        on_hold=project.status == Project.Status.ON_HOLD,
    )
    context = {
        "project": project,
        "staff": staff,
        "phases": phases,
        "tasks": tasks,
        "documents": documents,
        "specs": specs,
        "meetings": meetings,
        "trainings": trainings,
        "next_meetings": [m for m in meetings if m.starts_at >= timezone.now()][:3],
        "latest_report": status_reports[0] if status_reports else None,
        "awaiting": awaiting,
        "my_open_tasks": [
            t for t in tasks if t.owner_id == request.user.pk and t.status != t.Status.DONE
        ],
        "hours": selectors.training_hours(project),
        "hours_summary": hours_summary,
        "health": health if staff else None,
        "health_label": status.HEALTH_LABELS[health],
        "slip": selectors.project_slip(phases, today),
        "current_phase": selectors.current_phase(phases),
        "next_milestone": selectors.next_milestone(phases, today),
        "gantt": svg.gantt(phases, today),
        "checklist": checklist,
        "ready": all(item["ok"] for item in checklist),
        "can_approve_overrides": project.status == Project.Status.RUNNING
        and relationship is not None
        and relationship.account_manager_id == request.user.pk
        and any(i["code"] == "delivery.overrides_approved" and not i["ok"] for i in checklist),
        "tested": selectors.customer_tested_detail(project),
        "archived_tests": selectors.archived_test_environments(project),
        "can_reset_test": writable
        and project.test_company_id is not None
        and (
            (
                request.user.pk == project.lead_id
                and actor.can("delivery.manage", project.organization)
            )
            or actor.can("delivery.contracts", project.organization)
            or actor.can("delivery.approve", project.organization)
        ),
        "go_live": go_live,
        "relationship": relationship,
        "key_persons": key_persons,
        "main_users_missing": selectors.main_users_missing(project, key_persons) if staff else [],
        "customer_people": selectors.customer_people(project) if staff else [],
        "change_requests": project.change_requests.select_related("asked_by"),
        "proposals": project.proposals.select_related("proposed_by"),
        "writable": writable,
        "can_manage": writable and actor.can("delivery.manage", project.organization),
        "can_contracts": writable and actor.can("delivery.contracts", project.organization),
        "can_approve": writable and actor.can("delivery.approve", project.organization),
        "can_set_status": project.status in (Project.Status.RUNNING, Project.Status.ON_HOLD)
        and actor.can("delivery.contracts", project.organization),
        "is_lead": request.user.pk == project.lead_id,
        "key_form": forms.KeyPersonForm(organization=project.organization) if staff else None,
        "test_form": forms.TestEnvironmentForm(organization=project.organization)
        if staff
        else None,
        "doc_form": forms.DocumentForm(prefix="doc") if staff else None,
        "today": today,
    }
    return render(request, "delivery/project.html", context)


@login_required
def project_schedule(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk, "delivery.manage")
    phases = list(project.phases.order_by("kind"))
    form = forms.ScheduleForm(request.POST or None, phases=phases)
    if done := save_form(
        request,
        form,
        lambda data: services.reschedule(
            actor, project, form.dates(), set_baseline=data["set_baseline"]
        ),
        success=_("Schedule saved."),
        redirect_to=reverse("delivery:project", args=[project.pk]),
    ):
        return done
    return _form_page(request, form, _("Schedule"), project.name)


@login_required
def phase_progress(request, pk):
    actor = _actor(request)
    phase = Phase.objects.select_related("project").filter(pk=pk).first()
    if phase is None:
        raise Http404
    selectors.project(actor, phase.project_id, "delivery.manage")
    form = forms.PhaseProgressForm(
        request.POST or None,
        initial={  # only the dates set by hand: an empty field means "inferred from the work"
            "actual_start": phase.actual_start if phase.actual_start_manual else None,
            "actual_end": phase.actual_end if phase.actual_end_manual else None,
        },
    )
    if done := save_form(
        request,
        form,
        lambda data: services.record_phase_progress(actor, phase, **data),
        success=_("Phase saved."),
        redirect_to=reverse("delivery:project", args=[phase.project_id]),
    ):
        return done
    return _form_page(request, form, phase.get_kind_display(), phase.project.name)


@login_required
def project_status(request, pk):
    """Put the project on hold, resume it, or cancel it, always with a reason."""
    actor = _actor(request)
    project = selectors.project(actor, pk, "delivery.contracts")
    if project.status not in (Project.Status.RUNNING, Project.Status.ON_HOLD):
        messages.error(request, _("The status of this project can no longer be changed."))
        return redirect("delivery:project", project.pk)
    form = forms.ProjectStatusForm(request.POST or None, project=project)
    if done := save_form(
        request,
        form,
        lambda data: services.set_project_status(actor, project, **data),
        success=_("Project status saved."),
        redirect_to=reverse("delivery:project", args=[project.pk]),
    ):
        return done
    return _form_page(request, form, _("Project status"), project.name)


@login_required
def project_team(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk, "delivery.contracts")
    form = forms.TeamForm(
        request.POST or None,
        vendor=project.organization.vendor,
        initial={"lead": project.lead, "consultants": project.consultants.all()},
    )
    if done := save_form(
        request,
        form,
        lambda data: services.update_team(actor, project, **data),
        success=_("Team saved."),
        redirect_to=reverse("delivery:project", args=[project.pk]),
    ):
        return done
    return _form_page(request, form, _("Project team"), project.name)


@login_required
@require_POST
def key_person_add(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk, "delivery.manage")
    form = forms.KeyPersonForm(request.POST, organization=project.organization)
    if not form.is_valid():
        messages.error(request, _("Choose a person and give their role."))
        return redirect("delivery:project", pk)
    return run_action(
        request,
        lambda: services.add_key_person(actor, project, **form.cleaned_data),
        success=_("Key person added."),
        back=reverse("delivery:project", args=[pk]),
    )


@login_required
def key_person_edit(request, pk):
    actor = _actor(request)
    person = selectors.key_person(actor, pk, "delivery.manage")
    form = forms.KeyPersonEditForm(
        request.POST or None,
        initial={f: getattr(person, f) for f in ("role", "name", "email", "phone")},
    )
    if done := save_form(
        request,
        form,
        lambda data: services.update_key_person(actor, person, **data),
        success=_("Key person saved."),
        redirect_to=reverse("delivery:project", args=[person.project_id]),
    ):
        return done
    return _form_page(request, form, person.display_name, person.project.name)


@login_required
@require_POST
def key_person_remove(request, pk):
    actor = _actor(request)
    person = selectors.key_person(actor, pk, "delivery.manage")
    return run_action(
        request,
        lambda: services.remove_key_person(actor, person),
        success=_("%(name)s is now shown as a former key person.") % {"name": person.display_name},
        back=reverse("delivery:project", args=[person.project_id]),
    )


@login_required
@require_POST
def test_environment(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk, "delivery.manage")
    form = forms.TestEnvironmentForm(request.POST, organization=project.organization)
    if not form.is_valid():
        messages.error(request, _("Choose a company."))
        return redirect("delivery:project", pk)
    return run_action(
        request,
        lambda: services.create_project_test_environment(
            actor, project, form.cleaned_data["company"]
        ),
        success=_("Test environment created."),
        back=reverse("delivery:project", args=[pk]),
    )


def _on_project(request, pk, act, success: str, *, anchor: str = "", confirm: str = ""):
    """A button on the project page: ``act(actor, project)``, then back to the page (at
    ``anchor``). With ``confirm``, the form's box must be ticked, else that message."""
    actor = _actor(request)
    project = selectors.project(actor, pk)
    back = reverse("delivery:project", args=[pk]) + anchor
    if confirm and request.POST.get("confirm") != "1":
        messages.error(request, confirm)
        return redirect(back)
    return run_action(request, lambda: act(actor, project), success=success, back=back)


@login_required
@require_POST
def test_environment_reset(request, pk):
    """The lead or the customer's main user resets the test environment to a fresh copy."""
    return _on_project(
        request,
        pk,
        services.reset_test_environment,
        _("The test environment was reset to a fresh copy; the old copy is archived."),
        anchor="#testenv-heading",
        confirm=_("Tick the box to confirm that the test environment is to be reset."),
    )


@login_required
@require_POST
def go_live_sign(request, pk):
    return _on_project(request, pk, services.sign_go_live, _("Go-live signed."))


@login_required
@require_POST
def go_live_approve_overrides(request, pk):
    return _on_project(request, pk, services.approve_overrides, _("Overrides approved."))


@login_required
def go_live_pdf(request, pk):
    """The go-live sign-off as a PDF: the checklist (as signed, or live before), every override
    with who, why and when, and the signatures."""
    actor = _actor(request)
    project = selectors.project(actor, pk)
    go_live = GoLive.objects.filter(project=project).first()
    if go_live and go_live.checklist:  # as it stood at the signature
        checklist = [
            {**item, "overridden_at": parse_datetime(item.get("overridden_at") or "")}
            for item in go_live.checklist
        ]
    else:
        checklist = selectors.go_live_checklist(project)
    return render_pdf(
        "delivery/pdf/go_live.html",
        {"project": project, "go_live": go_live, "checklist": checklist},
        _("Go-live %(name)s") % {"name": project.name},
    )
