"""With a cache shared by the app processes (Redis, settings TASE_SHARED_CACHE), a page's shell
reads the session, the unread count and the service-break check from it, and a change is seen
by the next page once it commits. Runs against the machine's Redis (REDIS_URL, else
127.0.0.1:6379/15) under a key prefix of its own, so runs side by side never meet."""

import datetime as dt
import os
import subprocess
import sys
import uuid

import pytest
import redis
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tase.core import notifications
from tase.core.access import Actor
from tase.core.models import Notification
from tase.core.roles import Role
from tase.support import panels, selectors
from tase.support import services as support

from ..factories import CompanyFactory
from ..support.factories import category, specialist

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def shared(settings):
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.TASE_SHARED_CACHE = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)


@pytest.fixture
def kind():
    notifications.register_kind(notifications.Kind("test.cached", "Ping", audience="all"))
    yield "test.cached"
    notifications.KINDS.pop("test.cached", None)


def _queries(call):
    with CaptureQueriesContext(connection) as queries:
        value = call()
    return value, len(queries)


def test_the_unread_count_is_kept_until_a_notification_is_written_or_read(
    shared, world, kind, django_capture_on_commit_callbacks
):
    user = world.users[Role.MAIN_USER]
    assert _queries(lambda: notifications.unread_count(user)) == (0, 1)
    assert _queries(lambda: notifications.unread_count(user)) == (0, 0)  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([user], kind, title="Hei")
    assert _queries(lambda: notifications.unread_count(user)) == (1, 1)
    # A row written behind the services' back is not seen until the cache forgets: proof
    # that the count above came from the cache and not from the database.
    Notification.objects.create(user=user, kind=kind, title="Ohi", in_app=True)
    assert notifications.unread_count(user) == 1
    with django_capture_on_commit_callbacks(execute=True):
        notifications.mark_read(user)
    assert notifications.unread_count(user) == 0


def test_without_a_shared_cache_the_count_is_read_every_time(world, kind, settings):
    settings.TASE_SHARED_CACHE = False
    user = world.users[Role.MAIN_USER]
    assert _queries(lambda: notifications.unread_count(user)) == (0, 1)
    assert _queries(lambda: notifications.unread_count(user)) == (0, 1)


class _Request:
    def __init__(self, user):
        self.user = user


def test_the_service_break_banner_is_read_from_the_shared_cache(
    shared, world, django_capture_on_commit_callbacks
):
    user = world.users[Role.MAIN_USER]
    Actor.of(user)  # the memberships, loaded once a request by every page
    assert _queries(lambda: panels.banners(_Request(user))) == ([], 1)  # every vendor's breaks
    assert _queries(lambda: panels.banners(_Request(user))) == ([], 0)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        support.create_announcement(
            specialist(world),
            title="Huoltokatko",
            body="Tase ei ole käytössä",
            kind="service_break",
            audience="everyone",
            publish_at=now - dt.timedelta(minutes=1),
            expire_at=now + dt.timedelta(hours=1),
        )
    banners, queries = _queries(lambda: panels.banners(_Request(user)))
    assert [(b["kind"], b["text"].split(": ")[-1]) for b in banners] == [
        ("service_break", "Huoltokatko")
    ]
    assert queries == 2  # the breaks again, then the user's own
    assert _queries(lambda: panels.banners(_Request(user)))[1] == 0
    later = now + dt.timedelta(hours=2)
    assert selectors.service_breaks_shown(Actor.of(user), later) == []
    # Another organization's user is not in the audience of this vendor's break.
    other = world.other_users[Role.MAIN_USER]
    assert selectors.service_breaks_shown(Actor.of(other)) == (
        ["Huoltokatko"] if world.other_org.vendor_id == world.org.vendor_id else []
    )


def test_a_signed_in_page_reads_its_session_from_the_shared_cache(shared, world):
    client = world.client(Role.MAIN_USER)
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/notifications/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"]]


def test_redis_url_makes_the_cache_shared_and_the_sessions_cached():
    code = (
        "from django.conf import settings as s; "
        "print(s.TASE_SHARED_CACHE, s.SESSION_ENGINE, s.CACHES['default']['BACKEND'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tase.settings", "REDIS_URL": REDIS_URL}
    shown = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == [
        "True",
        "django.contrib.sessions.backends.cached_db",
        "django.core.cache.backends.redis.RedisCache",
    ]
    env.pop("REDIS_URL")
    shown = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown[:2] == ["False", "django.contrib.sessions.backends.db"]


