"""Reads of the platform, always scoped to the acting user."""

from django.db.models import Count, Q, QuerySet

from .access import Actor
from .models import AuditEvent, Company, Membership, Organization


def organizations_for(actor: Actor) -> QuerySet[Organization]:
    return (
        actor.organizations("organization.view")
        .annotate(
            company_count=Count("companies", filter=Q(companies__is_active=True), distinct=True),
            user_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
        )
        .order_by("name", "id")
    )


def companies_of(actor: Actor, organization: Organization) -> QuerySet[Company]:
    return actor.companies("organization.view").filter(organization=organization)


def members_of(actor: Actor, organization: Organization) -> QuerySet[Membership]:
    actor.require("organization.view", organization)
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .prefetch_related("companies")
        .order_by("-is_active", "user__full_name")
    )


def audit_events(
    actor: Actor,
    *,
    organization: Organization | None = None,
    object_type: str = "",
    object_id: str = "",
) -> QuerySet[AuditEvent]:
    """Audit events the actor may read: staff see their customers' and their own
    vendor's (a vendor admin also those of no organization, such as sign-ins); a
    main user sees their organization's."""
    visible = Q(organization__in=actor.organizations("audit.view"))
    if any(actor.can("staff.manage", m.organization) for m in actor.staff_memberships):
        visible |= Q(organization__isnull=True)  # sign-ins and other events of no organization
    events = AuditEvent.objects.filter(visible).select_related("actor", "organization", "company")
    if organization is not None:
        events = events.filter(organization=organization)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    return events


def own_sign_in_events(user) -> QuerySet[AuditEvent]:
    """The user's own sign-ins, failed sign-ins and two-factor changes."""
    return AuditEvent.objects.filter(
        object_type="core.user",
        object_id=str(user.pk),
        action__in=["login", "logout", "login_failed", "2fa_enabled", "2fa_disabled", "2fa_failed"],
    )[:20]
