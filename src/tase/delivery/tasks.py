"""Background tasks of delivery: mail to the customer's users (enqueued after commit)."""

from django.core.mail import send_mail
from django.tasks import task


@task
def send_delivery_mail(subject: str, body: str, to: str) -> None:
    send_mail(subject, body, None, [to])
