"""What implementation projects tell whom, through the core notifications facility: meeting
invitations with a calendar file (.ics) and the agenda, a quote sent for a change request,
and the periodic ones (``tase notifications_run``): reminders before meetings and due tasks,
the daily digest of overdue items to the project lead and the account manager, and the
account manager's contact follow-ups."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tase.core.models import Membership, User
from tase.core.notifications import (
    EmailAttachment,
    Kind,
    Periodic,
    notify,
    register_kind,
    register_periodic,
)
from tase.core.roles import Role
from tase.formats import ics

from .models import AccountRelationship, ChangeRequest, Meeting, Project, Task

MEETING_REMINDER_HOURS = 24  # a reminder this long before a meeting
TASK_REMINDER_DAYS = 1  # and this many days before a task falls due
DIGEST_HOUR = 7  # the daily digest and follow-ups from 07:00 Finnish time

KINDS = [
    Kind("delivery.meeting_invitation", gettext_lazy("Meeting invitations"), "all", order=30),
    Kind("delivery.meeting_reminder", gettext_lazy("Reminders before meetings"), "all", order=31),
    Kind("delivery.task_due", gettext_lazy("Reminders of tasks falling due"), "all", order=32),
    Kind(
        "delivery.change_request_quoted",
        gettext_lazy("A quote for a change request"),
        "customer",
        order=33,
    ),
    Kind(
        "delivery.overdue_digest",
        gettext_lazy("Daily digest of overdue items (lead, account manager)"),
        "staff",
        email=True,
        order=34,
    ),
    Kind(
        "delivery.contact_followup",
        gettext_lazy("Customer contacts to follow up (account manager)"),
        "staff",
        order=35,
    ),
]


def register() -> None:
    for kind in KINDS:
        register_kind(kind)
    register_periodic(Periodic("delivery.meeting_reminders", meeting_reminders, 10))
    register_periodic(Periodic("delivery.task_reminders", task_reminders, 20))
    register_periodic(Periodic("delivery.overdue_digest", overdue_digest, 30))
    register_periodic(Periodic("delivery.contact_followups", contact_followups, 40))


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%-d.%-m.%Y %H.%M")


def _meeting_path(meeting: Meeting) -> str:
    return reverse("delivery:meeting", args=[meeting.pk])


def meeting_calendar_file(meeting: Meeting, *, sequence: int = 0) -> str:
    from tase.core.notifications import absolute_url, base_url

    host = base_url().split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "tase"
    agenda = meeting.agenda.body if meeting.agenda_id else ""
    organizer = meeting.project.lead
    attendees = tuple((p.full_name, p.email) for p in meeting.participants.all() if p.email)
    return ics.invitation(
        ics.Invitation(
            uid=f"meeting-{meeting.pk}@{host}",
            starts_at=meeting.starts_at,
            ends_at=meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes or 60),
            summary=f"{meeting.title} · {meeting.project.name}",
            description="\n".join(
                part
                for part in (
                    _("Agenda") + ":\n" + agenda if agenda else "",
                    meeting.video_link,
                    absolute_url(_meeting_path(meeting)),
                )
                if part
            ),
            location=meeting.place or meeting.video_link,
            url=absolute_url(_meeting_path(meeting)),
            organizer=(organizer.full_name, organizer.email) if organizer.email else None,
            attendees=attendees,
            sequence=sequence,
        )
    ).decode()


def meeting_invited(meeting: Meeting) -> None:
    """Each participant gets the invitation with the .ics file and the agenda."""

    def attachments(user):
        return [
            EmailAttachment(
                "kutsu.ics" if user.language == "fi" else "invitation.ics",
                meeting_calendar_file(meeting),
                ics.CONTENT_TYPE,
            )
        ]

    notify(
        meeting.participants.all(),
        "delivery.meeting_invitation",
        title=lambda: (
            _("Invitation: %(title)s, %(when)s")
            % {"title": meeting.title, "when": _when(meeting.starts_at)}
        ),
        template="delivery/email/meeting_invitation.txt",
        context={"meeting": meeting, "when": _when(meeting.starts_at)},
        url=_meeting_path(meeting),
        organization=meeting.organization,
        attachments=attachments,
        dedupe_key=f"meeting-{meeting.pk}",
    )


def change_request_quoted(cr: ChangeRequest) -> None:
    from tase.core.templatetags.tase import format_money, format_number

    people = list(
        User.objects.filter(
            memberships__organization=cr.organization,
            memberships__role=Role.MAIN_USER,
            memberships__is_active=True,
        )
    )
    if cr.asked_by_id:
        people.append(cr.asked_by)
    notify(
        people,
        "delivery.change_request_quoted",
        title=lambda: (
            _("Quote for the change request “%(title)s”: %(price)s (%(hours)s h)")
            % {
                "title": cr.title,
                "price": format_money(cr.estimate_cents),
                "hours": format_number(cr.estimate_hours),
            }
        ),
        body=lambda: _("Agree to it or reject it on the project page."),
        url=reverse("delivery:project", args=[cr.project_id])
        if cr.project_id
        else reverse("delivery:overview"),
        organization=cr.organization,
        dedupe_key=f"cr-{cr.pk}-quote-{cr.estimate_cents}",
    )


# -- periodic ------------------------------------------------------------------------


def meeting_reminders(now: dt.datetime) -> int:
    soon = now + dt.timedelta(hours=MEETING_REMINDER_HOURS)
    written = 0
    meetings = (
        Meeting.objects.filter(starts_at__gt=now, starts_at__lte=soon)
        .exclude(project__status=Project.Status.CANCELLED)
        .select_related("project")
        .prefetch_related("participants")
    )
    for meeting in meetings:
        written += len(
            notify(
                meeting.participants.all(),
                "delivery.meeting_reminder",
                title=lambda m=meeting: (
                    _("Reminder: %(title)s, %(when)s")
                    % {"title": m.title, "when": _when(m.starts_at)}
                ),
                body=lambda m=meeting: m.place or m.video_link,
                url=_meeting_path(meeting),
                organization=meeting.organization,
                dedupe_key=f"meeting-{meeting.pk}-{meeting.starts_at.isoformat()}",
            )
        )
    return written


def _follow_product(tasks) -> None:
    """Sync the self-checking ones among ``tasks`` first, so that a reminder or a digest never
    names a task the product has already done (an account created, a voucher posted) just
    because nobody opened the project since."""
    from .services.project_tasks import follow_product  # services send notices: import late

    checking = tasks.exclude(state_check="").values("project")
    follow_product(list(Project.objects.filter(pk__in=checking)), infer_dates=False)


def task_reminders(now: dt.datetime) -> int:
    today = timezone.localtime(now).date()
    due = today + dt.timedelta(days=TASK_REMINDER_DAYS)
    written = 0
    tasks = (
        Task.objects.filter(due_on__gte=today, due_on__lte=due, owner__isnull=False)
        .exclude(status=Task.Status.DONE)
        .filter(project__status=Project.Status.RUNNING)
        .select_related("owner", "project")
    )
    _follow_product(tasks)
    for task in tasks:
        written += len(
            notify(
                [task.owner],
                "delivery.task_due",
                title=lambda t=task: (
                    _("Task due %(due)s: %(title)s")
                    % {"due": t.due_on.strftime("%-d.%-m.%Y"), "title": t.title}
                ),
                body=lambda t=task: t.project.name,
                url=reverse("delivery:task", args=[task.pk]),
                organization=task.organization,
                dedupe_key=f"task-{task.pk}-{task.due_on.isoformat()}",
            )
        )
    return written


def _daily(now: dt.datetime) -> dt.date | None:
    local = timezone.localtime(now)
    return local.date() if local.hour >= DIGEST_HOUR else None


def overdue_digest(now: dt.datetime) -> int:
    """Once a day: each project lead and account manager gets their projects' overdue tasks
    (in one notification, not one per task)."""
    today = _daily(now)
    if today is None:
        return 0
    overdue = (
        Task.objects.filter(due_on__lt=today, project__status=Project.Status.RUNNING)
        .exclude(status=Task.Status.DONE)
        .select_related("project", "project__lead", "owner")
        .order_by("project__name", "due_on", "id")
    )
    _follow_product(overdue)
    managers = {
        a.organization_id: a.account_manager
        for a in AccountRelationship.objects.select_related("account_manager")
    }
    per_person: dict[int, tuple[User, list[Task]]] = {}
    for task in overdue:
        for person in (task.project.lead, managers.get(task.project.organization_id)):
            listed = per_person.setdefault(person.pk, (person, []))[1] if person else None
            if listed is not None and task not in listed:
                listed.append(task)
    written = 0
    for person, tasks in per_person.values():

        def body(tasks=tasks):
            return "\n".join(
                f"{t.project.name}: {t.title} ({_('due')} {t.due_on.strftime('%-d.%-m.%Y')}"
                + (f", {t.owner}" if t.owner_id else "")
                + ")"
                for t in tasks
            )

        written += len(
            notify(
                [person],
                "delivery.overdue_digest",
                title=lambda tasks=tasks: _("Overdue tasks today: %(n)s") % {"n": len(tasks)},
                body=body,
                url=reverse("delivery:overview"),
                dedupe_key=f"digest-{today.isoformat()}",
            )
        )
    return written


def contact_followups(now: dt.datetime) -> int:
    """Once a day: the account manager hears of the customers whose next contact is due."""
    today = _daily(now)
    if today is None:
        return 0
    written = 0
    due = AccountRelationship.objects.filter(
        Q(next_contact_on__lte=today), organization__is_active=True
    ).select_related("organization", "account_manager")
    for account in due:
        if not Membership.objects.filter(
            user=account.account_manager, organization_id=account.organization.vendor_id
        ).exists():
            continue
        written += len(
            notify(
                [account.account_manager],
                "delivery.contact_followup",
                title=lambda a=account: (
                    _("Contact %(organization)s (due %(due)s)")
                    % {
                        "organization": a.organization.name,
                        "due": a.next_contact_on.strftime("%-d.%-m.%Y"),
                    }
                ),
                url=reverse("delivery:account", args=[account.organization_id]),
                organization=account.organization,
                dedupe_key=f"contact-{account.pk}-{account.next_contact_on.isoformat()}",
            )
        )
    return written
