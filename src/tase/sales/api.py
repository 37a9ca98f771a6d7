"""Sales API under /api/v1/sales/: thin over the same services and selectors as the pages.

Money is a decimal string in euros (``"399.20"``); dates ISO 8601. An invoice is created
with its lines (and, if need be, its customer) in one call, sent, paid and credited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tase.apiutil import Day, actor
from tase.core import pdf as core_pdf

from . import selectors, services
from .models import Invoice, Product
from .pdf import invoice_pdf
from .services import delivery
from .services.common import cents, invoice_totals

router = Router(tags=["sales"])


def _company(request, company_id: int, action: str = "sales.view"):
    return actor(request).company(company_id, action)


class CustomerIn(Schema):
    name: str
    kind: str = "business"
    number: int | None = None
    business_id: str = ""
    vat_number: str = ""
    street: str = ""
    postcode: str = ""
    town: str = ""
    country: str = "FI"
    language: str = "fi"
    email: str = ""
    einvoice_address: str = ""
    einvoice_operator: str = ""
    payment_term_days: int = 14
    reminder_charges: bool = True
    interest_policy: str = Field("statutory", description="statutory | contract | none")
    contract_interest_rate: Decimal | None = Field(None, description="percent, with contract")


class CustomerOut(CustomerIn):
    id: int
    number: int


class ProductIn(Schema):
    code: str
    name: str
    price: Decimal
    unit: str = "kpl"
    price_includes_vat: bool = False
    vat_code: str = "S"
    sales_account: str = "3000"


class ProductOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    price: str
    price_includes_vat: bool
    vat_code: str
    sales_account: str

    @staticmethod
    def resolve_price(obj: Product) -> str:
        return str(cents(obj.price_cents))


class InvoiceLineIn(Schema):
    description: str = ""
    quantity: Decimal = Decimal(1)
    unit: str = ""
    unit_price: Decimal | None = None
    discount_percent: Decimal = Decimal(0)
    vat_code: str | None = None
    vat_rate: Decimal | None = None
    product: str | None = Field(
        None,
        description="A product code: its name, unit, price, VAT code and account are the defaults",
    )
    account: str | None = Field(
        None, description="Sales account number (default: the product's, else 3000)"
    )


class InvoiceIn(Schema):
    customer_id: int | None = None
    customer: CustomerIn | None = Field(
        None, description="A new customer, created with the invoice"
    )
    invoice_date: Day | None = None
    delivery_date: Day | None = None
    due_date: Day | None = None
    payment_term_days: int | None = None
    reference_type: str = Field(
        "fi", description="fi (7-3-1 national reference) or rf (RF creditor reference)"
    )
    reference: str | None = Field(
        None,
        description="A reference of your own (validated); default: made from the invoice number",
    )
    our_reference: str = ""
    your_reference: str = ""
    order_number: str = ""
    notes: str = ""
    prices_include_vat: bool = False
    lines: list[InvoiceLineIn] = Field(..., min_length=1)
    number: int | None = Field(
        None,
        description="Only for an open invoice migrated from the previous system: its original "
        "number. The invoice is created sent, keeps the number and reference, and posts nothing "
        "(the opening balance carries it); a line may leave out its VAT code.",
    )
    open_amount: Decimal | None = Field(
        None, description="With ``number``: what is still unpaid (default: the whole total)"
    )


class RateOut(Schema):
    vat_code: str
    rate: str
    net: str
    vat: str


class TotalsOut(Schema):
    net: str
    vat: str
    gross: str
    by_rate: list[RateOut]


class InvoiceLineOut(Schema):
    description: str
    quantity: str
    unit: str
    unit_price: str
    discount_percent: str
    vat_code: str
    vat_rate: str
    account: str
    amount: str


class InvoiceOut(Schema):
    id: int
    kind: str
    status: str
    number: int | None
    customer_id: int
    invoice_date: dt.date
    delivery_date: dt.date
    due_date: dt.date
    reference: str | None
    virtual_barcode: str | None
    open_amount: str
    migrated: bool
    totals: TotalsOut
    credits_id: int | None
    voucher_id: int | None
    lines: list[InvoiceLineOut]


class PaymentIn(Schema):
    date: Day
    amount: Decimal


class PaymentOut(Schema):
    id: int
    date: dt.date
    amount: str
    voucher_id: int | None
    invoice: InvoiceOut


class CreditIn(Schema):
    date: Day | None = None


class EmailIn(Schema):
    to: str = ""


def invoice_out(invoice: Invoice) -> dict:
    lines = list(invoice.lines.all())
    totals = invoice_totals(invoice)
    return {
        "id": invoice.pk,
        "kind": invoice.kind,
        "status": invoice.status,
        "number": invoice.number,
        "customer_id": invoice.customer_id,
        "invoice_date": invoice.invoice_date,
        "delivery_date": invoice.delivery_date,
        "due_date": invoice.due_date,
        "reference": invoice.reference or None,
        "virtual_barcode": delivery.virtual_barcode(invoice) or None,
        "open_amount": str(cents(invoice.open_cents)),
        "migrated": invoice.migrated,
        "totals": {
            "net": str(cents(invoice.net_cents)),
            "vat": str(cents(invoice.vat_cents)),
            "gross": str(cents(invoice.gross_cents)),
            "by_rate": [
                {
                    "vat_code": rate.vat_code,
                    "rate": str(rate.rate.normalize()),
                    "net": str(cents(rate.net)),
                    "vat": str(cents(rate.vat)),
                }
                for rate in totals.by_rate
            ],
        },
        "credits_id": invoice.credits_id,
        "voucher_id": invoice.voucher_id,
        "lines": [
            {
                "description": line.description,
                "quantity": str(line.quantity.normalize()),
                "unit": line.unit,
                "unit_price": str(line.unit_price.normalize()),
                "discount_percent": str(line.discount_percent.normalize()),
                "vat_code": line.vat_code,
                "vat_rate": str(line.vat_rate.normalize()),
                "account": line.sales_account,
                "amount": str(cents(line.amount_cents)),
            }
            for line in lines
        ],
    }


# -- customers and products -----------------------------------------------------------------


@router.get("/companies/{company_id}/customers", response=list[CustomerOut])
@paginate
def list_customers(request, company_id: int):
    return selectors.customers_of(_company(request, company_id))


@router.post("/companies/{company_id}/customers", response={201: CustomerOut})
def create_customer(request, company_id: int, payload: CustomerIn):
    company = _company(request, company_id)
    return Status(201, services.create_customer(actor(request), company, **payload.dict()))


@router.get("/companies/{company_id}/products", response=list[ProductOut])
@paginate
def list_products(request, company_id: int):
    return selectors.products_of(_company(request, company_id))


@router.post("/companies/{company_id}/products", response={201: ProductOut})
def create_product(request, company_id: int, payload: ProductIn):
    company = _company(request, company_id)
    return Status(201, services.create_product(actor(request), company, **payload.dict()))


# -- invoices -------------------------------------------------------------------------------


@router.get("/companies/{company_id}/invoices", response=list[InvoiceOut])
@paginate
def list_invoices(request, company_id: int, status: str = ""):
    company = _company(request, company_id)
    invoices = selectors.invoices_of(company, status=status).prefetch_related(
        "lines", "credit_notes"
    )
    return [invoice_out(invoice) for invoice in invoices]


@router.post("/companies/{company_id}/invoices", response={201: InvoiceOut})
def create_invoice(request, company_id: int, payload: InvoiceIn):
    """A draft invoice with its lines; ``customer_id`` or an inline ``customer``. With
    ``number`` (and optionally ``reference`` and ``open_amount``), an open invoice migrated
    from the previous system instead."""
    company = _company(request, company_id)
    data = payload.dict(exclude={"customer", "customer_id", "number", "open_amount"})
    customer = {
        "customer": payload.customer_id,
        "customer_data": payload.customer.dict() if payload.customer else None,
    }
    if payload.number is not None:
        invoice = services.migrate_open_invoice(
            actor(request),
            company,
            number=payload.number,
            open_amount=payload.open_amount,
            **customer,
            **data,
        )
    else:
        invoice = services.create_invoice(actor(request), company, **customer, **data)
    return Status(201, invoice_out(invoice))


@router.get("/invoices/{invoice_id}", response=InvoiceOut)
def get_invoice(request, invoice_id: int):
    return invoice_out(selectors.invoice_of(actor(request), invoice_id))


@router.post("/invoices/{invoice_id}/send", response=InvoiceOut)
def send_invoice(request, invoice_id: int):
    """Number the draft gaplessly, give it its reference and post it; then it never changes."""
    invoice = selectors.invoice_of(actor(request), invoice_id)
    return invoice_out(services.send_invoice(actor(request), invoice))


@router.post("/invoices/{invoice_id}/credit", response={201: InvoiceOut})
def credit_invoice(request, invoice_id: int, payload: CreditIn):
    """A credit note for the whole invoice, posted the other way round."""
    invoice = selectors.invoice_of(actor(request), invoice_id)
    return Status(
        201, invoice_out(services.credit_invoice(actor(request), invoice, date=payload.date))
    )


@router.post("/invoices/{invoice_id}/payments", response={201: PaymentOut})
def record_payment(request, invoice_id: int, payload: PaymentIn):
    invoice = selectors.invoice_of(actor(request), invoice_id)
    payment = services.record_payment(
        actor(request), invoice, date=payload.date, amount=payload.amount
    )
    return Status(
        201,
        {
            "id": payment.pk,
            "date": payment.date,
            "amount": str(cents(payment.amount_cents)),
            "voucher_id": payment.voucher_id,
            "invoice": invoice_out(selectors.invoice_of(actor(request), invoice_id)),
        },
    )


@router.get("/invoices/{invoice_id}/finvoice", summary="Finvoice 3.0 e-invoice, XSD-validated")
def finvoice(request, invoice_id: int, soap: bool = False):
    """The sent invoice as Finvoice 3.0, validated against the schema before it is returned;
    ``soap=true`` puts the operators' ebXML envelope first."""
    invoice = selectors.invoice_of(actor(request), invoice_id)
    response = HttpResponse(
        delivery.finvoice_file(invoice, soap=soap), content_type="application/xml"
    )
    response["Content-Disposition"] = f'attachment; filename="finvoice-{invoice.number}.xml"'
    return response


