"""API of the signed-in user's notifications under /api/v1/notifications: the list, the unread
count, marking read, and the choice per kind (in the app, by email). A user reaches only their
own notifications: another's answers 404."""

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from tase.apiutil import Pagination, actor

from . import notifications

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadOut(Schema):
    unread: int


class PreferenceOut(Schema):
    kind: str
    label: str
    in_app: bool
    email: bool


class PreferenceIn(Schema):
    kind: str
    in_app: bool
    email: bool


class PreferencesIn(Schema):
    preferences: list[PreferenceIn]


class MarkedOut(Schema):
    marked: int


@router.get("/notifications", response=list[NotificationOut], summary="Your notifications")
@paginate(Pagination)
def list_notifications(request, unread: bool = False):
    rows = notifications.inbox(request.auth)
    return rows.filter(read_at__isnull=True) if unread else rows


@router.get("/notifications/unread", response=UnreadOut, summary="How many are unread")
def unread(request):
    return {"unread": notifications.unread_count(request.auth)}


@router.post("/notifications/{pk}/read", response=MarkedOut, summary="Mark one read")
def read_one(request, pk: int):
    return {"marked": notifications.mark_read(request.auth, pk)}


@router.post("/notifications/read", response=MarkedOut, summary="Mark all read")
def read_all(request):
    return {"marked": notifications.mark_read(request.auth)}


def _preferences(request) -> list[dict]:
    kinds = notifications.kinds_for(actor(request))
    current = notifications.preferences(request.auth, [k.key for k in kinds])
    return [
        {
            "kind": k.key,
            "label": str(k.label),
            "in_app": current[k.key][0],
            "email": current[k.key][1],
        }
        for k in kinds
    ]


@router.get(
    "/notifications/preferences",
    response=list[PreferenceOut],
    summary="What you are notified of, per kind",
)
def get_preferences(request):
    return _preferences(request)


@router.put(
    "/notifications/preferences",
    response=list[PreferenceOut],
    summary="Choose per kind: in the app, by email",
)
def put_preferences(request, payload: PreferencesIn):
    notifications.set_preferences(
        request.auth, {row.kind: (row.in_app, row.email) for row in payload.preferences}
    )
    return _preferences(request)
