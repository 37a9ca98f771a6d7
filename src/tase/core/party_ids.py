"""A business partner's identifiers as customers and suppliers give them: the Finnish business
ID (Y-tunnus, its check digit) and the EU VAT number (VIES format and check digits, by
python-stdnum), normalised to their printed forms."""

from __future__ import annotations

from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import ytunnus


def clean_party_ids(values: dict, errors: dict) -> None:
    """Normalise ``values["business_id"]`` and ``values["vat_number"]`` where given; a wrong
    one is reported in ``errors`` under its field."""
    if values.get("business_id"):
        try:
            values["business_id"] = ytunnus.format(ytunnus.validate(values["business_id"]))
        except StdnumError:
            errors["business_id"] = _("“%(value)s” is not a valid business ID (Y-tunnus).") % {
                "value": values["business_id"]
            }
    if values.get("vat_number"):
        try:
            values["vat_number"] = eu_vat.validate(values["vat_number"])
        except StdnumError:
            errors["vat_number"] = _("“%(value)s” is not a valid EU VAT number.") % {
                "value": values["vat_number"]
            }
