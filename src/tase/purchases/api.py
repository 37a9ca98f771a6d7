"""Purchases API under /api/v1/purchases/: thin over the same services and selectors as the
pages.

Money is a decimal string in euros (``"1279.48"``); dates ISO 8601. Finvoice files are
imported as a multipart upload of one or more files (``files``), each answered on its own.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.http import Http404, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tase.apiutil import Day, actor

from . import selectors, services
from .models import PurchaseInvoice
from .services.common import cents, settings_of

router = Router(tags=["purchases"])


def _company(request, company_id: int, action: str = "purchases.view"):
    return actor(request).company(company_id, action)


# -- suppliers --------------------------------------------------------------------------------


class SupplierIn(Schema):
    name: str
    business_id: str = ""
    vat_number: str = ""
    iban: str = ""
    bic: str = ""
    expense_account: str = Field("", description="Default expense account number")
    vat_code: str = Field("", description="Default purchase VAT code (P, P-R, P-EUS, P-ND …)")
    payment_term_days: int = 14


class SupplierPatch(Schema):
    name: str | None = None
    business_id: str | None = None
    vat_number: str | None = None
    iban: str | None = None
    bic: str | None = None
    expense_account: str | None = None
    vat_code: str | None = None
    payment_term_days: int | None = None


class SupplierOut(SupplierIn):
    id: int


@router.get("/companies/{company_id}/suppliers", response=list[SupplierOut])
@paginate
def list_suppliers(request, company_id: int):
    return selectors.suppliers_of(_company(request, company_id))


@router.post("/companies/{company_id}/suppliers", response={201: SupplierOut})
def create_supplier(request, company_id: int, payload: SupplierIn):
    company = _company(request, company_id)
    return Status(201, services.create_supplier(actor(request), company, **payload.dict()))


@router.get("/suppliers/{supplier_id}", response=SupplierOut)
def get_supplier(request, supplier_id: int):
    return selectors.supplier_of(actor(request), supplier_id)


@router.patch("/suppliers/{supplier_id}", response=SupplierOut)
def update_supplier(request, supplier_id: int, payload: SupplierPatch):
    supplier = selectors.supplier_of(actor(request), supplier_id)
    return services.update_supplier(actor(request), supplier, **payload.dict(exclude_none=True))


# -- purchase invoices ------------------------------------------------------------------------


class LineOut(Schema):
    position: int
    description: str
    quantity: str
    unit: str
    account: str
    vat_code: str
    vat_rate: str
    net: str
    vat: str
    total: str


class PurchaseRateOut(Schema):
    rate: str
    net: str
    vat: str


class PurchaseAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class SupplierRef(Schema):
    id: int
    name: str


class PurchaseInvoiceOut(Schema):
    id: int
    supplier: SupplierRef
    status: str
    source: str
    number: str
    invoice_date: dt.date
    due_date: dt.date
    reference: str
    message: str
    iban: str
    bic: str
    lines: list[LineOut]
    vat: list[PurchaseRateOut]
    net: str
    vat_total: str
    total: str
    paid: str
    voucher_id: int | None
    posting_date: dt.date | None
    warnings: list[str]
    attachments: list[PurchaseAttachmentOut]
    cost_centre: str
    pay_first: bool
    cash_discount: str | None = Field(
        ..., description="Cash discount (VAT included) earned by paying by cash_discount_date"
    )
    cash_discount_date: dt.date | None
    waiting_for: list[str] = Field(
        ...,
        description="Whom the open invoice waits for in the circulation (empty: anyone who"
        " may approve, or it is not waiting)",
    )


def invoice_out(invoice: PurchaseInvoice, people: list | None = None) -> dict:
    """The invoice as the API shows it (``people``: the company's circulation, read once by a
    caller showing many invoices)."""
    lines = list(invoice.lines.all())
    rates: dict[str, list[int]] = {}
    for line in lines:
        rate = rates.setdefault(line.vat_rate or "0", [0, 0])
        rate[0] += line.net_cents
        rate[1] += line.vat_cents
    return {
        "id": invoice.pk,
        "supplier": {"id": invoice.supplier_id, "name": invoice.supplier.name},
        "status": invoice.status,
        "source": invoice.source,
        "number": invoice.number,
        "invoice_date": invoice.invoice_date,
        "due_date": invoice.due_date,
        "reference": invoice.reference,
        "message": invoice.message,
        "iban": invoice.iban,
        "bic": invoice.bic,
        "lines": [
            {
                "position": line.position,
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "account": line.account,
                "vat_code": line.vat_code,
                "vat_rate": line.vat_rate,
                "net": str(cents(line.net_cents)),
                "vat": str(cents(line.vat_cents)),
                "total": str(cents(line.gross_cents)),
            }
            for line in lines
        ],
        "vat": [
            {"rate": rate, "net": str(cents(net)), "vat": str(cents(vat))}
            for rate, (net, vat) in sorted(rates.items())
        ],
        "net": str(cents(invoice.net_cents)),
        "vat_total": str(cents(invoice.vat_cents)),
        "total": str(cents(invoice.gross_cents)),
        "paid": str(cents(invoice.paid_cents)),
        "voucher_id": invoice.voucher_id,
        "posting_date": invoice.posting_date,
        "warnings": invoice.warnings,
        "attachments": list(invoice.attachments.all()),
        "cost_centre": invoice.cost_centre,
        "pay_first": invoice.pay_first,
        "cash_discount": str(cents(invoice.cash_discount_cents))
        if invoice.cash_discount_cents
        else None,
        "cash_discount_date": invoice.cash_discount_date,
        "waiting_for": [str(user) for user in selectors.waiting_for(invoice, people)],
    }


class FileOut(Schema):
    file: str
    invoices: list[PurchaseInvoiceOut]
    errors: list[str]
    warnings: list[str]


class ImportOut(Schema):
    imported: int
    failed: int
    files: list[FileOut]


@router.post(
    "/companies/{company_id}/invoices/import",
    response=ImportOut,
    summary="Finvoice files (one invoice each, or an operator's batch)",
)
def import_invoices(request, company_id: int, files: File[list[UploadedFile]]):
    """Finvoice 3.0 or 2.01, UTF-8 or ISO-8859-15, with or without the operator's SOAP
    envelope, attachments kept. Each file answers on its own: its invoices, or the errors
    naming the file (and the invoice in a batch) and the field; a file with an error writes
    nothing of that invoice. A duplicate (same supplier, number and total) is an error."""
    company = _company(request, company_id)
    results = services.import_finvoices(actor(request), company, files)
    people = list(selectors.approvers_of(company))
    return {
        "imported": sum(len(r.invoices) for r in results),
        "failed": sum(1 for r in results if r.errors),
        "files": [
            {
                "file": r.name,
                "invoices": [invoice_out(i, people) for i in r.invoices],
                "errors": r.errors,
                "warnings": r.warnings,
            }
            for r in results
        ],
    }


class ManualLineIn(Schema):
    amount: Decimal = Field(..., description="VAT included")
    description: str = ""
    account: str | None = Field(None, description="Default: the supplier's expense account")
    vat_code: str | None = Field(None, description="Default: the supplier's VAT code")


class ManualInvoiceIn(Schema):
    supplier_id: int
    number: str
    invoice_date: Day
    due_date: Day | None = None
    total: Decimal | None = Field(None, description="VAT included; must equal the lines")
    reference: str = ""
    message: str = ""
    iban: str = Field("", description="Default: the supplier's")
    bic: str = ""
    barcode: str = Field(
        "", description="A virtual bank barcode: fills IBAN, total, reference and due date"
    )
    notes: str = ""
    cost_centre: str = Field("", description="Routes the circulation; on the expense lines")
    cash_discount: Decimal | None = Field(
        None, description="Cash discount (käteisalennus) in euros, VAT included"
    )
    cash_discount_percent: Decimal | None = Field(
        None, description="Or the cash discount as a percentage of the total"
    )
    cash_discount_date: Day | None = Field(
        None, description="Paying by this day earns the cash discount"
    )
    lines: list[ManualLineIn] = Field(
        default_factory=list, description="None: one line of the total on the supplier's defaults"
    )


@router.post("/companies/{company_id}/invoices", response={201: PurchaseInvoiceOut})
def create_invoice(request, company_id: int, payload: ManualInvoiceIn):
    """A purchase invoice entered by hand (its image or PDF added with
    ``POST /invoices/{id}/attachments``)."""
    company = _company(request, company_id)
    data = payload.dict()
    invoice = services.create_invoice(
        actor(request), company, supplier=data.pop("supplier_id"), **data
    )
    return Status(201, invoice_out(invoice))


class InvoiceQuery(Schema):
    status: str = ""


class InvoiceRowOut(Schema):
    id: int
    supplier: SupplierRef
    status: str
    number: str
    invoice_date: dt.date
    due_date: dt.date
    total: str
    paid: str

    @staticmethod
    def resolve_total(obj) -> str:
        return str(cents(obj.gross_cents))

    @staticmethod
    def resolve_paid(obj) -> str:
        return str(cents(obj.paid_cents))


@router.get("/companies/{company_id}/invoices", response=list[InvoiceRowOut])
@paginate
def list_invoices(request, company_id: int, query: Query[InvoiceQuery]):
    """The company's purchase invoices by due date (``status``: received, reviewed, approved,
    rejected, in_payment, paid)."""
    return selectors.invoices_of(_company(request, company_id), status=query.status)


@router.get("/invoices/{invoice_id}", response=PurchaseInvoiceOut)
def get_invoice(request, invoice_id: int):
    return invoice_out(selectors.invoice_of(actor(request), invoice_id))


@router.post("/invoices/{invoice_id}/attachments", response={201: PurchaseAttachmentOut})
def add_attachment(request, invoice_id: int, file: File[UploadedFile]):
    """The invoice's PDF, JPEG or PNG."""
    invoice = selectors.invoice_of(actor(request), invoice_id)
    return Status(201, services.add_attachment(actor(request), invoice, file))


