"""The new year's statutory figures, entered by the vendor's admin with their source.

The shipped parameters (``tase/rules/params/*.yaml``) are confirmed up to a date; a
yearly-set parameter is refused after it (:class:`tase.rules.parameters.NotConfirmed`). The
vendor's admin adds the next year's values here - one at a time on the parameters page or
through the API, or from a reviewed data file in the parameters' own YAML format - and each
keeps who entered it and when. The rules layer imports no Django: :class:`DatabaseOverlay`
is installed into it at start-up (:meth:`tase.core.apps.CoreConfig.ready`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from tase.rules import parameters as params

from . import audit
from .models import ParameterValue


class DatabaseOverlay:
    """The entered values as the rules layer reads them (see ``parameters.Overlay``)."""

    def values(self):
        return [
            params.EnteredValue(
                name=row.name,
                effective_from=row.effective_from,
                value=row.value,
                source=row.source,
                note=row.note,
                confirmed_until=row.confirmed_until,
                entered_by=row.entered_by.email,
                entered_at=row.entered_at,
            )
            for row in ParameterValue.objects.select_related("entered_by")
        ]

    def version(self):
        summary = ParameterValue.objects.aggregate(count=Count("pk"), last=Max("pk"))
        return summary["count"], summary["last"]


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return "number" if isinstance(value, Decimal) else "text"


def _parse_value(raw: Any, shipped: Any) -> Any:
    """The entered value: a number (decimal comma allowed) or YAML for a structured value;
    it must have the shape of the parameter's shipped values."""
    if isinstance(raw, str):
        text = raw.strip()
        try:
            number = Decimal(text.replace(",", ".").replace(" ", ""))
            if not number.is_finite():
                raise ValidationError({"value": _("Enter a number or valid YAML.")})
            raw = str(number)
        except InvalidOperation:
            try:
                raw = yaml.safe_load(text)
            except yaml.YAMLError:
                raise ValidationError({"value": _("Enter a number or valid YAML.")}) from None
    elif isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        raw = str(raw)
    exact = params.exact(raw)
    if _shape(exact) != _shape(shipped):
        raise ValidationError(
            {"value": _("The value must have the same form as the earlier values (%(shape)s).")
             % {"shape": _shape(shipped)}}
        )  # fmt: skip
    return _plain(exact)


def _plain(value: Any) -> Any:
    """JSON-safe: decimals as strings, so no float ever touches a rate."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _vendor_admin(actor):
    actor.require("parameters.manage")
    return next(m.organization for m in actor.staff_memberships)


def _check(name, effective_from, value, source, confirmed_until, prefix=""):
    try:
        parameter = params.shipped_set().get(name)
    except params.UnknownParameter:
        raise ValidationError(
            {f"{prefix}name": _("Unknown parameter “%(name)s”.") % {"name": name}}
        ) from None
    if not isinstance(effective_from, dt.date):
        raise ValidationError({f"{prefix}effective_from": _("Enter a date.")})
    try:
        URLValidator(schemes=["https", "http"])(source or "")
    except ValidationError:
        raise ValidationError(
            {f"{prefix}source": _("Name the public source of the value as a web address.")}
        ) from None
    if confirmed_until is None and parameter.confirmed_until is not None:
        confirmed_until = dt.date(effective_from.year, 12, 31)
    if confirmed_until is not None and confirmed_until < effective_from:
        raise ValidationError(
            {f"{prefix}confirmed_until": _("Confirmed until must not be before the start date.")}
        )
    if ParameterValue.objects.filter(name=name, effective_from=effective_from).exists():
        raise ValidationError(
            {f"{prefix}effective_from": _("A value from this date has already been entered.")}
        )
    try:
        stored = _parse_value(value, parameter.values[-1].value)
    except ValidationError as error:
        raise ValidationError({f"{prefix}value": error.message_dict["value"]}) from None
    return stored, confirmed_until


def _create(actor, organization, name, effective_from, stored, source, note, confirmed_until):
    row = ParameterValue.objects.create(
        name=name,
        effective_from=effective_from,
        value=stored,
        source=source,
        note=note or "",
        confirmed_until=confirmed_until,
        entered_by=actor.user,
    )
    audit.record(
        actor.user,
        "create",
        row,
        organization=organization,
        changes={
            "value": [None, stored],
            "source": [None, source],
            "confirmed_until": [None, confirmed_until.isoformat() if confirmed_until else None],
        },
    )
    return row


@transaction.atomic
def enter_value(
    actor,
    *,
    name: str,
    effective_from: dt.date,
    value: Any,
    source: str,
    note: str = "",
    confirmed_until: dt.date | None = None,
) -> ParameterValue:
    """Enter one value of a statutory parameter (vendor admin). For a yearly-set parameter
    ``confirmed_until`` defaults to the end of the start date's year."""
    organization = _vendor_admin(actor)
    stored, confirmed_until = _check(name, effective_from, value, source, confirmed_until)
    row = _create(actor, organization, name, effective_from, stored, source, note, confirmed_until)
    transaction.on_commit(params.reload)
    params.reload()
    return row


def _date(value, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({where: _("Enter a date.")}) from None


@transaction.atomic
def load_file(actor, text: str) -> list[ParameterValue]:
    """Load reviewed values from a data file in the parameters' YAML format, keyed by the
    full parameter name::

        payroll.unemployment.employee_rate:
          confirmed_until: 2027-12-31
          values:
            - {from: 2027-01-01, value: "0.95", source: "https://…", note: "…"}

    All or nothing: an error names the parameter and the value's position."""
    organization = _vendor_admin(actor)
    try:
        content = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise ValidationError({"file": _("The file is not valid YAML: %(error)s") % {
            "error": str(error).splitlines()[0]}}) from None  # fmt: skip
    if not isinstance(content, dict):
        raise ValidationError({"file": _("Expected a mapping of parameter names.")})
    rows = []
    for name, spec in content.items():
        values = spec.get("values") if isinstance(spec, dict) else None
        if not isinstance(values, list) or not values:
            raise ValidationError({f"{name}": _("Needs a non-empty list of values.")})
        confirmed = _date(spec.get("confirmed_until"), f"{name}.confirmed_until")
        for position, entry in enumerate(values, start=1):
            where = f"{name}.values[{position}]."
            if not isinstance(entry, dict):
                raise ValidationError({where: _("Expected from, value and source.")})
            start = _date(entry.get("from"), f"{where}from")
            stored, until = _check(
                str(name), start, entry.get("value"), entry.get("source"), confirmed, where
            )
            rows.append(_create(actor, organization, str(name), start, stored,
                                str(entry["source"]), str(entry.get("note") or ""), until))  # fmt: skip
    transaction.on_commit(params.reload)
    params.reload()
    return rows
