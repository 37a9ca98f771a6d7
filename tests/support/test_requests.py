"""Service requests: numbering, targets, statuses, reopen, auto-close, rating, replies,
internal notes never reaching the customer, attachments by content, tenant wall."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.support import selectors, services
from tase.support.models import Reply, ServiceRequest, Status

from .factories import JPEG, PDF, PNG, TZ, customer, make_request, specialist, upload

pytestmark = pytest.mark.django_db

SECRET = "SISÄINEN-MUISTIINPANO-XYZ"


def test_request_is_numbered_with_support_hour_targets_and_audited(world):
    created = dt.datetime(2026, 11, 27, 15, 0, tzinfo=TZ)  # Friday 15:00
    first = make_request(world, now=created, urgency="normal")
    second = make_request(world, now=created)
    assert second.number == first.number + 1
    assert first.status == Status.NEW
    assert first.first_response_due == dt.datetime(2026, 11, 30, 15, 0, tzinfo=TZ)  # 8 h
    assert first.resolution_due == dt.datetime(2026, 12, 4, 15, 0, tzinfo=TZ)  # 40 h
    assert AuditEvent.objects.filter(object_id=str(first.pk), action="create").exists()


def test_request_for_a_company_of_another_organization_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.create_request(
            customer(world),
            company=world.other_company,
            category="other",
            subject="x",
            description="y",
        )
    assert "company" in error.value.message_dict
    assert not ServiceRequest.objects.exists()


def test_request_refused_through_the_form_keeps_what_was_typed(world):
    client = world.client(Role.MAIN_USER)
    response = client.post(
        reverse("support:request_create"),
        {
            "company": world.other_company.pk,
            "category": "payroll",
            "urgency": "high",
            "subject": "Lomaraha puuttuu",
            "description": "Kesäkuun palkka-ajosta puuttuu lomaraha.",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Lomaraha puuttuu" in html
    assert "Kesäkuun palkka-ajosta puuttuu lomaraha." in html
    assert not ServiceRequest.objects.exists()


def test_request_form_creates_request(world):
    client = world.client(Role.ACCOUNTANT)
    response = client.post(
        reverse("support:request_create"),
        {
            "company": world.company.pk,
            "category": "bookkeeping",
            "urgency": "normal",
            "subject": "Tilinpäätös",
            "description": "Miten tilikausi suljetaan?",
            "attachments": [upload("kuva.png", PNG)],
        },
    )
    assert response.status_code == 302
    item = ServiceRequest.objects.get()
    assert item.requester == world.users[Role.ACCOUNTANT]
    assert item.attachments.get().content_type == "image/png"


def test_viewer_may_file_and_employee_may_not(world):
    assert make_request(world)  # main user
    with pytest.raises((PermissionDenied, ValidationError)):
        services.create_request(
            customer(world, Role.EMPLOYEE),
            company=world.company,
            category="other",
            subject="x",
            description="y",
        )


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("lasku.pdf", PDF, True),
        ("kuva.png", PNG, True),
        ("kuva.jpg", JPEG, True),
        ("tiedot.csv", "nimi;summa\nÄäkkönen;12,50\n".encode(), True),
        ("muistio.txt", b"plain text\n", True),
        ("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00", False),  # an .exe named .pdf
        ("sivu.txt", b"<html><script>alert(1)</script></html>", False),  # HTML named .txt
        ("kuva.png", b"GIF89a\x01\x00", False),  # a GIF named .png
        ("tyhja.pdf", b"", False),
    ],
)
def test_attachment_type_is_checked_by_content_not_name(world, name, content, ok):
    attempt = lambda: make_request(world, attachments=[upload(name, content)])  # noqa: E731
    if ok:
        assert attempt().attachments.count() == 1
    else:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert "attachments" in error.value.message_dict
        assert not ServiceRequest.objects.exists()


def test_attachment_size_is_limited(world, settings):
    settings.TASE_UPLOAD_LIMITS_MB = {"support_file": 1}
    with pytest.raises(ValidationError) as error:
        make_request(world, attachments=[upload("iso.pdf", PDF + b"x" * 1_600_000)])
    assert "iso.pdf" in str(error.value) and "1,5" in str(error.value)
    assert " 1 M" in str(error.value)  # the limit named


def test_public_reply_emails_the_requester_and_counts_as_first_response(
    world, django_capture_on_commit_callbacks
):
    item = make_request(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_reply(specialist(world), item, body="Korjattu versiossa 2.4.")
    item.refresh_from_db()
    assert item.first_response_at is not None
    assert item.status == Status.IN_PROGRESS
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.users[Role.MAIN_USER].email]
    assert "Korjattu versiossa 2.4." in mail.outbox[0].body


def test_internal_note_is_never_emailed(world, django_capture_on_commit_callbacks):
    item = make_request(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_reply(specialist(world), item, body=SECRET, internal=True)
    assert mail.outbox == []
    item.refresh_from_db()
    assert item.first_response_at is None  # a note is no answer to the customer
    with django_capture_on_commit_callbacks(execute=True):
        services.add_reply(specialist(world), item, body="Julkinen vastaus")
        services.change_status(specialist(world), item, Status.RESOLVED)
    assert len(mail.outbox) == 2
    assert all(SECRET not in message.body for message in mail.outbox)


def test_customer_cannot_write_internal_notes(world):
    item = make_request(world)
    with pytest.raises(PermissionDenied):
        services.add_reply(customer(world), item, body="x", internal=True)


def _with_note(world):
    item = make_request(world)
    services.add_reply(specialist(world), item, body="Julkinen vastaus")
    services.add_reply(specialist(world), item, body=SECRET, internal=True)
    return item


def test_internal_note_hidden_on_the_customer_page_shown_to_staff(world):
    item = _with_note(world)
    url = reverse("support:request_detail", args=[item.pk])
    customer_page = world.client(Role.VIEWER).get(url).content.decode()
    assert "Julkinen vastaus" in customer_page
    assert SECRET not in customer_page
    staff_page = world.client(Role.SUPPORT_SPECIALIST).get(url).content.decode()
    assert SECRET in staff_page


def test_internal_note_hidden_in_customer_csv_exports(world):
    item = _with_note(world)
    client = world.client(Role.MAIN_USER)
    transcript = client.get(reverse("support:request_transcript_csv", args=[item.pk]))
    assert transcript.status_code == 200
    text = transcript.content.decode()
    assert "Julkinen vastaus" in text and SECRET not in text
    listing = client.get(reverse("support:request_export_csv")).content.decode()
    assert SECRET not in listing
    assert ";1\r\n" in listing  # one visible reply counted
    staff = world.client(Role.SUPPORT_SPECIALIST)
    assert (
        SECRET
        in staff.get(reverse("support:request_transcript_csv", args=[item.pk])).content.decode()
    )


def test_internal_note_attachment_hidden_from_customer(world):
    item = make_request(world)
    services.add_reply(
        specialist(world), item, body=SECRET, internal=True, attachments=[upload("s.pdf", PDF)]
    )
    attachment = item.attachments.get()
    url = reverse("support:attachment_download", args=[item.pk, attachment.pk])
    assert world.client(Role.MAIN_USER).get(url).status_code == 404
    assert world.client(Role.SUPPORT_SPECIALIST).get(url).status_code == 200


def test_tenant_wall_pages_answer_404(world):
    item = make_request(world)
    other = world.client(Role.MAIN_USER, other=True)
    for name in ("request_detail", "request_transcript_csv"):
        assert other.get(reverse(f"support:{name}", args=[item.pk])).status_code == 404
    for name in ("request_reply", "request_reopen", "request_rate", "request_status"):
        response = other.post(reverse(f"support:{name}", args=[item.pk]), {"body": "x"})
        assert response.status_code == 404
    assert "Alv-laskelma" not in other.get(reverse("support:request_list")).content.decode()
    with pytest.raises(Http404):
        selectors.get_request(customer(world, other=True), item.pk)


def test_staff_outside_support_do_not_see_requests(world):
    item = make_request(world)
    consultant = world.client(Role.CONSULTANT)
    assert consultant.get(reverse("support:request_detail", args=[item.pk])).status_code == 404


def test_status_flow_and_refused_transition(world):
    item = make_request(world)
    staff = specialist(world)
    services.change_status(staff, item, Status.IN_PROGRESS)
    services.change_status(staff, item, Status.WAITING)
    # the customer's reply puts it back in progress
    services.add_reply(customer(world), item, body="Tässä lisätiedot")
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    services.change_status(staff, item, Status.RESOLVED)
    item.refresh_from_db()
    assert item.resolved_at is not None
    services.change_status(staff, item, Status.CLOSED)
    with pytest.raises(ValidationError):
        services.change_status(staff, item, Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.add_reply(customer(world), item, body="vielä")


def test_customer_cannot_change_status(world):
    item = make_request(world)
    with pytest.raises(PermissionDenied):
        services.change_status(customer(world), item, Status.RESOLVED)


def test_reopen_before_auto_close_and_not_after(world):
    item = make_request(world)
    staff = specialist(world)
    resolved = timezone.now()
    services.change_status(staff, item, Status.RESOLVED, now=resolved)
    services.reopen(customer(world), item, now=resolved + dt.timedelta(days=13))
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS and item.resolved_at is None
    services.change_status(staff, item, Status.RESOLVED, now=resolved)
    with pytest.raises(ValidationError):
        services.reopen(customer(world), item, now=resolved + dt.timedelta(days=14, minutes=1))
    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_auto_close_command(world):
    item = make_request(world)
    services.change_status(
        specialist(world), item, Status.RESOLVED, now=timezone.now() - dt.timedelta(days=15)
    )
    call_command("support_autoclose")
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    assert AuditEvent.objects.filter(object_id=str(item.pk), action="autoclose").exists()


def test_auto_close_is_applied_lazily_when_reading(world):
    item = make_request(world)
    services.change_status(specialist(world), item, Status.RESOLVED)
    with time_machine.travel(timezone.now() + dt.timedelta(days=14, hours=1)):
        page = world.client(Role.MAIN_USER).get(reverse("support:request_detail", args=[item.pk]))
    assert page.status_code == 200
    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_rating_after_resolution_only(world):
    item = make_request(world)
    with pytest.raises(ValidationError):
        services.rate(customer(world), item, rating=5)
    services.change_status(specialist(world), item, Status.RESOLVED)
    with pytest.raises(ValidationError):
        services.rate(customer(world), item, rating=6)
    services.rate(customer(world), item, rating=4, comment="Hyvä")
    item.refresh_from_db()
    assert (item.rating, item.rating_comment) == (4, "Hyvä")


def test_bulk_assignment_from_the_queue(world):
    items = [make_request(world), make_request(world, other=True)]
    client = world.client(Role.SUPPORT_SPECIALIST)
    specialist_user = world.users[Role.SUPPORT_SPECIALIST]
    response = client.post(
        reverse("support:queue"),
        {"requests": [i.pk for i in items], "assignee": specialist_user.pk},
    )
    assert response.status_code == 302
    assert set(ServiceRequest.objects.values_list("assignee_id", flat=True)) == {specialist_user.pk}


def test_assignee_must_be_a_specialist(world):
    item = make_request(world)
    with pytest.raises(ValidationError):
        services.assign(specialist(world), [item], world.users[Role.MAIN_USER])


def test_queue_filters_and_sorting(world, django_assert_max_num_queries):
    now = timezone.now()
    urgent = make_request(world, urgency="critical", now=now - dt.timedelta(days=10))
    calm = make_request(world, urgency="low", other=True)
    staff = specialist(world)
    ordered = list(selectors.queue(staff))
    assert ordered[0] == urgent
    assert list(selectors.queue(staff, overdue=True)) == [urgent]
    assert list(selectors.queue(staff, organization=str(world.other_org.pk))) == [calm]
    assert list(selectors.queue(staff, urgency="low")) == [calm]
    services.assign(staff, [calm], staff.user)
    assert list(selectors.queue(staff, assignee="me")) == [calm]
    assert list(selectors.queue(staff, assignee="none")) == [urgent]
    for _ in range(10):
        make_request(world)
    client = world.client(Role.SUPPORT_SPECIALIST)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("support:queue") + "?overdue=1&sort=target").status_code == 200


def test_customer_request_list_has_no_n_plus_one(world, django_assert_max_num_queries):
    for _ in range(15):
        make_request(world)
    client = world.client(Role.MAIN_USER)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("support:request_list"))
    assert response.status_code == 200


def test_target_state_shows_time_left_and_overdue(world):
    created = dt.datetime(2026, 11, 30, 8, 0, tzinfo=TZ)
    item = make_request(world, now=created, urgency="high")  # 4 h first response
    state = selectors.target_state(item, now=dt.datetime(2026, 11, 30, 9, 0, tzinfo=TZ))
    assert state["which"] == "first_response" and not state["overdue"]
    assert state["label"] == "3 h 00 min"
    late = selectors.target_state(item, now=dt.datetime(2026, 11, 30, 13, 30, tzinfo=TZ))
    assert late["overdue"] and late["label"] == "1 h 30 min"


def test_customer_reply_by_page(world):
    item = make_request(world)
    client = world.client(Role.MAIN_USER)
    response = client.post(
        reverse("support:request_reply", args=[item.pk]), {"body": "Lisätietoja", "internal": "on"}
    )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.is_internal is False  # the customer's form has no internal field


def test_auto_close_emails_the_requester(world, django_capture_on_commit_callbacks):
    item = make_request(world)
    services.change_status(
        specialist(world), item, Status.RESOLVED, now=timezone.now() - dt.timedelta(days=15)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_expired() == 1
    assert len(mail.outbox) == 1 and f"#{item.number}" in mail.outbox[0].subject


def test_request_numbers_are_shown_without_thousand_separators(world):
    item = make_request(world)
    assert item.number >= 1001
    html = world.client(Role.MAIN_USER).get(reverse("support:request_list")).content.decode()
    assert f"#{item.number}<" in html


def test_internal_note_hidden_in_the_customer_pdf(world, pdf_texts):
    item = _with_note(world)
    url = reverse("support:request_transcript_pdf", args=[item.pk])
    response = world.client(Role.MAIN_USER).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    customer_text = " ".join(pdf_texts)
    assert "Julkinen vastaus" in customer_text and SECRET not in customer_text
    pdf_texts.clear()
    world.client(Role.SUPPORT_SPECIALIST).get(url)
    assert SECRET in " ".join(pdf_texts)
    assert world.client(Role.MAIN_USER, other=True).get(url).status_code == 404


def test_transcript_pdf_is_a_real_pdf(world):
    item = _with_note(world)
    response = world.client(Role.MAIN_USER).get(
        reverse("support:request_transcript_pdf", args=[item.pk])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