class LinePatch(Schema):
    account: str | None = None
    vat_code: str | None = None


@router.patch("/invoices/{invoice_id}/lines/{position}", response=PurchaseInvoiceOut)
def update_line(request, invoice_id: int, position: int, payload: LinePatch):
    """A line's expense account or VAT code, before the invoice is approved."""
    invoice = selectors.invoice_of(actor(request), invoice_id)
    services.update_line(actor(request), invoice, position, **payload.dict())
    return invoice_out(invoice)


class InvoicePatch(Schema):
    cost_centre: str | None = Field(
        None, description="While waiting for approval; empty: none; the circulation starts over"
    )
    pay_first: bool | None = Field(None, description="Payment proposals take it first")


@router.patch("/invoices/{invoice_id}", response=PurchaseInvoiceOut)
def update_invoice(request, invoice_id: int, payload: InvoicePatch):
    """The cost centre of an invoice waiting for approval; whether to pay it first."""
    invoice = selectors.invoice_of(actor(request), invoice_id)
    with transaction.atomic():
        if payload.cost_centre is not None:
            invoice = services.set_cost_centre(actor(request), invoice, payload.cost_centre)
        if payload.pay_first is not None:
            invoice = services.set_pay_first(actor(request), invoice, payload.pay_first)
    return invoice_out(invoice)


