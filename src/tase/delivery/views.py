"""Pages of implementation projects: thin, they parse input, call a service or selector and render.
Vendor staff and customer users share the project page; customers see only what is visible to them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.access import Actor
from tase.core.editing import run_action, save_form
from tase.core.models import Organization, User

from . import forms, selectors, services, svg
from .checks import CUSTOMER_OWNED, NOT_OVERRIDABLE
from .models import (
    AccountRelationship,
    ChangeRequest,
    Contract,
    Document,
    GoLive,
    Meeting,
    Module,
    Phase,
    PhaseKind,
    Project,
    ProjectTemplate,
    SpecVersion,
    TemplateTask,
)
from .pdf import render_pdf


def _actor(request) -> Actor:
    return Actor.of(request.user)


def _form_page(request, form, title, subtitle="", *, multipart=False):
    return render(
        request,
        "delivery/form_page.html",
        {"form": form, "title": title, "subtitle": subtitle, "multipart": multipart},
    )


# -- overview and lists ----------------------------------------------------------------------


@login_required
def overview(request):
    actor = _actor(request)
    if not actor.can("delivery.view"):
        raise Http404
    if not actor.is_vendor_staff:
        projects = list(selectors.projects_for(actor)[:2])
        if len(projects) == 1:
            return redirect("delivery:project", projects[0].pk)
    filters = {
        k: request.GET.get(k, "") for k in ("lead", "consultant", "module", "status", "behind")
    }
    rows = selectors.overview(actor, filters)
    all_rows = rows if not any(filters.values()) else selectors.overview(actor)
    staff = User.objects.filter(
        pk__in={r["project"].lead_id for r in all_rows}
        | {c.pk for r in all_rows for c in r["project"].consultants.all()}
    ).order_by("full_name")
    return render(
        request,
        "delivery/overview.html",
        {
            "rows": rows,
            "filters": filters,
            "staff": staff,
            "modules": Module.choices,
            "statuses": Project.Status.choices,
            "phase_chart": svg.bar_chart(
                selectors.projects_per_phase(all_rows), _("Projects per phase")
            ),
            "golive_chart": svg.bar_chart(
                selectors.go_lives_per_month(actor), _("Go-lives per month")
            ),
            "contracts": selectors.contracts_for(actor).select_related("organization")[:20]
            if actor.can("delivery.contracts")
            else [],
            "customers": actor.organizations("delivery.contracts").filter(
                kind=Organization.Kind.CUSTOMER
            )[:200],
        },
    )


@login_required
def my_tasks(request):
    actor = _actor(request)
    if not actor.can("delivery.manage"):
        raise Http404
    services.follow_product(selectors.projects_with_open_checks(actor))
    return render(request, "delivery/my_tasks.html", {"tasks": selectors.my_tasks(actor)})


@login_required
def workload(request):
    actor = _actor(request)
    if not actor.can("delivery.manage"):
        raise Http404
    return render(request, "delivery/workload.html", {"load": selectors.workload(actor)})


@login_required
def accounts(request):
    actor = _actor(request)
    if not actor.can("delivery.contracts"):
        raise Http404
    rels = list(selectors.relationships(actor))
    mine = request.GET.get("mine") == "1"
    if mine:
        rels = [r for r in rels if r.account_manager_id == actor.user.pk]
    rels.sort(
        key=lambda r: (
            not r.is_overdue,
            r.next_contact_on or timezone.localdate().replace(year=9999),
        )
    )
    without = (
        actor.organizations("delivery.contracts")
        .filter(kind=Organization.Kind.CUSTOMER)
        .exclude(pk__in=AccountRelationship.objects.values("organization_id"))
    )
    return render(
        request, "delivery/accounts.html", {"relationships": rels, "without": without, "mine": mine}
    )


@login_required
def account(request, organization_pk):
    actor = _actor(request)
    organization = actor.organization(organization_pk, "delivery.contracts")
    rel = (
        AccountRelationship.objects.filter(organization=organization)
        .select_related("account_manager")
        .first()
    )
    contact_form = forms.ContactForm(request.POST or None, prefix="contact")
    manager_form = forms.AccountManagerForm(
        request.POST or None, prefix="manager", vendor=organization.vendor
    )
    back = reverse("delivery:account", args=[organization.pk])
    done = None
    if "contact-on" in request.POST:
        done = save_form(
            request,
            contact_form,
            lambda data: services.log_contact(actor, organization, **data),
            success=_("Contact recorded."),
            redirect_to=back,
        )
    elif "manager-account_manager" in request.POST:
        done = save_form(
            request,
            manager_form,
            lambda data: services.set_account_manager(
                actor,
                organization,
                data["account_manager"],
                next_contact_on=data["next_contact_on"],
            ),
            success=_("Account manager saved."),
            redirect_to=back,
        )
    if done:
        return done
    return render(
        request,
        "delivery/account.html",
        {
            "organization": organization,
            "rel": rel,
            "contact_form": contact_form,
            "manager_form": manager_form,
            "contracts": Contract.objects.filter(organization=organization),
            "projects": Project.objects.filter(organization=organization).select_related("lead"),
            "change_requests": ChangeRequest.objects.filter(
                organization=organization
            ).select_related("project", "asked_by"),
        },
    )


# -- contracts ---------------------------------------------------------------------------------


@login_required
def contract_create(request, organization_pk):
    actor = _actor(request)
    organization = actor.organization(organization_pk, "delivery.contracts")
    form = forms.ContractForm(request.POST or None)
    if done := save_form(
        request,
        form,
        lambda data: services.create_contract(actor, organization, **data),
        success=_("Contract saved."),
        redirect_to=lambda contract: reverse("delivery:contract", args=[contract.pk]),
    ):
        return done
    return _form_page(request, form, _("New contract"), organization.name)


@login_required
def contract_detail(request, pk):
    actor = _actor(request)
    contract = selectors.contract(actor, pk)
    staff = selectors.is_staff_view(actor, contract.organization)
    can_contracts = actor.can("delivery.contracts", contract.organization)
    project_form = forms.ProjectForm(
        request.POST or None, prefix="project", vendor=contract.organization.vendor
    )
    doc_form = forms.DocumentForm(request.POST or None, request.FILES or None, prefix="doc")
    done = None
    if can_contracts and "project-kickoff_on" in request.POST:
        done = save_form(
            request,
            project_form,
            lambda data: services.create_project(actor, contract, **data),
            success=_("Project created with six phases, tasks and a proposed schedule."),
            redirect_to=lambda project: reverse("delivery:project", args=[project.pk]),
        )
    elif can_contracts and "doc-title" in request.POST:
        done = save_form(
            request,
            doc_form,
            lambda data: services.add_document(
                actor, organization=contract.organization, contract=contract, **data
            ),
            success=_("Document attached."),
            redirect_to=reverse("delivery:contract", args=[contract.pk]),
        )
    if done:
        return done
    documents = contract.documents.filter(project__isnull=True)
    if not staff:
        documents = documents.filter(customer_visible=True, published_at__isnull=False)
    return render(
        request,
        "delivery/contract.html",
        {
            "contract": contract,
            "documents": documents,
            "projects": contract.projects.all(),
            "project_form": project_form,
            "doc_form": doc_form,
            "can_contracts": can_contracts,
            "staff": staff,
        },
    )


# -- project page ----------------------------------------------------------------------------


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
    trainings = list(project.trainings.select_related("trainer").prefetch_related("participants"))
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
        "hours": selectors.training_hours(project),
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


@login_required
@require_POST
def test_environment_reset(request, pk):
    """The lead or the customer's main user resets the test environment to a fresh copy."""
    actor = _actor(request)
    project = selectors.project(actor, pk)
    if request.POST.get("confirm") != "1":
        messages.error(
            request, _("Tick the box to confirm that the test environment is to be reset.")
        )
        return redirect(reverse("delivery:project", args=[pk]) + "#testenv-heading")
    return run_action(
        request,
        lambda: services.reset_test_environment(actor, project),
        success=_("The test environment was reset to a fresh copy; the old copy is archived."),
        back=reverse("delivery:project", args=[pk]) + "#testenv-heading",
    )


