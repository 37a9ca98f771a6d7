"""Notifications: one facility through which every app tells a user something.

An app registers its kinds in its ``AppConfig.ready`` (:func:`register_kind`) and calls
:func:`notify`; core knows no product. Each user chooses per kind whether it is shown in the
app, emailed, both or neither (:func:`set_preferences`); without a choice the kind's default
holds. Email goes through Django's mail backends after the transaction commits (a background
task), in the recipient's language, with links to the host the user reaches Tase at:
``TASE_BASE_URL`` when set, else the host and port of the request being served.

Periodic notifications (reminders, digests) come from runners that apps register with
:func:`register_periodic`; ``tase notifications_run`` (daily from cron or a timer, or more often
for meeting reminders) runs them. A runner passes a ``dedupe_key`` so a repeated run never
tells anyone twice.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit, shared_cache
from .models import Notification, NotificationPreference, Organization, User

logger = logging.getLogger(__name__)

# The base URL (scheme, host, port) of the request being served; set by the middleware.
current_base_url: contextvars.ContextVar[str] = contextvars.ContextVar("tase_base_url", default="")
FALLBACK_BASE_URL = "http://127.0.0.1:8000"


def base_url() -> str:
    """Where users reach Tase: TASE_BASE_URL when set, else the served request's own host and
    port, else the development server's address (a command run outside any request)."""
    return (
        getattr(settings, "TASE_BASE_URL", "") or current_base_url.get() or FALLBACK_BASE_URL
    ).rstrip("/")


@contextlib.contextmanager
def served_at(url: str):
    """Links made inside this block start with ``url``, the base a request was served at: a
    background task, run by a worker outside any request, is given its request's."""
    token = current_base_url.set(url)
    try:
        yield
    finally:
        current_base_url.reset(token)


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + path


# -- kinds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    key: str  # "support.request_filed"
    label: Any  # a lazy translation shown on the preferences page
    audience: str = "all"  # "staff", "customer" or "all": whom the preferences page offers it
    in_app: bool = True  # the defaults without a user's choice
    email: bool = True
    order: int = 100


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    KINDS[kind.key] = kind


def kinds_for(actor) -> list[Kind]:
    """The kinds a user may be sent, for the preferences page."""
    audiences = {"all"}
    if actor.is_vendor_staff:
        audiences.add("staff")
    if actor.customer_memberships:
        audiences.add("customer")
    return sorted(
        (k for k in KINDS.values() if k.audience in audiences), key=lambda k: (k.order, k.key)
    )


def preferences(user: User, kinds: Iterable[str] | None = None) -> dict[str, tuple[bool, bool]]:
    """(in_app, email) per kind for ``user``: their choice, else the kind's default."""
    chosen = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=user)}
    keys = list(kinds) if kinds is not None else list(KINDS)
    return {
        key: chosen.get(
            key, (KINDS[key].in_app, KINDS[key].email) if key in KINDS else (True, True)
        )
        for key in keys
    }


@transaction.atomic
def set_preferences(user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """Save a user's choices: {kind: (in_app, email)}. Unknown kinds are refused by name."""
    unknown = sorted(set(choices) - set(KINDS))
    if unknown:
        raise ValidationError(
            {"kind": _("Unknown kind: %(kinds)s") % {"kinds": ", ".join(unknown)}}
        )
    before = preferences(user, choices)
    for key, (in_app, email) in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=key, defaults={"in_app": bool(in_app), "email": bool(email)}
        )
    changes = {
        key: [list(before[key]), [bool(a), bool(b)]]
        for key, (a, b) in choices.items()
        if tuple(before[key]) != (bool(a), bool(b))
    }
    if changes:
        audit.record(user, "notification_preferences", user, changes=changes)


# -- sending -------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailAttachment:
    filename: str
    content: str  # text (a calendar file)
    mimetype: str


