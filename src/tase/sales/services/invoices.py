"""Draft invoices: check the customer, dates and lines, compute VAT per rate, save.

A draft can be changed freely; once sent (:mod:`.sending`) it is numbered, posted and never
changes again. Every problem of the input is collected and reported at once: fields by their
name, lines as ``Line N: …`` under ``lines``; nothing is written when anything is wrong.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.formats.reference import InvalidReference, normalize_reference
from tase.rules import invoicing
from tase.rules import vat as vat_rules

from ..models import Customer, Invoice, InvoiceLine, Product
from .common import as_date, decimal, guard
from .customers import create_customer

DEFAULT_SALES_ACCOUNT = "3000"  # Myynti in both standard charts (ledger/charts/*.csv)


def _line_error(errors: list, number: int, message: str) -> None:
    errors.append(_("Line %(line)s: %(message)s") % {"line": number, "message": message})


def products_by_code(company: Company, lines) -> dict[str, Product]:
    """The company's products the ``lines`` name by code, in one query (none if none)."""
    codes = {str(line.get("product") or "").strip() for line in lines} - {""}
    if not codes:
        return {}
    return {p.code: p for p in Product.objects.filter(company=company, code__in=codes)}


def clean_lines(
    company: Company,
    lines: list[dict],
    on: dt.date,
    *,
    vat_optional: bool = False,
    products: dict[str, Product] | None = None,
) -> list[dict]:
    """``products``: the company's products by code for a batch of invoices
    (:func:`products_by_code` of all their lines), else read for these lines."""
    errors: list[str] = []
    if not lines:
        raise ValidationError({"lines": _("An invoice needs at least one line.")})
    if products is None:
        products = products_by_code(company, lines)
    clean = []
    for number, line in enumerate(lines, start=1):
        product = None
        if line.get("product"):
            product = products.get(str(line["product"]).strip())
            if product is None:
                _line_error(
                    errors, number, _("unknown product “%(code)s”.") % {"code": line["product"]}
                )
                continue
        description = str(line.get("description") or (product.name if product else "")).strip()
        if not description:
            _line_error(errors, number, _("the description is missing."))
        values = {}
        for field, default, places in (
            ("quantity", "1", 4),
            ("unit_price", product and Decimal(product.price_cents) / 100, 4),
            ("discount_percent", "0", 2),
        ):
            raw = line.get(field)
            raw = default if raw in (None, "") else raw
            if raw in (None, ""):
                _line_error(
                    errors,
                    number,
                    _("the %(field)s is missing.") % {"field": field.replace("_", " ")},
                )
                continue
            try:
                values[field] = decimal(raw, field, places=places)
            except ValidationError:
                _line_error(
                    errors,
                    number,
                    _("“%(value)s” is not a valid %(field)s.")
                    % {"value": raw, "field": field.replace("_", " ")},
                )
        if "discount_percent" in values and not 0 <= values["discount_percent"] <= 100:
            _line_error(errors, number, _("the discount is 0-100 %."))
        code = (
            str(line.get("vat_code") or (product.vat_code if product else "") or "").strip().upper()
        )
        if not code and line.get("vat_rate") not in (None, ""):
            try:
                code = (
                    invoicing.code_for_rate(decimal(line["vat_rate"], "vat_rate", places=2), on)
                    or ""
                )
            except ValidationError:
                code = ""
            if not code:
                _line_error(
                    errors,
                    number,
                    _("no sales VAT code has the rate %(rate)s %% on %(date)s.")
                    % {"rate": line["vat_rate"], "date": on.strftime("%-d.%-m.%Y")},
                )
                continue
        if not code:
            if company.vat_registered and not vat_optional:
                _line_error(errors, number, _("the VAT code is missing."))
                continue
        elif code not in vat_rules.CODES or not vat_rules.CODES[code].sales:
            _line_error(errors, number, _("“%(code)s” is not a sales VAT code.") % {"code": code})
            continue
        clean.append(
            {
                "position": number,
                "product": product,
                "description": description[:300],
                "unit": str(line.get("unit") or (product.unit if product else "")).strip()[:14],
                "vat_code": code,
                "sales_account": str(
                    line.get("account")
                    or (product.sales_account if product else DEFAULT_SALES_ACCOUNT)
                ).strip(),
                **values,
            }
        )
    if errors:
        raise ValidationError({"lines": errors})
    return clean


def customer_for(actor, company: Company, customer, customer_data) -> Customer:
    if customer_data:
        return create_customer(actor, company, **customer_data)
    if isinstance(customer, Customer):
        if customer.company_id != company.pk:
            raise ValidationError({"customer": _("Unknown customer.")})
        return customer
    found = Customer.objects.filter(company=company, pk=customer).first() if customer else None
    if found is None:
        raise ValidationError({"customer": _("Choose a customer or give one inline.")})
    return found


