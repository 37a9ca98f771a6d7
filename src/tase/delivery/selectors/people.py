"""The project's people: key persons and the customer's users."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import Http404

from tase.core.access import Actor
from tase.core.models import Membership, User
from tase.core.roles import Role

from ..models import (
    KeyPerson,
    Project,
)
from .access import CUSTOMER_READERS, project


def key_persons(project_: Project) -> list[KeyPerson]:
    """The project's key persons, current first; ``is_main_user`` is whether the person is now
    an active main user of the organization, so the marker follows the organization's users."""
    main = Membership.objects.filter(
        organization_id=project_.organization_id,
        user_id=OuterRef("user_id"),
        role=Role.MAIN_USER,
        is_active=True,
        user__is_active=True,
    )
    return list(
        KeyPerson.objects.filter(project=project_)
        .annotate(is_main_user=Exists(main))
        .select_related("user", "removed_by")
        .order_by("-is_active", "-is_main_user", "id")
    )


def main_users_missing(project_: Project, persons: list[KeyPerson]) -> list[User]:
    """The organization's active main users who are not (or no longer) key persons."""
    present = {p.user_id for p in persons if p.is_active}
    return [
        m.user
        for m in Membership.objects.filter(
            organization_id=project_.organization_id,
            role=Role.MAIN_USER,
            is_active=True,
            user__is_active=True,
        ).select_related("user")
        if m.user_id not in present
    ]


def key_person(actor: Actor, pk, action: str = "delivery.view") -> KeyPerson:
    try:
        row = KeyPerson.objects.select_related("project", "organization", "user").get(pk=pk)
    except (KeyPerson.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    project(actor, row.project_id, action)  # 404 across the tenant wall, 403 without the action
    return row


def customer_people(project_: Project) -> list[Membership]:
    return list(
        Membership.objects.filter(
            organization=project_.organization, is_active=True, role__in=CUSTOMER_READERS
        ).select_related("user")
    )
