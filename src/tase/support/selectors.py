"""Reads of customer support, always scoped to the acting user.

The one rule that matters most lives here: :func:`visible_replies` gives a customer
the public replies only; internal notes reach the vendor's support staff and no one
else (pages, API, email and exports all read replies through it).
"""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from collections import Counter

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation

from tase.core import shared_cache
from tase.core.access import Actor
from tase.core.models import Organization
from tase.rules import phone_billing
from tase.rules import support_hours as sh

from . import search
from .models import (
    MODULE_ACTIONS,
    OPEN_STATUSES,
    Announcement,
    AnnouncementRead,
    CannedReply,
    Category,
    Guide,
    PhoneCall,
    PhonePrice,
    Reply,
    SavedView,
    ServiceRequest,
    Status,
    TrainingOrder,
)

# -- service requests ---------------------------------------------------------------


def is_handler(actor: Actor, organization: Organization | None = None) -> bool:
    return actor.can("support.handle", organization)


def requests_for(actor: Actor) -> QuerySet[ServiceRequest]:
    """Requests the actor may see: staff with support.handle see their vendor's customers',
    a customer user the requests of the companies their membership reaches."""
    reach = Q(company__in=actor.companies("support.use").values("pk"))
    if actor.can("support.handle"):  # else the condition is empty: not compiled on every page
        reach |= Q(organization__in=actor.organizations("support.handle").values("pk"))
    return ServiceRequest.objects.filter(reach).select_related(
        "organization", "company", "assignee", "requester"
    )