class ApproveIn(Schema):
    posting_date: Day | None = Field(
        None, description="Where the invoice date falls in a locked or missing period"
    )
    comment: str = ""


@router.post("/invoices/{invoice_id}/approve", response=PurchaseInvoiceOut)
def approve(request, invoice_id: int, payload: ApproveIn | None = None):
    """The actor's step of the circulation: review, or approve and post (with no circulation
    set, one step approves and posts). The body may be ``{}`` or left out."""
    payload = payload or ApproveIn()
    invoice = selectors.invoice_of(actor(request), invoice_id)
    invoice = services.approve(
        actor(request), invoice, posting_date=payload.posting_date, comment=payload.comment
    )
    return invoice_out(invoice)


class RejectIn(Schema):
    comment: str


@router.post("/invoices/{invoice_id}/reject", response=PurchaseInvoiceOut)
def reject(request, invoice_id: int, payload: RejectIn):
    invoice = selectors.invoice_of(actor(request), invoice_id)
    return invoice_out(services.reject(actor(request), invoice, comment=payload.comment))


class ForwardIn(Schema):
    user_id: int
    comment: str = ""


@router.post("/invoices/{invoice_id}/forward", response=PurchaseInvoiceOut)
def forward(request, invoice_id: int, payload: ForwardIn):
    invoice = selectors.invoice_of(actor(request), invoice_id)
    invoice = services.forward(actor(request), invoice, to=payload.user_id, comment=payload.comment)
    return invoice_out(invoice)


class PaidIn(Schema):
    date: Day
    amount: Decimal


@router.post("/invoices/{invoice_id}/payments", response=PurchaseInvoiceOut)
def mark_paid(request, invoice_id: int, payload: PaidIn):
    """Book a payment made outside a payment file (trade payables / bank)."""
    invoice = selectors.invoice_of(actor(request), invoice_id)
    invoice = services.mark_paid(
        actor(request),
        invoice,
        amount_cents=int(payload.amount * 100),
        date=payload.date,
    )
    return invoice_out(invoice)


