"""Start panel, dashboard, demo data and the menus."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tase.core.demo import DemoContext, load_platform
from tase.core.roles import Role
from tase.support import demo, selectors, services
from tase.support.models import Announcement, Guide, PhoneCall, ServiceRequest, Status
from tase.support.panels import support_contacts

from .factories import TZ, make_guide, make_request, phone_price, specialist

pytestmark = pytest.mark.django_db


def test_start_panel_for_customer_users(world):
    phone_price(world, 30)
    make_request(world, subject="Avoin pyyntö")
    make_guide(world, title="Ohje A")
    services.create_announcement(
        specialist(world), title="Uutinen", body="x", kind="info", audience="everyone"
    )
    html = world.client(Role.ACCOUNTANT).get("/").content.decode()
    assert 'data-testid="support-panel"' in html
    assert "Avoin pyyntö" in html and "Ohje A" in html and "Uutinen" in html
    assert "0600 17250" in html and "0,30" in html
    # a staff member's start page has no customer panel
    assert (
        'data-testid="support-panel"'
        not in world.client(Role.SUPPORT_SPECIALIST).get("/").content.decode()
    )


def test_contacts_open_now_or_next_opening(world):
    phone_price(world, 30)
    saturday = dt.datetime(2026, 11, 28, 12, 0, tzinfo=TZ)
    contacts = support_contacts(world.vendor, now=saturday)
    assert contacts["open_now"] is False
    assert contacts["next_opening"] == dt.datetime(2026, 11, 30, 8, 0, tzinfo=TZ)
    monday = dt.datetime(2026, 11, 30, 9, 0, tzinfo=TZ)
    assert support_contacts(world.vendor, now=monday)["open_now"] is True
    with time_machine.travel(saturday):
        assert world.client(Role.MAIN_USER).get("/").status_code == 200


def test_dashboard_numbers_and_charts(world):
    now = timezone.now()
    old = make_request(world, now=now - dt.timedelta(days=20), urgency="critical")
    done = make_request(world, other=True)
    services.add_reply(specialist(world), done, body="ok")
    services.change_status(specialist(world), done, Status.RESOLVED)
    services.rate(selectors_actor(world), done, rating=5)
    data = selectors.dashboard(specialist(world))
    assert data["overdue_now"] == 1
    assert data["rated"] == 1 and data["rating_average"] == 5
    assert sum(w["opened"] for w in data["per_week"]) >= 1
    html = world.client(Role.SUPPORT_SPECIALIST).get(reverse("support:dashboard")).content.decode()
    assert "<svg" in html and 'data-testid="chart-weeks"' in html
    assert world.client(Role.MAIN_USER).get(reverse("support:dashboard")).status_code == 404
    assert old.pk


def selectors_actor(world):
    from .factories import customer

    return customer(world, other=True)


def test_demo_loader_is_idempotent_and_covers_everything(db):
    from tase.delivery.demo import load_demo as load_delivery
    from tase.delivery.models import Contract

    ctx = DemoContext()
    load_platform(ctx)
    load_delivery(ctx)  # the customers' contracts and go-live, which support's story follows
    demo.load(ctx)
    demo.load(ctx)
    assert set(Announcement.objects.values_list("kind", flat=True)) == {
        "info",
        "service_break",
        "release",
        "legal",
    }
    assert set(Guide.objects.values_list("language", flat=True)) == {"fi", "en"}
    assert set(ServiceRequest.objects.values_list("status", flat=True)) == set(Status.values)
    signed = min(Contract.objects.values_list("signed_on", flat=True))
    dates = {timezone.localtime(c.started_at).date() for c in PhoneCall.objects.all()}
    assert signed < min(dates) and max(dates) < timezone.localdate()  # after the contract
    assert ServiceRequest.objects.count() == 10


def test_menus(world):
    customer_html = world.client(Role.MAIN_USER).get("/").content.decode()
    assert reverse("support:request_list") in customer_html
    staff_html = world.client(Role.SUPPORT_SPECIALIST).get("/").content.decode()
    assert reverse("support:queue") in staff_html and reverse("support:dashboard") in staff_html
