"""Announcements: audience, publish/expire window, read marks, service-break banner."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tase.core.roles import Role
from tase.support import selectors, services
from tase.support.models import Announcement

from .factories import customer, specialist

pytestmark = pytest.mark.django_db


def announce(world, **fields):
    data = {"title": "Tiedote", "body": "Teksti", "kind": "info", "audience": "everyone"} | fields
    return services.create_announcement(specialist(world), **data)


def test_expiring_before_publishing_is_refused(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        announce(world, publish_at=now, expire_at=now - dt.timedelta(minutes=1))
    assert "expire_at" in error.value.message_dict
    assert not Announcement.objects.exists()


def test_refused_through_the_form_keeps_the_text(world):
    client = world.client(Role.SUPPORT_SPECIALIST)
    response = client.post(
        reverse("support:announcement_create"),
        {
            "title": "Huoltokatko",
            "body": "Palvelu on poissa käytöstä.",
            "kind": "service_break",
            "audience": "everyone",
            "publish_at": "2026-12-01T10:00",
            "expire_at": "2026-12-01T09:00",
        },
    )
    assert response.status_code == 400
    assert "Palvelu on poissa käytöstä." in response.content.decode()


def test_customers_cannot_publish(world):
    with pytest.raises(PermissionDenied):
        services.create_announcement(
            customer(world), title="x", body="y", kind="info", audience="everyone"
        )
    assert (
        world.client(Role.MAIN_USER).get(reverse("support:announcement_create")).status_code == 404
    )


def test_audience_everyone_module_and_chosen_organizations(world):
    everyone = announce(world, title="Kaikille")
    payroll = announce(world, title="Palkat", audience="module", module="payroll")
    only_b = announce(
        world, title="Vain B", audience="organizations", organizations=[world.other_org]
    )
    main_a = selectors.announcements_for(customer(world))
    assert set(main_a) == {everyone, payroll}  # the main user uses payroll
    accountant_a = selectors.announcements_for(customer(world, Role.ACCOUNTANT))
    assert set(accountant_a) == {everyone}  # the accountant does not
    main_b = selectors.announcements_for(customer(world, other=True))
    assert set(main_b) == {everyone, payroll, only_b}
    assert selectors.announcements_for(None).count() == 0


def test_module_audience_needs_a_module(world):
    with pytest.raises(ValidationError) as error:
        announce(world, audience="module", module="")
    assert "module" in error.value.message_dict


def test_only_current_announcements_reach_customers(world):
    now = timezone.now()
    past = announce(
        world,
        title="Vanha",
        publish_at=now - dt.timedelta(days=2),
        expire_at=now - dt.timedelta(days=1),
    )
    future = announce(world, title="Tuleva", publish_at=now + dt.timedelta(days=1))
    current = announce(world, title="Nyt")
    assert list(selectors.announcements_for(customer(world))) == [current]
    page = world.client(Role.MAIN_USER)
    assert page.get(reverse("support:announcement_detail", args=[future.pk])).status_code == 404
    assert page.get(reverse("support:announcement_detail", args=[past.pk])).status_code == 404


def test_read_marks_per_user(world):
    item = announce(world)
    reader = customer(world)
    assert list(selectors.unread_announcements(reader)) == [item]
    response = world.client(Role.MAIN_USER).get(
        reverse("support:announcement_detail", args=[item.pk])
    )
    assert response.status_code == 200
    assert list(selectors.unread_announcements(reader)) == []
    assert list(selectors.unread_announcements(customer(world, Role.ACCOUNTANT))) == [item]


def test_body_is_sanitized_on_the_page(world):
    item = announce(world, body="Hei <script>alert('x')</script> [x](javascript:alert(1))")
    html = (
        world.client(Role.MAIN_USER)
        .get(reverse("support:announcement_detail", args=[item.pk]))
        .content.decode()
    )
    assert "alert('x')</script>" not in html and "javascript:alert" not in html


def test_service_break_banner_on_every_page_while_it_lasts(world):
    now = timezone.now()
    announce(
        world,
        title="Huoltokatko la 6-8",
        kind="service_break",
        publish_at=now - dt.timedelta(hours=1),
        expire_at=now + dt.timedelta(hours=1),
    )
    announce(
        world,
        title="Mennyt katko",
        kind="service_break",
        publish_at=now - dt.timedelta(days=2),
        expire_at=now - dt.timedelta(days=1),
    )
    client = world.client(Role.ACCOUNTANT)
    for url in ("/", reverse("support:request_list"), reverse("support:guide_list")):
        html = client.get(url).content.decode()
        assert "Huoltokatko la 6-8" in html, url
        assert "Mennyt katko" not in html
        assert "banner-service_break" in html


def test_announcement_list_marks_new(world):
    announce(world, title="Uusi juttu")
    html = world.client(Role.MAIN_USER).get(reverse("support:announcement_list")).content.decode()
    assert "Uusi juttu" in html


def test_announcement_list_query_count(world, django_assert_max_num_queries):
    for n in range(12):
        announce(world, title=f"Tiedote {n}")
    client = world.client(Role.MAIN_USER)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("support:announcement_list")).status_code == 200