def get_request(actor: Actor, pk) -> ServiceRequest:
    try:
        return requests_for(actor).get(pk=pk)
    except (ServiceRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_replies(actor: Actor, request: ServiceRequest) -> QuerySet[Reply]:
    """The replies of ``request`` the actor may read: internal notes only for support staff."""
    replies = request.replies.select_related("author").prefetch_related("attachments")
    if not is_handler(actor, request.organization):
        replies = replies.filter(is_internal=False)
    return replies


def visible_attachments(actor: Actor, request: ServiceRequest):
    attachments = request.attachments.all()
    if not is_handler(actor, request.organization):
        attachments = attachments.filter(Q(reply__isnull=True) | Q(reply__is_internal=False))
    return attachments


def queue(
    actor: Actor,
    *,
    status: str = "",
    urgency: str = "",
    assignee: str = "",
    organization: str = "",
    overdue: bool = False,
    sort: str = "target",
    category: str = "",
    q: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[ServiceRequest]:
    """The specialists' queue: filtered, sorted by the nearest target by default."""
    now = now or timezone.now()
    requests = requests_for(actor)
    if status == "open" or not status:
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        requests = requests.filter(status=status)
    if urgency:
        requests = requests.filter(urgency=urgency)
    if assignee == "none":
        requests = requests.filter(assignee__isnull=True)
    elif assignee == "me":
        requests = requests.filter(assignee=actor.user)
    elif assignee.isdigit():
        requests = requests.filter(assignee_id=int(assignee))
    if organization.isdigit():
        requests = requests.filter(organization_id=int(organization))
    if overdue:
        requests = requests.filter(overdue_q(now))
    if category:
        requests = requests.filter(category=category)
    q = (q or "").strip().lstrip("#")
    if q.isdigit():
        requests = requests.filter(number=int(q))
    elif q:
        requests = requests.filter(
            Q(subject__icontains=q) | Q(description__icontains=q) | Q(requester__email__icontains=q)
        )
    if sort == "target":
        requests = requests.order_by("resolution_due", "id")
    elif sort == "first_response":
        requests = requests.order_by("first_response_due", "id")
    elif sort == "newest":
        requests = requests.order_by("-created_at", "-id")
    return requests


def overdue_q(now: dt.datetime) -> Q:
    """Open and past a target; a request waiting for the customer has its clock stopped."""
    return Q(status__in=[Status.NEW, Status.IN_PROGRESS]) & (
        Q(first_response_at__isnull=True, first_response_due__lt=now) | Q(resolution_due__lt=now)
    )


def target_state(request: ServiceRequest, now: dt.datetime | None = None) -> dict:
    """Time left (support hours) to the next target, or how much it is overdue."""
    now = now or timezone.now()
    if not request.is_open:
        return {"label": "", "overdue": False, "left": None}
    if request.status == Status.WAITING:
        return {"label": "", "overdue": False, "left": None, "paused": True}
    if request.first_response_at is None:
        due, which = request.first_response_due, "first_response"
        if request.resolution_due < due:
            due, which = request.resolution_due, "resolution"
    else:
        due, which = request.resolution_due, "resolution"
    left = sh.support_hours_between(now, due)
    overdue = now >= due
    return {
        "which": which,
        "due": due,
        "left": left,
        "overdue": overdue,
        "label": sh.format_hours(left),
    }


# -- announcements ---------------------------------------------------------------


def _vendor_ids(actor: Actor) -> set[int]:
    ids = {m.organization_id for m in actor.staff_memberships}
    ids |= {m.organization.vendor_id for m in actor.customer_memberships}
    return ids


def announcements_for(
    actor: Actor | None, *, now: dt.datetime | None = None, current_only: bool = True
) -> QuerySet[Announcement]:
    """Announcements meant for the actor (anonymous visitors: none), in force now by default."""
    now = now or timezone.now()
    if actor is None or not actor.memberships:
        return Announcement.objects.none()
    items = Announcement.objects.filter(organization_id__in=_vendor_ids(actor))
    if current_only:
        items = items.filter(publish_at__lte=now).filter(
            Q(expire_at__isnull=True) | Q(expire_at__gt=now)
        )
    if actor.can("support.publish"):
        return items  # the publishers see every announcement
    own_orgs = [m.organization_id for m in actor.customer_memberships]
    modules = [module for module, action in MODULE_ACTIONS.items() if actor.can(action)]
    audience = (
        Q(audience=Announcement.Audience.EVERYONE)
        | Q(audience=Announcement.Audience.MODULE, module__in=modules)
        | Q(audience=Announcement.Audience.ORGANIZATIONS, organizations__in=own_orgs)
    )
    if actor.is_vendor_staff:
        audience |= ~Q(audience=Announcement.Audience.ORGANIZATIONS)
    return items.filter(audience).distinct()


def with_read_marks(items: QuerySet[Announcement], user) -> QuerySet[Announcement]:
    return items.annotate(
        is_read=Exists(AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user=user))
    )


def unread_announcements(actor: Actor) -> QuerySet[Announcement]:
    return with_read_marks(announcements_for(actor), actor.user).filter(is_read=False)


CARD_SIZE = 5  # rows of each list on the start page's support card


def newest_unread(actor: Actor, now: dt.datetime | None = None) -> list[Announcement]:
    """The newest announcements in force that the actor has not read, at most CARD_SIZE: the
    start page's card. Kept in the shared cache per user under the announcements' generation
    (a new one whenever an announcement is saved or deleted) and the user's memberships, and
    forgotten when the user reads one; one that expires meanwhile is left out here, and one
    published on a schedule appears within the cache's timeout."""
    now = now or timezone.now()

    def newest() -> list[Announcement]:
        return list(
            unread_announcements(actor).only("pk", "title", "kind", "expire_at")[:CARD_SIZE]
        )

    # Without a shared cache nothing is kept, and the key's generation would be a query more.
    rows = shared_cache.remember(_unread_key(actor), newest) if shared_cache.enabled() else newest()
    return [item for item in rows if item.expire_at is None or item.expire_at > now]


def _unread_key(actor: Actor) -> str:
    generation, _windows = shared_cache.remember(SERVICE_BREAKS_KEY, _service_break_windows)
    return f"{SERVICE_BREAKS_KEY}:{generation}:unread:{actor.user.pk}:{actor.reach}"


def forget_unread(instance, **_signal) -> None:
    """A read mark was saved: the user's card is read again."""
    if shared_cache.enabled():
        shared_cache.forget(_unread_key(Actor.of(instance.user)))


SERVICE_BREAKS_KEY = "support:service-breaks"
BANNER_TIMEOUT = 300  # seconds a user's own list is kept: a membership changed shows within it


def _service_break_windows() -> tuple[str, list[tuple[int, dt.datetime, dt.datetime | None]]]:
    """Every service break not yet over, of every vendor: (vendor id, from, until), under a
    generation that names this reading (the users' own lists are kept under it). Few rows."""
    rows = list(
        Announcement.objects.filter(kind=Announcement.Kind.SERVICE_BREAK)
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()))
        .values_list("organization_id", "publish_at", "expire_at")
    )
    return uuid.uuid4().hex, rows


