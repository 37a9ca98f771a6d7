"""The support API under /api/v1/support/: service requests and their replies,
announcements and guides. Same services and selectors as the pages, so the same
rules: a customer sees only their organization's requests and never an internal note."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from tase.apiutil import Moment, Pagination, actor
from tase.core.models import User

from . import markup, selectors, services
from .models import Announcement, Category, Status, Urgency

router = Router(tags=["support"])


def acting_on(request, request_id: int):
    """The acting user and the service request they may see (404 across the tenant wall)."""
    current = actor(request)
    return current, selectors.get_request(current, request_id)


def user_or_error(user_id: int | None, field: str, message: str):
    """The user of ``user_id`` (None for None); an unknown id is a 422 on ``field``."""
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError({field: message})
    return user


class RequestOut(Schema):
    id: int
    number: int
    organization_id: int
    company_id: int
    category: str
    subject: str
    description: str
    urgency: str
    status: str
    requester: str
    assignee_id: int | None
    created_at: dt.datetime
    first_response_due: dt.datetime
    resolution_due: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    rating: int | None
    rating_comment: str

    @staticmethod
    def resolve_requester(obj):
        return str(obj.requester)


class RequestIn(Schema):
    company_id: int
    category: Category
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    urgency: Urgency = Urgency.NORMAL


class ReplyOut(Schema):
    id: int
    author: str
    body: str
    is_internal: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj):
        return str(obj.author)


class ReplyIn(Schema):
    body: str = Field(min_length=1)
    internal: bool = False


class RequestStatusIn(Schema):
    status: Status


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = ""


class AssignIn(Schema):
    assignee_id: int | None = None


class RequestFilter(Schema):
    status: str = ""


@router.get("/requests", response=list[RequestOut], summary="Service requests the user may see")
@paginate(Pagination)
def list_requests(request, filters: Query[RequestFilter]):
    current = actor(request)
    services.close_expired_lazily()
    requests = selectors.requests_for(current).order_by("-created_at", "-id")
    if filters.status == "open":
        requests = requests.filter(status__in=[Status.NEW, Status.IN_PROGRESS, Status.WAITING])
    elif filters.status:
        requests = requests.filter(status=filters.status)
    return requests


@router.post("/requests", response={201: RequestOut}, summary="File a service request")
def create_request(request, payload: RequestIn):
    created = services.create_request(
        actor(request),
        company=payload.company_id,
        category=payload.category,
        subject=payload.subject,
        description=payload.description,
        urgency=payload.urgency,
    )
    return HttpStatus(201, created)


@router.get("/requests/{int:request_id}", response=RequestOut)
def get_request(request, request_id: int):
    services.close_expired_lazily()
    return selectors.get_request(actor(request), request_id)


@router.get(
    "/requests/{int:request_id}/replies",
    response=list[ReplyOut],
    summary="Replies (internal notes only for support staff)",
)
def list_replies(request, request_id: int):
    current, item = acting_on(request, request_id)
    return list(selectors.visible_replies(current, item))


@router.post("/requests/{int:request_id}/replies", response={201: ReplyOut})
def add_reply(request, request_id: int, payload: ReplyIn):
    current, item = acting_on(request, request_id)
    return HttpStatus(
        201, services.add_reply(current, item, body=payload.body, internal=payload.internal)
    )


@router.post("/requests/{int:request_id}/status", response=RequestOut)
def change_status(request, request_id: int, payload: RequestStatusIn):
    current, item = acting_on(request, request_id)
    return services.change_status(current, item, payload.status)


@router.post("/requests/{int:request_id}/reopen", response=RequestOut)
def reopen(request, request_id: int):
    current, item = acting_on(request, request_id)
    return services.reopen(current, item)


@router.post("/requests/{int:request_id}/rating", response=RequestOut)
def rate(request, request_id: int, payload: RatingIn):
    current, item = acting_on(request, request_id)
    return services.rate(current, item, rating=payload.rating, comment=payload.comment)


@router.post("/requests/{int:request_id}/assign", response=RequestOut)
def assign(request, request_id: int, payload: AssignIn):
    current, item = acting_on(request, request_id)
    assignee = user_or_error(
        payload.assignee_id, "assignee_id", _("Choose one of the support specialists.")
    )
    services.assign(current, [item], assignee)
    return selectors.get_request(current, request_id)


# -- announcements ---------------------------------------------------------------------


class AnnouncementOut(Schema):
    id: int
    title: str
    kind: str
    audience: str
    module: str
    publish_at: dt.datetime
    expire_at: dt.datetime | None
    body: str
    body_html: str

    @staticmethod
    def resolve_body_html(obj):
        return str(markup.render(obj.body))


class AnnouncementIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)
    kind: Announcement.Kind = Announcement.Kind.INFO
    audience: Announcement.Audience = Announcement.Audience.EVERYONE
    module: str = ""
    organization_ids: list[int] = []
    publish_at: Moment | None = None
    expire_at: Moment | None = None


@router.get("/announcements", response=list[AnnouncementOut])
@paginate(Pagination)
def list_announcements(request):
    return selectors.announcements_for(actor(request))


@router.get("/announcements/{int:announcement_id}", response=AnnouncementOut)
def get_announcement(request, announcement_id: int):
    return selectors.get_announcement(actor(request), announcement_id)


@router.post("/announcements/{int:announcement_id}/read", response={204: None})
def mark_read(request, announcement_id: int):
    current = actor(request)
    services.mark_read(current, selectors.get_announcement(current, announcement_id))
    return HttpStatus(204, None)


@router.post("/announcements", response={201: AnnouncementOut})
def create_announcement(request, payload: AnnouncementIn):
    data = payload.dict()
    organization_ids = data.pop("organization_ids")
    if data["publish_at"] is None:
        data["publish_at"] = timezone.now()
    return HttpStatus(
        201, services.create_announcement(actor(request), organizations=organization_ids, **data)
    )


# -- guides ------------------------------------------------------------------------------


class GuideOut(Schema):
    id: int
    title: str
    category: str
    language: str
    visibility: str
    version: int
    helpful_yes: int
    helpful_no: int
    updated_at: dt.datetime
    body: str
    body_html: str
    related_ids: list[int]

    @staticmethod
    def resolve_category(obj):
        return obj.category.name

    @staticmethod
    def resolve_body_html(obj):
        return str(markup.render(obj.body))

    @staticmethod
    def resolve_related_ids(obj):
        return [g.pk for g in obj.related.all()]


class GuideFilter(Schema):
    q: str = ""
    language: str = ""


@router.get(
    "/guides",
    response=list[GuideOut],
    summary="Guides; `q` searches (Finnish stemming on PostgreSQL)",
)
@paginate(Pagination)
def list_guides(request, filters: Query[GuideFilter]):
    current = actor(request)
    if filters.q:
        found = selectors.search_guides(current, filters.q, limit=100)
        return [g for g in found if not filters.language or g.language == filters.language]
    guides = selectors.guides_for(current).prefetch_related("related")
    if filters.language:
        guides = guides.filter(language=filters.language)
    return guides


@router.get("/guides/{int:guide_id}", response=GuideOut)
def get_guide(request, guide_id: int):
    return selectors.get_guide(actor(request), guide_id)
