"""Phone support: the call's cost, the monthly statement across the VAT change (page, CSV,
PDF), the tenant wall, and call notes never on the customer's statement."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tase.core.roles import Role
from tase.support import selectors, services

from .factories import TZ, phone_price, specialist

pytestmark = pytest.mark.django_db

NOTE = "SISÄINEN-PUHELUMUISTIO"


def call(world, day, seconds, org=None, **fields):
    return services.log_call(
        specialist(world),
        org or world.org,
        caller="Maija",
        started_at=dt.datetime.combine(day, dt.time(10, 0), tzinfo=TZ),
        duration_seconds=seconds,
        topic="Alv",
        notes=NOTE,
        **fields,
    )


def test_cost_is_started_minutes_times_the_price_on_the_date(world):
    phone_price(world, 30, dt.date(2020, 1, 1))
    phone_price(world, 35, dt.date(2025, 1, 1))
    early = call(world, dt.date(2024, 12, 31), 61)
    late = call(world, dt.date(2025, 1, 1), 61)
    assert (early.minutes, early.cents_per_minute, early.cost_cents) == (2, 30, 60)
    assert (late.minutes, late.cents_per_minute, late.cost_cents) == (2, 35, 70)


def test_call_without_a_price_is_refused(world):
    with pytest.raises(ValidationError) as error:
        call(world, dt.date(2024, 1, 1), 60)
    assert "started_at" in error.value.message_dict


def test_linked_request_must_be_of_the_same_organization(world):
    from .factories import make_request

    phone_price(world)
    other = make_request(world, other=True)
    with pytest.raises(ValidationError):
        call(world, dt.date(2024, 9, 2), 60, request=other)


def test_customer_cannot_log_calls(world):
    from .factories import customer

    phone_price(world)
    with pytest.raises(PermissionDenied):
        services.log_call(
            customer(world),
            world.org,
            caller="x",
            started_at=dt.datetime(2024, 9, 2, tzinfo=TZ),
            duration_seconds=1,
            topic="x",
        )


def _month_across_vat_change(world):
    phone_price(world, 30)
    call(world, dt.date(2024, 8, 30), 601)  # 11 min = 3,30 €, VAT 24 % = 0,64
    call(world, dt.date(2024, 8, 31), 59)  # 1 min = 0,30 €, VAT 24 % = 0,06
    call(world, dt.date(2024, 9, 2), 601)  # 11 min = 3,30 €, VAT 25,5 % = 0,67
    call(world, dt.date(2024, 9, 3), 1, org=world.other_org)  # another customer


def test_statement_per_call_vat_at_the_rate_of_its_date(world):
    _month_across_vat_change(world)
    august = selectors.monthly_statement(world.org, 2024, 8)["statement"]
    assert (august.calls, august.minutes, august.total_cents, august.vat_cents) == (2, 12, 360, 70)
    september = selectors.monthly_statement(world.org, 2024, 9)["statement"]
    assert (september.calls, september.total_cents, september.vat_cents) == (1, 330, 67)


def test_statement_page_csv_and_pdf_for_the_main_user(world):
    _month_across_vat_change(world)
    client = world.client(Role.MAIN_USER)
    args = [world.org.pk, 2024, 8]
    page = client.get(reverse("support:statement", args=args))
    assert page.status_code == 200
    html = page.content.decode()
    assert "3,60" in html and "0,70" in html
    assert NOTE not in html
    csv_text = client.get(reverse("support:statement_csv", args=args)).content.decode()
    assert "3,30" in csv_text and "0,64" in csv_text and "0,70" in csv_text and "24" in csv_text
    assert NOTE not in csv_text
    pdf = client.get(reverse("support:statement_pdf", args=args))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_statement_pdf_has_no_call_notes(world, pdf_texts):
    _month_across_vat_change(world)
    response = world.client(Role.MAIN_USER).get(
        reverse("support:statement_pdf", args=[world.org.pk, 2024, 8])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = " ".join(pdf_texts)
    assert "3,60" in text and "0,70" in text and NOTE not in text


def test_statement_tenant_wall_and_rights(world):
    _month_across_vat_change(world)
    args = [world.org.pk, 2024, 8]
    other = world.client(Role.MAIN_USER, other=True)
    for name in ("statement", "statement_csv", "statement_pdf"):
        assert other.get(reverse(f"support:{name}", args=args)).status_code == 404
    # an accountant of the same organization lacks support.billing
    assert (
        world.client(Role.ACCOUNTANT).get(reverse("support:statement", args=args)).status_code
        == 403
    )
    assert (
        world.client(Role.SUPPORT_SPECIALIST)
        .get(reverse("support:statement", args=args))
        .status_code
        == 200
    )


def test_call_log_page_is_for_staff(world):
    phone_price(world)
    client = world.client(Role.SUPPORT_SPECIALIST)
    response = client.post(
        reverse("support:call_list"),
        {
            "organization": world.org.pk,
            "caller": "Maija",
            "started_at": "2024-09-02T10:00",
            "duration_seconds": 125,
            "topic": "Alv",
        },
    )
    assert response.status_code == 302
    assert world.org.phone_calls.get().minutes == 3
    assert world.client(Role.MAIN_USER).get(reverse("support:call_list")).status_code == 404


def test_vendor_sets_a_new_price(world):
    client = world.client(Role.SUPPORT_SPECIALIST)
    response = client.post(
        reverse("support:phone_prices"), {"effective_from": "2027-01-01", "price": "0.35"}
    )
    assert response.status_code == 302
    assert world.vendor.phone_prices.get().cents_per_minute == 35