def forget_service_breaks(**_signal) -> None:
    """An announcement was saved or deleted (any path: services, demo, admin): the service
    breaks are read again, and with the new generation every user's own list."""
    shared_cache.forget(SERVICE_BREAKS_KEY)


def _in_force(start: dt.datetime, end: dt.datetime | None, now: dt.datetime) -> bool:
    return start <= now and (end is None or end > now)


def service_breaks_shown(actor: Actor, now: dt.datetime | None = None) -> list[str]:
    """The titles of the service breaks in force that are meant for the actor (the audience
    rule of :func:`announcements_for`), newest first, at most three: the banner on top of every
    page. Every vendor's breaks not yet over are read first (kept in the shared cache): when
    none of the actor's vendors has one in force, as on nearly every page, that is all. Else
    the actor's own list, kept for BANNER_TIMEOUT under the breaks' generation."""
    now = now or timezone.now()
    generation, windows = shared_cache.remember(SERVICE_BREAKS_KEY, _service_break_windows)
    vendors = _vendor_ids(actor)
    if not any(v in vendors and _in_force(start, end, now) for v, start, end in windows):
        return []
    rows = shared_cache.remember(
        f"{SERVICE_BREAKS_KEY}:{generation}:{actor.user.pk}",
        lambda: list(
            announcements_for(actor, current_only=False)
            .filter(kind=Announcement.Kind.SERVICE_BREAK)
            .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
            .order_by("-publish_at", "-id")
            .values_list("title", "publish_at", "expire_at", "id")
        ),
        BANNER_TIMEOUT,
    )
    return [title for title, start, end, _pk in rows if _in_force(start, end, now)][:3]


