"""Replying by email. Each customer organization has an inbound address,
``support+<token>@<domain>`` of ``TASE_SUPPORT_INBOUND_EMAIL``; support's emails carry it as
Reply-To. A message that arrives there (``tase support_inbound`` from the mail server, or the
API) is read as RFC 822 (RFC 5322): the token names the organization, ``[#number]`` in the
subject names the request, the sender (From) must be an active user of the organization (or
its vendor's support staff). Then the text above the quoted part becomes a reply, as if
written in the extranet; without a ``[#number]`` a new request is filed. Anything else is
refused with the reason, and nothing is written.

The sender address is what the mail server accepted: it is trusted only as far as the server
checks it (SPF, DKIM, DMARC); docs/support.md says so.
"""

from __future__ import annotations

import email
import email.policy
import re
import secrets
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core.access import Actor
from tase.core.models import Organization, User

from ..models import Category, InboundAddress, ServiceRequest

MAX_MESSAGE_BYTES = 25 * 1024 * 1024
NUMBER_RE = re.compile(r"\[#(\d{1,9})\]")
QUOTE_HEADS = (
    re.compile(r"^On .+ wrote:\s*$"),
    re.compile(r"^.+ kirjoitti .*:\s*$"),
    re.compile(r"^-{2,}\s*(Original Message|Alkuperäinen viesti)\s*-{2,}\s*$", re.I),
    re.compile(r"^(From|Lähettäjä):\s", re.I),
)


class Refused(Exception):
    """The message was not taken in; ``reason`` says why (in the active language)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _split_base(address: str) -> tuple[str, str]:
    local, _sep, domain = address.partition("@")
    return local, domain


def inbound_address(organization: Organization, *, create: bool = False) -> str:
    """The organization's address for replies, e.g. support+k3x9…@tase.example ('' if none)."""
    base = getattr(settings, "TASE_SUPPORT_INBOUND_EMAIL", "")
    if not base or organization.is_vendor:
        return ""
    row = InboundAddress.objects.filter(organization=organization).first()
    if row is None:
        if not create:
            return ""
        row, _created = InboundAddress.objects.get_or_create(
            organization=organization, defaults={"token": secrets.token_hex(8)}
        )
    local, domain = _split_base(base)
    return f"{local}+{row.token}@{domain}"


def _organization_from(message: EmailMessage) -> Organization:
    local_base, domain = _split_base(settings.TASE_SUPPORT_INBOUND_EMAIL)
    headers = []
    for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
        headers += message.get_all(name, [])
    for _name, address in getaddresses([str(h) for h in headers]):
        local, _sep, addr_domain = address.lower().partition("@")
        base, plus, token = local.partition("+")
        if plus and base == local_base.lower() and addr_domain == domain.lower():
            row = InboundAddress.objects.select_related("organization").filter(token=token).first()
            if row is not None and row.organization.is_active:
                return row.organization
    raise Refused(_("The message was not sent to any organization's support address."))


def _sender(message: EmailMessage, organization: Organization) -> tuple[User, Actor]:
    _name, address = parseaddr(str(message.get("From", "")))
    user = (
        User.objects.filter(email__iexact=address.strip(), is_active=True).first()
        if address
        else None
    )
    if user is not None:
        actor = Actor.of(user)
        if actor.can("support.use", organization) or actor.can("support.handle", organization):
            return user, actor
    raise Refused(
        _("%(address)s is not a user of %(organization)s; the message was not added.")
        % {"address": address or "?", "organization": organization.name}
    )


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        import nh3

        text = nh3.clean(re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.I), tags=set())
    return text


def strip_quoted(text: str) -> str:
    """The new text only: up to the first quote header ('On … wrote:', '… kirjoitti …:',
    '-----Original Message-----', 'From:'), without '>' lines and the signature ('-- ')."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.rstrip() == "--" or any(head.match(line.strip()) for head in QUOTE_HEADS):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def _attachments(message: EmailMessage) -> list:
    files = []
    for part in message.iter_attachments():
        name = part.get_filename()
        payload = part.get_payload(decode=True)
        if name and payload:
            files.append(
                SimpleUploadedFile(
                    name, payload, part.get_content_type() or "application/octet-stream"
                )
            )
    return files


def receive_email(raw: bytes):
    """Take one RFC 822 message in: returns the new Reply (or ServiceRequest). Raises
    ``Refused`` with the reason, and ``ValidationError`` for bad content; nothing is written
    either way."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    from .requests import add_reply, create_request

    if len(raw) > MAX_MESSAGE_BYTES:
        raise Refused(_("The message is larger than 25 MB."))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    organization = _organization_from(message)
    user, actor = _sender(message, organization)
    subject = str(message.get("Subject", "")).strip()
    body = strip_quoted(_text(message))
    if not body:
        raise Refused(_("The message has no text above the quoted part."))
    match = NUMBER_RE.search(subject)
    try:
        with transaction.atomic():
            if match:
                request = ServiceRequest.objects.filter(
                    organization=organization, number=int(match.group(1))
                ).first()
                if request is None:
                    raise Refused(
                        _("%(organization)s has no service request #%(number)s.")
                        % {"organization": organization.name, "number": match.group(1)}
                    )
                if request.merged_into_id:
                    request = request.merged_into
                return add_reply(actor, request, body=body, attachments=_attachments(message))
            companies = (actor.companies("support.use") | actor.companies("support.handle")).filter(
                organization=organization
            )
            company = companies.order_by("pk").first()
            if company is None:
                raise Refused(
                    _("%(address)s may not file requests for %(organization)s.")
                    % {"address": user.email, "organization": organization.name}
                )
            clean_subject = re.sub(r"^((re|vs|fw|fwd|sv)\s*:\s*)+", "", subject, flags=re.I)
            return create_request(
                actor,
                company=company,
                category=Category.OTHER,
                subject=(clean_subject or _("(no subject)"))[:200],
                description=body,
                attachments=_attachments(message),
            )
    except Http404:
        raise Refused(_("%(address)s cannot see this request.") % {"address": user.email}) from None
    except PermissionDenied:
        raise Refused(
            _("%(address)s may not write to this request.") % {"address": user.email}
        ) from None
    except ValidationError as error:
        raise Refused("; ".join(error.messages)) from None
