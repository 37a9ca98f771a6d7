"""The specialists' tools in the API under /api/v1/support/: canned replies, merging, watchers
and copies, saved views, the monthly satisfaction summary, each organization's inbound address
and the inbound-mail webhook. The same services as the pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from tase.apiutil import actor

from . import selectors, services
from .api import RequestOut, acting_on, user_or_error
from .models import Reply

router = Router(tags=["support"])


class CannedOut(Schema):
    id: int
    title: str
    body: str
    is_active: bool


class CannedIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)
    is_active: bool = True


@router.get("/canned-replies", response=list[CannedOut], summary="The vendor's canned replies")
def list_canned(request):
    return list(selectors.canned_replies_for(actor(request), active_only=False))


@router.post("/canned-replies", response={201: CannedOut}, summary="Create a canned reply")
def create_canned(request, payload: CannedIn):
    return HttpStatus(201, services.save_canned_reply(actor(request), None, **payload.dict()))


@router.put("/canned-replies/{int:canned_id}", response=CannedOut, summary="Edit a canned reply")
def update_canned(request, canned_id: int, payload: CannedIn):
    current = actor(request)
    canned = selectors.get_canned_reply(current, canned_id)
    return services.save_canned_reply(current, canned, **payload.dict())


class FilledOut(Schema):
    body: str


@router.get(
    "/requests/{int:request_id}/canned/{int:canned_id}",
    response=FilledOut,
    summary="A canned reply filled in for a request",
)
def fill_canned(request, request_id: int, canned_id: int):
    current, item = acting_on(request, request_id)
    current.require("support.handle", item.organization)
    return {"body": services.fill_canned(selectors.get_canned_reply(current, canned_id), item)}


class MergeIn(Schema):
    into_id: int


@router.post(
    "/requests/{int:request_id}/merge",
    response=RequestOut,
    summary="Merge a duplicate into another request of the same organization (cannot be undone)",
)
def merge(request, request_id: int, payload: MergeIn):
    current, duplicate = acting_on(request, request_id)
    into = selectors.get_request(current, payload.into_id)
    return services.merge_requests(current, duplicate, into)


class WatchIn(Schema):
    user_id: int | None = None
    watch: bool = True


class WatchersOut(Schema):
    watchers: list[int]
    cc: list[str]


def _watchers(item) -> dict:
    return {
        "watchers": list(item.watchers.values_list("pk", flat=True)),
        "cc": services.helpdesk._notices.cc_addresses(item.cc),
    }


@router.post(
    "/requests/{int:request_id}/watchers",
    response=WatchersOut,
    summary="Watch or stop watching (staff: add or remove someone)",
)
def watch(request, request_id: int, payload: WatchIn):
    current, item = acting_on(request, request_id)
    user = user_or_error(payload.user_id, "user_id", _("Unknown user."))
    services.set_watching(current, item, user=user, watch=payload.watch)
    return _watchers(item)


class CcIn(Schema):
    cc: list[str]


@router.put(
    "/requests/{int:request_id}/cc",
    response=WatchersOut,
    summary="The addresses that get a copy of each public reply",
)
def set_cc(request, request_id: int, payload: CcIn):
    current, item = acting_on(request, request_id)
    item = services.set_cc(current, item, "\n".join(payload.cc))
    return _watchers(item)


class ViewOut(Schema):
    id: int
    name: str
    filters: dict


class ViewIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    filters: dict[str, str] = {}


@router.get("/saved-views", response=list[ViewOut], summary="Your saved queue views")
def list_views(request):
    return list(selectors.saved_views_for(actor(request)))


@router.post("/saved-views", response={201: ViewOut}, summary="Save a queue view")
def save_view(request, payload: ViewIn):
    return HttpStatus(
        201, services.save_view(actor(request), name=payload.name, filters=payload.filters)
    )


@router.delete("/saved-views/{int:view_id}", response={204: None}, summary="Remove a view")
def delete_view(request, view_id: int):
    current = actor(request)
    services.delete_view(current, selectors.get_saved_view(current, view_id))
    return HttpStatus(204, None)


class MonthOut(Schema):
    month: dt.date
    rated: int
    average: float
    scores: list[int]
    satisfied_percent: int


class MonthsIn(Schema):
    months: int = Field(12, ge=1, le=60)


@router.get("/satisfaction", response=list[MonthOut], summary="Satisfaction per month (staff)")
def satisfaction(request, months: Query[MonthsIn]):
    current = actor(request)
    if not current.can("support.handle"):
        raise PermissionDenied("support.handle")
    return selectors.satisfaction_by_month(current, months=months.months)


class AddressOut(Schema):
    organization_id: int
    address: str


@router.get(
    "/organizations/{int:organization_id}/inbound-address",
    response=AddressOut,
    summary="The organization's address for replying by email",
)
def inbound_address(request, organization_id: int):
    current = actor(request)
    organization = current.organization(organization_id)
    if not (
        current.can("support.use", organization) or current.can("support.handle", organization)
    ):
        raise PermissionDenied("support.use")
    return {
        "organization_id": organization.pk,
        "address": services.inbound_address(organization),
    }


class InboundOut(Schema):
    request_id: int
    number: int
    reply_id: int | None


class RefusedOut(Schema):
    detail: str


@router.post(
    "/inbound-email",
    response={201: InboundOut, 422: RefusedOut},
    summary="Take in one emailed message (RFC 822 as the request body)",
    description=(
        "For the mail server's integration: its token belongs to a user with support.handle. "
        "The message's sender must be a user of the organization whose address it was sent "
        "to; otherwise 422 with the reason, and nothing is written."
    ),
)
def inbound_email(request):
    current = actor(request)
    if not current.can("support.handle"):
        raise PermissionDenied("support.handle")
    try:
        result = services.receive_email(request.body)
    except services.Refused as refused:
        return HttpStatus(422, {"detail": refused.reason})
    if isinstance(result, Reply):
        return HttpStatus(
            201,
            {
                "request_id": result.request_id,
                "number": result.request.number,
                "reply_id": result.pk,
            },
        )
    return HttpStatus(201, {"request_id": result.pk, "number": result.number, "reply_id": None})