def get_announcement(actor: Actor, pk, *, manage: bool = False) -> Announcement:
    items = announcements_for(actor, current_only=not actor.can("support.publish"))
    try:
        return items.get(pk=pk)
    except (Announcement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# -- guides ------------------------------------------------------------------------


def guides_for(actor: Actor | None) -> QuerySet[Guide]:
    """Published public guides for anyone; customers-only guides for the users of a
    customer of the guide's vendor who may use support (``support.use``: an employee may
    not) and for its staff; drafts for the publishers."""
    guides = Guide.objects.select_related("category")
    vendor_ids, drafts = _guide_reach(actor)
    if not vendor_ids:
        return guides.filter(is_published=True, visibility=Guide.Visibility.PUBLIC)
    visible = Q(is_published=True) & (
        Q(visibility=Guide.Visibility.PUBLIC) | Q(organization_id__in=vendor_ids)
    )
    if drafts:
        visible |= Q(organization_id__in=vendor_ids)
    return guides.filter(visible)


def _guide_reach(actor: Actor | None) -> tuple[list[int], bool]:
    """The vendors whose customers-only guides the actor reads, and whether their drafts too."""
    if actor is None or not actor.memberships:
        return [], False
    vendor_ids = {m.organization_id for m in actor.staff_memberships} | {
        m.organization.vendor_id
        for m in actor.customer_memberships
        if actor.can("support.use", m.organization)
    }
    return sorted(vendor_ids), actor.can("support.publish")


GUIDES_KEY = "support:guides"


def newest_guides(actor: Actor) -> list[Guide]:
    """The CARD_SIZE guides last updated that the actor may read (pk and title): the start
    page's card. The same for everyone with the same reach, so kept in the shared cache per
    reach under a generation that a guide's save or deletion renews."""
    generation = shared_cache.remember(GUIDES_KEY, lambda: uuid.uuid4().hex)
    vendor_ids, drafts = _guide_reach(actor)
    return shared_cache.remember(
        f"{GUIDES_KEY}:{generation}:{','.join(map(str, vendor_ids))}:{drafts:d}",
        lambda: list(
            guides_for(actor)
            .select_related(None)
            .only("pk", "title")
            .order_by("-updated_at")[:CARD_SIZE]
        ),
    )


def forget_guides(**_signal) -> None:
    """A guide was saved or deleted: every card's guides are read again."""
    shared_cache.forget(GUIDES_KEY)


def get_guide(actor: Actor | None, pk) -> Guide:
    try:
        return guides_for(actor).get(pk=pk)
    except (Guide.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def search_guides(
    actor: Actor | None,
    text: str,
    *,
    any_word: bool = False,
    limit: int = 20,
    language: str | None = None,
) -> list[Guide]:
    """Guides matching ``text``, in the reader's language first (``language``, else the user's,
    else the page's), then best first. Finnish words are found in any inflected form: guides
    are stored as Snowball stems and the query is stemmed the same way (tase.support.search),
    on SQLite (FTS5, ranked by bm25) and PostgreSQL (full text over the stems, ranked) alike.
    ``any_word`` matches guides with any of the words (used for deflection); otherwise all
    words must match."""
    prefixes = search.query_prefixes(text)
    if not prefixes:
        return []
    visible = guides_for(actor)
    if connection.vendor == "postgresql":
        found = _search_postgresql(visible, prefixes, any_word)
    elif connection.vendor == "sqlite":
        found = _search_sqlite(visible, prefixes, any_word)
    else:
        condition = Q()
        for prefix in prefixes:
            part = Q(search_title__icontains=prefix) | Q(search_body__icontains=prefix)
            condition = (condition | part) if any_word else (condition & part)
        found = list(visible.filter(condition)[:200])
    if language is None:
        user = getattr(actor, "user", None)
        language = getattr(user, "language", "") or (translation.get_language() or "fi")[:2]
    found.sort(key=lambda guide: guide.language != language)  # stable: rank kept within
    return found[:limit]


def _search_postgresql(visible, prefixes, any_word):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector("search_title", weight="A", config="simple") + SearchVector(
        "search_body", weight="B", config="simple"
    )
    joiner = " | " if any_word else " & "
    # the prefixes are letters and digits only (search.WORD), safe in a raw tsquery
    query = SearchQuery(
        joiner.join(f"{prefix}:*" for prefix in prefixes), config="simple", search_type="raw"
    )
    return list(
        visible.annotate(document=vector, rank=SearchRank(vector, query))
        .filter(document=query)  # matches (a rank alone is above zero for a partial match)
        .order_by("-rank", "title")[:200]
    )


def _search_sqlite(visible, prefixes, any_word):
    joiner = " OR " if any_word else " AND "
    match = joiner.join(f'"{prefix}"*' for prefix in prefixes)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM support_guide_fts WHERE support_guide_fts MATCH %s "
            "ORDER BY bm25(support_guide_fts, 5.0, 1.0) LIMIT 200",
            [match],
        )
        ranked = [row[0] for row in cursor.fetchall()]
    found = {guide.pk: guide for guide in visible.filter(pk__in=ranked)}
    return [found[pk] for pk in ranked if pk in found]


# -- training ----------------------------------------------------------------------


def training_orders_for(actor: Actor) -> QuerySet[TrainingOrder]:
    handled = actor.organizations("support.handle")
    own = actor.organizations("support.use")
    return (
        TrainingOrder.objects.filter(
            Q(organization__in=handled.values("pk")) | Q(organization__in=own.values("pk"))
        )
        .select_related("organization", "ordered_by")
        .prefetch_related("sessions__trainer")
    )


def implementation_trainings(actor: Actor, limit: int = 50) -> list[dict]:
    """The organization's implementation trainings (from the delivery app, read through its
    own selector so its access rules apply), to show beside the extra trainings.
    Empty if the delivery app cannot answer."""
    try:
        from tase.delivery import selectors as delivery
        from tase.delivery.models import TrainingSession as DeliveryTraining
    except ImportError:
        return []
    try:
        sessions = (
            DeliveryTraining.objects.filter(project__in=delivery.projects_for(actor))
            .select_related("project", "organization")
            .order_by("-starts_at")[:limit]
        )
        return [
            {
                "organization": session.organization,
                "project": session.project,
                "starts_at": session.starts_at,
                "hours": session.hours,
                "topics": session.topics,
                "status": session.get_status_display(),
            }
            for session in sessions
        ]
    except Exception:
        return []


def get_training_order(actor: Actor, pk) -> TrainingOrder:
    try:
        return training_orders_for(actor).get(pk=pk)
    except (TrainingOrder.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# -- phone -------------------------------------------------------------------------


def _phone_prices_key(vendor_id: int) -> str:
    return f"support:phone-prices:{vendor_id}"


def phone_prices(vendor_id: int) -> list[tuple[dt.date, int]]:
    """The vendor's phone prices: (effective from, cents per minute). Every customer's start
    page shows today's, so they are kept in the shared cache until a price is written."""
    return shared_cache.remember(
        _phone_prices_key(vendor_id),
        lambda: list(
            PhonePrice.objects.filter(organization_id=vendor_id).values_list(
                "effective_from", "cents_per_minute"
            )
        ),
    )


def forget_phone_prices(instance, **_signal) -> None:
    """A phone price was saved or deleted: its vendor's prices are read again."""
    shared_cache.forget(_phone_prices_key(instance.organization_id))


def price_today(vendor_id: int | None, today: dt.date | None = None) -> int | None:
    if vendor_id is None:
        return None
    today = today or timezone.localdate()
    try:
        return phone_billing.price_at(phone_prices(vendor_id), today)
    except phone_billing.NoPriceOnDate:
        return None


def calls_for(actor: Actor) -> QuerySet[PhoneCall]:
    handled = actor.organizations("support.handle")
    billed = actor.organizations("support.billing")
    return PhoneCall.objects.filter(
        Q(organization__in=handled.values("pk")) | Q(organization__in=billed.values("pk"))
    ).select_related("organization", "request")


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def monthly_statement(organization: Organization, year: int, month: int) -> dict:
    """The calls of one organization in one month with the VAT included in each, at the
    rate in force on the call's date (rounded half up per call)."""
    start, end = month_bounds(year, month)
    calls = list(
        PhoneCall.objects.filter(
            organization=organization, started_at__gte=start, started_at__lt=end
        )
        .select_related("request")
        .order_by("started_at", "id")
    )
    lines = []
    for call in calls:
        on = timezone.localtime(call.started_at).date()
        rate = phone_billing.vat_rate_on(on)
        vat = phone_billing.vat_included_cents(call.cost_cents, rate)
        lines.append(
            {
                "call": call,
                "date": on,
                "charge": phone_billing.CallCharge(
                    on,
                    call.duration_seconds,
                    call.minutes,
                    call.cents_per_minute,
                    call.cost_cents,
                    rate,
                    vat,
                ),
            }
        )
    summary = phone_billing.statement(line["charge"] for line in lines)
    return {
        "organization": organization,
        "year": year,
        "month": month,
        "lines": lines,
        "statement": summary,
    }


# -- dashboard ---------------------------------------------------------------------


def dashboard(actor: Actor, *, weeks: int = 12, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    requests = requests_for(actor)
    today = timezone.localtime(now).date()
    monday = today - dt.timedelta(days=today.weekday())
    starts = [monday - dt.timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    first = dt.datetime.combine(starts[0], dt.time(0), tzinfo=timezone.get_default_timezone())
    opened = Counter()
    closed = Counter()
    for created, closed_at, resolved_at in requests.filter(
        Q(created_at__gte=first) | Q(closed_at__gte=first) | Q(resolved_at__gte=first)
    ).values_list("created_at", "closed_at", "resolved_at"):
        if created and created >= first:
            opened[_week_of(created)] += 1
        done = closed_at or resolved_at
        if done and done >= first:
            closed[_week_of(done)] += 1
    per_week = [
        {"week": start, "opened": opened[start], "closed": closed[start]} for start in starts
    ]
    responses = [
        sh.support_hours_between(created, responded).total_seconds() / 3600
        for created, responded in requests.filter(first_response_at__isnull=False).values_list(
            "created_at", "first_response_at"
        )
    ]
    ratings = Counter(
        requests.filter(rating__isnull=False).values_list("rating", flat=True).iterator()
    )
    rated = sum(ratings.values())
    return {
        "per_week": per_week,
        "week_max": max([1] + [max(w["opened"], w["closed"]) for w in per_week]),
        "median_first_response_hours": statistics.median(responses) if responses else None,
        "overdue_now": requests.filter(overdue_q(now)).count(),
        "open_now": requests.filter(status__in=OPEN_STATUSES).count(),
        "top_categories": [
            {**row, "label": Category(row["category"]).label}
            for row in requests.values("category")
            .annotate(n=Count("id"))
            .order_by("-n", "category")[:5]
        ],
        "top_organizations": list(
            requests.values("organization__name")
            .annotate(n=Count("id"))
            .order_by("-n", "organization__name")[:5]
        ),
        "ratings": [{"score": score, "n": ratings[score]} for score in range(1, 6)],
        "ratings_max": max([1, *ratings.values()]),
        "rating_average": (sum(s * n for s, n in ratings.items()) / rated) if rated else None,
        "rated": rated,
        "closed_status": Status.CLOSED,
    }


def _week_of(moment: dt.datetime) -> dt.date:
    day = timezone.localtime(moment).date()
    return day - dt.timedelta(days=day.weekday())


def prefetch_public_replies():
    return Prefetch("replies", queryset=Reply.objects.filter(is_internal=False))


# -- specialists' tools --------------------------------------------------------------


def canned_replies_for(actor: Actor, *, active_only: bool = True) -> QuerySet[CannedReply]:
    vendor_ids = {
        m.organization_id
        for m in actor.staff_memberships
        if actor.can("support.handle", m.organization)
    }
    rows = CannedReply.objects.filter(organization_id__in=vendor_ids)
    return rows.filter(is_active=True) if active_only else rows


def get_canned_reply(actor: Actor, pk) -> CannedReply:
    try:
        return canned_replies_for(actor, active_only=False).get(pk=pk)
    except (CannedReply.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def saved_views_for(actor: Actor) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user=actor.user)


def get_saved_view(actor: Actor, pk) -> SavedView:
    try:
        return saved_views_for(actor).get(pk=pk)
    except (SavedView.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def satisfaction_by_month(actor: Actor, *, months: int = 12, now=None) -> list[dict]:
    """Per month of rating (Europe/Helsinki), newest first: how many were rated, the average,
    the count of each score and the share of 4-5 ("satisfied"). One aggregate query."""
    from django.db.models import Avg
    from django.db.models.functions import TruncMonth

    now = now or timezone.now()
    local = timezone.localtime(now)
    year, month = local.year, local.month - (months - 1)
    while month < 1:
        month, year = month + 12, year - 1
    first = dt.datetime(year, month, 1, tzinfo=timezone.get_default_timezone())
    rows = (
        requests_for(actor)
        .filter(rating__isnull=False, rated_at__gte=first)
        .annotate(month=TruncMonth("rated_at", tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(
            rated=Count("id"),
            average=Avg("rating"),
            **{f"n{score}": Count("id", filter=Q(rating=score)) for score in range(1, 6)},
        )
        .order_by("-month")
    )
    result = []
    for row in rows:
        month_value = row["month"]
        if isinstance(month_value, dt.datetime):
            month_value = (
                timezone.localtime(month_value).date()
                if timezone.is_aware(month_value)
                else month_value.date()
            )
        satisfied = row["n4"] + row["n5"]
        result.append(
            {
                "month": month_value,
                "rated": row["rated"],
                "average": round(float(row["average"]), 2),
                "scores": [row[f"n{score}"] for score in range(1, 6)],
                "satisfied_percent": round(100 * satisfied / row["rated"]),
            }
        )
    return result
