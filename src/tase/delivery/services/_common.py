"""Shared by the delivery services: input cleaning, staff and customer checks, the
read-only rule of a cancelled project and the mail that goes out after commit."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tase.core.access import Actor
from tase.core.models import Membership, Organization, User
from tase.core.notifications import absolute_url
from tase.core.roles import STAFF_ROLES, Role

from .. import selectors, tasks
from ..models import (
    Project,
)


def _text(value) -> str:
    """Stripped text without NUL characters (PostgreSQL refuses them)."""
    return (value or "").replace("\x00", "").strip()


def _required(value, field: str):
    if isinstance(value, str):
        value = _text(value)
    if value in (None, ""):
        raise ValidationError({field: _("This field is required.")})
    return value


FIRST_YEAR, LAST_YEAR = 2000, 2100


def _date(value, field: str):
    """A business date in a sane range (so schedule arithmetic cannot overflow)."""
    if value is None:
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            {field: _("Give a date between %(a)s and %(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR}}
        )
    return value


def _moment(value, field: str) -> dt.datetime:
    """An aware datetime in a sane range; a naive one is read as Helsinki time."""
    value = _required(value, field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    _date(value.date(), field)
    return value


def _hours(value, field: str, *, allow_zero: bool = True) -> Decimal:
    try:
        hours = Decimal(str(value).strip().replace(",", ".").replace("\xa0", "")).quantize(
            Decimal("0.01")
        )
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter the hours as a number, e.g. 3.5.")}) from None
    if hours < 0 or (hours == 0 and not allow_zero):
        raise ValidationError({field: _("The hours must be more than zero.")})
    return hours


def _staff_user(user: User | None, vendor_id: int, field: str, roles=STAFF_ROLES) -> User:
    if user is None:
        raise ValidationError({field: _("This field is required.")})
    ok = Membership.objects.filter(
        user=user, organization_id=vendor_id, is_active=True, role__in=[r.value for r in roles]
    ).exists()
    if not ok:
        raise ValidationError({field: _("%(name)s is not on the vendor's staff.") % {"name": user}})
    return user


def _customer_user(user: User, organization: Organization, field: str) -> User:
    if not Membership.objects.filter(user=user, organization=organization, is_active=True).exists():
        raise ValidationError(
            {
                field: _("%(name)s is not a user of %(organization)s.")
                % {"name": user, "organization": organization}
            }
        )
    return user


def _is_staff(actor: Actor, organization: Organization) -> bool:
    return bool(actor.roles_in(organization) & STAFF_ROLES)


def _writable(project: Project | None) -> None:
    """A cancelled project is read-only: every write to it or its rows is refused."""
    if project is not None and project.status == Project.Status.CANCELLED:
        raise ValidationError(
            {
                "project": _(
                    "The project “%(name)s” is cancelled: it is kept for reference and can no "
                    "longer be changed."
                )
                % {"name": project.name}
            }
        )


def customer_recipients(organization: Organization, *, main_users_only: bool = False) -> list[User]:
    roles = [Role.MAIN_USER] if main_users_only else list(selectors.CUSTOMER_READERS)
    return [
        m.user
        for m in Membership.objects.filter(
            organization=organization, is_active=True, role__in=roles, user__is_active=True
        ).select_related("user")
    ]


_quiet: ContextVar[bool] = ContextVar("delivery_quiet", default=False)


@contextmanager
def quiet():
    """No emails inside this block (the demo loader builds history without mailing anyone)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _email(users, subject_fn, template: str, context: dict) -> None:
    """Send each user the mail in their own language, after the transaction commits."""
    if _quiet.get():
        return
    recipients = list({u.pk: u for u in users}.values())

    def send():
        for user in recipients:
            with translation.override(user.language):
                subject = str(subject_fn())
                body = render_to_string(template, {**context, "user": user})
            tasks.send_delivery_mail.enqueue(subject, body, user.email)

    transaction.on_commit(send)


def _link(path: str) -> str:
    return absolute_url(path)