def notify(
    users: Iterable[User],
    kind: str,
    *,
    title: Callable[[], str] | str,
    template: str | None = None,
    context: dict | None = None,
    body: Callable[[], str] | str = "",
    url: str = "",
    organization: Organization | None = None,
    attachments: Callable[[User], list[EmailAttachment]] | None = None,
    dedupe_key: str = "",
    reply_to: str = "",
    subject_prefix: str = "",
) -> list[Notification]:
    """Tell each user about something of ``kind``, as each chose (in the app, by email).

    ``title`` and ``body`` are callables (or strings) evaluated in each user's language; or a
    ``template`` renders the email text with ``context`` plus ``user`` and ``link``. ``url`` is
    a path in Tase; the email carries it as an absolute link. With ``dedupe_key`` a user who was
    already told (the same kind and key) is skipped. Returns the notifications written."""
    if kind not in KINDS:
        raise ValueError(f"unregistered notification kind {kind!r}")
    recipients = [u for u in {u.pk: u for u in users if u is not None}.values() if u.is_active]
    if not recipients:
        return []
    prefs = {
        p.user_id: (p.in_app, p.email)
        for p in NotificationPreference.objects.filter(
            kind=kind, user__in=[u.pk for u in recipients]
        )
    }
    if dedupe_key:
        told = set(
            Notification.objects.filter(
                kind=kind, dedupe_key=dedupe_key, user__in=[u.pk for u in recipients]
            ).values_list("user_id", flat=True)
        )
        recipients = [u for u in recipients if u.pk not in told]
    link = absolute_url(url) if url else ""
    written, mails = [], []
    for user in recipients:
        in_app, by_email = prefs.get(user.pk, (KINDS[kind].in_app, KINDS[kind].email))
        by_email = by_email and bool(user.email)
        if not (in_app or by_email):
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text_title = str(title() if callable(title) else title)[:300]
            text_body = str(body() if callable(body) else body)
            mail_body = text_body
            if template:
                mail_body = render_to_string(
                    template, {**(context or {}), "user": user, "link": link}
                )
            if by_email:
                files = attachments(user) if attachments else []
                mails.append(
                    {
                        "subject": f"{subject_prefix}{text_title}",
                        "body": mail_body
                        if not link or link in mail_body
                        else f"{mail_body}\n\n{link}\n",
                        "to": user.email,
                        "reply_to": reply_to,
                        "attachments": [[f.filename, f.content, f.mimetype] for f in files],
                    }
                )
        notification = Notification(
            user=user,
            organization=organization,
            kind=kind,
            title=text_title,
            body=text_body or (mail_body if template else ""),
            url=url,
            in_app=in_app,
            emailed=by_email,
            dedupe_key=dedupe_key,
        )
        if dedupe_key:
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:  # told by a run at the same moment
                mails = [m for m in mails if m["to"] != user.email]
                continue
        else:
            notification.save()
        written.append(notification)
    email_after_commit(mails, kind)
    shared_cache.forget(*(_unread_key(n.user_id) for n in written if n.in_app))
    return written


def email_after_commit(mails: list[dict], kind: str) -> None:
    """Queue each email (``send_notification_email``'s arguments) once the transaction
    commits, never inside it. The write the emails tell of is done by then: a mail server that
    is down fails the task (logged by the task framework, kept as failed by the database
    queue) and a queue that cannot take the email is logged here; neither turns the request
    into a server error."""
    if not mails:
        return
    from . import tasks

    def send():
        for mail in mails:
            try:
                tasks.send_notification_email.enqueue(**mail)
            except Exception:
                logger.exception("A %s email could not be queued", kind)

    transaction.on_commit(send)


# -- the user's own list -------------------------------------------------------------


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user: User) -> int:
    """The user's unread notifications in the app: shown on every page, so kept in the shared
    cache (tase.core.shared_cache) until a notification is written or read."""
    return shared_cache.remember(
        _unread_key(user.pk),
        lambda: Notification.objects.filter(user=user, in_app=True, read_at__isnull=True).count(),
    )


def inbox(user: User):
    return Notification.objects.filter(user=user, in_app=True)


def get_own(user: User, pk) -> Notification:
    """The user's own notification, or 404 (another's does not exist for them)."""
    from django.http import Http404

    try:
        return inbox(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def mark_read(user: User, pk=None, *, now: dt.datetime | None = None) -> int:
    """Mark one (``pk``) or all of the user's notifications read. Not audited: it is the
    user's own reading state, like an announcement's read mark."""
    rows = inbox(user).filter(read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=get_own(user, pk).pk)
    shared_cache.forget(_unread_key(user.pk))
    return rows.update(read_at=now or timezone.now())


# -- periodic runners ----------------------------------------------------------------


@dataclass(frozen=True)
class Periodic:
    key: str
    run: Callable[[dt.datetime], int]  # (now) -> how many notifications were written
    order: int = 100


PERIODIC: dict[str, Periodic] = {}


def register_periodic(runner: Periodic) -> None:
    PERIODIC[runner.key] = runner


def run_periodic(now: dt.datetime | None = None, only: Iterable[str] = ()) -> dict[str, int]:
    now = now or timezone.now()
    chosen = set(only)
    results = {}
    for runner in sorted(PERIODIC.values(), key=lambda r: (r.order, r.key)):
        if chosen and runner.key not in chosen:
            continue
        results[runner.key] = runner.run(now)
    return results