@login_required
@require_POST
def go_live_sign(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk)
    return run_action(
        request,
        lambda: services.sign_go_live(actor, project),
        success=_("Go-live signed."),
        back=reverse("delivery:project", args=[pk]),
    )


@login_required
@require_POST
def go_live_approve_overrides(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk)
    return run_action(
        request,
        lambda: services.approve_overrides(actor, project),
        success=_("Overrides approved."),
        back=reverse("delivery:project", args=[pk]),
    )


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


# -- tasks ------------------------------------------------------------------------------------


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
    task = selectors.task(actor, pk, "delivery.manage")
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


# -- documents and meetings ------------------------------------------------------------------


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


# -- specifications ----------------------------------------------------------------------------


@login_required
def spec_detail(request, pk):
    actor = _actor(request)
    spec = selectors.spec(actor, pk)
    staff = selectors.is_staff_view(actor, spec.organization)
    versions = selectors.visible_versions(actor, spec)
    form = forms.SpecVersionForm(
        request.POST or None, initial={"body": versions[0].body if versions else ""}
    )
    if staff and (
        done := save_form(
            request,
            form,
            lambda data: services.save_spec_version(actor, spec, data["body"]),
            success=lambda version: _("Version %(n)s saved.") % {"n": version.number},
            redirect_to=reverse("delivery:spec", args=[spec.pk]),
        )
    ):
        return done
    diff = None
    a, b = request.GET.get("a"), request.GET.get("b")
    by_pk = {str(v.pk): v for v in versions}
    if a in by_pk and b in by_pk:
        diff = selectors.spec_diff(by_pk[a], by_pk[b])
    elif len(versions) >= 2:
        a, b = str(versions[1].pk), str(versions[0].pk)
        diff = selectors.spec_diff(versions[1], versions[0])
    return render(
        request,
        "delivery/spec.html",
        {
            "spec": spec,
            "versions": versions,
            "form": form,
            "staff": staff,
            "diff": diff,
            "a": a,
            "b": b,
            "can_manage": actor.can("delivery.manage", spec.organization),
            "can_approve": actor.can("delivery.approve", spec.organization),
        },
    )


