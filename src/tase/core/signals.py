"""Sign-ins, sign-outs and failed sign-ins go to the audit trail; a sign-in starts the
session's idle clock (:class:`tase.core.middleware.SessionTouchMiddleware`); a change to
anyone's rights (a membership, its company limits, an organization) makes the shared cache
forget the memberships it kept for them (:func:`tase.core.access.forget_memberships`)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import audit
from .access import forget_memberships
from .models import Company, Membership, Organization, User


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


# -- rights kept in the shared cache ---------------------------------------------------------


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def _membership_changed(sender, instance, **kwargs):
    forget_memberships([instance.user_id])


@receiver(m2m_changed, sender=Membership.companies.through)
def _company_limits_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    if not reverse:  # membership.companies.add/remove/set/clear
        forget_memberships([instance.user_id])
        return
    # company.memberships…: the memberships named, or on clear every one limited to it
    memberships = Membership.objects.filter(companies=instance)
    if pk_set:
        memberships = Membership.objects.filter(pk__in=pk_set)
    forget_memberships(memberships.values_list("user_id", flat=True))


@receiver(post_save, sender=Organization)
@receiver(pre_delete, sender=Organization)
def _organization_changed(sender, instance, **kwargs):
    forget_memberships(
        Membership.objects.filter(organization=instance).values_list("user_id", flat=True)
    )


@receiver(pre_delete, sender=Company)
def _company_deleted(sender, instance, **kwargs):
    """The company's rows in the memberships' limits go with it, without a signal of their own."""
    forget_memberships(
        Membership.objects.filter(companies=instance).values_list("user_id", flat=True)
    )
