"""Sign-ins, sign-outs and failed sign-ins go to the audit trail; a sign-in starts the
session's idle clock (:class:`tase.core.middleware.SessionTouchMiddleware`)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .models import User


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(user, "login", user)
    session = getattr(request, "session", None)
    if session is not None:  # saved with the sign-in: the next page writes nothing
        from .middleware import SessionTouchMiddleware

        session[SessionTouchMiddleware.KEY] = int(time.time())


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(user, "logout", user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("username") or credentials.get("email") or "")[:254]
    user = User.objects.filter(email__iexact=email).first() if email else None
    audit.record(None, "login_failed", user, label=email or "unknown")
