"""Purchase invoices in: Finvoice files (one invoice, or an operator's batch) and invoices
entered by hand with their PDF or image, the bank barcode filling the IBAN, amount,
reference and due date.

Each Finvoice invoice is read by :mod:`tase.formats.finvoice_read` (totals checked against
the rows, IBAN and reference check digits, hostile XML refused) and saved in its own
savepoint: a bad invoice or a duplicate (the same supplier, number and total) is reported
naming the file and, in a batch, its position, and writes nothing, while the others of the
batch are kept. Every line gets the supplier's default expense account (else the company's
default, 4000 Purchases) and the purchase VAT code of its rate; the accountant may change both
before approving.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from tase import db
from tase.core import audit, limits
from tase.core.models import Company
from tase.formats import bank_barcode, finvoice_read
from tase.formats.reference import InvalidReference, normalize_reference
from tase.ledger.services import ATTACHMENT_TYPES, sniff
from tase.rules import vat as vat_rules

from ..models import PurchaseAttachment, PurchaseInvoice, PurchaseLine, Supplier
from .common import (
    DEFAULT_EXPENSE_ACCOUNT,
    as_date,
    cents,
    clean_account,
    clean_cost_centre,
    clean_vat_code,
    decimal,
    guard,
    settings_of,
    to_cents,
    user_of,
)
from .suppliers import supplier_for_seller

SNIFFED = 16  # the first bytes that tell a PDF, JPEG or PNG (tase.ledger.services.MAGIC)


@dataclass
class FileResult:
    """What became of one file: the invoices it brought, or the problems naming it."""

    name: str
    invoices: list[PurchaseInvoice] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _cents(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal(1), ROUND_HALF_UP))


def purchase_code(
    rate: Decimal | None, row_code: str, supplier: Supplier, on: dt.date, cache: dict
) -> str:
    """The purchase VAT code of a Finvoice row: the supplier's self-assessed or
    non-deductible default when the row says reverse charge (``AE``) or intra-EU (``K``) or the
    supplier's code is non-deductible; the domestic purchase code whose rate on ``on`` is the
    row's; no code for a 0 % row."""
    default = vat_rules.CODES.get(supplier.vat_code)
    if default is not None and default.kind == vat_rules.NON_DEDUCTIBLE:
        return default.code
    row_code = (row_code or "").upper()
    if row_code in ("AE", "K"):
        if default is not None and default.kind == vat_rules.SELF_ASSESSED:
            return default.code
        return "P-RC" if row_code == "AE" else "P-EUS"
    if not rate:
        return ""
    key = ("code", rate, on)  # the rates are looked up once per day and rate in an import
    if key not in cache:
        cache[key] = next(
            (
                code.code
                for code in vat_rules.CODES.values()
                if code.kind == vat_rules.DOMESTIC_PURCHASE and code.rate_on(on) == rate
            ),
            "",
        )
    return cache[key]


def _default_account(company: Company, supplier: Supplier, cache: dict | None = None) -> str:
    if supplier.expense_account:
        return supplier.expense_account
    if cache is None or "settings" not in cache:
        found = settings_of(company).default_expense_account or DEFAULT_EXPENSE_ACCOUNT
        if cache is None:
            return found
        cache["settings"] = found
    return cache["settings"]


def _duplicate(company, supplier, number: str, gross: int) -> PurchaseInvoice | None:
    return PurchaseInvoice.objects.filter(
        company=company, supplier=supplier, number=number, gross_cents=gross
    ).first()


def _known(company, supplier, cache: dict) -> set[tuple[str, int]]:
    """The (number, total) of the supplier's invoices: read once per supplier in an import
    (one query instead of one per invoice), then kept up to date as invoices are added, so a
    file that repeats an invoice of the same batch is a duplicate too."""
    key = ("known", supplier.pk)
    if key not in cache:
        cache[key] = set(
            PurchaseInvoice.objects.filter(company=company, supplier=supplier)
            .order_by()
            .values_list("number", "gross_cents")
        )
    return cache[key]


def _duplicate_error(found: PurchaseInvoice) -> str:
    return _(
        "Invoice %(number)s of %(supplier)s for %(total)s € is in Tase already (received "
        "%(date)s); a duplicate is not imported."
    ) % {
        "number": found.number,
        "supplier": found.supplier.name,
        "total": cents(found.gross_cents),
        "date": found.created_at.date().isoformat() if found.created_at else "",
    }


