"""Change requests: needs outside the contract and the specification, quoted and agreed
case by case."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Organization, User

from .. import notices
from ..models import (
    ChangeRequest,
    Project,
)
from ._common import _customer_user, _hours, _is_staff, _required, _writable

CR_TRANSITIONS = {
    ChangeRequest.Status.PROPOSED: {ChangeRequest.Status.QUOTED, ChangeRequest.Status.REJECTED},
    ChangeRequest.Status.QUOTED: {ChangeRequest.Status.AGREED, ChangeRequest.Status.REJECTED},
    ChangeRequest.Status.AGREED: {ChangeRequest.Status.DONE},
    ChangeRequest.Status.REJECTED: set(),
    ChangeRequest.Status.DONE: set(),
}


def _euros_to_cents(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        euros = Decimal(str(value).strip().replace(",", ".").replace("\xa0", "").replace(" ", ""))
    except InvalidOperation:
        raise ValidationError({field: _("Enter euros as a number, e.g. 1200.00.")}) from None
    if euros < 0:
        raise ValidationError({field: _("The estimate cannot be negative.")})
    # Rounded half up to the cent here, at the edge; stored as integer cents.
    return int((euros * 100).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


@transaction.atomic
def create_change_request(
    actor: Actor,
    organization: Organization,
    *,
    title: str,
    description: str,
    project: Project | None = None,
    asked_by: User | None = None,
    estimate_hours=None,
    estimate_euros=None,
) -> ChangeRequest:
    """A need outside the contract and specification, recorded by vendor staff (with
    delivery.contracts). The customer's users propose such a need instead
    (:func:`~.participation.propose_need`), and staff turn the proposal into a change request."""
    if not actor.can("delivery.contracts", organization):
        if actor.can("delivery.view", organization) and not _is_staff(actor, organization):
            raise ValidationError(
                {
                    "title": _(
                        "Only the vendor's staff create change requests. Propose the need "
                        "instead: the project lead turns it into a change request with an "
                        "estimate."
                    )
                }
            )
        actor.require("delivery.contracts", organization)
    if project is not None and project.organization_id != organization.pk:
        raise ValidationError({"project": _("Choose a project of this organization.")})
    _writable(project)
    if asked_by is None and not _is_staff(actor, organization):
        asked_by = actor.user
    if asked_by is not None:
        _customer_user(asked_by, organization, "asked_by")
    cr = ChangeRequest.objects.create(
        organization=organization,
        project=project,
        title=_required(title, "title"),
        description=_required(description, "description"),
        asked_by=asked_by,
        estimate_hours=None
        if estimate_hours in (None, "")
        else _hours(estimate_hours, "estimate_hours"),
        estimate_cents=_euros_to_cents(estimate_euros, "estimate_euros"),
    )
    audit.record(actor.user, "create", cr, changes={"title": [None, cr.title]})
    return cr


@transaction.atomic
def set_change_request_status(
    actor: Actor, cr: ChangeRequest, status: str, *, estimate_hours=None, estimate_euros=None
) -> ChangeRequest:
    """proposed → quoted → agreed / rejected → done. Quoting needs the estimate; the
    customer's main user may agree or reject a quote."""
    customer_decision = (
        status in (ChangeRequest.Status.AGREED, ChangeRequest.Status.REJECTED)
        and cr.status == ChangeRequest.Status.QUOTED
        and actor.can("delivery.approve", cr.organization)
    )
    if not customer_decision:
        actor.require("delivery.contracts", cr.organization)
    _writable(cr.project)
    if status not in CR_TRANSITIONS.get(cr.status, set()):
        raise ValidationError(
            {
                "status": _("A change request cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": ChangeRequest.Status(cr.status).label,
                    "new": ChangeRequest.Status(status).label
                    if status in ChangeRequest.Status.values
                    else status,
                }
            }
        )
    before = audit.snapshot(cr, ["status", "estimate_hours", "estimate_cents"])
    if status == ChangeRequest.Status.QUOTED:
        if estimate_hours not in (None, ""):
            cr.estimate_hours = _hours(estimate_hours, "estimate_hours")
        if estimate_euros not in (None, ""):
            cr.estimate_cents = _euros_to_cents(estimate_euros, "estimate_euros")
        if cr.estimate_hours is None or cr.estimate_cents is None:
            raise ValidationError(
                {"estimate_euros": _("A quote needs the estimate in hours and in euros.")}
            )
    if status in (ChangeRequest.Status.AGREED, ChangeRequest.Status.REJECTED):
        cr.decided_at = timezone.now()
    cr.status = status
    cr.save()
    audit.record(
        actor.user,
        "update",
        cr,
        changes=audit.changes_since(before, cr),
    )
    if status == ChangeRequest.Status.QUOTED:
        notices.change_request_quoted(cr)
    return cr
