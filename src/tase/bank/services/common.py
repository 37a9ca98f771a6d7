"""Shared helpers of the bank services."""

from __future__ import annotations

from tase.core.models import Company


def guard(actor, company: Company, action: str) -> Company:
    """404 if the actor cannot see ``company``, 403 if the role lacks ``action``."""
    return actor.company(company.pk, action)
