"""A company's sales settings: its own e-invoice address and operator, reminder defaults.

An e-invoice address is an OVT code (``0037`` + the business ID's eight digits + an optional
suffix of up to five characters) or an IBAN; the operator (intermediator) is identified by its
OVT code or its BIC-style code (Finanssiala, "Verkkolaskuoperaattorien välittäjätunnukset").
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum import iban
from stdnum.exceptions import ValidationError as StdnumError

from tase.core import audit
from tase.core.models import Company

from ..models import SalesSettings
from .common import guard

FIELDS = ("einvoice_address", "einvoice_operator", "reminder_days_to_pay")
OVT = re.compile(r"^0037\d{8}[0-9A-Z]{0,5}$")
OPERATOR = re.compile(r"^(0037\d{8}[0-9A-Z]{0,5}|[A-Z]{4}FI[A-Z0-9]{2}([A-Z0-9]{3})?|E\d{6})$")


def settings_of(company: Company) -> SalesSettings:
    """The saved settings, or the defaults (not saved) for a company without any."""
    return SalesSettings.objects.filter(company=company).first() or SalesSettings(company=company)


def _address(text: str) -> str:
    compact = text.replace(" ", "").upper()
    if OVT.match(compact):
        return compact
    try:
        return iban.validate(compact)
    except StdnumError:
        raise ValidationError(
            {
                "einvoice_address": _(
                    "“%(value)s” is neither an OVT code (0037 and the business ID's digits) "
                    "nor a valid IBAN."
                )
                % {"value": text}
            }
        ) from None


@transaction.atomic
def update_settings(actor, company: Company, **data) -> SalesSettings:
    guard(actor, company, "sales.invoice")
    row = SalesSettings.objects.select_for_update().filter(company=company).first()
    row = row or SalesSettings(company=company)
    before = {name: getattr(row, name) for name in FIELDS}
    errors = {}
    for name in FIELDS:
        if data.get(name) is None:
            continue
        value = data[name]
        try:
            if name == "einvoice_address":
                value = _address(value) if str(value).strip() else ""
            elif name == "einvoice_operator":
                value = str(value).replace(" ", "").upper()
                if value and not OPERATOR.match(value):
                    raise ValidationError(
                        {name: _("“%(value)s” is not an operator code.") % {"value": data[name]}}
                    )
            else:
                value = int(value)
                if not 1 <= value <= 90:
                    raise ValueError
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        except (TypeError, ValueError):
            errors[name] = _("Give the days to pay as a number from 1 to 90.")
            continue
        setattr(row, name, value)
    if errors:
        raise ValidationError(errors)
    row.save()
    changes = {n: [before[n], getattr(row, n)] for n in FIELDS if before[n] != getattr(row, n)}
    audit.record(actor.user, "update", row, company=company, changes=changes)
    return row