def test_the_vendors_phone_prices_are_kept_until_one_is_written(
    shared, world, django_capture_on_commit_callbacks
):
    vendor_id = world.org.vendor_id
    first, queries = _queries(lambda: selectors.phone_prices(vendor_id))
    assert queries == 1
    assert _queries(lambda: selectors.phone_prices(vendor_id)) == (first, 0)
    with django_capture_on_commit_callbacks(execute=True):
        support.set_phone_price(
            specialist(world), effective_from=dt.date(2026, 1, 1), cents_per_minute=199
        )
    assert (dt.date(2026, 1, 1), 199) in selectors.phone_prices(vendor_id)


@pytest.mark.parametrize("shared_cache, sweeps", [(True, 1), (False, 2)])
def test_the_lazy_close_of_resolved_requests_runs_once_a_minute_with_a_shared_cache(
    request, world, settings, monkeypatch, shared_cache, sweeps
):
    """With Redis, once a minute across the processes; without it, on every read as before."""
    from tase.support.services import requests

    if shared_cache:
        request.getfixturevalue("shared")
    else:
        settings.TASE_SHARED_CACHE = False
    calls = []
    real = requests.close_expired
    monkeypatch.setattr(requests, "close_expired", lambda: calls.append(1) or real())
    support.close_expired_lazily()
    support.close_expired_lazily()
    assert len(calls) == sweeps


def _fresh_actor(user):
    """The actor of ``user``'s next request (a new user object, as each request loads one)."""
    return Actor.of(type(user).objects.get(pk=user.pk))


def test_the_memberships_are_kept_and_forgotten_when_a_right_changes(
    shared, world, django_capture_on_commit_callbacks
):
    """Every page starts from the user's memberships: read once, then from the shared cache
    until a membership, its company limits or its organization changes."""
    from tase.core import services as core

    admin = Actor.of(world.users[Role.MAIN_USER])
    user = world.users[Role.ACCOUNTANT]
    first, reads = _queries(lambda: _fresh_actor(user).memberships)
    assert [m.organization for m in first] == [world.org] and reads == 3  # user, rows, limits
    again, reads = _queries(lambda: _fresh_actor(user).memberships)
    assert [m.pk for m in again] == [m.pk for m in first] and reads == 1  # the user only
    assert _fresh_actor(user).companies().count() == 1

    second = CompanyFactory(organization=world.org, name="Gamma Oy")
    assert _fresh_actor(user).companies().count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        core.change_membership(admin, first[0], role=Role.ACCOUNTANT, companies=[second])
    assert list(_fresh_actor(user).companies()) == [second]

    with django_capture_on_commit_callbacks(execute=True):
        core.set_membership_active(admin, first[0], False)
    actor = _fresh_actor(user)
    assert actor.memberships == [] and not actor.companies().exists()


def test_an_organization_switched_off_takes_its_users_rights_at_once(
    shared, world, django_capture_on_commit_callbacks
):
    user = world.users[Role.ACCOUNTANT]
    assert _fresh_actor(user).memberships
    # Behind the signals' back the kept rows stay: proof that they came from the cache.
    type(world.org).objects.filter(pk=world.org.pk).update(name="Renamed behind its back")
    assert _fresh_actor(user).memberships[0].organization.name == "Asiakas A"
    world.org.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        world.org.save()
    assert _fresh_actor(user).memberships == []
    with pytest.raises(Http404):
        _fresh_actor(user).company(world.company.pk)


def test_a_company_limit_set_from_the_companys_side_is_seen(
    shared, world, django_capture_on_commit_callbacks
):
    user = world.users[Role.ACCOUNTANT]
    membership = _fresh_actor(user).memberships[0]
    second = CompanyFactory(organization=world.org, name="Gamma Oy")
    assert _fresh_actor(user).companies().count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        second.limited_memberships.add(membership)
    assert list(_fresh_actor(user).companies()) == [second]
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert list(_fresh_actor(user).companies()) == [world.company]


