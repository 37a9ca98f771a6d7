"""Delivery's notifications (issue 13, item 6): meeting invitations with a calendar file and
the agenda, a change request's quote, reminders before meetings and due tasks, the daily
digest of overdue items and the account manager's follow-ups; each told once."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from tase.core import notifications
from tase.core.models import Notification
from tase.core.roles import Role
from tase.delivery import services
from tase.delivery.models import Meeting, Task
from tase.ledger import services as ledger
from tase.ledger.system import SystemActor

from .factories import KICKOFF, project

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(world):
    return project(world)


def _meeting(world, p, starts_at):
    return services.create_meeting(
        world.actor(Role.PROJECT_LEAD),
        p,
        kind=Meeting.Kind.STATUS,
        starts_at=starts_at,
        place="Teams",
        participants=[world.users[Role.PROJECT_LEAD], world.users[Role.MAIN_USER]],
    )


def test_invitation_carries_the_calendar_file_and_agenda(
    world, p, django_capture_on_commit_callbacks
):
    starts = timezone.now() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _meeting(world, p, starts)
    main = world.users[Role.MAIN_USER]
    invitation = next(m for m in mail.outbox if main.email in m.to)
    assert meeting.agenda.body.splitlines()[0] in invitation.body
    (name, content, mimetype) = invitation.attachments[0]
    assert name == "kutsu.ics" and mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert abs(event["dtstart"].dt - starts) < dt.timedelta(seconds=1)
    assert str(event["uid"]).startswith(f"meeting-{meeting.pk}@")
    assert meeting.agenda.body.splitlines()[0] in str(event["description"])
    assert f"/delivery/meetings/{meeting.pk}/" in invitation.body


def test_quote_of_a_change_request_tells_the_main_user(world, p):
    cr = services.create_change_request(
        world.actor(Role.ACCOUNT_MANAGER),
        world.org,
        title="Raportti",
        description="Uusi",
        project=p,
    )
    services.set_change_request_status(
        world.actor(Role.ACCOUNT_MANAGER), cr, "quoted", estimate_hours="8", estimate_euros="960"
    )
    note = Notification.objects.get(
        user=world.users[Role.MAIN_USER], kind="delivery.change_request_quoted"
    )
    assert "960,00" in note.title and "(8 h)" in note.title


def test_meeting_reminder_once(world, p):
    now = timezone.now()
    _meeting(world, p, now + dt.timedelta(hours=5))
    assert notifications.run_periodic(now, only=["delivery.meeting_reminders"]) == {
        "delivery.meeting_reminders": 2
    }
    assert notifications.run_periodic(now, only=["delivery.meeting_reminders"]) == {
        "delivery.meeting_reminders": 0
    }
    assert Notification.objects.filter(
        kind="delivery.meeting_reminder", user=world.users[Role.MAIN_USER]
    ).exists()


def test_task_reminder_and_daily_digest(world, p):
    now = timezone.make_aware(dt.datetime(2026, 2, 2, 8, 0))  # a Monday, 08:00
    today = now.date()
    tasks = list(p.tasks.exclude(status=Task.Status.DONE)[:2])
    Task.objects.filter(pk=tasks[0].pk).update(due_on=today, owner=world.users[Role.CONSULTANT])
    Task.objects.filter(pk=tasks[1].pk).update(due_on=KICKOFF, owner=world.users[Role.CONSULTANT])
    services.set_account_manager(
        world.actor(Role.ADMIN), world.org, world.users[Role.ACCOUNT_MANAGER]
    )
    written = notifications.run_periodic(now)
    assert written["delivery.task_reminders"] == 1
    assert written["delivery.overdue_digest"] == 2  # the lead and the account manager
    digest = Notification.objects.get(
        kind="delivery.overdue_digest", user=world.users[Role.ACCOUNT_MANAGER]
    )
    assert tasks[1].title in digest.body and tasks[0].title not in digest.body
    assert notifications.run_periodic(now)["delivery.overdue_digest"] == 0


def test_digest_waits_for_its_hour(world, p):
    early = timezone.make_aware(dt.datetime(2026, 2, 2, 5, 0))
    assert notifications.run_periodic(early, only=["delivery.overdue_digest"]) == {
        "delivery.overdue_digest": 0
    }


def test_contact_followup(world, p):
    services.set_account_manager(
        world.actor(Role.ADMIN),
        world.org,
        world.users[Role.ACCOUNT_MANAGER],
        next_contact_on=dt.date(2026, 2, 1),
    )
    now = timezone.make_aware(dt.datetime(2026, 2, 2, 9, 0))
    assert notifications.run_periodic(now, only=["delivery.contact_followups"]) == {
        "delivery.contact_followups": 1
    }
    note = Notification.objects.get(kind="delivery.contact_followup")
    assert note.user == world.users[Role.ACCOUNT_MANAGER] and world.org.name in note.title


def test_command_runs_every_registered_runner(world, p):
    out = io.StringIO()
    call_command("notifications_run", stdout=out)
    for key in notifications.PERIODIC:
        assert f"{key}:" in out.getvalue()


def test_a_task_the_product_has_done_is_not_in_the_overdue_digest(world, p):
    """A self-checking task says what the product says in the emails too, even when nobody
    opened the project since the product changed (here: the chart of accounts chosen)."""
    now = timezone.make_aware(dt.datetime(2026, 2, 2, 8, 0))  # a Monday, 08:00
    done_in_product = p.tasks.get(state_check="ledger.chart_chosen")
    pending = p.tasks.get(state_check="delivery.customer_tested")
    Task.objects.filter(pk__in=[done_in_product.pk, pending.pk]).update(
        due_on=KICKOFF, owner=world.users[Role.CONSULTANT]
    )
    services.set_account_manager(
        world.actor(Role.ADMIN), world.org, world.users[Role.ACCOUNT_MANAGER]
    )
    ledger.apply_chart(SystemActor(), world.company, "limited-company")
    done_in_product.refresh_from_db()
    assert done_in_product.status != Task.Status.DONE  # nobody has looked since
    notifications.run_periodic(now, only=["delivery.overdue_digest"])
    digest = Notification.objects.get(
        kind="delivery.overdue_digest", user=world.users[Role.ACCOUNT_MANAGER]
    )
    assert pending.title in digest.body and done_in_product.title not in digest.body
    done_in_product.refresh_from_db()
    assert done_in_product.status == Task.Status.DONE
