"""Payments out: a payment proposal of approved invoices due by a date, as far as the bank
account's available balance goes, edited (invoices left out or added) and accepted,
then written as a pain.001 file (one transfer per invoice, the reference structured, else a
message; validated against the ISO XSD before it is offered), and invoices marked paid.

A payment keeps the end-to-end id written into the file (``P<proposal>-<invoice>``, unique in
the company): the bank app finds the payment of a statement line by it
(:func:`tase.purchases.selectors.payment_by_end_to_end_id`) and books it paid with
:func:`mark_paid`, passing the voucher it posted; without one, :func:`mark_paid` posts trade
payables (debit) / bank (credit) in the bank series TI itself.

Cash discount (käteisalennus): an invoice paid in full by its discount date is paid less the
discount (the proposal's transfer is the open amount less it when its payment date is on or
before that date, and shows the saving). The payment then settles the whole invoice: trade
payables are debited the open amount, the bank credited what was paid, and the discount
credited back to the invoice's expense lines in proportion to their gross amounts, each with
its VAT code, so that the ledger takes it out of the expense and the deductible VAT of each
rate (:func:`discount_lines`). The source: a cash discount is a price reduction that lowers the
tax base (arvonlisäverolaki 1501/1993, 78 § 1 mom. 1 kohta, "ostajalle annettu alennus";
applied by the Central Tax Board in KVL:2001/45,
https://www.vero.fi/syventavat-vero-ohjeet/ennakkoratkaisut/54104/kvl045200/), and the
buyer's deduction (102 §) is of the tax on what it finally pays, so the deducted VAT is
reduced by the VAT share of the discount, rate by rate, when the discount is taken.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.formats import sepa_payments
from tase.ledger import selectors as ledger_selectors
from tase.ledger import services as ledger
from tase.ledger.models import BankAccount
from tase.rules import vat as vat_rules

from .. import selectors
from ..models import (
    MAX_DISCOUNT_GRACE_DAYS,
    Payment,
    PaymentFileFormat,
    PaymentProposal,
    PaymentRecord,
    PurchaseInvoice,
    PurchaseSettings,
)
from .common import as_date, cents, guard, settings_of, user_of

SOURCE = "purchases.payment"
SERIES = "TI"
PAYABLE = (PurchaseInvoice.Status.APPROVED,)


def _bank_account(company: Company, bank_account) -> BankAccount:
    accounts = BankAccount.objects.filter(company=company, active=True).select_related("account")
    if bank_account in (None, ""):
        found = accounts.order_by("-is_default", "pk").first()
        if found is None:
            raise ValidationError(
                {"bank_account": _("The company has no bank account to pay from.")}
            )
        return found
    found = accounts.filter(pk=getattr(bank_account, "pk", bank_account)).first()
    if found is None:
        raise ValidationError({"bank_account": _("Choose one of the company's bank accounts.")})
    return found


def _unpayable(invoice: PurchaseInvoice) -> str:
    return _("Invoice %(number)s of %(supplier)s is %(status)s, not approved and unpaid.") % {
        "number": invoice.number,
        "supplier": invoice.supplier.name,
        "status": invoice.get_status_display().lower(),
    }


def _over_balance(balance, total: int) -> str:
    return _(
        "%(total)s € is more than the %(available)s € available on the account (the statement"
        " of %(date)s less the payments sent since)."
    ) % {
        "total": cents(total),
        "available": cents(balance.available_cents),
        "date": f"{balance.date.day}.{balance.date.month}.{balance.date.year}",
    }


def _within_balance(chosen: list[PurchaseInvoice], balance, on: dt.date) -> list[PurchaseInvoice]:
    """The invoices, in the order given (those to pay first, then the earliest due), that
    fit in the balance: one that does not fit in
    what is left is skipped (it stays to be added when there is money) and the next tried."""
    if balance is None:
        return chosen
    left, taken = balance.available_cents, []
    for invoice in chosen:
        due = _to_pay(invoice, on)
        if due <= left:
            taken.append(invoice)
            left -= due
    return taken


def _to_pay(invoice: PurchaseInvoice, on: dt.date) -> int:
    """What paying the invoice on ``on`` takes: the open amount less a cash discount earned."""
    return invoice.open_cents - invoice.discount_on(on)


@transaction.atomic
def create_proposal(
    actor, company: Company, *, due_until, execution_date=None, bank_account=None, invoices=None
) -> PaymentProposal:
    """A proposal paying the approved, unpaid invoices due by ``due_until``, those marked to
    pay first and then the earliest due, as far as the account's available balance goes (its last statement's closing
    balance less the payments sent since, :func:`tase.purchases.selectors.available_balance`;
    before the first statement it is not known and sets no limit) — or exactly the
    ``invoices`` given, each of which must be approved and unpaid and all of which must fit in
    the balance — from ``bank_account`` (default: the company's default account) on
    ``execution_date`` (default: today)."""
    guard(actor, company, "purchases.pay")
    until = as_date(due_until, "due_until")
    on = as_date(execution_date, "execution_date") if execution_date else dt.date.today()
    account = _bank_account(company, bank_account)
    balance = selectors.available_balance(account)
    if invoices is not None:
        candidates = PurchaseInvoice.objects.filter(company=company).select_related("supplier")
        ids = [str(getattr(i, "pk", i)) for i in invoices]
        chosen = list(candidates.filter(pk__in=[i for i in ids if i.isdigit()]))
        if len(chosen) != len(set(ids)):
            raise ValidationError({"invoices": _("Choose invoices of this company.")})
        bad = [_unpayable(i) for i in chosen if i.status not in PAYABLE or i.open_cents <= 0]
        if bad:
            raise ValidationError({"invoices": bad})
        total = sum(_to_pay(i, on) for i in chosen)
        if balance is not None and total > balance.available_cents:
            raise ValidationError({"invoices": _over_balance(balance, total)})
    else:
        due = list(selectors.payable_invoices(company, until, on))
        chosen = _within_balance(due, balance, on)
        if due and not chosen:
            raise ValidationError(
                {"bank_account": _over_balance(balance, min(_to_pay(i, on) for i in due))}
            )
    if not chosen:
        raise ValidationError(
            {"due_until": _("No approved, unpaid invoice is due by %(date)s.") % {"date": until}}
        )
    proposal = PaymentProposal.objects.create(
        company=company,
        due_until=until,
        execution_date=on,
        bank_account=account,
        created_by=user_of(actor),
    )
    proposal.message_id = f"TASE-{company.pk}-{proposal.pk}"
    proposal.save(update_fields=["message_id"])
    Payment.objects.bulk_create(_payment(proposal, invoice) for invoice in chosen)
    audit.record(actor.user, "create", proposal, company=company)
    return proposal


def _payment(proposal: PaymentProposal, invoice: PurchaseInvoice) -> Payment:
    discount = invoice.discount_on(proposal.execution_date)
    return Payment(
        company=proposal.company,
        proposal=proposal,
        invoice=invoice,
        amount_cents=invoice.open_cents - discount,
        discount_cents=discount,
        end_to_end_id=f"P{proposal.pk}-{invoice.pk}",
    )


def _check_balance(proposal: PaymentProposal) -> None:
    balance = selectors.available_balance(proposal.bank_account)
    total = proposal.payments.aggregate(total=Sum("amount_cents", default=0))["total"]
    if balance is not None and total > balance.available_cents:
        raise ValidationError({"proposal": _over_balance(balance, total)})


def _draft(proposal: PaymentProposal) -> PaymentProposal:
    proposal = PaymentProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != PaymentProposal.Status.DRAFT:
        raise ValidationError({"proposal": _("The proposal is accepted; it does not change.")})
    return proposal


@transaction.atomic
def remove_payment(actor, proposal: PaymentProposal, invoice) -> None:
    """Leave an invoice out of a proposal not yet accepted."""
    guard(actor, proposal.company, "purchases.pay")
    proposal = _draft(proposal)
    deleted, _rows = proposal.payments.filter(invoice_id=getattr(invoice, "pk", invoice)).delete()
    if not deleted:
        raise ValidationError({"invoice": _("The invoice is not in this proposal.")})
    audit.record(
        actor.user,
        "update",
        proposal,
        company=proposal.company,
        changes={"removed invoice": [getattr(invoice, "pk", invoice), None]},
    )


@transaction.atomic
def add_payment(actor, proposal: PaymentProposal, invoice) -> Payment:
    """Add an approved, unpaid invoice of the company to a proposal not yet accepted, as far
    as the account's available balance goes."""
    guard(actor, proposal.company, "purchases.pay")
    proposal = _draft(proposal)
    pk = str(getattr(invoice, "pk", invoice) or "").strip()
    found = (
        PurchaseInvoice.objects.filter(company=proposal.company, pk=pk)
        .select_related("supplier")
        .first()
        if pk.isdigit()
        else None
    )
    if found is None:
        raise ValidationError({"invoice": _("Choose invoices of this company.")})
    if found.status not in PAYABLE or found.open_cents <= 0:
        raise ValidationError({"invoice": _unpayable(found)})
    if proposal.payments.filter(invoice=found).exists():
        raise ValidationError({"invoice": _("The invoice is in this proposal already.")})
    payment = _payment(proposal, found)
    payment.save()
    _check_balance(proposal)
    audit.record(
        actor.user,
        "update",
        proposal,
        company=proposal.company,
        changes={"added invoice": [None, found.pk]},
    )
    return payment


@transaction.atomic
def accept_proposal(actor, proposal: PaymentProposal) -> PaymentProposal:
    """Accept the proposal: its invoices go into payment and the file can be downloaded."""
    guard(actor, proposal.company, "purchases.pay")
    proposal = _draft(proposal)
    payments = list(proposal.payments.select_related("invoice__supplier"))
    if not payments:
        raise ValidationError({"proposal": _("The proposal has no invoices left.")})
    bad = [
        _unpayable(p.invoice)
        for p in payments
        if p.invoice.status not in PAYABLE or p.invoice.open_cents <= 0
    ]
    if bad:
        raise ValidationError({"invoices": bad})
    _check_balance(proposal)  # a statement imported since may show less
    ids = [p.invoice_id for p in payments]
    PurchaseInvoice.objects.filter(pk__in=ids).update(status=PurchaseInvoice.Status.IN_PAYMENT)
    proposal.payments.update(status=Payment.Status.SENT)
    proposal.status = PaymentProposal.Status.ACCEPTED
    proposal.accepted_at = timezone.now()
    proposal.save(update_fields=["status", "accepted_at"])
    audit.record(actor.user, "accept", proposal, company=proposal.company)
    return proposal


def payment_file(proposal: PaymentProposal, *, version: str | None = None) -> bytes:
    """The accepted proposal's pain.001 file in ``version`` (default: the one its bank
    account's bank takes, :func:`tase.purchases.selectors.payment_file_version`), valid against
    the ISO XSD."""
    version = version or selectors.payment_file_version(proposal.bank_account)
    if proposal.status != PaymentProposal.Status.ACCEPTED:
        raise ValidationError({"proposal": _("Accept the proposal before its payment file.")})
    settings = settings_of(proposal.company)
    account = proposal.bank_account
    debtor = sepa_payments.Debtor(
        name=proposal.company.name,
        iban=account.iban,
        bic=account.bic,
        service_id=settings.bank_service_id,
    )
    transfers = [
        sepa_payments.Transfer(
            name=p.invoice.supplier.name,
            iban=p.invoice.iban,
            bic=p.invoice.bic,
            amount=cents(p.amount_cents),
            end_to_end_id=p.end_to_end_id,
            reference=p.invoice.reference,
            text=p.invoice.message or f"{_('Invoice')} {p.invoice.number}",
        )
        for p in proposal.payments.select_related("invoice__supplier").order_by("pk")
    ]
    try:
        document = sepa_payments.supplier_payment_file(
            debtor,
            transfers,
            execution_date=max(proposal.execution_date, dt.date.today()),
            message_id=proposal.message_id,
            created=timezone.localtime(),
            version=version,
            charset=settings.charset,
        )
        sepa_payments.validate(document, version)
    except sepa_payments.SepaError as error:
        raise ValidationError({"proposal": str(error)}) from None
    return document


@transaction.atomic
def mark_paid(
    actor,
    invoice: PurchaseInvoice,
    *,
    amount_cents: int,
    date,
    voucher=None,
    bank_line=None,
    bank_ledger_account: str = "",
    discount_by=None,
):
    """Book ``amount_cents`` paid on the approved invoice on ``date`` (when it is the open
    amount less a cash discount earned — by the date, by ``discount_by`` when the caller knows
    the payment was made earlier than it was booked (a bank line the accountant matched), or
    sent in a proposal that took it — the discount settles the rest, :func:`discount_lines`). ``voucher``: the voucher
    the caller posted for it (the bank app's statement line), linked as it is; none: trade
    payables / bank are posted here (to ``bank_ledger_account``, else the bank account of its
    payment proposal, else the company's default). The invoice's payment in a proposal is
    marked paid, and the payment is recorded dated (:class:`PaymentRecord`, from
    ``bank_line`` when a statement line paid it, else by hand) for the closing gate."""
    guard(actor, invoice.company, "purchases.pay")
    invoice = (
        PurchaseInvoice.objects.select_for_update()
        .select_related("company", "supplier")
        .get(pk=invoice.pk)
    )
    if invoice.voucher_id is None:
        raise ValidationError({"invoice": _unpayable(invoice)})
    on = as_date(date, "date")
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValidationError({"amount": _("The amount must be positive.")})
    if amount_cents > invoice.open_cents:
        raise ValidationError(
            {
                "amount": _("%(amount)s € is more than the %(open)s € open on invoice %(number)s.")
                % {
                    "amount": cents(amount_cents),
                    "open": cents(invoice.open_cents),
                    "number": invoice.number,
                }
            }
        )
    payment = invoice.payments.filter(status=Payment.Status.SENT).select_related("proposal").first()
    discount = 0
    if voucher is None:
        earned = invoice.discount_on(discount_by or on)
        if payment is not None and payment.discount_cents and amount_cents == payment.amount_cents:
            earned = payment.discount_cents  # the file was sent in time to earn it
        if earned and amount_cents + earned == invoice.open_cents:
            discount = earned
    if voucher is None:
        if bank_ledger_account:
            bank_number = bank_ledger_account
        else:
            account = (
                payment.proposal.bank_account if payment else _bank_account(invoice.company, None)
            )
            bank_number = account.account.number
        payables = ledger_selectors.account_number_for_role(invoice.company, "payables")
        text = _("Payment of purchase invoice %(number)s") % {"number": invoice.number}
        voucher = ledger.post_voucher(
            actor,
            invoice.company,
            date=on,
            series=SERIES,
            description=f"{text}, {invoice.supplier.name}"[:300],
            lines=[
                {"account": payables, "debit": cents(amount_cents + discount), "text": text},
                {"account": bank_number, "credit": cents(amount_cents), "text": text},
                *discount_lines(invoice, discount),
            ],
            source=SOURCE,
            source_ref=f"{invoice.pk}:{invoice.paid_cents}",
        )
    PaymentRecord.objects.create(
        company=invoice.company,
        invoice=invoice,
        date=on,
        amount_cents=amount_cents + discount,
        discount_cents=discount,
        voucher_id=voucher.pk,
        source=PaymentRecord.Source.MANUAL if bank_line is None else PaymentRecord.Source.BANK_LINE,
        bank_line_id=getattr(bank_line, "pk", bank_line),
    )
    invoice.paid_cents += amount_cents + discount
    if invoice.open_cents <= 0:
        invoice.status = PurchaseInvoice.Status.PAID
    invoice.save(update_fields=["paid_cents", "status"])
    if payment is not None:
        payment.status = Payment.Status.PAID
        payment.paid_on = on
        payment.voucher_id = voucher.pk
        payment.save(update_fields=["status", "paid_on", "voucher_id"])
    audit.record(
        actor.user,
        "payment",
        invoice,
        company=invoice.company,
        changes={"paid": [None, str(cents(amount_cents))], "date": [None, on.isoformat()]}
        | ({"cash discount": [None, str(cents(discount))]} if discount else {}),
    )
    return invoice


def discount_lines(invoice: PurchaseInvoice, discount: int) -> list[dict]:
    """The voucher lines taking a cash discount of ``discount`` cents off the invoice: credits
    to its expense lines' accounts with their VAT codes, the discount shared in proportion to
    the lines' gross amounts (half up, the rounding left on the largest), VAT included, so the
    ledger reduces the expense and the deductible VAT of each rate (at the rate of the
    invoice's posting date)."""
    if not discount:
        return []
    shares: dict[tuple[str, str], int] = {}
    for line in invoice.lines.all():
        if line.gross_cents > 0:
            key = (line.account, line.vat_code)
            shares[key] = shares.get(key, 0) + line.gross_cents
    whole = sum(shares.values())
    if not whole:
        return []
    amounts = {key: vat_rules.proportion(discount, part, whole) for key, part in shares.items()}
    largest = max(shares, key=shares.get)
    amounts[largest] += discount - sum(amounts.values())
    text = _("Cash discount, purchase invoice %(number)s") % {"number": invoice.number}
    return [
        {
            "account": account,
            "vat_code": code or None,
            "credit": cents(amount),
            "text": text,
            "cost_centre": invoice.cost_centre,
            "delivery_date": invoice.posting_date,
        }
        for (account, code), amount in amounts.items()
        if amount
    ]


@transaction.atomic
def set_pay_first(actor, invoice: PurchaseInvoice, pay_first: bool) -> PurchaseInvoice:
    """Mark an unpaid invoice to be paid before the others due (or not): payment proposals
    take it first while the balance lasts."""
    guard(actor, invoice.company, "purchases.pay")
    invoice = PurchaseInvoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status in (PurchaseInvoice.Status.PAID, PurchaseInvoice.Status.REJECTED):
        raise ValidationError(
            {"pay_first": _("Invoice %(number)s is %(status)s; there is nothing to pay.")
             % {"number": invoice.number, "status": invoice.get_status_display().lower()}}
        )  # fmt: skip
    before, invoice.pay_first = invoice.pay_first, bool(pay_first)
    invoice.save(update_fields=["pay_first"])
    audit.record(
        actor.user, "update", invoice, company=invoice.company,
        changes={"pay_first": [before, invoice.pay_first]},
    )  # fmt: skip
    return invoice


@transaction.atomic
def set_payment_file_version(actor, company: Company, bank_account, version: str):
    """The pain.001 version (``pain.001.001.03`` or ``.09``) of the files paying from one of
    the company's bank accounts."""
    guard(actor, company, "purchases.manage")
    account = _bank_account(company, bank_account or "0")
    if version not in PaymentFileFormat.Version.values:
        raise ValidationError(
            {"version": _("Choose %(versions)s.")
             % {"versions": " / ".join(PaymentFileFormat.Version.values)}}
        )  # fmt: skip
    found, _created = PaymentFileFormat.objects.update_or_create(
        bank_account=account, defaults={"company": company, "version": version}
    )
    audit.record(actor.user, "update", found, company=company, changes={"version": [None, version]})
    return found


@transaction.atomic
def update_settings(actor, company: Company, **data) -> PurchaseSettings:
    """The bank's service id, the characters of payment files, the default expense account,
    after how many days approvers are reminded of a waiting invoice, and how many banking days
    after its date a payment still earns a cash discount on the bank statement
    (:attr:`PurchaseSettings.discount_grace_days`). Every bad value is refused at once, each
    naming its field; nothing is saved then."""
    guard(actor, company, "purchases.manage")
    settings = settings_of(company)
    errors = {}
    charset = data.get("charset")
    if charset is not None:
        if charset not in PurchaseSettings.Charset.values:
            errors["charset"] = _("Choose basic Latin or UTF-8.")
        settings.charset = charset
    if data.get("bank_service_id") is not None:
        settings.bank_service_id = str(data["bank_service_id"]).strip()[:35]
    account = data.get("default_expense_account")
    if account is not None:
        account = str(account).strip()
        if not company.accounts.filter(number=account, is_header=False).exists():
            errors["default_expense_account"] = _("Unknown account %(number)s.") % {
                "number": account
            }
        settings.default_expense_account = account
    days = data.get("reminder_days")
    if days is not None:
        try:
            days = int(days)
        except (TypeError, ValueError):
            days = -1
        if not 0 <= days <= 365:
            errors["reminder_days"] = _("Give the reminder days as 0-365 (0: no reminders).")
        settings.reminder_days = days
    grace = data.get("discount_grace_days")
    if grace is not None:
        try:
            grace = int(grace)
        except (TypeError, ValueError):
            grace = -1
        if not 0 <= grace <= MAX_DISCOUNT_GRACE_DAYS:
            errors["discount_grace_days"] = _(
                "Give the cash discount grace as 0-%(max)s banking days (0: only by the date)."
            ) % {"max": MAX_DISCOUNT_GRACE_DAYS}
        settings.discount_grace_days = grace
    if errors:
        raise ValidationError(errors)
    settings.save()
    audit.record(actor.user, "update", settings, company=company)
    return settings
