"""Purchases tables: suppliers, purchase invoices with their lines and attachments, the
approval circulation and its history, payment proposals and the payments in them.

Money is integer cents (``BigIntegerField``); a credit note's amounts are negative. The books
are reached only through the ledger's services: ``voucher_id`` is the id of the voucher
posted when the invoice was approved (``source="purchases.invoice"`` and the invoice's id
back), a payment's ``voucher_id`` the one that booked it paid. A payment carries the
end-to-end id written into the pain.001 file, so the bank statement's line finds it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tase.core.models import Company, User


class Supplier(models.Model):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    business_id = models.CharField(_("business ID"), max_length=9, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    expense_account = models.CharField(_("default expense account"), max_length=10, blank=True)
    vat_code = models.CharField(_("default VAT code"), max_length=10, blank=True)
    payment_term_days = models.PositiveSmallIntegerField(_("payment term (days)"), default=14)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["company", "name"]
        indexes = [models.Index(fields=["company", "business_id"])]

    def __str__(self):
        return self.name


class PurchaseInvoice(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Awaiting approval")
        REVIEWED = "reviewed", _("Reviewed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        IN_PAYMENT = "in_payment", _("In payment")
        PAID = "paid", _("Paid")

    class Source(models.TextChoices):
        FINVOICE = "finvoice", _("Finvoice")
        MANUAL = "manual", _("Entered by hand")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="invoices"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    number = models.CharField(_("invoice number"), max_length=70)
    invoice_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    reference = models.CharField(_("reference"), max_length=35, blank=True)
    message = models.CharField(_("message"), max_length=140, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    order_number = models.CharField(_("order number"), max_length=70, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    net_cents = models.BigIntegerField(default=0)
    vat_cents = models.BigIntegerField(default=0)
    gross_cents = models.BigIntegerField(default=0)
    paid_cents = models.BigIntegerField(default=0)
    # Cash discount (käteisalennus): paying the rest by the date settles the invoice in full.
    cash_discount_date = models.DateField(_("cash discount date"), null=True, blank=True)
    cash_discount_cents = models.BigIntegerField(default=0)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    message_id = models.CharField(max_length=100, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # The cost centre (kustannuspaikka) routes the circulation and goes on the expense lines.
    cost_centre = models.CharField(_("cost centre"), max_length=40, blank=True)
    # A payment proposal takes the invoices marked to pay first before the others due.
    pay_first = models.BooleanField(_("pay first"), default=False)
    # Circulation: the highest amount limit of an approver who approved it within their limit
    # and passed it on (none: no approver yet); whom it waits for (forwarded).
    approved_up_to_cents = models.BigIntegerField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        User,
        verbose_name=_("waiting for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    posting_date = models.DateField(_("posting date"), null=True, blank=True)
    voucher_id = models.BigIntegerField(null=True, blank=True)
    # When the invoice last came to wait for someone (received, reviewed, forwarded): the
    # approval reminders count the days from it.
    waiting_since = models.DateTimeField(default=timezone.now, null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("purchase invoice")
        verbose_name_plural = _("purchase invoices")
        ordering = ["company", "due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "supplier", "number", "gross_cents"],
                name="purchases_invoice_unique",
            ),
        ]
        indexes = [models.Index(fields=["company", "status", "due_date"])]

    def __str__(self):
        return f"{self.supplier} {self.number}"

    @property
    def open_cents(self) -> int:
        return self.gross_cents - self.paid_cents

    @property
    def is_credit_note(self) -> bool:
        return self.gross_cents < 0

    def discount_on(self, day) -> int:
        """The cash discount earned by paying the whole rest on ``day``: the invoice's
        discount when nothing is paid yet and ``day`` is on or before its discount date."""
        if (
            self.cash_discount_cents > 0
            and self.cash_discount_date is not None
            and self.paid_cents == 0
            and day <= self.cash_discount_date
        ):
            return self.cash_discount_cents
        return 0


class PurchaseLine(models.Model):
    invoice = models.ForeignKey(PurchaseInvoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.CharField(_("quantity"), max_length=30, blank=True)
    unit = models.CharField(_("unit"), max_length=14, blank=True)
    vat_rate = models.CharField(_("VAT %"), max_length=8, blank=True)
    net_cents = models.BigIntegerField()
    vat_cents = models.BigIntegerField()
    account = models.CharField(_("account"), max_length=10)
    vat_code = models.CharField(_("VAT code"), max_length=10, blank=True)

    class Meta:
        ordering = ["invoice", "position"]

    def __str__(self):
        return f"{self.position} {self.description}"

    @property
    def gross_cents(self) -> int:
        return self.net_cents + self.vat_cents


def attachment_path(instance, filename: str) -> str:
    return f"purchases/{instance.company_id}/{instance.invoice_id}/{filename}"


class PurchaseAttachment(models.Model):
    """The invoice's image or PDF and the Finvoice file it came in."""

    invoice = models.ForeignKey(
        PurchaseInvoice, on_delete=models.CASCADE, related_name="attachments"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["invoice", "pk"]

    def __str__(self):
        return self.name


class Approver(models.Model):
    """One person of the company's circulation: a reviewer (asiatarkastaja) checks the
    invoice's content, an approver (hyväksyjä) approves it up to ``limit_cents`` (none: any
    amount), for the invoices of one ``cost_centre`` or (empty) of the whole company. With no
    approvers set, one who may approve approves in one step. The rule is
    :mod:`tase.purchases.circulation`."""

    class Kind(models.TextChoices):
        REVIEWER = "reviewer", _("Reviewer")
        APPROVER = "approver", _("Approver")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("role"), max_length=10, choices=Kind.choices)
    limit_cents = models.BigIntegerField(_("amount limit"), null=True, blank=True)
    cost_centre = models.CharField(_("cost centre"), max_length=40, blank=True)

    class Meta:
        ordering = ["company", "cost_centre", "kind", "limit_cents", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user", "kind", "cost_centre"],
                name="purchases_approver_unique_per_centre",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.kind}"


