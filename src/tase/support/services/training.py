"""Extra training: the customer orders, support quotes, the customer accepts, sessions are
planned and the order completed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Membership, Organization, User
from tase.core.roles import STAFF_ROLES

from .. import selectors
from ..models import (
    TrainingOrder,
    TrainingSession,
)
from . import _notices
from ._common import _choice, _positive, _required


@transaction.atomic
def order_training(
    actor: Actor,
    organization: Organization,
    *,
    reason: str,
    topics: str,
    participants,
    hours,
    preferred_dates: str = "",
) -> TrainingOrder:
    """The customer's main user orders extra training."""
    organization = actor.organization(organization.pk, "support.order_training")
    reason = _choice(reason, TrainingOrder.Reason, "reason")
    topics = _required(topics, "topics")
    participants = _positive(participants, "participants", 500)
    hours = _positive(hours, "hours", 200)
    order = TrainingOrder.objects.create(
        organization=organization,
        ordered_by=actor.user,
        reason=reason,
        topics=topics,
        participants=participants,
        hours=hours,
        preferred_dates=(preferred_dates or "").strip()[:300],
    )
    audit.record(
        actor.user,
        "create",
        order,
        changes={
            "reason": [None, reason],
            "hours": [None, hours],
            "participants": [None, participants],
        },
    )
    return order


def _training_step(actor, order, action, expected) -> TrainingOrder:
    order = selectors.get_training_order(actor, order.pk)
    actor.require(action, order.organization)
    order = TrainingOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in expected:
        raise ValidationError(
            {
                "status": _("The order is “%(status)s”; this step does not apply.")
                % {"status": order.get_status_display()}
            }
        )
    return order


@transaction.atomic
def quote_training(
    actor: Actor, order: TrainingOrder, *, price_cents, note: str = ""
) -> TrainingOrder:
    order = _training_step(
        actor, order, "support.handle", {TrainingOrder.State.ORDERED, TrainingOrder.State.QUOTED}
    )
    try:
        price_cents = int(price_cents)
    except (TypeError, ValueError):
        price_cents = -1
    if price_cents < 0:
        raise ValidationError({"price": _("Give the price in euros.")})
    old = order.status
    order.status, order.quote_cents, order.quote_note = (
        TrainingOrder.State.QUOTED,
        price_cents,
        (note or "").strip(),
    )
    order.quoted_at = timezone.now()
    order.save()
    audit.record(
        actor.user,
        "quote",
        order,
        changes={"status": [old, order.status], "quote_cents": [None, price_cents]},
    )
    _notices.training_quoted(order)
    return order


@transaction.atomic
def accept_training(actor: Actor, order: TrainingOrder) -> TrainingOrder:
    order = _training_step(actor, order, "support.order_training", {TrainingOrder.State.QUOTED})
    order.status, order.accepted_at, order.accepted_by = (
        TrainingOrder.State.ACCEPTED,
        timezone.now(),
        actor.user,
    )
    order.save()
    audit.record(
        actor.user, "accept", order, changes={"status": [TrainingOrder.State.QUOTED, order.status]}
    )
    return order


@transaction.atomic
def plan_session(
    actor: Actor,
    order: TrainingOrder,
    *,
    starts_at: dt.datetime,
    duration_minutes,
    trainer: User,
    location: str = "",
    topics: str = "",
) -> TrainingSession:
    order = _training_step(
        actor, order, "support.handle", {TrainingOrder.State.ACCEPTED, TrainingOrder.State.PLANNED}
    )
    if starts_at is None:
        raise ValidationError({"starts_at": _("This field is required.")})
    duration = _positive(duration_minutes, "duration_minutes", 600)
    if (
        trainer is None
        or not Membership.objects.filter(
            user=trainer,
            organization=order.organization.vendor,
            role__in=list(STAFF_ROLES),
            is_active=True,
        ).exists()
    ):
        raise ValidationError({"trainer": _("Choose one of the vendor's staff.")})
    session = TrainingSession.objects.create(
        order=order,
        starts_at=starts_at,
        duration_minutes=duration,
        trainer=trainer,
        location=(location or "").strip()[:200],
        topics=(topics or "").strip()[:300],
    )
    old = order.status
    order.status = TrainingOrder.State.PLANNED
    order.save(update_fields=["status"])
    audit.record(
        actor.user,
        "plan",
        order,
        changes={"status": [old, order.status], "session": [None, session.pk]},
    )
    return session


@transaction.atomic
def complete_training(actor: Actor, order: TrainingOrder) -> TrainingOrder:
    order = _training_step(actor, order, "support.handle", {TrainingOrder.State.PLANNED})
    order.status = TrainingOrder.State.DONE
    order.save(update_fields=["status"])
    audit.record(
        actor.user,
        "complete",
        order,
        changes={"status": [TrainingOrder.State.PLANNED, order.status]},
    )
    return order
