"""Writing the audit trail. Services call :func:`record` inside their transaction."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction

from tase import db

from . import auditchain
from .models import AuditChainHead, AuditEvent, Company, Organization

# The client address of the request being served, set by AuditContextMiddleware.
current_ip: ContextVar[str | None] = ContextVar("tase_current_ip", default=None)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value differs, as ``{field: [old, new]}``."""
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def changes_since(before: dict[str, Any], obj: models.Model) -> dict[str, list[Any]]:
    """The fields of ``before`` (a :func:`snapshot` of ``obj``) that ``obj`` has changed since."""
    return changes_between(before, snapshot(obj, list(before)))


def _event(
    actor,
    action: str,
    obj: models.Model | None,
    *,
    organization: Organization | None,
    company: Company | None,
    changes: dict[str, Any] | None,
    label: str | None,
) -> AuditEvent:
    """The unsaved event :func:`record` and :func:`record_many` append, without its hashes."""
    if company is None and isinstance(obj, Company):
        company = obj
    if organization is None:
        if company is not None:
            organization = company.organization
        elif isinstance(obj, Organization):
            organization = obj
        elif obj is not None:
            organization = getattr(obj, "organization", None)
    user = actor if getattr(actor, "is_authenticated", False) else None
    ip_field = AuditEvent._meta.get_field("ip_address")
    return AuditEvent(
        actor=user,
        actor_label=label or (user.email if user else "system"),
        organization=organization,
        company=company,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        action=action,
        # As the database will give them back, so that the hash covers what is stored.
        changes=json.loads(json.dumps(changes or {})),
        ip_address=ip_field.get_prep_value(current_ip.get()),
    )


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    organization: Organization | None = None,
    company: Company | None = None,
    changes: dict[str, Any] | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Append one audit event. ``actor`` is a User (or None for the system)."""
    event = _event(
        actor,
        action,
        obj,
        organization=organization,
        company=company,
        changes=changes,
        label=label,
    )
    with transaction.atomic(savepoint=False):
        event.prev_hash, event.hash = _advance_chain(
            auditchain.chain_key(event.organization_id), auditchain.content_hash(event)
        )
        return db.insert(event)


def record_many(
    actor,
    action: str,
    changes: Iterable[tuple[models.Model, dict[str, Any] | None]],
    *,
    company: Company,
) -> list[AuditEvent]:
    """Append an event for each ``(obj, changes)`` of ``company``, in order: the same events,
    linked the same way, as :func:`record` called for each, in two statements and one insert.

    The chain's head row is advanced once for the first event (the upsert that locks it
    until the transaction ends, so no other writer links in between); the following links
    are computed here with :func:`tase.core.auditchain.link`, the head is set to the last,
    and the events are inserted in one statement in their order, which is their id order."""
    events = [
        _event(actor, action, obj, organization=None, company=company, changes=c, label=None)
        for obj, c in changes
    ]
    if not events:
        return []
    chain = auditchain.chain_key(events[0].organization_id)
    with transaction.atomic(savepoint=False):
        first = events[0]
        first.prev_hash, first.hash = _advance_chain(chain, auditchain.content_hash(first))
        for before, event in itertools.pairwise(events):
            event.prev_hash = before.hash
            event.hash = auditchain.link(before.hash, auditchain.content_hash(event))
        if len(events) > 1:
            AuditChainHead.objects.filter(chain=chain).update(
                prev_hash=events[-1].prev_hash, hash=events[-1].hash
            )
        return AuditEvent.objects.bulk_create(events, batch_size=500)


def _sha256_sql(expression: str) -> str:
    """SQL for the lowercase hex SHA-256 of a text ``expression`` (Django registers SHA256
    on SQLite connections)."""
    if connection.vendor == "postgresql":
        return f"encode(sha256(convert_to({expression}, 'UTF8')), 'hex')"
    return f"SHA256({expression})"


def _advance_chain(chain: int, content_digest: str) -> tuple[str, str]:
    """Link a new event into ``chain``: one upsert of the chain's head row that returns the
    previous hash and the new one (:func:`tase.core.auditchain.link`, computed by the
    database). The upsert locks the head row until the writer's transaction ends, so a
    concurrent writer of the same chain waits and links to this event, never beside it."""
    table = AuditChainHead._meta.db_table
    sql = (
        f"INSERT INTO {table} (chain, prev_hash, hash) "
        f"VALUES (%s, '', {_sha256_sql('CAST(%s AS text)')}) "
        f"ON CONFLICT (chain) DO UPDATE SET prev_hash = {table}.hash, "
        f"hash = {_sha256_sql(f'{table}.hash || CAST(%s AS text)')} "
        "RETURNING prev_hash, hash"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [chain, content_digest, content_digest])
        prev_hash, new_hash = cursor.fetchone()
    return prev_hash, new_hash