def _store_attachment(
    invoice: PurchaseInvoice, name: str, data, content_type: str, *, save: bool = True
):
    """Keep ``data`` (bytes, or a file: an upload is copied to storage a chunk at a time,
    never read whole into memory) as the invoice's attachment."""
    content = data if isinstance(data, File) else ContentFile(data)
    attachment = PurchaseAttachment(
        invoice=invoice,
        company_id=invoice.company_id,
        name=PurePath(name).name[:200] or "attachment",
        content_type=content_type[:100] or "application/octet-stream",
        size=content.size,
    )
    attachment.file.save(attachment.name, content, save=False)
    if save:
        attachment.save()
    return attachment


def _save_finvoice(
    actor, company, read: finvoice_read.PurchaseInvoice, kept: _KeptFile, cache: dict
):
    supplier = supplier_for_seller(actor, company, read.seller, cache=cache)
    gross = _cents(read.total)
    known = _known(company, supplier, cache)
    if (read.number[:70], gross) in known:
        found = _duplicate(company, supplier, read.number[:70], gross)
        if found is not None:
            raise ValidationError({"number": _duplicate_error(found)})
    iban = read.seller.iban or supplier.iban
    if not iban:
        raise ValidationError({"iban": _("The invoice names no account to pay to (IBAN).")})
    account = _default_account(company, supplier, cache)
    lines = [
        PurchaseLine(
            position=position,
            description=line.description[:300],
            quantity="" if line.quantity is None else str(line.quantity.normalize()),
            unit=line.unit[:14],
            vat_rate="" if line.vat_rate is None else str(line.vat_rate.normalize()),
            net_cents=_cents(line.net),
            vat_cents=_cents(line.vat),
            account=account,
            vat_code=purchase_code(
                line.vat_rate, line.vat_code, supplier, read.invoice_date, cache
            ),
        )
        for position, line in enumerate(read.lines, start=1)
    ]
    warnings = list(read.warnings)
    if (
        read.buyer_business_id
        and company.business_id
        and read.buyer_business_id.replace(" ", "") != company.business_id.replace(" ", "")
    ):
        warnings.append(
            _("The buyer's business ID %(theirs)s is not the company's %(ours)s.")
            % {"theirs": read.buyer_business_id, "ours": company.business_id}
        )
    invoice = PurchaseInvoice(
        company=company,
        supplier=supplier,
        source=PurchaseInvoice.Source.FINVOICE,
        number=read.number[:70],
        invoice_date=read.invoice_date,
        due_date=read.due_date or read.invoice_date + dt.timedelta(days=supplier.payment_term_days),
        reference=read.reference,
        iban=iban,
        bic=read.seller.bic if read.seller.iban else supplier.bic,
        order_number=read.order_number[:70],
        notes="\n".join(read.notes),
        net_cents=_cents(read.net_total),
        vat_cents=_cents(read.vat_total),
        gross_cents=gross,
        cash_discount_date=read.cash_discount_date,
        cash_discount_cents=_cents(read.cash_discount) if read.cash_discount else 0,
        file_name=kept.name[:200],
        message_id=read.message_id[:100],
        warnings=warnings,
        created_by=user_of(actor),
    )
    db.insert(invoice)  # one INSERT … RETURNING, without the ORM's save machinery
    for line in lines:
        line.invoice = invoice
    PurchaseLine.objects.bulk_create(lines)
    PurchaseAttachment.objects.bulk_create(
        [
            kept.attachment(invoice),
            *(
                _store_attachment(invoice, a.name, a.content, a.mime_type, save=False)
                for a in read.attachments
            ),
        ]
    )
    known.add((invoice.number, gross))
    audit.record(
        actor.user,
        "import",
        invoice,
        company=company,
        changes={"file": [None, kept.name], "total": [None, str(cents(gross))]},
    )
    return invoice