def test_the_support_cards_announcements_and_guides_are_kept_until_one_changes_or_is_read(
    shared, world, django_capture_on_commit_callbacks
):
    """The start page's support card keeps its unread announcements per user and its guides
    per reach in the shared cache: a new announcement, a read one and a saved guide are each
    seen by the next read, and another user's list is their own."""
    user = world.users[Role.ACCOUNTANT]
    actor = _fresh_actor(user)
    assert selectors.newest_unread(actor) == [] and selectors.newest_guides(actor) == []
    assert _queries(lambda: selectors.newest_unread(_fresh_actor(user)))[1] == 1  # the user
    assert _queries(lambda: selectors.newest_guides(_fresh_actor(user)))[1] == 1
    publisher = specialist(world)
    with django_capture_on_commit_callbacks(execute=True):
        news = support.create_announcement(
            publisher,
            title="Uusi versio",
            body="Tase 2.0",
            audience="everyone",
            expire_at=timezone.now() + dt.timedelta(days=2),
        )
        guide = support.save_guide(
            publisher,
            title="Alv-ilmoitus",
            body="Näin",
            language="fi",
            visibility="customers",
            is_published=True,
            category=category(world),
        )
    assert [a.title for a in selectors.newest_unread(_fresh_actor(user))] == ["Uusi versio"]
    assert [g.title for g in selectors.newest_guides(_fresh_actor(user))] == ["Alv-ilmoitus"]
    # Kept: a row written behind the services' back is not seen until the cache forgets.
    type(guide).objects.filter(pk=guide.pk).update(title="Ohi")
    assert [g.title for g in selectors.newest_guides(_fresh_actor(user))] == ["Alv-ilmoitus"]
    with django_capture_on_commit_callbacks(execute=True):
        support.mark_read(_fresh_actor(user), news)
    assert selectors.newest_unread(_fresh_actor(user)) == []
    # The other customer's user has not read it; an expired one leaves the card at once.
    other = world.other_users[Role.ACCOUNTANT]
    assert [a.title for a in selectors.newest_unread(_fresh_actor(other))] == ["Uusi versio"]
    later = timezone.now() + dt.timedelta(days=3)
    assert selectors.newest_unread(_fresh_actor(other), later) == []


def test_the_support_cards_lists_follow_the_users_memberships(
    shared, world, django_capture_on_commit_callbacks
):
    """A user moved to a customer of another vendor never sees the first vendor's
    announcements on the card, even while that vendor's list is kept."""
    from tase.core.models import Membership

    from ..factories import OrganizationFactory, VendorFactory

    user = world.users[Role.ACCOUNTANT]
    with django_capture_on_commit_callbacks(execute=True):
        support.create_announcement(
            specialist(world), title="Vain meidän", body="-", audience="everyone"
        )
    assert [a.title for a in selectors.newest_unread(_fresh_actor(user))] == ["Vain meidän"]
    elsewhere = OrganizationFactory(name="Muu asiakas", vendor=VendorFactory(name="Muu toimittaja"))
    with django_capture_on_commit_callbacks(execute=True):
        membership = Membership.objects.get(user=user, organization=world.org)
        membership.is_active = False
        membership.save()
        Membership.objects.create(user=user, organization=elsewhere, role=Role.ACCOUNTANT)
    assert selectors.newest_unread(_fresh_actor(user)) == []


def test_the_delivery_card_is_kept_until_a_project_or_phase_changes(
    shared, world, django_capture_on_commit_callbacks
):
    """The start page's delivery card keeps the running projects and their phases per user:
    a phase's progress and a new project are seen by the next view, a row changed behind the
    services' back is not (proof that the card was kept)."""
    from tase.delivery import panels as delivery_panels
    from tase.delivery import services as delivery

    from ..delivery.factories import KICKOFF, project

    def card(role):
        return delivery_panels.start_panel(_Request(_fresh_actor(world.users[role]).user))

    with django_capture_on_commit_callbacks(execute=True):
        first = project(world)
    assert [row["project"].name for row in card(Role.MAIN_USER)["projects"]] == [first.name]
    assert _queries(lambda: card(Role.MAIN_USER))[1] == 1  # the user only
    type(first).objects.filter(pk=first.pk).update(name="Ohi")
    assert [row["project"].name for row in card(Role.MAIN_USER)["projects"]] == [first.name]
    phase = first.phases.order_by("kind").first()
    with django_capture_on_commit_callbacks(execute=True):
        delivery.record_phase_progress(
            world.actor(Role.PROJECT_LEAD), phase, actual_start=KICKOFF, actual_end=KICKOFF
        )
    rows = card(Role.MAIN_USER)["projects"]
    assert rows[0]["project"].name == "Ohi" and rows[0]["phase"].kind != phase.kind
    # Another customer's main user has no project, kept or not.
    other = delivery_panels.start_panel(_Request(world.other_users[Role.MAIN_USER]))
    assert other["projects"] == [] and other["total"] == 0
