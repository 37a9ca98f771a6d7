"""Bookkeeping tables: fiscal years, chart of accounts, vouchers, entries, balances.

Money is integer cents (``BigIntegerField``), signed: debit positive, credit
negative. Posted vouchers and their entries never change: the model refuses it
here, and on PostgreSQL triggers refuse it in the database too
(migration 0002_immutability).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tase.core.models import Company, User
from tase.rules import financial_statements as statement_rules


class FiscalYear(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="fiscal_years"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    close_count = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        ordering = ["company", "start"]
        constraints = [
            models.UniqueConstraint(fields=["company", "start"], name="ledger_fy_unique_start"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="ledger_fy_order"),
        ]

    def __str__(self):
        return f"{self.start:%-d.%-m.%Y}\u2013{self.end:%-d.%-m.%Y}"  # 1.1.2026-31.12.2026 with an en dash

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class LedgerSettings(models.Model):
    """Per-company bookkeeping settings: the chart applied, the VAT period, the lock."""

    class VatPeriod(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    company = models.OneToOneField(
        Company, on_delete=models.PROTECT, related_name="ledger_settings"
    )
    chart = models.CharField(_("chart of accounts"), max_length=40, blank=True)
    vat_period = models.CharField(
        _("VAT period"), max_length=10, choices=VatPeriod.choices, default=VatPeriod.MONTH
    )
    # Maksuperusteinen arvonlisävero (AVL 137 §): VAT of sales and purchases is assigned to
    # the tax period of the payment; see docs/sales.md for how it posts.
    cash_basis_vat = models.BooleanField(_("cash-based VAT"), default=False)

    class Meta:
        verbose_name = _("bookkeeping settings")
        verbose_name_plural = _("bookkeeping settings")

    def __str__(self):
        return f"{self.company}: {self.chart}"


class PeriodLock(models.Model):
    """Nothing may be posted, reversed or changed with a date on or before ``locked_until``."""

    company = models.OneToOneField(Company, on_delete=models.PROTECT, related_name="period_lock")
    locked_until = models.DateField(_("locked until"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("period lock")
        verbose_name_plural = _("period locks")

    def __str__(self):
        return f"{self.company}: {self.locked_until}"


class Account(models.Model):
    class Type(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        EQUITY = "equity", _("Equity")
        REVENUE = "revenue", _("Revenue")
        EXPENSE = "expense", _("Expense")

    class Role(models.TextChoices):
        NONE = "", _("—")
        VAT_OUTPUT = "vat_output", _("Output VAT")
        VAT_INPUT = "vat_input", _("Input VAT")
        VAT_PAYABLE = "vat_payable", _("VAT payable")
        VAT_RECEIVABLE = "vat_receivable", _("VAT receivable")
        RETAINED_EARNINGS = "retained_earnings", _("Retained earnings")
        BANK = "bank", _("Bank")
        RECEIVABLES = "receivables", _("Trade receivables")
        PAYABLES = "payables", _("Trade payables")
        INTEREST_INCOME = "interest_income", _("Interest income")
        # Cash-based VAT (maksuperusteinen alv): VAT of invoices waiting for their payment.
        VAT_OUTPUT_PENDING = "vat_output_pending", _("Unrecognised output VAT (cash basis)")
        VAT_INPUT_PENDING = "vat_input_pending", _("Unrecognised input VAT (cash basis)")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="accounts"
    )
    number = models.CharField(_("number"), max_length=10)
    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, blank=True)
    is_header = models.BooleanField(_("header row"), default=False)
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    default_vat_code = models.CharField(_("default VAT code"), max_length=10, blank=True)
    takes_vat = models.BooleanField(_("takes VAT codes"), default=False)
    income_statement_line = models.CharField(_("income statement line"), max_length=40, blank=True)
    balance_sheet_line = models.CharField(_("balance sheet line"), max_length=40, blank=True)

    class Function(models.TextChoices):
        """The function of expense (toiminto) for the income statement by function,
        Kirjanpitoasetus 1339/1997 1:2 §; the keys are ``tase.rules.financial_statements``'
        ``FUNCTIONS``."""

        NONE = "", _("—")
        COST_OF_SALES = "cost_of_sales", _("Cost of sales")
        SELLING = "selling", _("Selling and marketing expenses")
        ADMINISTRATION = "administration", _("Administrative expenses")
        OTHER = "other", _("Other operating expenses")

    class TaxTreatment(models.TextChoices):
        """How taxation treats the account's expense or income in the calculation of
        taxable income (form 6B, :mod:`tase.rules.tax_return`)."""

        NORMAL = "", pgettext_lazy("tax treatment", "Normal")
        REPRESENTATION = "representation", _("Representation: half deductible (EVL 8 §)")
        NON_DEDUCTIBLE = (
            "non_deductible",
            _("Non-deductible: fines, tax increases, penalty interest (EVL 16 §)"),
        )
        TAX_EXEMPT = "tax_exempt", _("Tax-exempt income, e.g. dividends (EVL 6 a §)")
        PARTLY_EXEMPT = "partly_exempt", _("Dividends taxable in part (EVL 6 a § 1 mom.)")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    function = models.CharField(
        _("function"), max_length=20, choices=Function.choices, blank=True, default=""
    )
    tax_treatment = models.CharField(
        _("tax treatment"), max_length=20, choices=TaxTreatment.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["company", "number", "-is_header"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                condition=Q(is_header=False),
                name="ledger_account_unique_number",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name_fi}"

    @property
    def is_balance_sheet(self) -> bool:
        return self.type in (self.Type.ASSET, self.Type.LIABILITY, self.Type.EQUITY)

    def name(self, language: str = "fi") -> str:
        return self.name_en if language == "en" and self.name_en else self.name_fi

    @property
    def tax_treatments(self) -> list[tuple[str, str]]:
        """The treatments the account's type takes: the expense ones for an expense
        account, the income ones for a revenue account, only normal otherwise."""
        keys = {
            self.Type.EXPENSE: ("", "representation", "non_deductible"),
            self.Type.REVENUE: ("", "tax_exempt", "partly_exempt"),
        }.get(self.type, ("",))
        return [(k, v) for k, v in self.TaxTreatment.choices if k in keys]

    @property
    def takes_function(self) -> bool:
        """True for the accounts of the by-nature operating lines: a by-function income
        statement needs their function."""
        return statement_rules.needs_function(self.income_statement_line)


class VoucherSeries(models.Model):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="voucher_series"
    )
    code = models.CharField(_("code"), max_length=6)
    name_fi = models.CharField(_("name (Finnish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("voucher series")
        verbose_name_plural = _("voucher series")
        ordering = ["company", "code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="ledger_series_unique")
        ]

    def __str__(self):
        return self.code


class SeriesCounter(models.Model):
    """The last number given in a series in a fiscal year; locked while posting."""

    series = models.ForeignKey(VoucherSeries, on_delete=models.PROTECT, related_name="counters")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "fiscal_year"], name="ledger_counter_unique")
        ]

    def __str__(self):
        return f"{self.series_id}/{self.fiscal_year_id}: {self.last_number}"


class PostedRowQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes that would touch posted rows."""

    posted_filter: dict = {}

    def update(self, **kwargs):
        if self.filter(**self.posted_filter).exists():
            raise ValidationError(_("A posted voucher cannot be changed."))
        return super().update(**kwargs)

    def delete(self):
        if self.filter(**self.posted_filter).exists():
            raise ValidationError(_("A posted voucher cannot be deleted."))
        return super().delete()