# -- circulation ------------------------------------------------------------------------------


class ApproverIn(Schema):
    user_id: int
    kind: str = Field(..., description="reviewer | approver")
    limit: Decimal | None = Field(None, description="Largest total approved, euros; none: any")
    cost_centre: str = Field(
        "", description="For this cost centre's invoices; empty: the whole company's"
    )


class ApproverOut(Schema):
    id: int
    user_id: int
    user: str
    kind: str
    limit: str | None
    cost_centre: str

    @staticmethod
    def resolve_user(obj) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_limit(obj) -> str | None:
        return None if obj.limit_cents is None else str(cents(obj.limit_cents))


@router.get("/companies/{company_id}/approvers", response=list[ApproverOut])
def list_approvers(request, company_id: int):
    return list(selectors.approvers_of(_company(request, company_id)))


@router.post("/companies/{company_id}/approvers", response={201: ApproverOut})
def set_approver(request, company_id: int, payload: ApproverIn):
    company = _company(request, company_id)
    approver = services.set_approver(
        actor(request),
        company,
        user=payload.user_id,
        kind=payload.kind,
        limit=payload.limit,
        cost_centre=payload.cost_centre,
    )
    return Status(201, approver)


@router.delete("/approvers/{approver_id}", response={204: None})
def remove_approver(request, approver_id: int):
    services.remove_approver(actor(request), selectors.approver_of(actor(request), approver_id))
    return Status(204, None)


# -- payment proposals ------------------------------------------------------------------------


class PaymentProposalIn(Schema):
    due_until: Day
    execution_date: Day | None = None
    bank_account_id: int | None = Field(None, description="Default: the company's default")
    invoice_ids: list[int] | None = Field(
        None, description="Exactly these invoices (each approved and unpaid)"
    )


class ProposalPaymentOut(Schema):
    invoice: PurchaseInvoiceOut
    amount: str
    discount: str = Field(
        ..., description="The cash discount taken: the invoice's open amount less it is paid"
    )
    end_to_end_id: str
    status: str


class LeftOutOut(Schema):
    id: int
    supplier: str
    number: str
    due_date: dt.date
    open: str


class PaymentProposalOut(Schema):
    id: int
    status: str
    due_until: dt.date
    execution_date: dt.date
    iban: str
    total: str
    saving: str = Field(..., description="The cash discounts the proposal earns")
    available: str | None = Field(
        ...,
        description="The account's last statement balance less the payments sent since;"
        " none before its first statement",
    )
    balance_date: dt.date | None = Field(..., description="The last statement's date")
    payments: list[ProposalPaymentOut]
    left_out: list[LeftOutOut] = Field(
        ..., description="Invoices due by the day the draft could still pay (to add)"
    )


def proposal_out(proposal) -> dict:
    payments = list(selectors.payments_of(proposal).prefetch_related("invoice__lines"))
    balance = selectors.available_balance(proposal.bank_account)
    return {
        "id": proposal.pk,
        "status": proposal.status,
        "due_until": proposal.due_until,
        "execution_date": proposal.execution_date,
        "iban": proposal.bank_account.iban,
        "total": str(cents(sum(p.amount_cents for p in payments))),
        "saving": str(cents(sum(p.discount_cents for p in payments))),
        "available": None if balance is None else str(cents(balance.available_cents)),
        "balance_date": None if balance is None else balance.date,
        "left_out": [
            {
                "id": invoice.pk,
                "supplier": invoice.supplier.name,
                "number": invoice.number,
                "due_date": invoice.due_date,
                "open": str(cents(invoice.open_cents)),
            }
            for invoice in selectors.left_out(proposal)
        ],
        "payments": [
            {
                "invoice": invoice_out(p.invoice),
                "amount": str(cents(p.amount_cents)),
                "discount": str(cents(p.discount_cents)),
                "end_to_end_id": p.end_to_end_id,
                "status": p.status,
            }
            for p in payments
        ],
    }


@router.post("/companies/{company_id}/payment-proposals", response={201: PaymentProposalOut})
def create_proposal(request, company_id: int, payload: PaymentProposalIn):
    """The approved, unpaid invoices due by ``due_until``, earliest due first, as far as the
    account's available balance goes (or exactly ``invoice_ids``, within it)."""
    company = _company(request, company_id)
    proposal = services.create_proposal(
        actor(request),
        company,
        due_until=payload.due_until,
        execution_date=payload.execution_date,
        bank_account=payload.bank_account_id,
        invoices=payload.invoice_ids,
    )
    return Status(201, proposal_out(proposal))