@login_required
@require_POST
def spec_send(request, pk):
    actor = _actor(request)
    version = selectors.spec_version(actor, pk, "delivery.manage")
    return run_action(
        request,
        lambda: services.send_spec_for_review(actor, version),
        success=_("Sent for review; the customer's users were emailed."),
        back=reverse("delivery:spec", args=[version.spec_id]),
    )


@login_required
@require_POST
def spec_approve(request, pk):
    actor = _actor(request)
    version = selectors.spec_version(actor, pk, "delivery.approve")
    return run_action(
        request,
        lambda: services.approve_spec_version(actor, version),
        success=_("Specification approved."),
        back=reverse("delivery:spec", args=[version.spec_id]),
    )


@login_required
def spec_pdf(request, pk):
    actor = _actor(request)
    version = selectors.spec_version(actor, pk)
    return render_pdf(
        "delivery/pdf/spec.html",
        {"version": version, "spec": version.spec, "project": version.spec.project},
        f"{version.spec.title}-v{version.number}",
    )


# -- training and change requests -----------------------------------------------------------------


@login_required
def training_create(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk, "delivery.manage")
    if request.GET.get("two") or "first_at" in request.POST:
        form = forms.TwoPartTrainingForm(request.POST or None, project=project)
        if done := save_form(
            request,
            form,
            lambda data: services.plan_two_part_training(actor, project, **data),
            success=_("Training planned in two parts."),
            redirect_to=reverse("delivery:project", args=[pk]),
        ):
            return done
        return _form_page(request, form, _("Plan training in two parts"), project.name)
    next_part = (
        project.trainings.order_by("-part").values_list("part", flat=True).first() or 0
    ) + 1
    form = forms.TrainingForm(request.POST or None, project=project, initial={"part": next_part})
    if done := save_form(
        request,
        form,
        lambda data: services.plan_training(actor, project, **data),
        success=_("Training session planned."),
        redirect_to=reverse("delivery:project", args=[pk]),
    ):
        return done
    return _form_page(request, form, _("Plan a training session"), project.name)


@login_required
@require_POST
def training_action(request, pk, action):
    actor = _actor(request)
    session = selectors.training(actor, pk, "delivery.manage")
    fns = {
        "confirm": (
            lambda: services.confirm_training(actor, session),
            _("Training confirmed; participants were invited."),
        ),
        "held": (
            lambda: services.mark_training_held(
                actor, session, hours=request.POST.get("hours") or None
            ),
            _("Training marked held."),
        ),
        "cancel": (lambda: services.cancel_training(actor, session), _("Training cancelled.")),
    }
    if action not in fns:
        raise Http404
    fn, success = fns[action]
    return run_action(
        request,
        fn,
        success=success,
        back=reverse("delivery:project", args=[session.project_id]) + "#training",
    )


