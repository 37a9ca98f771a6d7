"""Contracts and the account relationship: the account manager and the contact log."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Organization, User
from tase.core.roles import Role

from ..models import (
    AccountRelationship,
    ContactLog,
    Contract,
    Module,
)
from ._common import _date, _hours, _required, _staff_user, _text


def _clean_modules(modules) -> list[str]:
    modules = list(dict.fromkeys(modules or []))
    unknown = [m for m in modules if m not in Module.values]
    if unknown:
        raise ValidationError({"modules": _("Unknown module: %(m)s.") % {"m": ", ".join(unknown)}})
    if not modules:
        raise ValidationError({"modules": _("Choose at least one module.")})
    return modules


@transaction.atomic
def create_contract(
    actor: Actor,
    organization: Organization,
    *,
    title: str,
    signed_on: dt.date,
    modules,
    training_hours,
    scope: str = "",
) -> Contract:
    actor.require("delivery.contracts", organization)
    if organization.is_vendor:
        raise ValidationError(
            {"organization": _("Contracts are made with customer organizations.")}
        )
    contract = Contract.objects.create(
        organization=organization,
        title=_required(title, "title"),
        signed_on=_date(_required(signed_on, "signed_on"), "signed_on"),
        modules=_clean_modules(modules),
        training_hours=_hours(training_hours, "training_hours"),
        scope=_text(scope),
        created_by=actor.user,
    )
    audit.record(actor.user, "create", contract, changes={"title": [None, contract.title]})
    return contract


@transaction.atomic
def set_account_manager(
    actor: Actor, organization: Organization, user: User, *, next_contact_on: dt.date | None = None
) -> AccountRelationship:
    actor.require("delivery.contracts", organization)
    _staff_user(user, organization.vendor_id, "account_manager", {Role.ACCOUNT_MANAGER, Role.ADMIN})
    rel, created = AccountRelationship.objects.get_or_create(
        organization=organization,
        defaults={"account_manager": user, "next_contact_on": next_contact_on},
    )
    if not created:
        before = rel.account_manager_id
        rel.account_manager = user
        if next_contact_on:
            rel.next_contact_on = next_contact_on
        rel.save()
        audit.record(actor.user, "update", rel, changes={"account_manager": [before, user.pk]})
    else:
        audit.record(actor.user, "create", rel, changes={"account_manager": [None, user.pk]})
    return rel


@transaction.atomic
def log_contact(
    actor: Actor,
    organization: Organization,
    *,
    on: dt.date,
    channel: str,
    note: str = "",
    next_contact_on: dt.date | None = None,
) -> ContactLog:
    actor.require("delivery.manage", organization)
    rel = AccountRelationship.objects.select_for_update().filter(organization=organization).first()
    if rel is None:
        raise ValidationError({"organization": _("Name the account manager first.")})
    on = _date(_required(on, "on"), "on")
    _date(next_contact_on, "next_contact_on")
    if on > timezone.localdate():
        raise ValidationError({"on": _("A contact made cannot be in the future.")})
    if channel not in ContactLog.Channel.values:
        raise ValidationError({"channel": _("Choose a channel.")})
    if next_contact_on and next_contact_on < on:
        raise ValidationError({"next_contact_on": _("The next contact cannot be before this one.")})
    entry = ContactLog.objects.create(
        relationship=rel,
        organization=organization,
        on=on,
        channel=channel,
        note=_text(note),
        by=actor.user,
    )
    before = [rel.last_contact_on, rel.next_contact_on]
    if rel.last_contact_on is None or on >= rel.last_contact_on:
        rel.last_contact_on = on
    if next_contact_on:
        rel.next_contact_on = next_contact_on
    rel.save(update_fields=["last_contact_on", "next_contact_on"])
    audit.record(
        actor.user,
        "contact",
        rel,
        changes={
            "last_contact_on": [audit._plain(before[0]), on.isoformat()],
            "next_contact_on": [audit._plain(before[1]), audit._plain(rel.next_contact_on)],
        },
    )
    return entry
