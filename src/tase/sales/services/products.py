"""Products and prices: a net price or a price including VAT, a VAT code, a sales account."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.rules import vat as vat_rules

from ..models import Product
from .common import guard, to_cents


@transaction.atomic
def create_product(
    actor,
    company: Company,
    *,
    code: str,
    name: str,
    price,
    unit: str = "kpl",
    price_includes_vat: bool = False,
    vat_code: str = "S",
    sales_account: str = "3000",
) -> Product:
    guard(actor, company, "sales.invoice")
    errors: dict[str, str] = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        errors["code"] = _("This field is required.")
    elif Product.objects.filter(company=company, code=code).exists():
        errors["code"] = _("The product code %(code)s is taken.") % {"code": code}
    if not name:
        errors["name"] = _("This field is required.")
    vat_code = (vat_code or "").strip().upper()
    known = vat_rules.CODES.get(vat_code)
    if known is None or not known.sales:
        errors["vat_code"] = _("“%(code)s” is not a sales VAT code.") % {"code": vat_code}
    try:
        price_cents = to_cents(price, "price")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
        price_cents = 0
    if errors:
        raise ValidationError(errors)
    product = Product.objects.create(
        company=company,
        code=code,
        name=name,
        unit=(unit or "kpl").strip()[:14],
        price_cents=price_cents,
        price_includes_vat=bool(price_includes_vat),
        vat_code=vat_code,
        sales_account=(sales_account or "3000").strip(),
    )
    audit.record(actor.user, "create", product, company=company)
    return product