class _KeptFile:
    """The Finvoice file as kept with the invoices it brings: copied to storage (a chunk at a
    time) with the first, and the same stored file named by the others of a batch, so that a
    batch of thousands of invoices is not stored thousands of times."""

    def __init__(self, name: str, content):
        self.name, self.content = name, content
        self.stored: tuple[str, int] | None = None  # the stored file's name and size

    def attachment(self, invoice: PurchaseInvoice) -> PurchaseAttachment:
        if self.stored is None:
            kept = _store_attachment(
                invoice, self.name, self.content, "application/xml", save=False
            )
            self.stored = (kept.file.name, kept.size)
            return kept
        return PurchaseAttachment(
            invoice=invoice,
            company_id=invoice.company_id,
            file=self.stored[0],
            name=PurePath(self.name).name[:200] or "attachment",
            content_type="application/xml",
            size=self.stored[1],
        )


def import_finvoices(actor, company: Company, files) -> list[FileResult]:
    """Each file's result, in the order given: the invoices it brought, or what is wrong
    with it, naming the file (and the invoice's position in a batch). Each file is read from
    disk, not memory (:func:`tase.core.limits.on_disk`, its size checked first), and its
    invoices streamed (:func:`tase.formats.finvoice_read.stream`) and saved one by one."""
    guard(actor, company, "purchases.manage")
    results = []
    cache: dict = {}
    for upload in files:
        name = PurePath(getattr(upload, "name", None) or str(upload[0])).name
        content = bytes(upload[1]) if isinstance(upload, tuple) else upload
        result = FileResult(name)
        results.append(result)
        try:
            limits.check_size(content, "finvoice")
        except ValidationError as error:
            result.errors = [f"{name}: {m}" for m in error.messages]
            continue
        with limits.on_disk(content, "finvoice", name=name) as data:
            _import_file(actor, company, result, data, _KeptFile(name, content), cache)
    return results


def _import_file(actor, company, result: FileResult, data, kept: _KeptFile, cache: dict) -> None:
    name = result.name
    found = finvoice_read.stream(data)
    try:  # the first two tell a file of one invoice from a batch
        ahead = [entry for entry in (next(found), next(found, None)) if entry is not None]
    except finvoice_read.FinvoiceError as error:
        result.errors = [f"{name}: {p}" for p in error.problems]
        return
    single = len(ahead) == 1
    for position, read in itertools.chain(ahead, found):
        where = name if single else f"{name}, " + _("invoice %(n)s") % {"n": position}
        if isinstance(read, finvoice_read.FinvoiceError):
            problems = read if single else finvoice_read.numbered(read, position)
            result.errors += [f"{name}: {p}" for p in problems.problems]
            continue
        try:
            with transaction.atomic():
                invoice = _save_finvoice(actor, company, read, kept, cache)
        except ValidationError as error:
            cache.clear()  # a supplier created in the rolled-back savepoint is gone
            result.errors += [f"{where}: {m}" for m in error.messages]
            continue
        result.invoices.append(invoice)
        result.warnings += [f"{where}: {w}" for w in invoice.warnings]


def _manual_lines(company, supplier, lines, on, errors) -> list[PurchaseLine]:
    out = []
    for position, line in enumerate(lines, start=1):
        problems: dict = {}
        try:
            gross = to_cents(line.get("amount"), "amount")
        except ValidationError as error:
            errors.append(_("Line %(n)s: %(m)s") % {"n": position, "m": error.messages[0]})
            continue
        if gross == 0:
            errors.append(_("Line %(n)s: the amount is zero.") % {"n": position})
            continue
        code = clean_vat_code(line.get("vat_code") or supplier.vat_code, problems)
        account = str(line.get("account") or _default_account(company, supplier)).strip()
        if problems:
            errors.append(_("Line %(n)s: %(m)s") % {"n": position, "m": problems["vat_code"]})
            continue
        rule = vat_rules.CODES.get(code)
        net, vat, rate = gross, 0, ""
        if rule is not None and rule.kind == vat_rules.DOMESTIC_PURCHASE:
            rate_value = rule.rate_on(on)
            net, vat = vat_rules.split_gross(gross, rate_value)
            rate = str(rate_value.normalize())
        out.append(
            PurchaseLine(
                position=position,
                description=str(line.get("description") or "")[:300],
                vat_rate=rate,
                net_cents=net,
                vat_cents=vat,
                account=account,
                vat_code=code,
            )
        )
    return out