@router.get("/invoices/{invoice_id}/pdf", summary="The invoice PDF with the giro form")
def pdf(request, invoice_id: int):
    invoice = selectors.invoice_of(actor(request), invoice_id)
    delivery.refuse_draft(invoice)
    return core_pdf.response(invoice_pdf(invoice), f"invoice-{invoice.number}")


@router.post("/invoices/{invoice_id}/email")
def email_invoice(request, invoice_id: int, payload: EmailIn):
    invoice = selectors.invoice_of(actor(request), invoice_id)
    return {"to": delivery.email_invoice(actor(request), invoice, to=payload.to)}


# -- CSV imports ----------------------------------------------------------------------------


class SalesImportOut(Schema):
    imported: int


@router.post(
    "/companies/{company_id}/customers/import",
    response={201: SalesImportOut},
    summary="Customers from a CSV file",
)
def import_customers(request, company_id: int, file: File[UploadedFile]):
    """Columns: number, name, kind, business_id, vat_number, street, postcode, town, country,
    language, email, einvoice_address, einvoice_operator, payment_term_days, reminder_charges,
    interest_policy, contract_interest_rate (``name`` required). All or nothing: any bad row
    is a 422 naming its line."""
    company = _company(request, company_id)
    return Status(201, {"imported": services.import_customers(actor(request), company, file)})


