"""Helpdesk depth: notifications of requests, canned replies, merging, watchers and copies,
the SLA clock paused while waiting, saved views, the monthly satisfaction summary; pages, API
and the tenant wall."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tase.core.models import AuditEvent, Notification
from tase.core.roles import Role
from tase.rules import support_hours as sh
from tase.support import selectors, services
from tase.support.models import CannedReply, Reply, SavedView, ServiceRequest, Status

from .factories import TZ, customer, make_request, specialist
from .test_api import api

pytestmark = pytest.mark.django_db


# -- notifications --------------------------------------------------------------------


def test_filing_acknowledges_the_customer_and_alerts_staff(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = make_request(world)
    requester = world.users[Role.MAIN_USER]
    to = {tuple(m.to): m for m in mail.outbox}
    ack = to[(requester.email,)]
    assert f"[#{item.number}]" in ack.subject and "support+" in ack.reply_to[0]
    assert f"/support/requests/{item.pk}/" in ack.body
    staff = world.users[Role.SUPPORT_SPECIALIST]
    assert (staff.email,) in to
    assert Notification.objects.filter(user=staff, kind="support.new_request").exists()
    assert Notification.objects.filter(user=requester, kind="support.request_filed").exists()


def test_customer_answer_alerts_the_assignee_only(world, django_capture_on_commit_callbacks):
    item = make_request(world)
    staff = world.users[Role.SUPPORT_SPECIALIST]
    services.assign(specialist(world), [item], staff)
    Notification.objects.all().delete()
    services.add_reply(customer(world), item, body="Tässä lisätiedot.")
    alerts = Notification.objects.filter(kind="support.customer_reply")
    assert [n.user for n in alerts] == [staff]


def test_staff_may_turn_off_new_request_email(world, django_capture_on_commit_callbacks):
    from tase.core import notifications

    staff = world.users[Role.SUPPORT_SPECIALIST]
    notifications.set_preferences(staff, {"support.new_request": (True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        make_request(world)
    assert staff.email not in [address for m in mail.outbox for address in m.to]
    assert Notification.objects.filter(user=staff, kind="support.new_request").exists()


def test_training_quote_notifies_the_customer(world, django_capture_on_commit_callbacks):
    order = services.order_training(
        customer(world), world.org, reason="new_employees", topics="Palkat", participants=3, hours=4
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_training(specialist(world), order, price_cents=48000)
    main = world.users[Role.MAIN_USER]
    assert Notification.objects.filter(user=main, kind="support.training_quoted").exists()
    assert any(main.email in m.to and "480,00" in m.subject for m in mail.outbox)


# -- SLA pause -----------------------------------------------------------------------


def test_waiting_for_the_customer_stops_the_clock(world):
    created = dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)  # Tuesday
    item = make_request(world, now=created)
    due_before = item.resolution_due
    services.add_reply(specialist(world), item, body="Kerro lisää.", now=created)
    services.change_status(specialist(world), item, Status.WAITING, now=created)
    item.refresh_from_db()
    assert item.waiting_since == created
    assert selectors.target_state(item)["paused"] is True
    assert not ServiceRequest.objects.filter(
        selectors.overdue_q(created + dt.timedelta(days=30))
    ).exists()
    back = dt.datetime(2026, 12, 3, 9, 0, tzinfo=TZ)  # two support days later
    services.add_reply(customer(world), item, body="Tässä.", now=back)
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS and item.waiting_since is None
    assert sh.support_hours_between(due_before, item.resolution_due) == dt.timedelta(hours=16)
    assert item.paused_seconds == 16 * 3600


def test_resume_target_keeps_a_missed_target():
    paused = dt.datetime(2026, 12, 2, 10, tzinfo=sh.TZ)
    due = paused - dt.timedelta(hours=1)
    assert sh.resume_target(due, paused, paused + dt.timedelta(days=1)) == due


# -- canned replies ------------------------------------------------------------------


def test_canned_reply_is_filled_from_the_request(world):
    item = make_request(world)
    canned = services.save_canned_reply(
        specialist(world), title="Kiitos", body="Hei {requester}, pyyntö #{number}: {subject}. {x}"
    )
    text = services.fill_canned(canned, item)
    assert text.startswith(f"Hei {item.requester.get_short_name()}, pyyntö #{item.number}")
    assert text.endswith("{x}")


def test_customer_cannot_make_canned_replies(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_canned_reply(customer(world), title="x", body="y")
    with pytest.raises(ValidationError) as error:
        services.save_canned_reply(specialist(world), title="", body="y")
    assert "title" in error.value.message_dict
    assert not CannedReply.objects.exists()


def test_canned_pages_and_insert(world):
    client = world.client(Role.SUPPORT_SPECIALIST)
    response = client.post(
        reverse("support:canned_create"),
        {"title": "Tervehdys", "body": "Hei {requester}!", "is_active": "on"},
    )
    assert response.status_code == 302
    canned = CannedReply.objects.get()
    item = make_request(world)
    page = client.get(reverse("support:request_detail", args=[item.pk]) + f"?canned={canned.pk}")
    assert f"Hei {item.requester.get_short_name()}!" in page.content.decode()
    assert world.client(Role.MAIN_USER).get(reverse("support:canned_list")).status_code == 404


# -- merging -------------------------------------------------------------------------


def test_merge_closes_the_duplicate_and_moves_its_people(world):
    first = make_request(world, subject="Alv")
    duplicate = make_request(world, subject="Alv taas")
    services.set_watching(specialist(world), duplicate, user=world.users[Role.ACCOUNTANT])
    services.merge_requests(specialist(world), duplicate, first)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.merged_into == first
    assert set(first.watchers.all()) == {world.users[Role.ACCOUNTANT]}
    assert Reply.objects.filter(request=first, is_internal=True).exists()
    assert Reply.objects.filter(request=duplicate, is_internal=False).exists()


def test_merge_across_organizations_is_refused(world):
    mine = make_request(world)
    theirs = make_request(world, other=True)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.merge_requests(specialist(world), mine, theirs)
    with pytest.raises(ValidationError):
        services.merge_requests(specialist(world), mine, mine)
    mine.refresh_from_db()
    assert mine.status == Status.NEW and AuditEvent.objects.count() == events


def test_merge_page_needs_confirmation(world):
    first, duplicate = make_request(world), make_request(world)
    client = world.client(Role.SUPPORT_SPECIALIST)
    url = reverse("support:request_merge", args=[duplicate.pk])
    client.post(url, {"into": first.number})
    duplicate.refresh_from_db()
    assert duplicate.status == Status.NEW
    response = client.post(url, {"into": first.number, "confirm": "on"})
    assert response["Location"] == reverse("support:request_detail", args=[first.pk])
    duplicate.refresh_from_db()
    assert duplicate.merged_into == first


# -- watchers and copies -------------------------------------------------------------


def test_watchers_and_copies_get_public_replies_only(world, django_capture_on_commit_callbacks):
    item = make_request(world)
    accountant = world.users[Role.ACCOUNTANT]
    services.set_watching(customer(world, Role.ACCOUNTANT), item)
    services.set_cc(customer(world), item, "kirjanpito@aurinko.example, TJ@aurinko.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_reply(specialist(world), item, body="SALAINEN", internal=True)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.add_reply(specialist(world), item, body="Julkinen vastaus")
    recipients = {address for m in mail.outbox for address in m.to}
    assert {accountant.email, "kirjanpito@aurinko.example", "tj@aurinko.example"} <= recipients
    assert all("SALAINEN" not in m.body for m in mail.outbox)


def test_bad_copy_address_is_named(world):
    item = make_request(world)
    with pytest.raises(ValidationError) as error:
        services.set_cc(customer(world), item, "ok@example.fi, ei-osoite")
    assert "ei-osoite" in str(error.value)
    item.refresh_from_db()
    assert item.cc == ""


def test_only_staff_add_others_as_watchers(world):
    from django.core.exceptions import PermissionDenied

    item = make_request(world)
    with pytest.raises(PermissionDenied):
        services.set_watching(customer(world), item, user=world.users[Role.ACCOUNTANT])
    with pytest.raises(ValidationError):  # a user of another organization
        services.set_watching(specialist(world), item, user=world.other_users[Role.MAIN_USER])
    assert not item.watchers.exists()


# -- saved views and filters ---------------------------------------------------------


def test_saved_view_page_roundtrip(world):
    make_request(world, subject="Palkka-ajo", category="payroll")
    make_request(world, subject="Alv")
    client = world.client(Role.SUPPORT_SPECIALIST)
    response = client.post(
        reverse("support:view_save"), {"name": "Palkat", "category": "payroll", "status": "open"}
    )
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert view.filters == {"category": "payroll", "status": "open"}
    page = client.get(reverse("support:queue") + "?category=payroll&status=open").content.decode()
    assert "Palkka-ajo" in page and ">Alv<" not in page
    assert "Palkat" in client.get(reverse("support:queue")).content.decode()
    other = world.client(Role.ADMIN)
    assert other.post(reverse("support:view_delete", args=[view.pk])).status_code == 404
    client.post(reverse("support:view_delete", args=[view.pk]))
    assert not SavedView.objects.exists()


def test_queue_search_by_number_and_text(world):
    a = make_request(world, subject="Verokortti puuttuu")
    make_request(world, subject="Tilikartta")
    actor = specialist(world)
    assert list(selectors.queue(actor, q=f"#{a.number}")) == [a]
    assert list(selectors.queue(actor, q="verokortti")) == [a]


# -- satisfaction --------------------------------------------------------------------


def test_satisfaction_summary_per_month(world, django_assert_max_num_queries):
    for score in (5, 4, 2):
        item = make_request(world)
        services.change_status(specialist(world), item, Status.RESOLVED)
        services.rate(customer(world), item, rating=score)
    with django_assert_max_num_queries(4):
        months = selectors.satisfaction_by_month(specialist(world))
    assert len(months) == 1
    month = months[0]
    assert month["rated"] == 3 and month["scores"] == [0, 1, 0, 1, 1]
    assert month["average"] == pytest.approx(3.67) and month["satisfied_percent"] == 67
    assert month["month"] == timezone.localdate().replace(day=1)
    page = world.client(Role.SUPPORT_SPECIALIST).get(reverse("support:satisfaction"))
    assert "67 %" in page.content.decode()
    assert world.client(Role.MAIN_USER).get(reverse("support:satisfaction")).status_code == 404


# -- API and the wall ----------------------------------------------------------------


def test_api_operations(world):
    staff = api(world.users[Role.SUPPORT_SPECIALIST])
    created = staff.post(
        "/api/v1/support/canned-replies",
        {"title": "Kiitos", "body": "Kiitos, {requester}!"},
        content_type="application/json",
    )
    assert created.status_code == 201
    first, duplicate = make_request(world), make_request(world)
    filled = staff.get(f"/api/v1/support/requests/{first.pk}/canned/{created.json()['id']}").json()
    assert filled["body"].startswith("Kiitos, ")
    watchers = staff.post(
        f"/api/v1/support/requests/{first.pk}/watchers",
        {"watch": True},
        content_type="application/json",
    )
    assert watchers.json()["watchers"] == [world.users[Role.SUPPORT_SPECIALIST].pk]
    cc = staff.put(
        f"/api/v1/support/requests/{first.pk}/cc",
        {"cc": ["a@example.fi"]},
        content_type="application/json",
    )
    assert cc.json()["cc"] == ["a@example.fi"]
    merged = staff.post(
        f"/api/v1/support/requests/{duplicate.pk}/merge",
        {"into_id": first.pk},
        content_type="application/json",
    )
    assert merged.status_code == 200 and merged.json()["id"] == first.pk
    view = staff.post(
        "/api/v1/support/saved-views",
        {"name": "Kiireelliset", "filters": {"urgency": "critical", "bogus": "x"}},
        content_type="application/json",
    )
    assert view.status_code == 201 and view.json()["filters"] == {"urgency": "critical"}
    assert staff.delete(f"/api/v1/support/saved-views/{view.json()['id']}").status_code == 204
    assert staff.get("/api/v1/support/satisfaction").status_code == 200
    address = staff.get(f"/api/v1/support/organizations/{world.org.pk}/inbound-address").json()
    assert address["address"].startswith("support+")


def test_api_tenant_walls(world):
    mine = make_request(world)
    theirs = make_request(world, other=True)
    other = api(world.other_users[Role.MAIN_USER])
    assert (
        other.post(
            f"/api/v1/support/requests/{mine.pk}/watchers", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        other.put(
            f"/api/v1/support/requests/{mine.pk}/cc", {"cc": []}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        other.get(f"/api/v1/support/organizations/{world.org.pk}/inbound-address").status_code
        == 404
    )
    staff = api(world.users[Role.SUPPORT_SPECIALIST])
    assert (
        staff.post(
            f"/api/v1/support/requests/{mine.pk}/merge",
            {"into_id": theirs.pk},
            content_type="application/json",
        ).status_code
        == 422
    )
    page = world.client(Role.MAIN_USER, other=True)
    for name in ("request_watch", "request_cc", "request_merge"):
        assert page.post(reverse(f"support:{name}", args=[mine.pk])).status_code == 404
    assert not mine.watchers.exists()


# Page writes of these tools and the API operation doing the same.
PAGE_WRITES = {
    "support:canned_create": ("post", "/api/v1/support/canned-replies"),
    "support:canned_edit": ("put", "/api/v1/support/canned-replies/{canned_id}"),
    "support:request_merge": ("post", "/api/v1/support/requests/{request_id}/merge"),
    "support:request_watch": ("post", "/api/v1/support/requests/{request_id}/watchers"),
    "support:request_cc": ("put", "/api/v1/support/requests/{request_id}/cc"),
    "support:view_save": ("post", "/api/v1/support/saved-views"),
    "support:view_delete": ("delete", "/api/v1/support/saved-views/{view_id}"),
    "notification_settings": ("put", "/api/v1/notifications/preferences"),
    "notification_open": ("post", "/api/v1/notifications/{pk}/read"),
    "notification_read_all": ("post", "/api/v1/notifications/read"),
}


def test_every_page_write_has_an_api_operation():
    from tase.api import api as ninja_api

    paths = ninja_api.get_openapi_schema()["paths"]
    for name, (method, path) in PAGE_WRITES.items():
        reverse(name, args=[1] if "{" in path else [])  # the page exists
        assert method in paths[path], (name, method, path)


def test_request_page_queries_do_not_grow_with_watchers_and_canned(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    item = make_request(world)
    client = world.client(Role.SUPPORT_SPECIALIST)
    url = reverse("support:request_detail", args=[item.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for role in (Role.ACCOUNTANT, Role.PAYROLL_CLERK, Role.VIEWER):
        services.set_watching(specialist(world), item, user=world.users[role])
    for n in range(3):
        services.save_canned_reply(specialist(world), title=f"V{n}", body="x")
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) <= len(before) + 1  # the canned list's first appearance at most
