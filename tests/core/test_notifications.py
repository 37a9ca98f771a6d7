"""The notifications facility: preferences per kind, in-app list and unread count, email with
the right host, once-only reminders, the API and the wall between users."""

import datetime as dt

import pytest
from django.core import mail

from tase.core import notifications
from tase.core.models import Notification
from tase.core.roles import Role
from tase.formats import ics


@pytest.fixture
def kind():
    notifications.register_kind(notifications.Kind("test.ping", "Ping", audience="all"))
    yield "test.ping"
    notifications.KINDS.pop("test.ping", None)


def _notify(user, kind, **kw):
    return notifications.notify(
        [user], kind, title=lambda: "Hello", body="Body text", url="/support/", **kw
    )


def test_default_is_in_app_and_email(world, kind, django_capture_on_commit_callbacks):
    user = world.users[Role.MAIN_USER]
    with django_capture_on_commit_callbacks(execute=True):
        written = _notify(user, kind)
    assert [n.title for n in written] == ["Hello"]
    assert notifications.unread_count(user) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "http://127.0.0.1:8000/support/" in mail.outbox[0].body


def test_preferences_choose_channel(world, kind, django_capture_on_commit_callbacks):
    user = world.users[Role.MAIN_USER]
    notifications.set_preferences(user, {kind: (False, True)})
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, kind)
    assert notifications.unread_count(user) == 0 and len(mail.outbox) == 1
    mail.outbox.clear()
    notifications.set_preferences(user, {kind: (True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, kind)
    assert notifications.unread_count(user) == 1 and mail.outbox == []
    notifications.set_preferences(user, {kind: (False, False)})
    assert _notify(user, kind) == []


def test_unknown_kind_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        notifications.set_preferences(world.users[Role.MAIN_USER], {"no.such": (True, True)})
    with pytest.raises(ValueError):
        notifications.notify([world.users[Role.MAIN_USER]], "no.such", title="x")


def test_dedupe_key_tells_once(world, kind):
    user = world.users[Role.MAIN_USER]
    assert len(_notify(user, kind, dedupe_key="meeting-1")) == 1
    assert _notify(user, kind, dedupe_key="meeting-1") == []
    assert Notification.objects.filter(user=user).count() == 1


def test_email_link_follows_setting(world, kind, settings, django_capture_on_commit_callbacks):
    settings.TASE_BASE_URL = "https://tase.example.fi"
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world.users[Role.MAIN_USER], kind)
    assert "https://tase.example.fi/support/" in mail.outbox[0].body


def test_email_link_follows_served_host(world, kind, settings):
    settings.TASE_BASE_URL = ""
    token = notifications.current_base_url.set("http://localhost:8123")
    try:
        assert notifications.absolute_url("/x/") == "http://localhost:8123/x/"
    finally:
        notifications.current_base_url.reset(token)
    assert notifications.absolute_url("/x/") == "http://127.0.0.1:8000/x/"


def test_calendar_attachment(world, kind, django_capture_on_commit_callbacks):
    start = dt.datetime(2026, 12, 10, 8, tzinfo=dt.UTC)
    content = ics.invitation(
        ics.Invitation("m-1@tase", start, start + dt.timedelta(hours=1), "Aloitus")
    ).decode()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(
            world.users[Role.MAIN_USER],
            kind,
            attachments=lambda user: [
                notifications.EmailAttachment("kutsu.ics", content, "text/calendar")
            ],
        )
    (name, body, mimetype) = mail.outbox[0].attachments[0]
    assert name == "kutsu.ics" and "BEGIN:VEVENT" in body and mimetype.startswith("text/calendar")


def test_pages_list_open_and_settings(world, kind):
    user = world.users[Role.MAIN_USER]
    note = _notify(user, kind)[0]
    client = world.client(Role.MAIN_USER)
    page = client.get("/").content.decode()
    assert 'data-testid="unread-count"' in page
    assert "Hello" in client.get("/notifications/").content.decode()
    response = client.post(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/support/"
    assert notifications.unread_count(user) == 0
    response = client.post("/account/notifications/", {f"{kind}:email": "on"})
    assert response.status_code == 302
    assert notifications.preferences(user, [kind])[kind] == (False, True)


def test_another_users_notification_is_404(world, kind):
    note = _notify(world.users[Role.MAIN_USER], kind)[0]
    other = world.client(Role.MAIN_USER, other=True)
    assert other.post(f"/notifications/{note.pk}/open/").status_code == 404
    assert other.post(f"/api/v1/notifications/{note.pk}/read").status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_api(world, kind):
    user = world.users[Role.MAIN_USER]
    _notify(user, kind)
    client = world.client(Role.MAIN_USER)
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 1}
    rows = client.get("/api/v1/notifications").json()
    assert rows["items"][0]["title"] == "Hello"
    prefs = client.put(
        "/api/v1/notifications/preferences",
        {"preferences": [{"kind": kind, "in_app": True, "email": False}]},
        content_type="application/json",
    )
    assert prefs.status_code == 200, prefs.content
    assert {"kind": kind, "label": "Ping", "in_app": True, "email": False} in prefs.json()
    bad = client.put(
        "/api/v1/notifications/preferences",
        {"preferences": [{"kind": "no.such", "in_app": True, "email": False}]},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422)
    assert client.post("/api/v1/notifications/read").json() == {"marked": 1}


def test_ics_is_rfc5545():
    start = dt.datetime(2026, 12, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    text = ics.invitation(
        ics.Invitation(
            "meeting-7@tase",
            start,
            start + dt.timedelta(minutes=90),
            "Määrittelytyöpaja, jossa on pitkä otsikko joka taittuu usealle riville varmasti",
            description="1. Prosessit\n2. Avoimet kysymykset",
            location="Teams",
            organizer=("Pia Projekti", "lead@vendor.example"),
            attendees=(("Matti Meikäläinen", "main@aurinko.example"),),
            stamp=start,
        )
    )
    assert b"\r\n" in text and all(len(line) <= 75 for line in text.split(b"\r\n"))
    assert b"DTSTART:20261210T080000Z" in text and b"DTEND:20261210T093000Z" in text
    assert b"METHOD:REQUEST" in text and b"UID:meeting-7@tase" in text
    from icalendar import Calendar

    event = Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["description"]) == "1. Prosessit\n2. Avoimet kysymykset"
    with pytest.raises(ValueError):
        ics.invitation(ics.Invitation("x", start, start, "x"))
