"""Payroll tables: company settings, wage types, employees, employments, tax cards,
pay runs, pay items and payslips. Money is integer cents; rates are decimals (percent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tase.core.fieldcrypt import BlindIndexField, EncryptedTextField
from tase.core.models import Company
from tase.rules.payroll_catalogue import (
    BY_CODE,
    DEDUCTION,
    IN_KIND,
    MONEY,
    PRE_TAX,
    TAX_FREE,
    WageType,
)


def rate_field(verbose, **kwargs):
    return models.DecimalField(verbose, max_digits=7, decimal_places=4, **kwargs)


class PayrollSettings(models.Model):
    """One per company: insurance and numbering."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="payroll_settings"
    )
    tyel_insurer = models.CharField(_("TyEL insurer"), max_length=200, blank=True)
    tyel_policy_number = models.CharField(_("TyEL policy number"), max_length=60, blank=True)
    tyel_rate = rate_field(
        _("TyEL employer rate (%)"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to use the year's average total contribution less the employee's rate."
        ),
    )
    above_unemployment_threshold = models.BooleanField(
        _("wage sum above the unemployment insurance threshold"), default=False
    )
    accident_rate = rate_field(_("accident insurance rate (%)"), default=Decimal("0"))
    group_life_rate = rate_field(_("group life insurance rate (%)"), default=Decimal("0"))
    # Hour-based wage types of monthly-paid employees are priced at the monthly salary
    # divided by this (the collective agreement's divisor, e.g. 160); empty: the employment's
    # weekly hours x 52 / 12. An employment may override it.
    hourly_divisor = models.DecimalField(
        _("hourly wage divisor of monthly salaries"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "The collective agreement's divisor (e.g. 160). Empty: weekly hours x 52 / 12."
        ),
    )
    payer_iban = models.CharField(_("salary payment account (IBAN)"), max_length=34, blank=True)
    payer_bic = models.CharField(_("BIC of the payment account"), max_length=11, blank=True)
    post_to_ledger = models.BooleanField(_("post approved pay runs to the books"), default=True)
    next_payslip_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("payroll settings")

    def __str__(self):
        return f"{self.company} payroll settings"


KIND_CHOICES = [
    (MONEY, _("Money wage")),
    (IN_KIND, _("Benefit in kind")),
    (TAX_FREE, _("Tax-free reimbursement")),
    (DEDUCTION, _("Deduction")),
    (PRE_TAX, _("Deduction before withholding")),
]


