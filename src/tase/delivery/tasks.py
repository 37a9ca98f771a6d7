"""Background tasks of delivery: mail to the customer's users (enqueued after commit), and the
weekly status-report drafts."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.tasks import task


@task
def send_delivery_mail(subject: str, body: str, to: str) -> None:
    send_mail(subject, body, None, [to])


@task
def draft_weekly_status_reports() -> int:
    """A draft status report of this week for every running project, written in its lead's
    name for the lead to edit and publish; a project that has this week's report already is
    left alone. Run it once a week (Monday morning) from the scheduler that runs the worker;
    returns how many drafts were made."""
    from tase.core.access import Actor

    from .models import Project
    from .services.status_reports import draft_status_report

    made = 0
    for project in Project.objects.filter(status=Project.Status.RUNNING).select_related("lead"):
        try:
            draft_status_report(Actor.of(project.lead), project)
        except (ValidationError, PermissionDenied):
            continue
        made += 1
    return made