def _barcode(values: dict, errors: dict) -> None:
    """Fill IBAN, amount, reference and due date from a virtual barcode, where not given."""
    code = (values.get("barcode") or "").strip()
    if not code:
        return
    try:
        data = bank_barcode.parse_virtual_barcode(code)
    except bank_barcode.BarcodeError as error:
        errors["barcode"] = str(error)
        return
    values["iban"] = values.get("iban") or data.iban
    values["reference"] = values.get("reference") or data.reference
    if data.amount is not None and values.get("total") in (None, ""):
        values["total"] = data.amount
    if data.due is not None and not values.get("due_date"):
        values["due_date"] = data.due


def _attachment(upload, errors: dict):
    """The invoice's PDF or image, checked without reading it into memory: its size first
    (over the ``attachment`` limit it is refused naming the limit), then its type by its first
    bytes; (name, file, content type) for :func:`_store_attachment`."""
    if upload is None:
        return None
    if isinstance(upload, tuple):
        name, content = PurePath(str(upload[0])).name, ContentFile(bytes(upload[1]))
    else:
        name, content = PurePath(upload.name or "").name, upload
    try:
        limits.check_size(content, "attachment", field="attachment", name=name)
    except ValidationError as error:
        errors["attachment"] = error.messages[0]
        return None
    content.seek(0)
    head = content.read(SNIFFED)
    content.seek(0)
    expected = ATTACHMENT_TYPES.get(PurePath(name).suffix.lower())
    actual = sniff(head)
    if expected is None or actual != expected:
        errors["attachment"] = _("“%(name)s”: only PDF, JPEG and PNG files are accepted.") % {
            "name": name
        }
        return None
    return name, content, actual


def _cash_discount(values: dict, total: int | None, errors: dict) -> tuple[dt.date | None, int]:
    """The cash discount entered by hand: its date and amount in cents (the amount given,
    else the percentage of the total rounded half up to the cent); (None, 0) when none."""
    amount, percent = values.get("cash_discount"), values.get("cash_discount_percent")
    raw_date = values.get("cash_discount_date")
    if amount in (None, "") and percent in (None, "") and not raw_date:
        return None, 0
    on, discount = None, 0
    try:
        if amount not in (None, ""):
            discount = to_cents(amount, "cash_discount")
        elif percent not in (None, "") and total is not None:
            share = decimal(percent, "cash_discount_percent", places=2)
            discount = int((Decimal(total) * share / 100).quantize(Decimal(1), ROUND_HALF_UP))
        on = as_date(raw_date or "", "cash_discount_date")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
        return None, 0
    if total is not None and not 0 < discount < total:
        errors["cash_discount"] = _(
            "The cash discount must be more than zero and less than the total %(total)s €."
        ) % {"total": cents(total)}
    return on, discount