class CompanyWageType(models.Model):
    """A company's copy of a catalogue wage type; editable, hideable."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="wage_types")
    code = models.CharField(_("code"), max_length=40)
    label_fi = models.CharField(_("name in Finnish"), max_length=100)
    label_en = models.CharField(_("name in English"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=KIND_CHOICES)
    taxable = models.BooleanField(_("taxable"), default=True)
    tyel = models.BooleanField(_("in the TyEL base"), default=True)
    unemployment = models.BooleanField(_("in the unemployment insurance base"), default=True)
    health = models.BooleanField(_("in the health insurance base"), default=True)
    income_type = models.PositiveIntegerField(
        _("Incomes Register income type"), null=True, blank=True
    )
    ledger_account = models.CharField(_("ledger account"), max_length=10)
    multiplier = models.DecimalField(max_digits=6, decimal_places=3, default=Decimal("1"))
    price_parameter = models.CharField(max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    order = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(_("hidden"), default=False)
    # Other pay besides a weekly or monthly salary, not set by temporary circumstances: its
    # share joins the holiday pay (vuosilomalaki 10 § 1 mom., second sentence). Shipped from
    # the catalogue (the bonus), editable by the company for its own case.
    holiday_other_pay = models.BooleanField(_("other pay in holiday pay"), default=False)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="payroll_wagetype_unique_code")
        ]

    def __str__(self):
        return self.label_fi

    def label(self, language: str = "fi") -> str:
        return self.label_en if language == "en" else self.label_fi

    def to_engine(self) -> WageType:
        # Whether a line may be negative and which benefit a payment is for are properties
        # of the shipped wage type, not company settings: taken from the catalogue by code.
        # Whether it is other pay for the holiday pay (10 § 1 mom.) is the company's row.
        shipped = BY_CODE.get(self.code)
        return WageType(
            code=self.code,
            label_fi=self.label_fi,
            label_en=self.label_en,
            kind=self.kind,
            taxable=self.taxable,
            tyel=self.tyel,
            unemployment=self.unemployment,
            health=self.health,
            income_type=self.income_type,
            ledger_account=self.ledger_account,
            multiplier=Decimal(self.multiplier),
            price_parameter=self.price_parameter or None,
            unit=self.unit,
            order=self.order,
            negative_allowed=bool(shipped and shipped.negative_allowed),
            charge_for=shipped.charge_for if shipped else None,
            holiday_other_pay=self.holiday_other_pay,
        )


class Employee(models.Model):
    class Language(models.TextChoices):
        FI = "fi", _("Finnish")
        EN = "en", _("English")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="employees")
    number = models.CharField(_("employee number"), max_length=20)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # Personal data encrypted at rest (tase.core.fieldcrypt): the henkilötunnus and the
    # employee's own bank account. Searched by the henkilötunnus's blind index.
    identity_code = EncryptedTextField(_("personal identity code"), plain_max_length=11, blank=True)
    identity_code_hash = BlindIndexField(source="identity_code")
    birth_date = models.DateField(_("date of birth"))
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FI
    )
    iban = EncryptedTextField(_("IBAN"), plain_max_length=34, blank=True)
    email_payslips = models.BooleanField(_("payslips by email"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payroll_employees",
        verbose_name=_("user account"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the personal data was erased or pseudonymised (services/personal_data.py).
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="payroll_employee_number"),
        ]

    def __str__(self):
        return f"{self.last_name} {self.first_name}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_identity_code(self) -> str:
        code = self.identity_code
        return f"{code[:7]}****" if len(code) == 11 else ("" if not code else "****")


# An employment's terms besides its dates: what the employment form edits and what a contract
# changed from a later day carries over to the new employment (services.change_contract).
EMPLOYMENT_TERMS = (
    "pay_basis",
    "weekly_hours",
    "days_per_week",
    "working_weekdays",
    "job_title",
    "profession_code",
    "collective_agreement",
    "hourly_divisor",
    "cost_centre",
    "union_dues_rate",
    "working_time",
    "car_benefit_type",
    "car_age_group",
)


class Employment(models.Model):
    class Basis(models.TextChoices):
        # The pay bases of the Annual Holidays Act (vuosilomalaki 162/2005 10-12 §): a weekly
        # or monthly salary is kept during the holiday (10 § 1 mom.); hourly and performance
        # pay (suoritus- tai urakkapalkka) get the average daily wage under the 14-day rule
        # (11 §), the percentage under the 35-hour rule (12 §). The salary of an employment
        # (SalaryChange) is the month's salary, the week's salary or the hourly rate
        # (for performance pay: its basic hourly rate, which prices hours and sick pay).
        MONTHLY = "monthly", _("Monthly salary")
        WEEKLY = "weekly", _("Weekly salary")
        HOURLY = "hourly", _("Hourly wage")
        PERFORMANCE = "performance", _("Performance pay")

        @classmethod
        def salaried(cls) -> tuple[str, ...]:
            """The bases whose salary is kept during the holiday (vuosilomalaki 10 § 1 mom.)."""
            return (cls.MONTHLY, cls.WEEKLY)

        @classmethod
        def rated_by_hour(cls) -> tuple[str, ...]:
            """The bases whose salary is a rate per hour (performance: its basic rate)."""
            return (cls.HOURLY, cls.PERFORMANCE)

    class WorkingTime(models.TextChoices):
        FULL = "full_time", _("Full time")
        PART = "part_time", _("Part time")

    class CarBenefitType(models.TextChoices):
        LIMITED = "limited", _("Limited car benefit (käyttöetu)")
        FULL = "full", _("Full car benefit (vapaa autoetu)")

    class CarAgeGroup(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        U = "U", "U"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="employments")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    pay_basis = models.CharField(_("pay basis"), max_length=12, choices=Basis.choices)
    weekly_hours = models.DecimalField(
        _("weekly hours"), max_digits=5, decimal_places=2, default=Decimal("37.5")
    )
    # The contract's working days a week: the days worked in a month and the average daily
    # wage follow it (vuosilomalaki 162/2005 6 § and 11 § 3 mom.).
    days_per_week = models.DecimalField(
        _("working days a week"), max_digits=3, decimal_places=1, default=Decimal("5")
    )
    # The weekdays the contract's work falls on (ISO numbers, "135": Monday, Wednesday and
    # Friday); empty: Monday to Friday. Sick pay and unpaid absences count these days
    # (työsopimuslaki 2 luku 11 §: the pay the employee would have earned at work).
    working_weekdays = models.CharField(
        _("working weekdays"),
        max_length=7,
        blank=True,
        help_text=_(
            "The weekdays of work as numbers, Monday 1 to Sunday 7 (e.g. 135); empty: Monday "
            "to Friday. When given, the working days a week follow it."
        ),
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    # Statistics Finland's classification of occupations (Ammattiluokitus 2010, TK10), as the
    # Incomes Register asks for it.
    profession_code = models.CharField(_("profession code (TK10)"), max_length=10, blank=True)
    collective_agreement = models.CharField(_("collective agreement"), max_length=200, blank=True)
    hourly_divisor = models.DecimalField(
        _("hourly wage divisor"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the company's divisor, or weekly hours x 52 / 12."),
    )
    cost_centre = models.CharField(_("cost centre"), max_length=40, blank=True)
    union_dues_rate = rate_field(_("union dues (%)"), default=Decimal("0"))
    # Reported to the Incomes Register (Employment/EmploymentCode: 1 full time, 2 part time);
    # empty: not reported.
    working_time = models.CharField(
        _("full or part time"), max_length=10, choices=WorkingTime.choices, blank=True
    )
    # The car benefit's data the Incomes Register asks with income type 304 (CarBenefit):
    # limited or full car benefit and the car's age group (A, B, C or U).
    car_benefit_type = models.CharField(
        _("car benefit type"), max_length=10, choices=CarBenefitType.choices, blank=True
    )
    car_age_group = models.CharField(
        _("car age group"), max_length=1, choices=CarAgeGroup.choices, blank=True
    )

    class Meta:
        ordering = ["-start_date", "pk"]

    def __str__(self):
        return f"{self.employee} {self.start_date}"

    def covers(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class SalaryChange(models.Model):
    """The monthly or weekly salary or the hourly rate in force from a date."""

    employment = models.ForeignKey(Employment, on_delete=models.CASCADE, related_name="salaries")
    valid_from = models.DateField(_("valid from"))
    amount_cents = models.BigIntegerField(_("salary or hourly rate (cents)"))

    class Meta:
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["employment", "valid_from"], name="payroll_salary_date")
        ]

    def __str__(self):
        return f"{self.employment} {self.valid_from}"


class TaxCard(models.Model):
    class Kind(models.TextChoices):
        CARD = "card", _("Tax card")
        SOURCE = "source", _("Tax at source")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="tax_cards")
    year = models.PositiveIntegerField(_("year"))
    valid_from = models.DateField(_("valid from"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.CARD)
    base_rate = rate_field(_("base rate (%)"), default=Decimal("0"))
    additional_rate = rate_field(_("additional rate (%)"), default=Decimal("0"))
    income_limit_cents = models.BigIntegerField(_("annual income limit (cents)"), default=0)
    source_rate = rate_field(_("tax at source rate (%)"), default=Decimal("0"))
    monthly_deduction_cents = models.BigIntegerField(_("monthly deduction (cents)"), default=0)
    source_health_insurance = models.BooleanField(
        _("insured in Finland (health insurance contributions withheld beside tax at source)"),
        default=True,
    )

    class Meta:
        ordering = ["-year", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "valid_from"], name="payroll_taxcard_date")
        ]

    def __str__(self):
        return f"{self.employee} {self.year}"


class PayRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    class Progress(models.TextChoices):
        IDLE = "", _("Not running")
        RUNNING = "running", _("Calculating")
        DONE = "done", _("Calculated")
        ERROR = "error", _("Failed")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Pay run")
        CORRECTION = "correction", _("Correction run")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="pay_runs")
    # A correction run re-pays or recovers amounts of an approved run (``corrects``): its
    # payslips hold the differences, and approving it replaces the affected employees'
    # Incomes Register reports of the original payment (services.corrections).
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects pay run"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    payment_date = models.DateField(_("payment date"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    employees = models.ManyToManyField(Employee, related_name="pay_runs", blank=True)
    calculated_at = models.DateTimeField(null=True, blank=True)
    stale = models.BooleanField(default=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    voucher_id = models.BigIntegerField(null=True, blank=True)
    payment_voucher_id = models.BigIntegerField(null=True, blank=True)
    reversal_voucher_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Edits of a draft move the revision: a background calculation that saw another revision
    # leaves the run stale.
    revision = models.PositiveIntegerField(default=0)
    # The background calculation's progress, on this row so any process and any database
    # shows it (written once per chunk of employees). A newer calculation takes a new token;
    # an older one still running stops at its next chunk.
    calculation_token = models.PositiveIntegerField(default=0)
    progress_state = models.CharField(
        max_length=10, choices=Progress.choices, default=Progress.IDLE, blank=True
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_message = models.CharField(max_length=500, blank=True)
    progress_updated_at = models.DateTimeField(null=True, blank=True)
    # A draft's notices of absences changed or removed with correction runs since its lines
    # from absences were made (services.absence_follow): the lines refreshed, or (a draft
    # without lines from the absence) a warning that needs the approver's confirmation.
    # Cleared when its lines from absences are made again.
    absence_notices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-payment_date", "-pk"]

    def __str__(self):
        return self.description or f"{self.period_start}-{self.period_end}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_correction(self) -> bool:
        return self.kind == self.Kind.CORRECTION

    # A chunk of employees takes about a second; a calculation whose progress has not moved
    # for this long is not running any more.
    STALLED_AFTER = dt.timedelta(minutes=10)

    @property
    def calculation_stalled(self) -> bool:
        """The row says a background calculation is running, but its progress has not moved
        for :attr:`STALLED_AFTER`: its worker died, or no worker takes the task queue's jobs.
        Calculating again starts a new one (a newer token supersedes the old)."""
        return (
            self.progress_state == self.Progress.RUNNING
            and self.progress_updated_at is not None
            and timezone.now() - self.progress_updated_at > self.STALLED_AFTER
        )


class HolidayRule(models.TextChoices):
    """The rule of the Annual Holidays Act (vuosilomalaki 162/2005) a generated holiday
    compensation line pays by: 16 § (a credit year without a full month under the 35-hour
    rule, paid when the holiday season ends), 8 § 1 mom. free time (the same 16 §
    compensation paid with the free time, 19 § 1 mom.), 17 § (the end of the employment)
    and 26 § (holiday the continuing incapacity kept from being given)."""

    SECTION_16 = "16", _("16 § holiday compensation")
    FREE_TIME = "free_time", _("Free time (8 §) holiday compensation")
    SECTION_17 = "17", _("17 § compensation at the end of employment")
    SECTION_26 = "26", _("26 § compensation for holiday not given")


class PayItem(models.Model):
    """One entered line of a draft run: hours, an amount, kilometres…"""

    pay_run = models.ForeignKey(PayRun, on_delete=models.CASCADE, related_name="items")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    wage_type = models.CharField(_("wage type"), max_length=40)
    amount_cents = models.BigIntegerField(null=True, blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    cost_centre = models.CharField(max_length=40, blank=True)
    # Retro pay (services.retro_pay): the earnings period of the original payment the line
    # pays a difference of, reported to the Incomes Register as the transaction's
    # EarningPeriod, and the original payslip (so a difference is added only once).
    earning_start = models.DateField(_("earnings period start"), null=True, blank=True)
    earning_end = models.DateField(_("earnings period end"), null=True, blank=True)
    retro_for = models.ForeignKey(
        "Payslip", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A line generated from a record ("absence:12", "holiday:7"): generating again replaces
    # the run's generated lines instead of adding them twice (services.absences).
    source = models.CharField(max_length=40, blank=True, default="")
    # A holiday compensation line generated by the holiday rules (services.holidays): the
    # rule of vuosilomalaki 162/2005 that produced it and the credit year (its 31 March) it
    # pays, copied onto the payslip's line, so each rule takes off only what was paid for its
    # own year and rule (17 § 1 mom.: no compensation twice for the same time). Empty for a
    # line entered by hand.
    holiday_rule = models.CharField(
        _("holiday rule"), max_length=12, blank=True, default="", choices=HolidayRule.choices
    )
    credit_year_end = models.DateField(_("credit year end"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.employee} {self.wage_type}"


class Payslip(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    pay_run = models.ForeignKey(PayRun, on_delete=models.CASCADE, related_name="payslips")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="payslips")
    number = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)  # order in the run: numbering at approval
    payment_date = models.DateField()
    gross_cents = models.BigIntegerField(default=0)
    benefits_cents = models.BigIntegerField(default=0)
    taxable_cents = models.BigIntegerField(default=0)
    withholding_cents = models.BigIntegerField(default=0)
    employee_tyel_cents = models.BigIntegerField(default=0)
    employee_unemployment_cents = models.BigIntegerField(default=0)
    # With tax at source: the employee's health insurance contributions withheld separately.
    employee_health_cents = models.BigIntegerField(default=0)
    union_dues_cents = models.BigIntegerField(default=0)
    deductions_cents = models.BigIntegerField(default=0)
    tax_free_cents = models.BigIntegerField(default=0)
    net_cents = models.BigIntegerField(default=0)
    employer_health_cents = models.BigIntegerField(default=0)
    employer_tyel_cents = models.BigIntegerField(default=0)
    employer_unemployment_cents = models.BigIntegerField(default=0)
    employer_accident_cents = models.BigIntegerField(default=0)
    employer_group_life_cents = models.BigIntegerField(default=0)
    total_cost_cents = models.BigIntegerField(default=0)
    # This payslip's part of the company's unemployment insurance wage sum (the base of the
    # employer's contribution): approved runs' sums decide where the threshold is crossed.
    unemployment_wage_sum_cents = models.BigIntegerField(default=0)
    # TyEL earnings of this payslip and the base TyEL was charged on (zero below the monthly
    # minimum; with the month's earlier uncharged earnings when this payslip reaches it).
    tyel_earnings_cents = models.BigIntegerField(default=0)
    tyel_charged_cents = models.BigIntegerField(default=0)
    # The employee's regular pay of a month (monthly salary, or hourly rate x weekly hours x
    # 52 / 12) when calculated: a payslip far above it is flagged before approval.
    regular_pay_cents = models.BigIntegerField(default=0)
    # Of gross pay: the overtime and emergency-work increments and the overtime hours (the
    # engine's overtime split): the average daily wage of annual holiday leaves the
    # increments out and counts an eighth of the hours (vuosilomalaki 162/2005 11 § 2 mom.).
    overtime_increment_cents = models.BigIntegerField(default=0)
    overtime_hours = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    # Of gross pay: other pay besides a salary, the lines of wage types the catalogue marks
    # ``holiday_other_pay``: its share joins a monthly salary's holiday pay (10 § 1 mom.).
    holiday_other_pay_cents = models.BigIntegerField(default=0)
    # Of gross pay: the holiday pay, holiday bonus and holiday compensation lines. They are
    # not pay "for the time at work" (vuosilomalaki 11 § 2 mom., 12 § 1 mom., 16 § 1 mom.):
    # the holiday rules take them off the wages of the credit year.
    holiday_pay_cents = models.BigIntegerField(default=0)
    lines = models.JSONField(default=list)
    tax_card = models.JSONField(default=dict)
    notes = models.JSONField(default=list)

    class Meta:
        ordering = ["pay_run", "employee__last_name", "employee__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                condition=models.Q(number__isnull=False),
                name="payroll_payslip_number",
            )
        ]

    def __str__(self):
        return f"{self.employee} {self.payment_date}"


class IncomesRegisterReport(models.Model):
    """One file for the Incomes Register (tulorekisteri): an approved run's earnings payment
    reports (one report per employee in one delivery), a month's employer's separate report,
    or the invalidation of a cancelled run's reports. Produced validated against the Register's
    XSD; a person downloads it for the e-service and marks it sent with the Register's id."""

    class Kind(models.TextChoices):
        EARNINGS = "earnings", _("Earnings payment reports")
        SEPARATE = "separate", _("Employer's separate report")
        INVALIDATION = "invalidation", _("Invalidation")

    class State(models.TextChoices):
        PRODUCED = "produced", _("Produced")
        DOWNLOADED = "downloaded", _("Downloaded")
        SENT = "sent", _("Marked sent")
        REPLACED = "replaced", _("Replaced")
        INVALIDATED = "invalidated", _("Invalidated")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    pay_run = models.ForeignKey(
        PayRun, on_delete=models.PROTECT, null=True, blank=True, related_name="register_reports"
    )
    report_id = models.CharField(_("report ID"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    month = models.DateField(_("month"), null=True, blank=True)  # separate report: first day
    payment_date = models.DateField(_("payment date"))
    deadline = models.DateField(_("deadline"))
    reports = models.PositiveIntegerField(_("reports"), default=1)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PRODUCED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    downloaded_at = models.DateTimeField(_("downloaded"), null=True, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    register_id = models.CharField(_("Incomes Register's report ID"), max_length=64, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A correction run's delivery: the original run's delivery whose reports it replaces (some
    # of them, one delivery of several: the original stays in force for the others).
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("replaces reports of"),
    )
    # The file holds the employees' identity codes: encrypted at rest like them.
    xml = EncryptedTextField()
    # The absence data its reports carried, by ReportId (``formats.incomes_register.
    # absences_data``: the reporting period and the periods), written with the file: a
    # correction reads it here instead of parsing the deliveries. A correction's delivery
    # also lists its reports without absence data (null); a run's own delivery, which has a
    # report of every employee of the run, leaves them out.
    absences = models.JSONField(_("absence data carried"), default=dict, blank=True)

    class Meta:
        ordering = ["-payment_date", "-pk"]
        indexes = [models.Index(fields=["company", "deadline"], name="payroll_ir_deadline")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.report_id} v{self.version}"

    @property
    def is_open(self) -> bool:
        """Still to be sent: produced or downloaded, not yet marked sent or superseded."""
        return self.state in (self.State.PRODUCED, self.State.DOWNLOADED)

    def is_late(self, today: dt.date) -> bool:
        return self.is_open and today > self.deadline

    @property
    def filename(self) -> str:
        return f"tulorekisteri-{self.kind}-{self.report_id}-v{self.version}.xml"

    def chunks(self):
        """The file as bytes, piece by piece: the text, or the parts of a file stored in parts
        (an earnings payment delivery, :class:`IncomesRegisterPart`)."""
        if self.xml:
            yield self.xml.encode("utf-8")
            return
        for text in self.parts.order_by("number").values_list("text", flat=True).iterator(1):
            yield text.encode("utf-8")

    @property
    def document(self) -> bytes:
        """The whole file as bytes."""
        return b"".join(self.chunks())


class IncomesRegisterPart(models.Model):
    """One part of an Incomes Register file stored in parts: an earnings payment delivery is
    stored as it is written (about a mebibyte a part), so producing and validating a run of
    10,000 reports never holds the whole file. The parts in ``number`` order are the file.
    Encrypted at rest like the file's other home, ``IncomesRegisterReport.xml``."""

    report = models.ForeignKey(
        IncomesRegisterReport, on_delete=models.CASCADE, related_name="parts"
    )
    number = models.PositiveIntegerField()
    text = EncryptedTextField()

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="payroll_irpart_unique")
        ]

    def __str__(self):
        return f"{self.report} part {self.number}"


class HolidayPolicy(models.Model):
    """A company's holiday and sick-pay rules that are not in the Acts but in its collective
    agreement or its own rule: data, not code."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="+")
    # TSL 2:11 pays the day of falling ill and 9 weekdays after it; an agreement may pay longer.
    sick_pay_weekdays = models.PositiveIntegerField(
        _("sick pay period after the day of falling ill (weekdays)"), default=9
    )
    holiday_bonus_percent = models.DecimalField(
        _("holiday bonus (% of holiday pay)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
    )
    # Not in the Act: many agreements pay the bonus on the holiday compensation too (when the
    # employee retires, for example); off unless the company's rule says so.
    bonus_on_compensation = models.BooleanField(
        _("holiday bonus on the holiday compensation"), default=False
    )
    # Not in the Act either: many agreements pay the bonus after the holiday, on condition
    # that the employee returns to work when it ends; off: paid with the holiday.
    bonus_after_return = models.BooleanField(
        _("holiday bonus paid after the holiday, only when the employee returns"), default=False
    )
    # A collective agreement's average-hourly-earnings method (keskituntiansiomenetelmä), which
    # the Act lets an agreement use instead of 11 § (vuosilomalaki 162/2005 30 §): the holiday
    # pay of an hourly or performance-paid employee under the 14-day rule is the credit year's
    # wages for time at work without the overtime increments / the hours worked (the divisor),
    # x these hours per holiday day, x the holiday days. Empty: the Act's 11 §.
    average_hourly_earnings_hours = models.DecimalField(
        _("hours per holiday day (average-hourly-earnings method)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "The collective agreement's hours per holiday day for the average-hourly-earnings "
            "method of hourly and performance-paid employees. Empty: the average daily wage "
            "of the Annual Holidays Act (11 §)."
        ),
    )

    def __str__(self):
        return f"{self.company} holiday policy"


class Absence(models.Model):
    """One absence of an employee, first and last day included. Absences of one employee
    never overlap (services.absences refuses it)."""

    class Kind(models.TextChoices):
        SICK = "sick", _("Sick leave")
        FAMILY = "family", _("Family leave")
        UNPAID = "unpaid", _("Unpaid leave")
        LAYOFF = "layoff", _("Lay-off")
        OTHER = "other", _("Other absence")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    # Another absence the employer pays (7 § 1 mom.): no deduction, and equated to work.
    paid = models.BooleanField(_("paid by the employer"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["employee", "start_date"], name="payroll_absence_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="payroll_absence_dates",
            )
        ]

    def __str__(self):
        return f"{self.employee} {self.get_kind_display()} {self.start_date}-{self.end_date}"

    @property
    def removed_with(self) -> PayRun | None:
        """The draft correction run that removes the absence (services.absence_changes), or
        None; reads the prefetched ``changes`` when there are."""
        for change in self.changes.all():
            if change.remove and change.run.status == PayRun.Status.DRAFT:
                return change.run
        return None


class AbsenceChange(models.Model):
    """A settled absence removed or changed with a correction run (services.absence_changes):
    one row per correction run of each pay run that used it (or, changed, would use it). The
    correction is calculated and reported with the absence as changed (``remove``: without
    it); the absence itself changes when the last of its rows' runs is approved, and a row's
    run once approved applies the change to its own pay period until then. Deleting a draft
    correction releases the change from all of them (CASCADE here, the others by the
    service)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="changes")
    run = models.ForeignKey(
        PayRun,
        verbose_name=_("correction run"),
        on_delete=models.CASCADE,
        related_name="absence_changes",
    )
    remove = models.BooleanField(_("removed"), default=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Absence.Kind.choices, blank=True)
    start_date = models.DateField(_("first day"), null=True, blank=True)
    end_date = models.DateField(_("last day"), null=True, blank=True)
    paid = models.BooleanField(_("paid by the employer"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["absence", "run"]
        constraints = [
            models.UniqueConstraint(fields=["absence", "run"], name="payroll_absencechange_unique")
        ]

    def __str__(self):
        what = "remove" if self.remove else f"{self.start_date}-{self.end_date}"
        return f"{self.absence_id} {what} with {self.run_id}"


class HolidayRecord(models.Model):
    """Annual holiday planned or taken from a credit year's days (the summer part in the
    holiday season 2.5.-30.9., the winter part outside it), or days saved as saved leave
    (säästövapaa, vuosilomalaki 27 §, no dates); a dated holiday ``from_saved`` takes the
    year's saved days later."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Planned")
        TAKEN = "taken", _("Taken")
        SAVED = "saved", _("Saved leave")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="holidays")
    # The credit year (1.4.-31.3.) whose days are used, by its last day.
    credit_year_end = models.DateField(_("credit year ending"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    start_date = models.DateField(_("first day"), null=True, blank=True)
    end_date = models.DateField(_("last day"), null=True, blank=True)
    days = models.PositiveIntegerField(_("holiday days"))
    # A planned or taken holiday that uses the saved leave of its credit year (27 § 3 mom.):
    # its days come off the year's saved days, not its ordinary balance.
    from_saved = models.BooleanField(_("saved leave"), default=False)
    # Free time (vapaa) of an employee who earned no holiday in the credit year (vuosilomalaki
    # 8 § 1 mom.: two weekdays for each calendar month); the year's 16 § holiday compensation
    # is paid with it (19 § 1 mom.), and it uses no days of the holiday balance.
    free_time = models.BooleanField(_("free time"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-credit_year_end", "start_date", "pk"]
        indexes = [models.Index(fields=["employee", "start_date"], name="payroll_holiday_start")]

    def __str__(self):
        return f"{self.employee} {self.get_kind_display()} {self.start_date}-{self.end_date}"

    @property
    def part(self) -> str:
        """summer (begins in the holiday season 2.5.-30.9., vuosilomalaki 4 § 2 kohta) or
        winter; empty for saved leave."""
        if self.start_date is None:
            return ""
        season = (5, 2) <= (self.start_date.month, self.start_date.day) <= (9, 30)
        return "summer" if season else "winter"


class HolidayPostponement(models.Model):
    """The employee's request, accepted, to postpone a planned or taken holiday (or the part
    of it) for incapacity for work (vuosilomalaki 162/2005 25 §), resting on a sick leave
    recorded as an absence that overlaps the holiday. The holiday days from
    ``postponed_from`` to ``last_day`` are no longer holiday: they come off the holiday's
    days, return to its credit year's balance to be given later (26 §) and are paid as sick
    leave, not as holiday; the ``deductible_days`` (25 § 2 mom.) stay holiday.
    tase.rules.holidays.postponement computes the days."""

    class Ground(models.TextChoices):
        AT_START = "at_start", _("Incapacitated when the holiday began")
        KNOWN_BEFOREHAND = "known_beforehand", _("Treatment known of before the holiday")
        DURING = "during", _("Incapacity began during the holiday")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="holiday_postponements"
    )
    holiday = models.ForeignKey(
        HolidayRecord,
        verbose_name=_("holiday"),
        on_delete=models.CASCADE,
        related_name="postponements",
    )
    # The sick leave the request rests on; removing it removes the postponement too.
    absence = models.ForeignKey(
        Absence,
        verbose_name=_("incapacity"),
        on_delete=models.CASCADE,
        related_name="holiday_postponements",
    )
    requested_on = models.DateField(_("date of request"))
    # Asked before the holiday began (True) or during it.
    made_before = models.BooleanField(_("asked before the holiday"), default=False)
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices)
    # The incapacity within the holiday, and its holiday days (3 § 2 mom.)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    incapacity_days = models.PositiveIntegerField(_("incapacity days"))
    deductible_days = models.PositiveIntegerField(_("deductible days"))
    postponed_days = models.PositiveIntegerField(_("postponed days"))
    postponed_from = models.DateField(_("postponed from"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["holiday", "absence"], name="payroll_postponement_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    incapacity_days=models.F("deductible_days") + models.F("postponed_days")
                ),
                name="payroll_postponement_days",
            ),
        ]

    def __str__(self):
        return f"{self.holiday} postponed {self.postponed_days} days"
