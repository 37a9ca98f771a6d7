"""Writing the audit trail. Services call :func:`record` inside their transaction."""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import models

from tase import db

from .models import AuditEvent, Company, Organization

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
    return db.insert(
        AuditEvent(
            actor=user,
            actor_label=label or (user.email if user else "system"),
            organization=organization,
            company=company,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:300] if obj is not None else "",
            action=action,
            changes=changes or {},
            ip_address=current_ip.get(),
        )
    )