@login_required
def change_request_create(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk)
    if not (
        actor.can("delivery.contracts", project.organization)
        or actor.can("delivery.approve", project.organization)
    ):
        actor.require("delivery.contracts", project.organization)
    form = forms.ChangeRequestForm(request.POST or None, organization=project.organization)
    if done := save_form(
        request,
        form,
        lambda data: services.create_change_request(
            actor, project.organization, project=project, **data
        ),
        success=_("Change request recorded."),
        redirect_to=reverse("delivery:project", args=[pk]),
    ):
        return done
    return _form_page(request, form, _("New change request"), project.name)


@login_required
@require_POST
def change_request_status(request, pk):
    actor = _actor(request)
    cr = selectors.change_request(actor, pk)
    back = (
        reverse("delivery:project", args=[cr.project_id]) + "#changes"
        if cr.project_id
        else reverse("delivery:account", args=[cr.organization_id])
    )
    return run_action(
        request,
        lambda: services.set_change_request_status(
            actor,
            cr,
            request.POST.get("status", ""),
            estimate_hours=request.POST.get("estimate_hours") or None,
            estimate_euros=request.POST.get("estimate_euros") or None,
        ),
        success=_("Change request saved."),
        back=back,
    )


# -- templates ----------------------------------------------------------------------------------


def _vendor_for_templates(actor: Actor) -> Organization:
    for m in actor.staff_memberships:
        if actor.can("delivery.templates", m.organization):
            return m.organization
    raise Http404


@login_required
def templates(request):
    actor = _actor(request)
    vendor = _vendor_for_templates(actor)
    services.default_template(vendor)
    return render(
        request,
        "delivery/templates.html",
        {"templates": ProjectTemplate.objects.filter(vendor=vendor)},
    )


@login_required
def template_edit(request, pk):
    actor = _actor(request)
    vendor = _vendor_for_templates(actor)
    template = ProjectTemplate.objects.filter(vendor=vendor, pk=pk).first()
    if template is None:
        raise Http404
    form = forms.TemplateForm(
        request.POST or None,
        template=template,
        prefix="tpl",
        initial={
            "name": template.name,
            "second_training_gap_weeks": template.second_training_gap_weeks,
        },
    )
    task_form = forms.TemplateTaskForm(request.POST or None, prefix="task")
    back = reverse("delivery:template", args=[template.pk])
    done = None
    if "tpl-name" in request.POST:
        done = save_form(
            request,
            form,
            lambda data: services.update_template(
                actor,
                template,
                name=data["name"],
                schedule=form.schedule(),
                second_training_gap_weeks=data["second_training_gap_weeks"],
            ),
            success=_("Template saved."),
            redirect_to=back,
        )
    elif "task-title" in request.POST:
        done = save_form(
            request,
            task_form,
            lambda data: services.save_template_task(actor, template, **data),
            success=_("Task added to the template."),
            redirect_to=back,
        )
    if done:
        return done
    return render(
        request,
        "delivery/template.html",
        {"template": template, "form": form, "task_form": task_form, "tasks": template.tasks.all()},
    )


@login_required
def template_task_edit(request, pk):
    actor = _actor(request)
    vendor = _vendor_for_templates(actor)
    task = (
        TemplateTask.objects.filter(pk=pk, template__vendor=vendor)
        .select_related("template")
        .first()
    )
    if task is None:
        raise Http404
    form = forms.TemplateTaskForm(
        request.POST or None,
        initial={
            "phase": task.phase,
            "title": task.title,
            "description": task.description,
            "customer_visible": task.customer_visible,
            "state_check": task.state_check,
            "order": task.order,
            "is_active": task.is_active,
        },
    )
    if done := save_form(
        request,
        form,
        lambda data: services.save_template_task(actor, task.template, task=task, **data),
        success=_("Template task saved."),
        redirect_to=reverse("delivery:template", args=[task.template_id]),
    ):
        return done
    return _form_page(request, form, task.title, task.template.name)