class VoucherQuerySet(PostedRowQuerySet):
    posted_filter = {"state": "posted"}


class EntryQuerySet(PostedRowQuerySet):
    posted_filter = {"voucher__state": "posted"}


class Voucher(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        POSTED = "posted", _("Posted")

    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="vouchers",
        db_index=False,  # the (company, date) index leads with it
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="vouchers"
    )
    series = models.ForeignKey(
        VoucherSeries, verbose_name=_("series"), on_delete=models.PROTECT, related_name="vouchers"
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    source = models.CharField(_("source"), max_length=40, blank=True)
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True)
    draft_lines = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)

    objects = VoucherQuerySet.as_manager()

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["company", "date", "series__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "fiscal_year", "number"],
                condition=Q(number__isnull=False),
                name="ledger_voucher_unique_number",
            ),
            models.UniqueConstraint(
                fields=["company", "source", "source_ref"],
                condition=~Q(source_ref=""),
                name="ledger_voucher_unique_source",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(number__isnull=False),
                name="ledger_posted_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "date"]),
            # The drafts waiting, counted on the start page: few rows, whatever the books hold.
            models.Index(
                fields=["company"], condition=Q(state="draft"), name="ledger_voucher_drafts"
            ),
        ]

    def __str__(self):
        if self.number is None:
            return f"{self.series.code} - {self.description}"
        return f"{self.series.code} {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding and getattr(self, "_loaded_state", None) == self.State.POSTED:
            raise ValidationError(_("A posted voucher cannot be changed."))
        super().save(*args, **kwargs)
        self._loaded_state = self.state

    def delete(self, *args, **kwargs):
        if getattr(self, "_loaded_state", self.state) == self.State.POSTED:
            raise ValidationError(_("A posted voucher cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"{self.series.code} {self.number}" if self.number else str(_("draft"))

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded_state = getattr(instance, "state", None)
        return instance

    @property
    def is_posted(self) -> bool:
        return self.state == self.State.POSTED


class Entry(models.Model):
    """One line of a voucher: an amount (cents, debit +, credit -) on one account."""

    voucher = models.ForeignKey(
        Voucher, verbose_name=_("voucher"), on_delete=models.PROTECT, related_name="entries"
    )
    # No index of its own: the composite indexes below lead with the company.
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", db_index=False)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    date = models.DateField(_("date"))
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    vat_code = models.CharField(_("VAT code"), max_length=10, blank=True)
    is_vat = models.BooleanField(_("VAT entry"), default=False)
    vat_base_cents = models.BigIntegerField(_("VAT base (cents)"), default=0)
    cost_centre = models.CharField(_("cost centre"), max_length=40, blank=True)
    project = models.CharField(_("project"), max_length=40, blank=True)
    text = models.CharField(_("text"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The date of delivery of a VAT-coded line when it differs from the voucher's date: the
    # VAT rate is the one in force on it (AVL 15 §: the tax becomes due on delivery), so a
    # delivery of August 2024 invoiced in September keeps 24 %. Empty: the voucher's date.
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["voucher", "position", "id"]
        indexes = [
            models.Index(fields=["company", "account", "date"]),
            models.Index(fields=["company", "date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_cents=0), name="ledger_entry_nonzero"),
        ]

    def __str__(self):
        return f"{self.account.number} {self.amount_cents}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("An entry cannot be changed; reverse the voucher."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("An entry cannot be deleted; reverse the voucher."))

    @property
    def debit_cents(self) -> int:
        return self.amount_cents if self.amount_cents > 0 else 0

    @property
    def credit_cents(self) -> int:
        return -self.amount_cents if self.amount_cents < 0 else 0


class AccountBalance(models.Model):
    """Debits and credits per account per calendar month, kept by posting in the
    same transaction, so reports cost O(accounts x months)."""

    # No index of its own: the composite indexes below lead with the company.
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", db_index=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="balances")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    debit_cents = models.BigIntegerField(default=0)
    credit_cents = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "year", "month"], name="ledger_balance_unique"
            )
        ]
        indexes = [models.Index(fields=["company", "year", "month"])]

    def __str__(self):
        return f"{self.account_id} {self.year}-{self.month:02d}"


def attachment_path(instance, filename):
    return f"ledger/{instance.company_id}/{instance.voucher_id}/{filename}"


class Attachment(models.Model):
    voucher = models.ForeignKey(
        Voucher, verbose_name=_("voucher"), on_delete=models.PROTECT, related_name="attachments"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["voucher", "id"]

    def __str__(self):
        return self.name


class BankAccount(models.Model):
    """A bank account of the company: printed on invoices and in bank barcodes, matched by
    bank statements, and booked to one ledger account (a balance-sheet asset)."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="bank_accounts"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    account = models.ForeignKey(
        Account, verbose_name=_("ledger account"), on_delete=models.PROTECT, related_name="+"
    )
    is_default = models.BooleanField(_("default for invoices"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["company", "-is_default", "iban"]
        constraints = [
            models.UniqueConstraint(fields=["company", "iban"], name="ledger_bank_account_iban"),
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(is_default=True),
                name="ledger_bank_account_one_default",
            ),
        ]

    def __str__(self):
        return self.name or self.iban

    @property
    def iban_printed(self) -> str:
        """The IBAN in groups of four (FI79 4405 2020 0360 82)."""
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))


class FixedAsset(models.Model):
    """An item of fixed assets (käyttöomaisuus) with its depreciation plan.

    Planned depreciation (Kirjanpitolaki 5:5 §) is posted month by month
    (:class:`AssetDepreciation`); the group says how the Business Tax Act
    depreciates it (EVL 24 §, 30 §, 34 §: :mod:`tase.rules.depreciation`).
    """

    class Group(models.TextChoices):
        MACHINERY = "machinery", _("Machinery and equipment")
        BUILDING_COMMERCIAL = "building_commercial", _("Building: shop, warehouse, factory")
        BUILDING_RESIDENTIAL = "building_residential", _("Building: residential, office")
        BUILDING_LIGHT = "building_light", _("Building: light structure")
        INTANGIBLE = "intangible", _("Intangible right")
        LONG_TERM_EXPENDITURE = "long_term", _("Other long-term expenditure")

    class Method(models.TextChoices):
        STRAIGHT_LINE = "straight_line", _("Straight-line")
        REDUCING_BALANCE = "reducing_balance", _("Reducing balance")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="fixed_assets"
    )
    number = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    group = models.CharField(_("asset group"), max_length=24, choices=Group.choices)
    asset_account = models.ForeignKey(
        Account,
        verbose_name=_("balance sheet account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    expense_account = models.ForeignKey(
        Account,
        verbose_name=_("depreciation account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acquired = models.DateField(_("acquisition date"))
    in_use = models.DateField(_("taken into use"))
    cost_cents = models.BigIntegerField(_("cost (cents)"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True)
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    # For an asset bought before the company's first fiscal year in Tase: its undepreciated
    # value in taxation at the start of that year (verotuksessa poistamatta oleva
    # hankintameno, EVL 30 §), which the tax pool starts from instead of the cost.
    tax_opening_cents = models.BigIntegerField(
        _("undepreciated tax value at the start (cents)"), null=True, blank=True
    )
    disposed = models.DateField(_("disposal date"), null=True, blank=True)
    disposal_price_cents = models.BigIntegerField(
        _("disposal price (cents)"), null=True, blank=True
    )
    disposal_voucher = models.ForeignKey(
        Voucher,
        verbose_name=_("disposal voucher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("fixed asset")
        verbose_name_plural = _("fixed assets")
        ordering = ["company", "number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="ledger_fixedasset_number"),
            models.CheckConstraint(
                condition=Q(cost_cents__gte=0), name="ledger_fixedasset_cost_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"


class AssetDepreciation(models.Model):
    """The planned depreciation of one asset for one month, and the voucher that posted it.

    One row per asset and month: a month is never depreciated twice, and the
    residual is the cost less the sum of these rows."""

    asset = models.ForeignKey(
        FixedAsset,
        verbose_name=_("fixed asset"),
        on_delete=models.PROTECT,
        related_name="depreciations",
    )
    month = models.DateField(_("month"))  # the first day of the month
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    voucher = models.ForeignKey(
        Voucher, verbose_name=_("voucher"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("depreciation")
        verbose_name_plural = _("depreciations")
        ordering = ["asset", "month"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "month"], name="ledger_depreciation_month"),
        ]

    def __str__(self):
        return f"{self.asset.number} {self.month:%Y-%m}"


class DepreciationDifference(models.Model):
    """The change of the depreciation difference (poistoero) booked for one tax pool in
    one fiscal year, and the voucher that booked it (a closing appropriation, KPL 5:5 §).

    A pool is the machinery and equipment group (``machinery``, EVL 30 §) or one building
    or intangible right (``asset:<id>``, EVL 34 § and 24 §). The accumulated difference of a
    pool is the sum of its rows."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear,
        verbose_name=_("fiscal year"),
        on_delete=models.PROTECT,
        related_name="depreciation_differences",
    )
    pool = models.CharField(_("tax pool"), max_length=40)
    change_cents = models.BigIntegerField(_("change (cents)"))
    voucher = models.ForeignKey(
        Voucher, verbose_name=_("voucher"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("depreciation difference")
        verbose_name_plural = _("depreciation differences")
        ordering = ["fiscal_year", "pool"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "pool"], name="ledger_depreciationdifference_pool"
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.pool}"


class Accrual(models.Model):
    """An accrual (jaksotus) entered once: posted on its date between a result account and
    a balance-sheet account, and reversed on its reversal date, usually the next period's
    first day (KPL 1336/1997 3:1 §, matching expenses and income to their period; in the
    balance sheet under prepayments and accrued income, or accruals and deferred income,
    PMA 1753/2015 and KPA 1339/1997 6 §).

    The kind says which side the balance-sheet account is on: prepaid expenses
    (menoennakot) and accrued income (tulojäämät) are receivables, debited when posted;
    accrued expenses (menojäämät) and deferred income (tuloennakot) are liabilities,
    credited. The reversal is posted as soon as its date's fiscal year exists."""

    class Kind(models.TextChoices):
        PREPAID_EXPENSE = "prepaid_expense", _("Prepaid expense")
        ACCRUED_INCOME = "accrued_income", _("Accrued income")
        ACCRUED_EXPENSE = "accrued_expense", _("Accrued expense")
        DEFERRED_INCOME = "deferred_income", _("Deferred income")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="accruals"
    )
    kind = models.CharField(_("kind of accrual"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    date = models.DateField(_("accrual date"))
    reverses_on = models.DateField(_("reversal date"))
    result_account = models.ForeignKey(
        Account,
        verbose_name=_("income or expense account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    balance_account = models.ForeignKey(
        Account,
        verbose_name=_("balance sheet account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    voucher = models.ForeignKey(
        Voucher, verbose_name=_("voucher"), on_delete=models.PROTECT, related_name="+"
    )
    reversal = models.ForeignKey(
        Voucher,
        verbose_name=_("reversal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("accrual")
        verbose_name_plural = _("accruals")
        ordering = ["company", "-date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="ledger_accrual_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(reverses_on__gt=F("date")), name="ledger_accrual_reversed_later"
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def receivable(self) -> bool:
        """True when the balance-sheet side is a receivable (debited when posted)."""
        return self.kind in (self.Kind.PREPAID_EXPENSE, self.Kind.ACCRUED_INCOME)


class StatementBook(models.Model):
    """What the statement book (tasekirja) of one fiscal year holds beyond the figures: the
    board's proposal for the result (PMA 1753/2015 1 luku 1 § 5 mom. 2 kohta; OYL 8:5 §),
    the dated signatures of the board (Kirjanpitolaki 1336/1997 3:7 §: the financial
    statements are dated and signed by the board members and the managing director), the
    auditor's note (tilinpäätösmerkintä, Tilintarkastuslaki 1141/2015 3:5 §) and the notes
    (liitetiedot) written by hand.

    ``signatures`` is a list of ``{"name", "role", "date"}`` (ISO date); ``notes`` maps a
    note's key (:mod:`tase.ledger.statement_notes`) to its text."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.OneToOneField(
        FiscalYear,
        verbose_name=_("fiscal year"),
        on_delete=models.PROTECT,
        related_name="statement_book",
    )
    form = models.CharField(_("statement form"), max_length=10, default="small")
    basis = models.CharField(_("income statement basis"), max_length=10, default="nature")
    # PMA 1753/2015 2:1 § 2 mom., 4:1 §: a small or micro company may show Bruttotulos.
    gross = models.BooleanField(_("gross result (Bruttotulos)"), default=False)
    board_proposal = models.TextField(_("board's proposal for the result"), blank=True)
    place = models.CharField(_("place of signing"), max_length=100, blank=True)
    signatures = models.JSONField(_("signatures"), default=list, blank=True)
    auditor_note = models.TextField(_("auditor's note"), blank=True)
    notes = models.JSONField(pgettext_lazy("statement book", "notes"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("statement book")
        verbose_name_plural = _("statement books")

    def __str__(self):
        return f"{self.company_id} {self.fiscal_year}"


class BalanceSpecification(models.Model):
    """What the accountant writes into one account's balance-sheet specification
    (tase-erittely, Kirjanpitolaki 1336/1997 3:13 §) of a fiscal year: a free text and items
    the books cannot find themselves (a loan's lender and terms, a deposit). ``lines`` is a
    list of ``{"text", "amount_cents"}`` with the balance sheet's sign; the items the other
    ledgers give are added to them (:mod:`tase.ledger.balance_specifications`)."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear,
        verbose_name=_("fiscal year"),
        on_delete=models.PROTECT,
        related_name="balance_specifications",
    )
    account_number = models.CharField(_("account"), max_length=10)
    text = models.TextField(_("specification"), blank=True)
    lines = models.JSONField(_("items"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("balance-sheet specification")
        verbose_name_plural = _("balance-sheet specifications")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "account_number"], name="ledger_balancespec_unique"
            )
        ]

    def __str__(self):
        return f"{self.fiscal_year_id}: {self.account_number}"


def archive_build_path(instance, filename):
    """The finished package under the media storage, by company and fiscal year:
    ``ledger/archives/<company>/<year start>/<file>`` (never served from MEDIA_URL: the
    archive pages read it for users who may read the company's books)."""
    return f"ledger/archives/{instance.company_id}/{instance.fiscal_year.start:%Y%m%d}/{filename}"


class ArchiveBuild(models.Model):
    """A year's archive package built in the background (tase.ledger.archive_builds): its
    state and progress on this row, so any process and any database shows it, and the
    finished ZIP in the media storage. One build at a time a fiscal year (queued or
    building): a second start answers with the running one."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Phase(models.TextChoices):
        NONE = "", ""
        BOOKS = "books", pgettext_lazy("archive build", "Books")
        VOUCHERS = "vouchers", pgettext_lazy("archive build", "Vouchers and attachments")
        INDEX = "index", pgettext_lazy("archive build", "Index")

    ACTIVE = (State.QUEUED, State.BUILDING)

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.CASCADE, related_name="archive_builds"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phase = models.CharField(max_length=10, choices=Phase.choices, default="", blank=True)
    books_done = models.PositiveIntegerField(default=0)
    vouchers_done = models.PositiveIntegerField(default=0)
    vouchers_total = models.PositiveIntegerField(default=0)
    attachments = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=1000, blank=True)
    file = models.FileField(upload_to=archive_build_path, max_length=300, blank=True)
    size = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One build queued or running a fiscal year: a second start finds it instead.
            models.UniqueConstraint(
                fields=["fiscal_year"],
                condition=Q(state__in=["queued", "building"]),
                name="ledger_archive_one_active",
            )
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.state}"


class ConfirmedLoss(models.Model):
    """A loss confirmed in a company's taxation for a tax year (vahvistettu tappio, TVL
    119 §), as the tax decision states it: the ``amount`` confirmed and what of it was
    ``used_before`` in the taxation of the tax years before the ones Tase computes.
    ``forfeited``: not deductible after an ownership change without the Tax
    Administration's permission (TVL 122 §)."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="tax_losses"
    )
    tax_year = models.PositiveSmallIntegerField(_("tax year"))
    amount = models.BigIntegerField(_("confirmed loss"))
    used_before = models.BigIntegerField(_("deducted in earlier tax years"), default=0)
    forfeited = models.BooleanField(_("forfeited by an ownership change"), default=False)

    class Meta:
        verbose_name = _("confirmed loss")
        verbose_name_plural = _("confirmed losses")
        ordering = ["company", "tax_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "tax_year"], name="ledger_confirmedloss_one_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.company} {self.tax_year}"

    @property
    def available(self) -> int:
        return 0 if self.forfeited else max(self.amount - self.used_before, 0)
