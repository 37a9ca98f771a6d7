"""Reads of the platform, always scoped to the acting user."""

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

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
        .annotate(
            has_two_factor=Exists(
                TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True)
            )
        )
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
    """Audit events the actor may read.

    An event of an organization is readable by whoever may read that organization's
    trail (its main user; its vendor's staff). An event of no organization belongs to
    a person — a sign-in, a token made, a second factor turned on — and is readable
    only in the organizations that person belongs to, never by another vendor or its
    customers. The platform operator (a Django superuser) reads every event.
    """
    events = AuditEvent.objects.select_related("actor", "organization", "company")
    if not actor.is_platform_operator:
        auditable = actor.organizations("audit.view")
        people = Membership.objects.filter(organization__in=auditable)
        person_ids = people.values("user_id")
        person_keys = people.annotate(key=Cast("user_id", CharField())).values("key")
        own_person = Q(actor_id__in=person_ids) | Q(
            object_type="core.user", object_id__in=person_keys
        )
        visible = Q(organization__in=auditable) | (Q(organization__isnull=True) & own_person)
        events = events.filter(visible)
    if organization is not None:
        events = events.filter(organization=organization)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    return events


def audit_organization(actor: Actor, pk) -> Organization:
    """The organization whose trail is asked for: any one for the platform operator,
    else one the actor may audit (404 outside, 403 without the right)."""
    if actor.is_platform_operator:
        try:
            return Organization.objects.get(pk=pk)
        except (Organization.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    return actor.organization(pk, "audit.view")


def own_sign_in_events(user) -> QuerySet[AuditEvent]:
    """The user's own sign-ins, failed sign-ins and two-factor changes."""
    return AuditEvent.objects.filter(
        object_type="core.user",
        object_id=str(user.pk),
        action__in=[
            "login",
            "logout",
            "login_failed",
            "2fa_enabled",
            "2fa_disabled",
            "2fa_failed",
            "2fa_reset",
        ],
    )[:20]
