"""Replying by email: the organization's inbound address, threading by [#number], a new
request without one, quoted text left out, and a stranger refused with nothing written —
through the service, the `tase support_inbound` command (stdin and maildir) and the API."""

import io
import mailbox
from email.message import EmailMessage

import pytest
from django.core.management import CommandError, call_command

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.support import services
from tase.support.models import Attachment, Reply, ServiceRequest

from .factories import PDF, make_request
from .test_api import api

pytestmark = pytest.mark.django_db


def message(world, *, sender, subject, body, to=None, attachment=None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Joku <{sender}>"
    msg["To"] = to or services.inbound_address(world.org, create=True)
    msg["Subject"] = subject
    msg.set_content(body)
    if attachment:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="liite.pdf")
    return msg.as_bytes()


QUOTED = """Tässä pyytämänne tiedot.

Terveisin Maija

On Mon, 7 Dec 2026 at 9.00 Tase <noreply@tase.example> wrote:
> Kerro lisää.
"""


def test_reply_threads_into_the_request(world):
    item = make_request(world)
    main = world.users[Role.MAIN_USER]
    raw = message(
        world, sender=main.email, subject=f"Re: [#{item.number}] Alv", body=QUOTED, attachment=PDF
    )
    reply = services.receive_email(raw)
    assert isinstance(reply, Reply) and reply.request == item and reply.author == main
    assert reply.body == "Tässä pyytämänne tiedot.\n\nTerveisin Maija"
    assert Attachment.objects.filter(reply=reply, name="liite.pdf").exists()


def test_without_a_number_a_new_request_is_filed(world):
    main = world.users[Role.MAIN_USER]
    created = services.receive_email(
        message(world, sender=main.email, subject="Fwd: Palkka-ajo jumissa", body="Apua!")
    )
    assert isinstance(created, ServiceRequest)
    assert created.subject == "Palkka-ajo jumissa" and created.organization == world.org


@pytest.mark.parametrize(
    "case",
    ["stranger", "other_customer", "wrong_org_number", "no_address", "empty"],
)
def test_refused_with_a_reason_and_nothing_written(world, case):
    item = make_request(world)
    theirs = make_request(world, other=True)
    main = world.users[Role.MAIN_USER].email
    raw = {
        "stranger": message(
            world, sender="hakkeri@example.com", subject=f"[#{item.number}]", body="x"
        ),
        "other_customer": message(
            world,
            sender=world.other_users[Role.MAIN_USER].email,
            subject=f"[#{item.number}]",
            body="x",
        ),
        "wrong_org_number": message(world, sender=main, subject=f"[#{theirs.number}]", body="x"),
        "no_address": message(
            world, sender=main, subject=f"[#{item.number}]", body="x", to="muu@example.com"
        ),
        "empty": message(world, sender=main, subject=f"[#{item.number}]", body="> lainaus\n"),
    }[case]
    events, replies, requests = (
        AuditEvent.objects.count(),
        Reply.objects.count(),
        ServiceRequest.objects.count(),
    )
    with pytest.raises(services.Refused) as refused:
        services.receive_email(raw)
    assert refused.value.reason
    if case == "stranger":
        assert "hakkeri@example.com" in refused.value.reason
        assert world.org.name in refused.value.reason
    assert (AuditEvent.objects.count(), Reply.objects.count(), ServiceRequest.objects.count()) == (
        events,
        replies,
        requests,
    )


def test_merged_request_threads_into_its_target(world):
    first, duplicate = make_request(world), make_request(world)
    from .factories import specialist

    services.merge_requests(specialist(world), duplicate, first)
    reply = services.receive_email(
        message(
            world,
            sender=world.users[Role.MAIN_USER].email,
            subject=f"[#{duplicate.number}]",
            body="Vielä yksi asia.",
        )
    )
    assert reply.request == first