@transaction.atomic
def create_invoice(actor, company: Company, *, supplier, attachment=None, **data):
    """A purchase invoice entered by hand: ``supplier`` (a Supplier or its id), ``number``,
    ``invoice_date``, ``due_date``, ``total`` (VAT included), ``reference`` or ``message``,
    ``iban`` / ``bic`` (default: the supplier's), ``barcode`` (a virtual barcode filling
    IBAN, total, reference and due date), ``lines`` (``amount`` VAT included, ``account``,
    ``vat_code``, ``description``; none: one line of the total on the supplier's defaults),
    its ``cost_centre`` (routes the circulation), a cash discount (``cash_discount`` in euros
    or ``cash_discount_percent`` of the total, earned by paying by ``cash_discount_date``) and
    its PDF or image as ``attachment``. The total must equal the lines."""
    guard(actor, company, "purchases.manage")
    if not isinstance(supplier, Supplier):
        supplier = Supplier.objects.filter(
            company=company, pk=str(supplier or "0").strip() or 0
        ).first()
        if supplier is None:
            raise ValidationError({"supplier": _("Choose the supplier.")})
    values = dict(data)
    errors: dict[str, str] = {}
    _barcode(values, errors)
    number = str(values.get("number") or "").strip()[:70]
    if not number:
        errors["number"] = _("The invoice number is required.")
    on = due = None
    try:
        on = as_date(values.get("invoice_date") or "", "invoice_date")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if values.get("due_date"):
        try:
            due = as_date(values["due_date"], "due_date")
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    iban, bic = clean_account(
        values.get("iban") or supplier.iban,
        values.get("bic") or ("" if values.get("iban") else supplier.bic),
        errors,
        required=True,
    )
    reference = str(values.get("reference") or "").strip()
    if reference:
        try:
            reference = normalize_reference(reference)
        except InvalidReference as error:
            errors["reference"] = str(error)
    total = None
    if values.get("total") in (None, ""):
        errors["total"] = _("The total is required.")
    else:
        try:
            total = to_cents(values["total"], "total")
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    lines_data = values.get("lines") or []
    if not lines_data and total is not None:
        lines_data = [{"amount": decimal(cents(total), "total", places=2), "description": number}]
    line_errors: list[str] = []
    lines = _manual_lines(company, supplier, lines_data, on or dt.date.today(), line_errors)
    if line_errors:
        errors["lines"] = " ".join(line_errors)
    elif total is not None and sum(line.gross_cents for line in lines) != total:
        errors["total"] = _("The total %(total)s € is not the lines' %(lines)s €.") % {
            "total": cents(total),
            "lines": cents(sum(line.gross_cents for line in lines)),
        }
    discount_date, discount = _cash_discount(values, total, errors)
    centre = ""
    try:
        centre = clean_cost_centre(values.get("cost_centre"))
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    kept = _attachment(attachment, errors)
    if not errors and total is not None:
        found = _duplicate(company, supplier, number, total)
        if found is not None:
            errors["number"] = _duplicate_error(found)
    if errors:
        raise ValidationError(errors)
    invoice = PurchaseInvoice.objects.create(
        company=company,
        supplier=supplier,
        source=PurchaseInvoice.Source.MANUAL,
        number=number,
        invoice_date=on,
        due_date=due or on + dt.timedelta(days=supplier.payment_term_days),
        reference=reference,
        message=str(values.get("message") or "").strip()[:140],
        iban=iban,
        bic=bic,
        notes=str(values.get("notes") or ""),
        cost_centre=centre,
        net_cents=sum(line.net_cents for line in lines),
        vat_cents=sum(line.vat_cents for line in lines),
        gross_cents=total,
        cash_discount_date=discount_date,
        cash_discount_cents=discount,
        created_by=user_of(actor),
    )
    for line in lines:
        line.invoice = invoice
    PurchaseLine.objects.bulk_create(lines)
    if kept:
        _store_attachment(invoice, *kept)
    audit.record(actor.user, "create", invoice, company=company)
    return invoice


@transaction.atomic
def update_line(actor, invoice: PurchaseInvoice, position: int, *, account=None, vat_code=None):
    """Change a line's expense account or VAT code before the invoice is approved."""
    guard(actor, invoice.company, "purchases.manage")
    invoice = PurchaseInvoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.voucher_id is not None:
        raise ValidationError({"invoice": _("The invoice is posted; its lines do not change.")})
    line = invoice.lines.filter(position=position).first()
    if line is None:
        raise ValidationError({"line": _("The invoice has no line %(n)s.") % {"n": position}})
    errors: dict = {}
    if vat_code is not None:
        line.vat_code = clean_vat_code(vat_code, errors)
    if account is not None:
        account = str(account).strip()
        if not invoice.company.accounts.filter(number=account, is_header=False).exists():
            errors["account"] = _("Unknown account %(number)s.") % {"number": account}
        line.account = account
    if errors:
        raise ValidationError(errors)
    line.save(update_fields=["account", "vat_code"])
    audit.record(
        actor.user,
        "update",
        invoice,
        company=invoice.company,
        changes={f"line {position}": [None, f"{line.account} {line.vat_code}"]},
    )
    return line


@transaction.atomic
def add_attachment(actor, invoice: PurchaseInvoice, upload) -> PurchaseAttachment:
    """Keep the invoice's PDF or image (checked by size and content)."""
    guard(actor, invoice.company, "purchases.manage")
    errors: dict = {}
    kept = _attachment(upload, errors)
    if errors:
        raise ValidationError(errors)
    attachment = _store_attachment(invoice, *kept)
    audit.record(
        actor.user,
        "attach",
        invoice,
        company=invoice.company,
        changes={"attachment": [None, attachment.name]},
    )
    return attachment
