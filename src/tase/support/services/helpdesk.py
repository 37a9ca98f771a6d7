"""The specialists' tools: canned replies, merging a duplicate request, watchers and copies,
saved views of the queue."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Membership, User
from tase.core.roles import STAFF_ROLES

from .. import selectors
from ..models import CannedReply, Reply, SavedView, ServiceRequest, Status
from . import _notices
from ._common import _required

# -- canned replies ------------------------------------------------------------------


def _handling_vendor(actor: Actor):
    vendors = [
        m.organization
        for m in actor.staff_memberships
        if actor.can("support.handle", m.organization)
    ]
    if not vendors:
        raise PermissionDenied("support.handle")
    return vendors[0]


@transaction.atomic
def save_canned_reply(
    actor: Actor, canned: CannedReply | None = None, *, title: str, body: str, is_active=True
) -> CannedReply:
    """Create or edit a canned reply of the vendor (any support specialist may)."""
    if canned is None:
        canned = CannedReply(organization=_handling_vendor(actor), created_by=actor.user)
        before = {}
    else:
        canned = CannedReply.objects.select_for_update().get(
            pk=selectors.get_canned_reply(actor, canned.pk).pk
        )
        before = audit.snapshot(canned, ["title", "body", "is_active"])
    canned.title = _required(title, "title", 200)
    canned.body = _required(body, "body")
    canned.is_active = bool(is_active)
    canned.save()
    changes = audit.changes_between(before, audit.snapshot(canned, ["title", "body", "is_active"]))
    if changes:
        audit.record(actor.user, "create" if not before else "update", canned, changes=changes)
    return canned


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def fill_canned(canned: CannedReply, request: ServiceRequest) -> str:
    """The canned text with {requester}, {number} and {subject} filled from the request;
    any other brace is left as it is."""
    return canned.body.format_map(
        _Blank(
            requester=request.requester.get_short_name(),
            number=request.number,
            subject=request.subject,
        )
    )


# -- merging -------------------------------------------------------------------------


@transaction.atomic
def merge_requests(
    actor: Actor, duplicate: ServiceRequest, into: ServiceRequest, *, now=None
) -> ServiceRequest:
    """Close ``duplicate`` as merged into ``into`` (the same organization): its requester and
    watchers follow ``into``, each request gets a note of the other, and the requester is told
    where the matter goes on. Cannot be undone."""
    duplicate = selectors.get_request(actor, duplicate.pk)
    into = selectors.get_request(actor, into.pk)
    actor.require("support.handle", duplicate.organization)
    if duplicate.pk == into.pk:
        raise ValidationError({"into": _("A request cannot be merged into itself.")})
    if duplicate.organization_id != into.organization_id:
        raise ValidationError({"into": _("Only requests of the same organization can be merged.")})
    locked = {
        r.pk: r
        for r in ServiceRequest.objects.select_for_update()
        .select_related("requester", "organization")
        .filter(pk__in=[duplicate.pk, into.pk])
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if duplicate.status == Status.CLOSED:
        raise ValidationError({"into": _("The request is already closed.")})
    if into.status == Status.CLOSED:
        raise ValidationError(
            {
                "into": _("Request #%(number)s is closed; merge into an open one.")
                % {"number": into.number}
            }
        )
    now = now or timezone.now()
    Reply.objects.create(
        request=duplicate,
        author=actor.user,
        body=_("This request was merged into #%(number)s “%(subject)s”; it goes on there.")
        % {"number": into.number, "subject": into.subject},
        from_staff=True,
    )
    Reply.objects.create(
        request=into,
        author=actor.user,
        body=_("Request #%(number)s “%(subject)s” was merged into this one:\n\n%(description)s")
        % {
            "number": duplicate.number,
            "subject": duplicate.subject,
            "description": duplicate.description,
        },
        is_internal=True,
        from_staff=True,
    )
    followers = {duplicate.requester_id, *duplicate.watchers.values_list("pk", flat=True)}
    followers.discard(into.requester_id)
    into.watchers.add(*followers)
    old = duplicate.status
    from .requests import _set_status

    _set_status(duplicate, Status.CLOSED, now)
    duplicate.merged_into = into
    duplicate.save()
    audit.record(
        actor.user,
        "merge",
        duplicate,
        changes={"status": [old, Status.CLOSED], "merged_into": [None, into.number]},
    )
    audit.record(actor.user, "merge", into, changes={"merged": [None, duplicate.number]})
    _notices.status_changed(duplicate)
    return into


# -- watchers and copies -------------------------------------------------------------


def _may_watch(user: User, request: ServiceRequest) -> bool:
    return (
        Membership.objects.filter(user=user, is_active=True, user__is_active=True)
        .filter(organization_id=request.organization_id)
        .exists()
        or Membership.objects.filter(
            user=user,
            is_active=True,
            organization_id=request.organization.vendor_id,
            role__in=list(STAFF_ROLES),
        ).exists()
    )


@transaction.atomic
def set_watching(
    actor: Actor, request: ServiceRequest, *, user: User | None = None, watch: bool = True
) -> ServiceRequest:
    """Follow (or stop following) a request. Anyone who sees it may follow it themselves;
    staff may add or remove a user of the organization or a colleague."""
    request = selectors.get_request(actor, request.pk)
    user = user or actor.user
    if user.pk != actor.user.pk:
        actor.require("support.handle", request.organization)
    if watch and not _may_watch(user, request):
        raise ValidationError({"user": _("Choose a user of the organization or a colleague.")})
    already = request.watchers.filter(pk=user.pk).exists()
    if watch and not already:
        request.watchers.add(user)
    elif not watch and already:
        request.watchers.remove(user)
    else:
        return request
    audit.record(
        actor.user,
        "watch" if watch else "unwatch",
        request,
        changes={"watcher": [None, user.pk] if watch else [user.pk, None]},
    )
    return request


@transaction.atomic
def set_cc(actor: Actor, request: ServiceRequest, cc: str) -> ServiceRequest:
    """The addresses that get a copy of each public reply (at most 10)."""
    request = selectors.get_request(actor, request.pk)
    if not (
        actor.can("support.handle", request.organization)
        or actor.can("support.use", request.organization)
    ):
        raise PermissionDenied("support.use")
    addresses = _notices.cc_addresses(cc)
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {"cc": _("“%(address)s” is not an email address.") % {"address": address}}
            ) from None
    if len(addresses) > 10:
        raise ValidationError({"cc": _("At most 10 addresses.")})
    text = "\n".join(dict.fromkeys(a.lower() for a in addresses))
    if text == request.cc:
        return request
    old = request.cc
    ServiceRequest.objects.filter(pk=request.pk).update(cc=text, updated_at=timezone.now())
    request.cc = text
    audit.record(actor.user, "update", request, changes={"cc": [old, text]})
    return request


# -- saved views ---------------------------------------------------------------------

VIEW_FILTERS = (
    "status",
    "urgency",
    "assignee",
    "organization",
    "category",
    "overdue",
    "sort",
    "q",
)


@transaction.atomic
def save_view(actor: Actor, *, name: str, filters: dict) -> SavedView:
    """A specialist's own named queue filters (saving the same name again replaces them)."""
    _handling_vendor(actor)
    name = _required(name, "name", 100)
    clean = {
        k: str(v) for k, v in (filters or {}).items() if k in VIEW_FILTERS and v not in ("", None)
    }
    view, created = SavedView.objects.update_or_create(
        user=actor.user, name=name, defaults={"filters": clean}
    )
    audit.record(
        actor.user,
        "create" if created else "update",
        view,
        organization=_handling_vendor(actor),
        changes={"filters": [None, clean]},
    )
    return view


@transaction.atomic
def delete_view(actor: Actor, view: SavedView) -> None:
    view = selectors.get_saved_view(actor, view.pk)
    audit.record(actor.user, "delete", view, organization=_handling_vendor(actor))
    view.delete()
