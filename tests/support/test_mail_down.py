"""A mail server that is down never turns a support write into a server error: the lazy
auto-close that every request list runs, and a reply with addresses in copy, commit first and
send after; a failure is logged, and the request is closed (or the reply saved) all the same."""

import datetime as dt
import logging
import smtplib
from types import SimpleNamespace

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from tase.core import tasks as core_tasks
from tase.core.models import AuditEvent, Notification
from tase.core.roles import Role
from tase.support import services
from tase.support.models import Reply, Status

from .factories import make_request, specialist


class MailServerDown(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def mail_down(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.MailServerDown"}}


def failed_mail_logged(caplog) -> bool:
    return any(
        record.levelno >= logging.ERROR and "send_notification_email" in record.getMessage()
        for record in caplog.records
    )


@pytest.mark.django_db(transaction=True)
def test_auto_close_on_a_page_survives_the_mail_server_being_down(world, mail_down, caplog):
    item = make_request(world)
    long_ago = timezone.now() - dt.timedelta(days=15)
    services.change_status(specialist(world), item, Status.RESOLVED, now=long_ago)
    caplog.clear()
    for url in (reverse("support:request_list"), "/api/v1/support/requests"):
        assert world.client(Role.MAIN_USER).get(url).status_code == 200
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    assert AuditEvent.objects.filter(object_id=str(item.pk), action="autoclose").count() == 1
    assert Notification.objects.filter(kind="support.status", title__contains="Suljettu").exists()
    assert failed_mail_logged(caplog)


@pytest.mark.django_db(transaction=True)
def test_a_reply_with_copies_is_saved_when_the_mail_server_is_down(world, mail_down, caplog):
    item = make_request(world)
    services.set_cc(world.actor(Role.MAIN_USER), item, "kirjanpito@aurinko.example")
    caplog.clear()
    staff = world.client(Role.SUPPORT_SPECIALIST)
    response = staff.post(reverse("support:request_reply", args=[item.pk]), {"body": "Korjattu."})
    assert response.status_code == 302
    assert Reply.objects.filter(request=item, body="Korjattu.").exists()
    assert failed_mail_logged(caplog)


def test_a_queue_that_refuses_the_email_is_logged_not_raised(
    world, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refuse(**_mail):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(core_tasks, "send_notification_email", SimpleNamespace(enqueue=refuse))
    item = make_request(world)
    long_ago = timezone.now() - dt.timedelta(days=15)
    services.change_status(specialist(world), item, Status.RESOLVED, now=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_expired() == 1
    assert "A support.status email could not be queued" in caplog.text
