"""The hash chain of the audit trail: what an event's hash covers and how events link.

Each organization's events form one chain, in id order; events without an organization
(sign-ins, token changes of users) form one chain of their own, keyed 0 here.

- The *content* of an event is the JSON object of all its columns but id and the two
  hashes, serialised canonically: keys sorted, no whitespace (``","`` and ``":"``), UTF-8,
  non-ASCII characters as themselves; the time as ISO 8601 in UTC with microseconds
  (``2026-12-06T12:11:24.123456+00:00``); foreign keys as their ids (or null); ``changes`` as
  the database gives the JSON back, with integral floats written as integers (PostgreSQL's
  ``jsonb`` gives ``1e30`` back as ``1000…0``).
- ``hash = sha256_hex(prev_hash + sha256_hex(content))``, where ``prev_hash`` is the hash of
  the chain's previous event, or the empty string for its first event. Hex digits are
  lowercase ASCII.

The format is frozen: the data migration that hashed the existing trail uses it, and a
changed format would make every stored hash wrong. :func:`tase.core.audit.record` advances
the chain's head row (:class:`~tase.core.models.AuditChainHead`) and writes the event in
one transaction; ``tase audit verify`` recomputes every link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

CONTENT_FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "organization_id",
    "company_id",
    "object_type",
    "object_id",
    "object_repr",
    "action",
    "changes",
    "ip_address",
)


def chain_key(organization_id: int | None) -> int:
    """The head row's key of the chain an event of ``organization_id`` belongs to."""
    return organization_id or 0


def _normal(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normal(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(Decimal(repr(value)))  # 1e+30 -> 10**30, as jsonb prints it
    return value


def canonical(event: Any) -> bytes:
    """The canonical serialisation of an event's content (any object with its attributes)."""
    values = {name: _normal(getattr(event, name)) for name in CONTENT_FIELDS}
    values["at"] = values["at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(event: Any) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def link(prev_hash: str, content_digest: str) -> str:
    """An event's hash from its predecessor's and its own content's (the database computes
    the same with its SHA-256 when :func:`tase.core.audit.record` advances the head)."""
    return hashlib.sha256((prev_hash + content_digest).encode("ascii")).hexdigest()


def event_hash(event: Any) -> str:
    """The hash ``event`` should carry, given the ``prev_hash`` it stores."""
    return link(event.prev_hash, content_hash(event))
