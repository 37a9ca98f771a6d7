"""Sales tables: customers, products, invoices and their lines, payments received.

Money is integer cents (``BigIntegerField``); a credit note's amounts are negative. A sent
invoice never changes: the services refuse it and :meth:`Invoice.save` refuses a change to
its number, amounts or lines once it has a number (the state and the paid amount still move
as payments and credit notes arrive). Sales knows the books only through the ledger's
services: ``voucher_id`` is the id of the voucher posted for the invoice (the voucher carries
``source="sales.invoice"`` and the invoice's id back).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tase.core.models import Company, Organization, User

LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]


class InterestPolicy(models.TextChoices):
    STATUTORY = "statutory", _("Statutory (Interest Act)")
    CONTRACT = "contract", _("Agreed rate")
    NONE = "none", _("No interest")


class Customer(models.Model):
    class Kind(models.TextChoices):
        BUSINESS = "business", _("Business")
        CONSUMER = "consumer", _("Consumer")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(_("customer number"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BUSINESS)
    business_id = models.CharField(_("business ID"), max_length=9, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postal code"), max_length=10, blank=True)
    town = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FI")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="fi")
    email = models.EmailField(_("email"), blank=True)
    einvoice_address = models.CharField(_("e-invoice address"), max_length=35, blank=True)
    einvoice_operator = models.CharField(_("e-invoice operator code"), max_length=35, blank=True)
    payment_term_days = models.PositiveSmallIntegerField(_("payment term (days)"), default=14)
    # For a vendor's own company: the customer organization this customer is (vendor billing).
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Collection policy: reminders carry the statutory fee or compensation unless switched off;
    # penalty interest is the statutory rate, an agreed rate, or none.
    reminder_charges = models.BooleanField(_("charge reminder fees"), default=True)
    interest_policy = models.CharField(
        _("penalty interest"),
        max_length=10,
        choices=InterestPolicy.choices,
        default=InterestPolicy.STATUTORY,
    )
    contract_interest_rate = models.DecimalField(
        _("agreed penalty interest %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="sales_customer_number"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"


class Product(models.Model):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=14, default="kpl")
    price_cents = models.BigIntegerField(_("price (cents)"))
    price_includes_vat = models.BooleanField(_("price includes VAT"), default=False)
    vat_code = models.CharField(_("VAT code"), max_length=10, default="S")
    sales_account = models.CharField(_("sales account"), max_length=10, default="3000")

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["company", "code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="sales_product_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class InvoiceCounter(models.Model):
    """The last invoice number of the company's series; locked while an invoice is sent, so
    numbers are gapless and unique. Numbers start after ``last_number`` (1000: the first
    invoice is 1001, long enough to carry a 7-3-1 reference)."""

    company = models.OneToOneField(Company, on_delete=models.PROTECT, related_name="+")
    last_number = models.PositiveBigIntegerField(default=1000)

    def __str__(self):
        return f"{self.company_id}: {self.last_number}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PARTLY_PAID = "partly_paid", _("Partly paid")
        PAID = "paid", _("Paid")
        CREDITED = "credited", _("Credited")

    class ReferenceType(models.TextChoices):
        FI = "fi", _("National reference")
        RF = "rf", _("RF creditor reference")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    agreement = models.ForeignKey(
        "Agreement", on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    credits = models.ForeignKey(
        "self",
        verbose_name=_("credits"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    number = models.PositiveBigIntegerField(_("number"), null=True, blank=True)
    invoice_date = models.DateField(_("invoice date"))
    delivery_date = models.DateField(_("delivery date"))
    due_date = models.DateField(_("due date"))
    reference_type = models.CharField(
        _("reference type"), max_length=2, choices=ReferenceType.choices, default="fi"
    )
    reference = models.CharField(_("reference"), max_length=25, blank=True)
    our_reference = models.CharField(_("our reference"), max_length=70, blank=True)
    your_reference = models.CharField(_("your reference"), max_length=70, blank=True)
    order_number = models.CharField(_("order number"), max_length=70, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    prices_include_vat = models.BooleanField(_("prices include VAT"), default=False)
    net_cents = models.BigIntegerField(default=0)
    vat_cents = models.BigIntegerField(default=0)
    gross_cents = models.BigIntegerField(default=0)
    paid_cents = models.BigIntegerField(default=0)
    # What was sent, fixed at sending: the buyer and the account to pay to.
    buyer = models.JSONField(default=dict, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_ledger_account = models.CharField(max_length=10, blank=True)
    voucher_id = models.BigIntegerField(null=True, blank=True)
    # Cash-based VAT (maksuperusteinen alv), fixed at sending from the company's setting: the
    # VAT was posted as unrecognised and each payment recognises its share (docs/sales.md).
    cash_vat = models.BooleanField(_("cash-based VAT"), default=False)
    # The day the cash-basis VAT still waiting was recognised unpaid, 12 months from the
    # delivery (AVL 137 § 2 mom.; services.cash_vat.recognise_unpaid); payments after it
    # recognise nothing more.
    cash_vat_due_on = models.DateField(_("cash-based VAT recognised unpaid"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Reminder fees, compensation and interest charged by reminders, and what payments covered.
    charged_cents = models.BigIntegerField(default=0)
    charges_paid_cents = models.BigIntegerField(default=0)
    collection_on = models.DateField(_("handed to collection"), null=True, blank=True)
    # An open invoice brought from the previous system: sent and posted there (the opening
    # balance of receivables carries it), so Tase keeps its number and reference, posts nothing
    # for it, and books only its payments and credit notes.
    migrated = models.BooleanField(_("migrated"), default=False)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["company", "-number", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                condition=Q(number__isnull=False),
                name="sales_invoice_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False),
                name="sales_sent_invoice_has_number",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("invoice_date")),
                name="sales_due_not_before_invoice_date",
            ),
        ]
        indexes = [models.Index(fields=["company", "status", "due_date"])]

    FIXED_WHEN_SENT = (
        "number",
        "invoice_date",
        "delivery_date",
        "due_date",
        "reference",
        "net_cents",
        "vat_cents",
        "gross_cents",
        "customer_id",
        "kind",
    )

    def __str__(self):
        return f"{self.number}" if self.number else str(_("draft"))

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded", None)
        if loaded and loaded.get("number") is not None:
            changed = [f for f in self.FIXED_WHEN_SENT if getattr(self, f) != loaded[f]]
            if changed:
                raise ValidationError(_("A sent invoice cannot be changed."))
        super().save(*args, **kwargs)
        self._loaded = {f: getattr(self, f) for f in self.FIXED_WHEN_SENT}

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded = {f: getattr(instance, f, None) for f in cls.FIXED_WHEN_SENT}
        return instance

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def credited_cents(self) -> int:
        """What credit notes have taken off (a positive number)."""
        return -sum(note.gross_cents for note in self.credit_notes.all() if not note.is_draft)

    @property
    def open_cents(self) -> int:
        if self.is_draft or self.is_credit_note:
            return 0
        return self.gross_cents - self.paid_cents - self.credited_cents


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=14, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=16, decimal_places=4)
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=0
    )
    vat_code = models.CharField(_("VAT code"), max_length=10)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2, default=0)
    sales_account = models.CharField(_("sales account"), max_length=10)
    amount_cents = models.BigIntegerField(default=0)  # net, or gross when prices include VAT
    vat_cents = models.BigIntegerField(default=0)  # the line's share, for printing

    class Meta:
        ordering = ["invoice", "position"]

    def __str__(self):
        return self.description


class Payment(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("payment date"))
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    # The part of the amount that paid reminder fees, compensation and interest.
    charges_cents = models.BigIntegerField(default=0)
    bank_ledger_account = models.CharField(max_length=10)
    voucher_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["invoice", "date", "pk"]
        indexes = [models.Index(fields=["company", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="sales_payment_positive")
        ]

    def __str__(self):
        return f"{self.invoice} {self.date}"


class Reminder(models.Model):
    """A payment reminder (maksumuistutus) of an overdue invoice, numbered per invoice.

    It states the open amount on its date, the interest accrued to that date, and the fee or
    compensation it adds (rules.collection); it posts nothing: charges are booked when they
    are paid (see services.payments)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    sequence = models.PositiveSmallIntegerField(_("reminder"))
    date = models.DateField(_("reminder date"))
    due_date = models.DateField(_("new due date"))
    open_cents = models.BigIntegerField(_("open amount"))
    interest_cents = models.BigIntegerField(_("interest"), default=0)
    interest_until = models.DateField(null=True, blank=True)
    # The spans the interest was computed over: [{start, end, days, principal, rate}].
    interest_spans = models.JSONField(default=list, blank=True)
    fee_cents = models.BigIntegerField(_("reminder fee"), default=0)
    compensation_cents = models.BigIntegerField(_("recovery compensation"), default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        ordering = ["invoice", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "sequence"], name="sales_reminder_sequence"),
        ]
        indexes = [models.Index(fields=["company", "date"])]

    def __str__(self):
        return f"{self.invoice} / {self.sequence}"

    @property
    def charges_cents(self) -> int:
        return self.interest_cents + self.fee_cents + self.compensation_cents

    @property
    def total_cents(self) -> int:
        return self.open_cents + self.charges_cents


