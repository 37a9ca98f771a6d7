"""The support API: same rules as the pages; internal notes hidden from customers; 404 across tenants."""

import pytest
from django.core import mail
from django.test import Client

from tase.core.roles import Role
from tase.core.services import create_api_token
from tase.support import services

from .factories import make_guide, make_request, specialist

pytestmark = pytest.mark.django_db

SECRET = "API-SISÄINEN"


def api(user):
    _, raw = create_api_token(user, "test")
    return Client(headers={"authorization": f"Bearer {raw}"})


def test_customer_creates_and_lists_requests(world):
    client = api(world.users[Role.MAIN_USER])
    response = client.post(
        "/api/v1/support/requests",
        {
            "company_id": world.company.pk,
            "category": "payroll",
            "subject": "Lomaraha",
            "description": "Puuttuu",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "new" and body["number"] > 0
    listing = client.get("/api/v1/support/requests").json()
    assert listing["count"] == 1


def test_request_for_another_organizations_company_is_refused(world):
    client = api(world.users[Role.MAIN_USER])
    response = client.post(
        "/api/v1/support/requests",
        {
            "company_id": world.other_company.pk,
            "category": "other",
            "subject": "x",
            "description": "y",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "company"]


def test_internal_notes_hidden_from_customers_in_the_api(world):
    item = make_request(world)
    services.add_reply(specialist(world), item, body="Julkinen")
    services.add_reply(specialist(world), item, body=SECRET, internal=True)
    customer_replies = api(world.users[Role.MAIN_USER]).get(
        f"/api/v1/support/requests/{item.pk}/replies"
    )
    assert customer_replies.status_code == 200
    assert [r["body"] for r in customer_replies.json()] == ["Julkinen"]
    assert SECRET not in customer_replies.content.decode()
    staff_replies = (
        api(world.users[Role.SUPPORT_SPECIALIST])
        .get(f"/api/v1/support/requests/{item.pk}/replies")
        .json()
    )
    assert SECRET in [r["body"] for r in staff_replies]


def test_customer_cannot_post_internal_note(world):
    item = make_request(world)
    response = api(world.users[Role.MAIN_USER]).post(
        f"/api/v1/support/requests/{item.pk}/replies",
        {"body": "x", "internal": True},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_tenant_wall_404_in_the_api(world):
    item = make_request(world)
    other = api(world.other_users[Role.MAIN_USER])
    assert other.get(f"/api/v1/support/requests/{item.pk}").status_code == 404
    assert other.get(f"/api/v1/support/requests/{item.pk}/replies").status_code == 404
    assert (
        other.post(
            f"/api/v1/support/requests/{item.pk}/replies",
            {"body": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        other.post(
            f"/api/v1/support/requests/{item.pk}/status",
            {"status": "resolved"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert other.get("/api/v1/support/requests").json()["count"] == 0


def test_staff_reply_and_status_change_email_the_customer(
    world, django_capture_on_commit_callbacks
):
    item = make_request(world)
    staff = api(world.users[Role.SUPPORT_SPECIALIST])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            staff.post(
                f"/api/v1/support/requests/{item.pk}/replies",
                {"body": "Vastaus"},
                content_type="application/json",
            ).status_code
            == 201
        )
        assert (
            staff.post(
                f"/api/v1/support/requests/{item.pk}/replies",
                {"body": SECRET, "internal": True},
                content_type="application/json",
            ).status_code
            == 201
        )
        response = staff.post(
            f"/api/v1/support/requests/{item.pk}/status",
            {"status": "resolved"},
            content_type="application/json",
        )
        assert response.status_code == 200 and response.json()["status"] == "resolved"
    assert len(mail.outbox) == 2 and all(SECRET not in m.body for m in mail.outbox)
    bad = staff.post(
        f"/api/v1/support/requests/{item.pk}/status",
        {"status": "new"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    customer = api(world.users[Role.MAIN_USER])
    assert (
        customer.post(
            f"/api/v1/support/requests/{item.pk}/rating",
            {"rating": 5},
            content_type="application/json",
        ).status_code
        == 200
    )
    assert customer.post(f"/api/v1/support/requests/{item.pk}/reopen").status_code == 200


def test_customer_cannot_change_status_in_the_api(world):
    item = make_request(world)
    response = api(world.users[Role.MAIN_USER]).post(
        f"/api/v1/support/requests/{item.pk}/status",
        {"status": "resolved"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_announcements_api(world):
    staff = api(world.users[Role.SUPPORT_SPECIALIST])
    created = staff.post(
        "/api/v1/support/announcements",
        {"title": "T", "body": "<script>x</script>**b**", "kind": "release"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert "<script>" not in created.json()["body_html"]
    refused = staff.post(
        "/api/v1/support/announcements",
        {
            "title": "T",
            "body": "b",
            "publish_at": "2026-12-02T10:00:00+02:00",
            "expire_at": "2026-12-01T10:00:00+02:00",
        },
        content_type="application/json",
    )
    assert refused.status_code == 422
    customer = api(world.users[Role.VIEWER])
    assert customer.get("/api/v1/support/announcements").json()["count"] == 1
    assert (
        customer.post(
            "/api/v1/support/announcements",
            {"title": "x", "body": "y"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_guides_api_search_and_visibility(world):
    make_guide(world, title="Verokortti", body="Verokortin tallennus", visibility="customers")
    customer = api(world.users[Role.PAYROLL_CLERK])
    found = customer.get("/api/v1/support/guides", {"q": "verokortti"}).json()
    assert [g["title"] for g in found["items"]] == ["Verokortti"]
    guide_id = found["items"][0]["id"]
    assert customer.get(f"/api/v1/support/guides/{guide_id}").status_code == 200


def test_an_unknown_user_is_refused_in_finnish(world):
    """The API answers in the UI's language (Finnish by default): an unknown assignee or
    watcher names its field with a Finnish message, and nothing is written."""
    item = make_request(world)
    client = api(world.users[Role.SUPPORT_SPECIALIST])
    missing = 987654
    assigned = client.post(
        f"/api/v1/support/requests/{item.pk}/assign",
        {"assignee_id": missing},
        content_type="application/json",
    )
    watched = client.post(
        f"/api/v1/support/requests/{item.pk}/watchers",
        {"user_id": missing},
        content_type="application/json",
    )
    assert assigned.status_code == watched.status_code == 422
    assert assigned.json()["detail"][0]["msg"] == "Valitse joku tuen asiantuntijoista."
    assert watched.json()["detail"] == [
        {"loc": ["body", "user_id"], "msg": "Tuntematon käyttäjä.", "type": "value_error"}
    ]
    item.refresh_from_db()
    assert item.assignee_id is None and not item.watchers.exists()