def test_command_reads_stdin(world, monkeypatch):
    item = make_request(world)
    raw = message(
        world, sender=world.users[Role.MAIN_USER].email, subject=f"[#{item.number}]", body="Ok"
    )

    class Stdin:
        buffer = io.BytesIO(raw)

    monkeypatch.setattr("sys.stdin", Stdin)
    out = io.StringIO()
    call_command("support_inbound", stdout=out)
    assert f"#{item.number}" in out.getvalue()
    bad = message(world, sender="x@example.com", subject=f"[#{item.number}]", body="Ok")
    monkeypatch.setattr("sys.stdin", type("S", (), {"buffer": io.BytesIO(bad)}))
    with pytest.raises(CommandError, match="not a user"):
        call_command("support_inbound")


def test_command_reads_a_maildir(world, tmp_path):
    item = make_request(world)
    box = mailbox.Maildir(tmp_path / "mail", create=True)
    box.add(
        message(
            world, sender=world.users[Role.MAIN_USER].email, subject=f"[#{item.number}]", body="A"
        )
    )
    box.add(message(world, sender="x@example.com", subject=f"[#{item.number}]", body="B"))
    out, err = io.StringIO(), io.StringIO()
    call_command("support_inbound", maildir=str(tmp_path / "mail"), stdout=out, stderr=err)
    assert "1 taken in, 1 refused." in out.getvalue() and "not a user" in err.getvalue()
    assert Reply.objects.filter(request=item).count() == 1
    out = io.StringIO()
    call_command("support_inbound", maildir=str(tmp_path / "mail"), stdout=out)
    assert "0 taken in, 0 refused." in out.getvalue()  # each message handled once


def test_api_webhook(world):
    item = make_request(world)
    staff = api(world.users[Role.ADMIN])
    raw = message(
        world, sender=world.users[Role.MAIN_USER].email, subject=f"[#{item.number}]", body="API"
    )
    response = staff.post("/api/v1/support/inbound-email", raw, content_type="message/rfc822")
    assert response.status_code == 201 and response.json()["number"] == item.number
    bad = message(world, sender="x@example.com", subject=f"[#{item.number}]", body="API")
    response = staff.post("/api/v1/support/inbound-email", bad, content_type="message/rfc822")
    assert response.status_code == 422 and "x@example.com" in response.json()["detail"]
    customer = api(world.users[Role.MAIN_USER])
    assert (
        customer.post(
            "/api/v1/support/inbound-email", raw, content_type="message/rfc822"
        ).status_code
        == 403
    )


def test_strip_quoted():
    assert services.strip_quoted("Uusi\n\n-- \nallekirjoitus") == "Uusi"
    assert services.strip_quoted("Uusi\nMaija kirjoitti 7.12.2026 klo 9.00:\n> vanha") == "Uusi"
    assert services.strip_quoted("Uusi\n-----Original Message-----\nvanha") == "Uusi"


def test_a_specialist_answers_the_alert_by_replying(world, django_capture_on_commit_callbacks):
    """The new-request alert to support staff carries the organization's inbound address as
    Reply-To: the specialist's reply to it is a public answer in the request, which the
    customer is told of."""
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        item = make_request(world)
    staff = world.users[Role.SUPPORT_SPECIALIST]
    [alert] = [m for m in mail.outbox if m.to == [staff.email]]
    assert alert.reply_to == [services.inbound_address(world.org)]
    mail.outbox.clear()
    raw = message(
        world,
        sender=staff.email,
        to=alert.reply_to[0],
        subject=f"Re: {alert.subject}",
        body="Korjattu, kokeile uudelleen.\n\nOn Mon, 7 Dec 2026 at 9.00 Tase wrote:\n> Apua",
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.receive_email(raw)
    assert reply.request == item and reply.author == staff and not reply.is_internal
    assert reply.body == "Korjattu, kokeile uudelleen."
    assert [m.to for m in mail.outbox] == [[world.users[Role.MAIN_USER].email]]