@router.post(
    "/companies/{company_id}/invoices/import-open",
    response={201: SalesImportOut},
    summary="The previous system's open invoices from a CSV file",
)
def import_open_invoices(request, company_id: int, file: File[UploadedFile]):
    """Columns: customer_number, invoice_number, invoice_date, due_date, amount (required),
    delivery_date, reference, open_amount, description, your_reference. Each becomes a
    migrated open invoice (kept number and reference, nothing posted)."""
    company = _company(request, company_id)
    count = services.import_open_invoices(actor(request), company, file)
    return Status(201, {"imported": count})


# -- receivables ----------------------------------------------------------------------------


class ReceivablesQuery(Schema):
    on: Day | None = None


@router.get("/companies/{company_id}/receivables", summary="Open receivables with aging")
def receivables(request, company_id: int, query: Query[ReceivablesQuery]):
    """Open receivables on ``on`` (default today) per customer in the aging buckets not due,
    1-30, 31-60, 61-90 and over 90 days past due, as decimal strings."""
    company = _company(request, company_id)
    data = selectors.receivables(company, query.on or dt.date.today())

    def money(row):
        return {
            k: str(cents(v)) if isinstance(v, int) and k not in ("id", "number") else v
            for k, v in row.items()
        }

    return {
        "on": data["on"],
        "totals": money(data["totals"]),
        "customers": [money(row) for row in data["customers"]],
    }


# -- reminders and collection, settings, recurring invoices (their own modules) ---------------

from .api_collection import router as collection_router  # noqa: E402
from .api_recurring import router as recurring_router  # noqa: E402
from .api_settings import router as settings_router  # noqa: E402
from .api_vendor import router as vendor_router  # noqa: E402

router.add_router("", collection_router)
router.add_router("", settings_router)
router.add_router("", recurring_router)
router.add_router("", vendor_router)
