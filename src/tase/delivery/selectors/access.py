"""Finding one project, contract or child row the acting user may see (404 across the
tenant wall, 403 without the action), and the children of a project each user sees."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tase.core.access import Actor
from tase.core.models import Organization
from tase.core.roles import STAFF_ROLES, Role

from ..models import (
    ChangeRequest,
    Contract,
    Document,
    Meeting,
    Project,
    SpecDocument,
    SpecVersion,
    Task,
    TrainingSession,
)

# Staff roles that see every project of their vendor; others (consultants) see the ones they are on.
ALL_PROJECT_ROLES = {Role.ADMIN, Role.ACCOUNT_MANAGER, Role.PROJECT_LEAD, Role.SUPPORT_SPECIALIST}
CUSTOMER_READERS = (Role.MAIN_USER, Role.ACCOUNTANT, Role.PAYROLL_CLERK, Role.VIEWER)


def projects_for(actor: Actor, action: str = "delivery.view") -> QuerySet[Project]:
    organizations = actor.organizations(action)
    projects = Project.objects.filter(organization__in=organizations)
    staff_roles = {Role(m.role) for m in actor.staff_memberships}
    if staff_roles and not (staff_roles & ALL_PROJECT_ROLES) and not actor.customer_memberships:
        projects = projects.filter(Q(lead=actor.user) | Q(consultants=actor.user)).distinct()
    return projects


def project(actor: Actor, pk, action: str = "delivery.view") -> Project:
    """The project ``pk`` if the actor may see it (else 404), checked for ``action`` (else 403)."""
    try:
        found = projects_for(actor).select_related("organization", "contract", "lead").get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if action != "delivery.view":
        actor.require(action, found.organization)
    return found


def is_staff_view(actor: Actor, organization: Organization) -> bool:
    """Staff see everything of a project; customer users only what is visible to them."""
    return bool(actor.roles_in(organization) & STAFF_ROLES)


def contracts_for(actor: Actor) -> QuerySet[Contract]:
    """The contracts the actor may open (the list and the detail agree): those of the
    vendor's customers for its staff, a customer's own for whoever approves for it
    (``delivery.approve``)."""
    vendor_ids = {m.organization_id for m in actor.staff_memberships}
    staff = Q(organization__vendor_id__in=vendor_ids) | Q(organization_id__in=vendor_ids)
    approver = Q(organization__in=actor.organizations("delivery.approve"))
    return Contract.objects.filter(
        Q(organization__in=actor.organizations("delivery.view")) & (staff | approver)
    )


def contract(actor: Actor, pk, action: str = "delivery.view") -> Contract:
    try:
        found = contracts_for(actor).select_related("organization").get(pk=pk)
    except (Contract.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if action != "delivery.view":
        actor.require(action, found.organization)
    if not is_staff_view(actor, found.organization):
        actor.require("delivery.approve", found.organization)
    return found


def _child(actor: Actor, model, pk, action: str):
    """A row of a project the actor may see; customers only reach customer-visible rows."""
    try:
        row = model.objects.select_related("project", "organization").get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if row.project_id is None:
        raise Http404
    project(actor, row.project_id)  # 404 across the tenant wall
    if not is_staff_view(actor, row.organization) and not getattr(row, "customer_visible", True):
        raise Http404
    if action != "delivery.view":
        actor.require(action, row.organization)
    return row


def task(actor: Actor, pk, action: str = "delivery.view") -> Task:
    return _child(actor, Task, pk, action)


def meeting(actor: Actor, pk, action: str = "delivery.view") -> Meeting:
    return _child(actor, Meeting, pk, action)


def training(actor: Actor, pk, action: str = "delivery.view") -> TrainingSession:
    return _child(actor, TrainingSession, pk, action)


def change_request(actor: Actor, pk, action: str = "delivery.view") -> ChangeRequest:
    try:
        row = ChangeRequest.objects.select_related("organization").get(pk=pk)
    except (ChangeRequest.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not actor.organizations("delivery.view").filter(pk=row.organization_id).exists():
        raise Http404
    if action != "delivery.view":
        actor.require(action, row.organization)
    return row


def spec(actor: Actor, pk, action: str = "delivery.view") -> SpecDocument:
    return _child(actor, SpecDocument, pk, action)


def spec_version(actor: Actor, pk, action: str = "delivery.view") -> SpecVersion:
    try:
        row = SpecVersion.objects.select_related("spec", "organization").get(pk=pk)
    except (SpecVersion.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    spec(actor, row.spec_id)
    if not is_staff_view(actor, row.organization) and row.status == SpecVersion.Status.DRAFT:
        raise Http404
    if action != "delivery.view":
        actor.require(action, row.organization)
    return row


def document(actor: Actor, pk, action: str = "delivery.view") -> Document:
    try:
        row = Document.objects.select_related("organization", "project", "contract").get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if row.project_id:
        project(actor, row.project_id)
    elif row.contract_id:
        contract(actor, row.contract_id)
    else:
        raise Http404
    if not is_staff_view(actor, row.organization) and not (
        row.customer_visible and row.published_at and not row.archived_at
    ):
        raise Http404
    if action != "delivery.view":
        actor.require(action, row.organization)
    return row


def visible_tasks(actor: Actor, project_: Project) -> QuerySet[Task]:
    tasks = project_.tasks.select_related("phase", "owner").prefetch_related("comments__author")
    if not is_staff_view(actor, project_.organization):
        tasks = tasks.filter(customer_visible=True)
    return tasks


def visible_documents(actor: Actor, project_: Project) -> QuerySet[Document]:
    documents = Document.objects.filter(
        Q(project=project_) | Q(contract_id=project_.contract_id, project__isnull=True)
    ).select_related("approved_by")
    if not is_staff_view(actor, project_.organization):
        documents = documents.filter(
            customer_visible=True, published_at__isnull=False, archived_at__isnull=True
        )
    return documents


def visible_versions(actor: Actor, spec_: SpecDocument) -> list[SpecVersion]:
    versions = spec_.versions.select_related("created_by", "approved_by")
    if not is_staff_view(actor, spec_.organization):
        versions = versions.exclude(status=SpecVersion.Status.DRAFT)
    return list(versions)


def running_project_of(organization: Organization) -> Project | None:
    return (
        Project.objects.filter(organization=organization)
        .exclude(status=Project.Status.CANCELLED)
        .order_by("-kickoff_on", "-id")
        .first()
    )
