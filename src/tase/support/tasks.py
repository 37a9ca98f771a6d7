"""Background tasks of customer support (Django's tasks framework)."""

from django.tasks import task

from . import services


@task
def autoclose_resolved_requests() -> int:
    """Close requests resolved more than 14 days ago; enqueue daily."""
    return services.close_expired()
