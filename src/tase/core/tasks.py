"""Background tasks of the platform (Django's tasks framework).

Run at once in development and tests; queued in the database and run by
`tase db_worker` in production, so a slow mail server never slows a page.
"""

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import Organization, User


def absolute_url(path: str) -> str:
    from .notifications import absolute_url as absolute

    return absolute(path)


@task
def send_notification_email(
    subject: str, body: str, to: str, reply_to: str = "", attachments=()
) -> None:
    """One notification email; ``attachments`` are [filename, text, mimetype] (a calendar file)."""
    message = EmailMessage(subject, body, None, [to], reply_to=[reply_to] if reply_to else None)
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()


@task
def send_invitation(user_id: int, organization_id: int, new_user: bool, base_url: str = "") -> None:
    """Email an invited person a link that sets their password (a new user) or signs them in.
    ``base_url`` is where the inviting request was served (TASE_BASE_URL still wins)."""
    from .notifications import served_at

    user = User.objects.get(pk=user_id)
    organization = Organization.objects.get(pk=organization_id)
    with translation.override(user.language), served_at(base_url):
        link = absolute_url(reverse("login"))
        if new_user:
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            link = absolute_url(
                reverse(
                    "password_reset_confirm", args=[uid, default_token_generator.make_token(user)]
                )
            )
        context = {"user": user, "organization": organization, "link": link, "new_user": new_user}
        send_mail(
            _("You have been invited to Tase: %(organization)s")
            % {"organization": organization.name},
            render_to_string("core/email/invitation.txt", context),
            None,
            [user.email],
        )


@task
def run_periodic_notifications() -> dict:
    """The apps' reminders and digests (``tase notifications_run`` does the same)."""
    from .notifications import run_periodic

    return run_periodic()