class ApprovalEvent(models.Model):
    class Action(models.TextChoices):
        REVIEW = "review", _("Reviewed")
        APPROVE = "approve", _("Approved")
        PASS_ON = "pass_on", _("Approved within the limit, passed on")
        REJECT = "reject", _("Rejected")
        FORWARD = "forward", _("Forwarded")

    invoice = models.ForeignKey(PurchaseInvoice, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    forwarded_to = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invoice", "at", "pk"]

    def __str__(self):
        return f"{self.invoice_id} {self.action}"


MAX_DISCOUNT_GRACE_DAYS = 10  # two working weeks: beyond that no discount date is near


class PurchaseSettings(models.Model):
    """How the company's payment files are written: the bank's service id (palvelutunnus)
    and the characters its bank takes; the default expense account; approval reminders; and
    the cash discount's grace on the bank statement.

    ``discount_grace_days`` (default 2): a payment made by hand (without Tase's end-to-end id)
    on the cash-discount date is booked by the bank on a later day when it was made after the
    bank's cut-off time or before a day off, so a bank line booked up to this many banking days
    after the discount date is still proposed for the discounted amount. Why two: the payer's
    bank takes an order given after its cut-off time, or on a day off, as received on the next
    business day (Directive (EU) 2015/2366, PSD2, art. 78(1)), and the amount must reach the
    payee's bank by the end of the business day after that (art. 83(1)): an order given on
    the discount date is through both within two banking days. A matching tolerance the
    accountant sets (the supplier's terms decide whether the discount stands, and the
    accountant still accepts each proposal), not a statutory rate; 0 proposes only lines
    booked by the discount date, at most :data:`MAX_DISCOUNT_GRACE_DAYS`.
    """

    class Charset(models.TextChoices):
        LATIN = "latin", _("Basic Latin (ÅÄÖ as A, A, O)")
        UTF8 = "utf-8", _("UTF-8 (ÅÄÖ kept)")

    company = models.OneToOneField(Company, on_delete=models.PROTECT, related_name="+")
    default_expense_account = models.CharField(
        _("default expense account"), max_length=10, default="4000"
    )
    bank_service_id = models.CharField(_("bank's service ID"), max_length=35, blank=True)
    charset = models.CharField(
        _("characters in payment files"),
        max_length=10,
        choices=Charset.choices,
        default=Charset.LATIN,
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind approvers after (days)"),
        default=7,
        help_text=_("An invoice waiting longer is reminded of by email; 0: no reminders."),
    )
    discount_grace_days = models.PositiveSmallIntegerField(
        _("cash discount grace (banking days)"),
        default=2,
        help_text=_(
            "A payment booked at most this many banking days after the cash discount date is "
            "still proposed for the discounted amount; 0: only by the date."
        ),
    )

    def __str__(self):
        return str(self.company_id)


class PaymentFileFormat(models.Model):
    """The pain.001 version the bank of one of the company's bank accounts takes (banks in
    Finland take pain.001.001.03, and .09 of the ISO 20022 2019 release; the differences are
    in :mod:`tase.formats.sepa_payments`). None set: .03."""

    class Version(models.TextChoices):
        V03 = "pain.001.001.03", "pain.001.001.03"
        V09 = "pain.001.001.09", "pain.001.001.09"

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    bank_account = models.OneToOneField(
        "ledger.BankAccount", on_delete=models.CASCADE, related_name="+"
    )
    version = models.CharField(
        _("payment file version"), max_length=15, choices=Version.choices, default=Version.V03
    )

    def __str__(self):
        return f"{self.bank_account_id} {self.version}"


class PaymentProposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    due_until = models.DateField(_("due by"))
    execution_date = models.DateField(_("payment date"))
    bank_account = models.ForeignKey(
        "ledger.BankAccount",
        verbose_name=_("paid from"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    message_id = models.CharField(max_length=35, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["company", "-pk"]

    def __str__(self):
        return f"{self.company_id}/{self.pk}"


class Payment(models.Model):
    """One transfer of a proposal: one purchase invoice, its end-to-end id in the file."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        SENT = "sent", _("In the payment file")
        PAID = "paid", _("Paid")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(PaymentProposal, on_delete=models.CASCADE, related_name="payments")
    invoice = models.ForeignKey(PurchaseInvoice, on_delete=models.PROTECT, related_name="payments")
    amount_cents = models.BigIntegerField()
    # The cash discount taken: the invoice's open amount less it is paid (``amount_cents``).
    discount_cents = models.BigIntegerField(default=0)
    end_to_end_id = models.CharField(max_length=35)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    paid_on = models.DateField(null=True, blank=True)
    voucher_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "end_to_end_id"], name="purchases_payment_e2e"
            ),
            models.UniqueConstraint(
                fields=["proposal", "invoice"], name="purchases_payment_once_per_proposal"
            ),
        ]

    def __str__(self):
        return self.end_to_end_id


class PaymentRecord(models.Model):
    """One payment of a purchase invoice, dated: from a bank statement line (matched by its
    end-to-end id) or entered by hand. ``PurchaseInvoice.paid_cents`` is their sum; the
    closing gate reads these to know what was open on a day."""

    class Source(models.TextChoices):
        BANK_LINE = "bank_line", _("Bank statement line")
        MANUAL = "manual", _("Entered by hand")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(
        PurchaseInvoice, on_delete=models.PROTECT, related_name="payment_records"
    )
    date = models.DateField(_("payment date"))
    # What the payment settled of the invoice: the money paid plus the cash discount taken.
    amount_cents = models.BigIntegerField()
    discount_cents = models.BigIntegerField(default=0)
    voucher_id = models.BigIntegerField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    bank_line_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invoice", "date", "pk"]
        indexes = [models.Index(fields=["company", "date"])]

    def __str__(self):
        return f"{self.invoice_id} {self.date} {self.amount_cents}"
