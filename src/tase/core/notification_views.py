"""The user's notifications: the list (the header shows the unread count), opening one marks it
read and follows its link, and the choice per kind of what is shown in the app or emailed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import notifications
from .access import Actor
from .editing import error_messages, run_action


def notification_list(request):
    page = Paginator(notifications.inbox(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@require_POST
def notification_open(request, pk):
    """Mark it read and go where it points (a path inside Tase only)."""
    notification = notifications.get_own(request.user, pk)
    notifications.mark_read(request.user, notification.pk)
    target = notification.url or "/notifications/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/notifications/"
    return redirect(target)


@require_POST
def notification_read_all(request):
    return run_action(
        request,
        lambda: notifications.mark_read(request.user),
        success=_("All notifications marked read."),
        back="notification_list",
    )


def notification_settings(request):
    kinds = notifications.kinds_for(Actor.of(request.user))
    if request.method == "POST":
        choices = {
            kind.key: (
                f"{kind.key}:in_app" in request.POST,
                f"{kind.key}:email" in request.POST,
            )
            for kind in kinds
        }
        try:
            notifications.set_preferences(request.user, choices)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notification_settings")
    current = notifications.preferences(request.user, [k.key for k in kinds])
    rows = [
        {"kind": kind, "in_app": current[kind.key][0], "email": current[kind.key][1]}
        for kind in kinds
    ]
    return render(request, "core/notification_settings.html", {"rows": rows})
