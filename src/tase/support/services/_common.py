"""Small checks shared by the support services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from tase.core.access import Actor
from tase.core.models import Organization


def _required(value, field: str, max_length: int | None = None) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if not value:
        raise ValidationError({field: _("This field is required.")})
    if max_length and len(value) > max_length:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": max_length}})
    return value


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the options.")})
    return value


def _vendor(organization: Organization) -> Organization:
    return organization if organization.is_vendor else organization.vendor


def _publisher_vendor(actor: Actor) -> Organization:
    vendors = [
        m.organization
        for m in actor.staff_memberships
        if actor.can("support.publish", m.organization)
    ]
    if not vendors:
        raise PermissionDenied("support.publish")
    return vendors[0]


def _positive(value, field: str, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= maximum:
        raise ValidationError(
            {field: _("Give a whole number from 1 to %(max)s.") % {"max": maximum}}
        )
    return number