@router.get("/payment-proposals/{proposal_id}", response=PaymentProposalOut)
def get_proposal(request, proposal_id: int):
    return proposal_out(selectors.proposal_of(actor(request), proposal_id))


@router.delete(
    "/payment-proposals/{proposal_id}/invoices/{invoice_id}", response=PaymentProposalOut
)
def remove_payment(request, proposal_id: int, invoice_id: int):
    """Leave an invoice out of a proposal not yet accepted."""
    proposal = selectors.proposal_of(actor(request), proposal_id)
    services.remove_payment(actor(request), proposal, invoice_id)
    return proposal_out(proposal)


class AddPaymentIn(Schema):
    invoice_id: int


@router.post("/payment-proposals/{proposal_id}/invoices", response=PaymentProposalOut)
def add_payment(request, proposal_id: int, payload: AddPaymentIn):
    """Add an approved, unpaid invoice to a proposal not yet accepted (within the balance)."""
    proposal = selectors.proposal_of(actor(request), proposal_id)
    services.add_payment(actor(request), proposal, payload.invoice_id)
    return proposal_out(proposal)


@router.post("/payment-proposals/{proposal_id}/accept", response=PaymentProposalOut)
def accept_proposal(request, proposal_id: int):
    proposal = selectors.proposal_of(actor(request), proposal_id)
    return proposal_out(services.accept_proposal(actor(request), proposal))


@router.get(
    "/companies/{company_id}/payment-proposals/{proposal_id}/pain001",
    summary="The accepted proposal's pain.001 file (.03 or .09 as set for its bank account),"
    " XSD-validated",
)
def pain001(request, company_id: int, proposal_id: int):
    company = _company(request, company_id, "purchases.pay")
    proposal = selectors.proposal_of(actor(request), proposal_id)
    if proposal.company_id != company.pk:
        raise Http404
    response = HttpResponse(services.payment_file(proposal), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="pain001-{proposal.pk}.xml"'
    return response


class PaymentFileVersionOut(Schema):
    bank_account_id: int
    iban: str
    version: str = Field(..., description="pain.001.001.03 | pain.001.001.09")


class PaymentFileVersionIn(Schema):
    version: str = Field(..., description="pain.001.001.03 | pain.001.001.09")


def _versions(company) -> list[dict]:
    return [
        {"bank_account_id": account.pk, "iban": account.iban, "version": version}
        for account, version in selectors.payment_file_versions(company)
    ]


@router.get("/companies/{company_id}/payment-file-versions", response=list[PaymentFileVersionOut])
def list_payment_file_versions(request, company_id: int):
    """The pain.001 version of each bank account's payment files."""
    return _versions(_company(request, company_id))


@router.put(
    "/companies/{company_id}/bank-accounts/{bank_account_id}/payment-file-version",
    response=list[PaymentFileVersionOut],
)
def set_payment_file_version(
    request, company_id: int, bank_account_id: int, payload: PaymentFileVersionIn
):
    """The pain.001 version the account's bank takes."""
    company = _company(request, company_id)
    services.set_payment_file_version(actor(request), company, bank_account_id, payload.version)
    return _versions(company)


# -- settings ---------------------------------------------------------------------------------


class PurchaseSettingsIn(Schema):
    bank_service_id: str | None = None
    charset: str | None = Field(None, description="latin | utf-8")
    default_expense_account: str | None = None
    reminder_days: int | None = Field(
        None, description="Remind approvers of invoices waiting longer; 0: no reminders"
    )
    discount_grace_days: int | None = Field(
        None,
        description=(
            "A bank line booked up to this many banking days after an invoice's cash discount "
            "date is still proposed for the discounted amount (0-10; default 2)"
        ),
    )


class PurchaseSettingsOut(Schema):
    bank_service_id: str
    charset: str
    default_expense_account: str
    reminder_days: int
    discount_grace_days: int


@router.get("/companies/{company_id}/settings", response=PurchaseSettingsOut)
def get_settings(request, company_id: int):
    return settings_of(_company(request, company_id))


@router.patch("/companies/{company_id}/settings", response=PurchaseSettingsOut)
def patch_settings(request, company_id: int, payload: PurchaseSettingsIn):
    company = _company(request, company_id)
    return services.update_settings(actor(request), company, **payload.dict(exclude_none=True))