class SalesSettings(models.Model):
    """A company's own sales settings: its e-invoice address and operator (what the operator's
    envelope names as the sender) and how reminders are made by default."""

    company = models.OneToOneField(Company, on_delete=models.PROTECT, related_name="+")
    einvoice_address = models.CharField(_("e-invoice address"), max_length=35, blank=True)
    einvoice_operator = models.CharField(_("e-invoice operator code"), max_length=35, blank=True)
    reminder_days_to_pay = models.PositiveSmallIntegerField(_("reminder: days to pay"), default=14)

    class Meta:
        verbose_name = _("sales settings")
        verbose_name_plural = _("sales settings")

    def __str__(self):
        return str(self.company_id)


class Agreement(models.Model):
    """A recurring invoice (sopimuslaskutus): its lines are invoiced every period, in advance
    (dated on the period's first day) or in arrears (on its last day), from ``start`` until
    ``end``; ``next_period`` is the first day of the period not yet invoiced."""

    class Interval(models.IntegerChoices):
        MONTHLY = 1, _("Monthly")
        QUARTERLY = 3, _("Quarterly")
        HALF_YEARLY = 6, _("Half-yearly")
        YEARLY = 12, _("Yearly")

    class Timing(models.TextChoices):
        ADVANCE = "advance", _("In advance")
        ARREARS = "arrears", _("In arrears")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="agreements"
    )
    name = models.CharField(_("name"), max_length=200)
    interval = models.PositiveSmallIntegerField(
        _("interval"), choices=Interval.choices, default=Interval.MONTHLY
    )
    timing = models.CharField(
        _("invoiced"), max_length=8, choices=Timing.choices, default=Timing.ADVANCE
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    next_period = models.DateField(_("next period"))
    reference_type = models.CharField(max_length=2, default="fi")
    your_reference = models.CharField(_("your reference"), max_length=70, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recurring invoice")
        verbose_name_plural = _("recurring invoices")
        ordering = ["company", "customer", "name"]
        indexes = [models.Index(fields=["company", "active", "next_period"])]

    def __str__(self):
        return self.name


class AgreementLine(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, default=1)
    unit = models.CharField(_("unit"), max_length=14, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=16, decimal_places=4)
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=0
    )
    vat_code = models.CharField(_("VAT code"), max_length=10, blank=True)
    sales_account = models.CharField(_("sales account"), max_length=10, blank=True)

    class Meta:
        ordering = ["agreement", "position"]

    def __str__(self):
        return self.description


class AgreementPrice(models.Model):
    """A line's unit price from a date on (a price change or an index increase)."""

    line = models.ForeignKey(AgreementLine, on_delete=models.CASCADE, related_name="prices")
    valid_from = models.DateField(_("valid from"))
    unit_price = models.DecimalField(_("unit price"), max_digits=16, decimal_places=4)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["line", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["line", "valid_from"], name="sales_agreement_price"),
        ]

    def __str__(self):
        return f"{self.line} {self.valid_from}"


class BilledItem(models.Model):
    """A billable item of delivery or support (core registry) put on a vendor invoice: each
    ``ref`` is billed once per company."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=100)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="billed_items")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "ref"], name="sales_billed_once"),
        ]

    def __str__(self):
        return self.ref