def prepare(
    company: Company,
    data: dict,
    customer: Customer,
    *,
    vat_optional: bool = False,
    products: dict[str, Product] | None = None,
) -> tuple[dict, list[dict], invoicing.Totals]:
    """The invoice's fields, clean lines and totals from ``data``, or every problem at once;
    ``products`` as for :func:`clean_lines`."""
    errors: dict[str, str] = {}
    try:
        invoice_date = as_date(data.get("invoice_date") or dt.date.today(), "invoice_date")
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    delivery_date = invoice_date
    if data.get("delivery_date"):
        delivery_date = as_date(data["delivery_date"], "delivery_date")
    if data.get("due_date"):
        due_date = as_date(data["due_date"], "due_date")
    else:
        term = data.get("payment_term_days")
        term = customer.payment_term_days if term in (None, "") else int(term)
        due_date = invoice_date + dt.timedelta(days=term)
    if due_date < invoice_date:
        errors["due_date"] = _("The due date is before the invoice date.")
    reference_type = data.get("reference_type") or "fi"
    if reference_type not in Invoice.ReferenceType.values:
        errors["reference_type"] = _("The reference type is fi or rf.")
    reference = ""
    if data.get("reference"):
        try:
            reference = normalize_reference(data["reference"])
        except InvalidReference as error:
            errors["reference"] = str(error)
    lines = []
    try:
        lines = clean_lines(
            company,
            list(data.get("lines") or []),
            delivery_date,
            vat_optional=vat_optional,
            products=products,
        )
    except ValidationError as error:
        errors.update({k: v for k, v in error.message_dict.items()})
    reverse = sorted({line["vat_code"] for line in lines} & set(invoicing.REVERSE_CHARGE_CODES))
    if reverse and not customer.vat_number:
        errors["customer"] = _(
            "A reverse-charge or intra-community invoice (%(codes)s) needs the customer's VAT number."
        ) % {"codes": ", ".join(reverse)}
    if errors:
        raise ValidationError(errors)
    prices_include_vat = bool(data.get("prices_include_vat"))
    totals = invoicing.totals(
        [
            invoicing.Line(
                line["quantity"],
                line["unit_price"],
                line["vat_code"],
                line["sales_account"],
                line["discount_percent"],
            )
            for line in lines
        ],
        on=delivery_date,
        prices_include_vat=prices_include_vat,
    )
    fields = {
        "customer": customer,
        "invoice_date": invoice_date,
        "delivery_date": delivery_date,
        "due_date": due_date,
        "reference_type": reference_type,
        "reference": reference,
        "prices_include_vat": prices_include_vat,
        "net_cents": totals.net,
        "vat_cents": totals.vat,
        "gross_cents": totals.gross,
        **{
            k: str(data.get(k) or "").strip()[:70]
            for k in ("our_reference", "your_reference", "order_number")
        },
        "notes": str(data.get("notes") or "").strip(),
    }
    return fields, lines, totals


def write_lines(invoice: Invoice, lines: list[dict]) -> None:
    write_lines_many([(invoice, lines)])


def write_lines_many(drafts: list[tuple[Invoice, list[dict]]]) -> None:
    """The lines of saved invoices, priced at each invoice's delivery date, in one insert."""
    rows = [row for invoice, lines in drafts for row in _line_rows(invoice, lines)]
    InvoiceLine.objects.bulk_create(rows, batch_size=1000)


def _line_rows(invoice: Invoice, lines: list[dict]) -> list[InvoiceLine]:
    on, gross = invoice.delivery_date, invoice.prices_include_vat
    rows = []
    for line in lines:
        amount = invoicing.line_amount(
            line["quantity"], line["unit_price"], line["discount_percent"]
        )
        _net, vat = invoicing.split(amount, line["vat_code"], on, gross=gross)
        rows.append(
            InvoiceLine(
                invoice=invoice,
                vat_rate=invoicing.rate_of(line["vat_code"], on),
                amount_cents=amount,
                vat_cents=vat,
                **line,
            )
        )
    return rows


@transaction.atomic
def create_invoice(
    actor, company: Company, *, customer=None, customer_data=None, **data
) -> Invoice:
    """A draft invoice for ``customer`` (a Customer or its id) or a new customer made from
    ``customer_data``; ``data``: invoice_date, delivery_date, due_date or payment_term_days,
    reference_type (fi/rf), reference (optional, validated), our_reference, your_reference,
    order_number, notes, prices_include_vat and ``lines`` (description, quantity, unit,
    unit_price, discount_percent, vat_code or vat_rate, product, account)."""
    guard(actor, company, "sales.invoice")
    customer = customer_for(actor, company, customer, customer_data)
    fields, lines, _totals = prepare(company, data, customer)
    invoice = Invoice.objects.create(
        company=company,
        created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
        **fields,
    )
    write_lines(invoice, lines)
    audit.record(
        actor.user,
        "create",
        invoice,
        company=company,
        changes={"gross": [None, invoice.gross_cents]},
    )
    return invoice


def refuse_unless_draft(invoice: Invoice) -> None:
    if not invoice.is_draft:
        raise ValidationError(
            {
                "invoice": _(
                    "Invoice %(number)s has been sent and cannot be changed; credit it instead."
                )
                % {"number": invoice.number}
            }
        )


@transaction.atomic
def update_invoice(actor, invoice: Invoice, **data) -> Invoice:
    """Replace a draft's fields and lines (the whole draft, as :func:`create_invoice` takes
    it). A sent invoice is refused."""
    guard(actor, invoice.company, "sales.invoice")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    refuse_unless_draft(invoice)
    customer = customer_for(
        actor,
        invoice.company,
        data.pop("customer", None) or invoice.customer,
        data.pop("customer_data", None),
    )
    fields, lines, _totals = prepare(invoice.company, data, customer)
    for name, value in fields.items():
        setattr(invoice, name, value)
    invoice.save()
    invoice.lines.all().delete()
    write_lines(invoice, lines)
    audit.record(actor.user, "update", invoice, company=invoice.company)
    return invoice
