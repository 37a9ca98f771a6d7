"""Payroll forms. They parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from tase.core.forms import DayField
from tase.rules.payroll_catalogue import CATALOGUE

from .models import EMPLOYMENT_TERMS, Employee, Employment, TaxCard

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ITEM_ROWS = 6


def _dec(label, required=False, **kwargs):
    return forms.DecimalField(
        label=label, required=required, max_digits=14, decimal_places=4, localize=True, **kwargs
    )


def _insured_in_finland():
    return forms.BooleanField(
        label=_("Insured in Finland (tax at source)"),
        required=False,
        initial=True,
        help_text=_(
            "With tax at source, the employee's health insurance contributions are withheld "
            "separately if the employee is insured in Finland."
        ),
    )


class CalculatorForm(forms.Form):
    payment_date = DayField(label=_("Payment date"), widget=DATE)
    birth_date = DayField(label=_("Date of birth"), widget=DATE)
    card_kind = forms.ChoiceField(
        label=_("Withholding"),
        choices=[
            ("card", _("Tax card")),
            ("source", _("Tax at source")),
            ("none", _("No tax card (fallback rate)")),
        ],
        initial="card",
    )
    base_rate = _dec(_("Base rate (%)"))
    additional_rate = _dec(_("Additional rate (%)"))
    income_limit = _dec(_("Annual income limit (€)"))
    income_paid_before = _dec(_("Income paid before this year (€)"))
    source_rate = _dec(_("Tax at source rate (%)"))
    monthly_deduction = _dec(_("Monthly deduction (€)"))
    source_health_insurance = _insured_in_finland()
    union_dues_rate = _dec(_("Union dues (%)"))
    tyel_rate = _dec(_("Employer TyEL rate (%)"), help_text=_("Empty: the year's average."))
    above_unemployment_threshold = forms.BooleanField(
        label=_("Wage sum above the unemployment insurance threshold"),
        required=False,
        help_text=_(
            "The calculator knows no year-to-date wage sum: it charges the whole wage at the "
            "higher rate."
        ),
    )
    accident_rate = _dec(_("Accident insurance rate (%)"))
    group_life_rate = _dec(_("Group life insurance rate (%)"))
    hourly_divisor = _dec(
        _("Hourly wage divisor of monthly salaries"),
        help_text=_(
            "Hours of monthly-paid employees are priced at the monthly salary divided by "
            "this (the collective agreement's divisor, e.g. 160). Empty: weekly hours x 52 / 12."
        ),
    )

    def __init__(self, *args, language="fi", **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(w.code, w.label(language)) for w in CATALOGUE]
        for row in range(ITEM_ROWS):
            self.fields[f"item_{row}_wage_type"] = forms.ChoiceField(
                label=_("Wage type"), choices=choices, required=False
            )
            self.fields[f"item_{row}_amount"] = _dec(_("Amount (€)"))
            self.fields[f"item_{row}_quantity"] = _dec(_("Quantity"))
            self.fields[f"item_{row}_unit_price"] = _dec(_("Unit price (€)"))

    MAIN = [
        "payment_date",
        "birth_date",
        "card_kind",
        "base_rate",
        "additional_rate",
        "income_limit",
        "income_paid_before",
        "source_rate",
        "monthly_deduction",
        "source_health_insurance",
        "union_dues_rate",
        "tyel_rate",
        "above_unemployment_threshold",
        "accident_rate",
        "group_life_rate",
    ]

    def main_fields(self):
        return [self[name] for name in self.MAIN]

    def item_rows(self):
        return [
            [
                self[f"item_{row}_{part}"]
                for part in ("wage_type", "amount", "quantity", "unit_price")
            ]
            for row in range(ITEM_ROWS)
        ]

    def to_request(self) -> dict:
        """The calculator API's JSON shape."""
        data = self.cleaned_data
        kind = data["card_kind"]
        if kind == "card":
            card = {
                "base_rate": data["base_rate"],
                "additional_rate": data["additional_rate"],
                "income_limit": data["income_limit"],
                "income_paid_before": data["income_paid_before"],
            }
        elif kind == "source":
            card = {
                "tax_at_source": True,
                "rate": data["source_rate"],
                "monthly_deduction": data["monthly_deduction"],
                "health_insurance": bool(data.get("source_health_insurance")),
            }
        else:
            card = None
        items = []
        for row in range(ITEM_ROWS):
            code = data.get(f"item_{row}_wage_type")
            if code:
                items.append(
                    {
                        "wage_type": code,
                        "amount": data.get(f"item_{row}_amount"),
                        "quantity": data.get(f"item_{row}_quantity"),
                        "unit_price": data.get(f"item_{row}_unit_price"),
                    }
                )
        return {
            "payment_date": data["payment_date"],
            "birth_date": data["birth_date"],
            "tax_card": card,
            "items": items,
            "union_dues_rate": data.get("union_dues_rate"),
            "employer": {
                "tyel_rate": data.get("tyel_rate"),
                "above_unemployment_threshold": data.get("above_unemployment_threshold"),
                "accident_rate": data.get("accident_rate"),
                "group_life_rate": data.get("group_life_rate"),
            },
        }

    def add_engine_error(self, field: str, message: str) -> None:
        """Put an engine error on the matching form field (``items[1].quantity`` → row 1)."""
        name = None
        if field.startswith("items["):
            row, _sep, part = field[6:].partition("].")
            name = f"item_{row}_{part}"
        else:
            name = {
                "tax_card.base_rate": "base_rate",
                "tax_card.additional_rate": "additional_rate",
                "tax_card.income_limit": "income_limit",
                "tax_card.income_paid_before": "income_paid_before",
                "tax_card.rate": "source_rate",
                "tax_card.monthly_deduction": "monthly_deduction",
                "employer.tyel_rate": "tyel_rate",
                "employer.accident_rate": "accident_rate",
                "employer.group_life_rate": "group_life_rate",
            }.get(field, field)
        self.add_error(name if name in self.fields else None, message)


class EmployeeForm(forms.ModelForm):
    user_email = forms.EmailField(
        label=_("User account (email)"),
        required=False,
        help_text=_("A user of the organization who may see these payslips as their own."),
    )

    class Meta:
        model = Employee
        fields = [
            "number",
            "first_name",
            "last_name",
            "identity_code",
            "birth_date",
            "street_address",
            "postal_code",
            "city",
            "email",
            "language",
            "iban",
            "email_payslips",
            "is_active",
        ]
        widgets = {"birth_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = _("Taken from the identity code when empty.")

    def validate_unique(self):  # the service checks uniqueness per company
        pass

    def _post_clean(self):  # model validation is the service's job
        pass


class EmploymentForm(forms.ModelForm):
    salary = _dec(_("Salary: monthly, weekly or hourly rate (€)"))

    class Meta:
        model = Employment
        fields = ["start_date", "end_date", *EMPLOYMENT_TERMS]
        widgets = {"start_date": DATE, "end_date": DATE}
        localized_fields = [
            "weekly_hours",
            "days_per_week",
            "union_dues_rate",
            "hourly_divisor",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days_per_week"].required = False  # empty: five (the service's default)

    def _post_clean(self):
        pass


class EmploymentReportDataForm(forms.ModelForm):
    """What the Incomes Register is told of an existing employment."""

    class Meta:
        model = Employment
        fields = ["working_time", "car_benefit_type", "car_age_group"]

    def _post_clean(self):
        pass


class SalaryChangeForm(forms.Form):
    valid_from = DayField(label=_("Valid from"), widget=DATE)
    amount = _dec(_("Salary: monthly, weekly or hourly rate (€)"), required=True)


class ContractChangeForm(forms.Form):
    """An employment's pay basis, working days a week (or weekdays) and weekly hours from a
    date (services.change_contract); an empty field keeps its value."""

    valid_from = DayField(label=_("Valid from"), widget=DATE)
    pay_basis = forms.ChoiceField(
        label=_("Pay basis"),
        choices=[("", _("Unchanged")), *Employment.Basis.choices],
        required=False,
    )
    days_per_week = _dec(_("Working days a week"))
    working_weekdays = forms.CharField(
        label=_("Working weekdays"),
        required=False,
        max_length=7,
        help_text=_("E.g. 135 (Monday 1 ... Sunday 7); empty: unchanged."),
    )
    weekly_hours = _dec(_("Weekly hours"))
    salary = _dec(_("Salary: monthly, weekly or hourly rate (€)"))

    def clean(self):
        data = super().clean()
        for name in ("pay_basis", "working_weekdays"):
            if not data.get(name):
                data[name] = None  # unchanged
        return data


class TaxCardForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    valid_from = DayField(label=_("Valid from"), widget=DATE, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaxCard.Kind.choices)
    base_rate = _dec(_("Base rate (%)"))
    additional_rate = _dec(_("Additional rate (%)"))
    income_limit = _dec(_("Annual income limit (€)"))
    source_rate = _dec(_("Tax at source rate (%)"))
    monthly_deduction = _dec(_("Monthly deduction (€)"))
    source_health_insurance = _insured_in_finland()


class SettingsForm(forms.Form):
    tyel_insurer = forms.CharField(label=_("TyEL insurer"), required=False)
    tyel_policy_number = forms.CharField(label=_("TyEL policy number"), required=False)
    tyel_rate = _dec(
        _("TyEL employer rate (%)"),
        help_text=_("Empty: the year's average total contribution less the employee's rate."),
    )
    above_unemployment_threshold = forms.BooleanField(
        label=_("Wage sum above the unemployment insurance threshold"),
        required=False,
        help_text=_(
            "Pay runs then charge the higher employer rate only on the part of this year's "
            "wage sum above the threshold; the payslip that crosses it is split."
        ),
    )
    accident_rate = _dec(_("Accident insurance rate (%)"))
    group_life_rate = _dec(_("Group life insurance rate (%)"))
    hourly_divisor = _dec(
        _("Hourly wage divisor of monthly salaries"),
        help_text=_(
            "Hours of monthly-paid employees are priced at the monthly salary divided by "
            "this (the collective agreement's divisor, e.g. 160). Empty: weekly hours x 52 / 12."
        ),
    )
    post_to_ledger = forms.BooleanField(
        label=_("Post approved pay runs to the books"), required=False
    )
    payer_iban = forms.CharField(label=_("Salary payment account (IBAN)"), required=False)
    payer_bic = forms.CharField(label=_("BIC of the payment account"), required=False)


class PayRunForm(forms.Form):
    period_start = DayField(label=_("Period start"), widget=DATE)
    period_end = DayField(label=_("Period end"), widget=DATE)
    payment_date = DayField(label=_("Payment date"), widget=DATE)
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


class PayItemForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=Employee.objects.none())
    wage_type = forms.ChoiceField(label=_("Wage type"), choices=[])
    amount = _dec(_("Amount (€)"))
    quantity = _dec(_("Quantity"))
    unit_price = _dec(_("Unit price (€)"))

    def __init__(self, *args, run=None, wage_types=(), language="fi", **kwargs):
        super().__init__(*args, **kwargs)
        if run is not None:
            self.fields["employee"].queryset = run.employees.all()
        self.fields["wage_type"].choices = [(w.code, w.label(language)) for w in wage_types]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: employee, wage_type, quantity, unit_price, amount."),
    )


MONTH_PARTS = (
    ("days_worked", _("Days at work")),
    ("hours_worked", _("Hours at work")),
    ("wages", _("Wages (€)")),
    ("overtime_increments", _("Overtime increments (€)")),
    ("overtime_hours", _("Overtime hours")),
    ("equated_days", _("Of the days: equated to work")),
    ("equated_hours", _("Of the hours: equated to work")),
    ("other_pay", _("Of the wages: other pay besides the salary (€)")),
    ("absence_wages", _("Calculated pay of absences (€)")),
)
CREDIT_YEAR_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)  # a credit year's months, in order


class HolidayCalculatorForm(forms.Form):
    """The holiday calculator's inputs; one row per month of the credit year (April-March).

    A row left without days at work is a month without employment and is not sent."""

    credit_year_end = DayField(label=_("Credit year ends (31 March)"), widget=DATE)
    employment_start = DayField(label=_("Employment began"), widget=DATE)
    employment_end = DayField(
        label=_("Employment ended"),
        widget=DATE,
        required=False,
        help_text=_("Within the credit year: the earned days are paid as holiday compensation."),
    )
    pay_basis = forms.ChoiceField(
        label=_("Pay basis"),
        choices=[
            ("monthly", _("Monthly salary")),
            ("weekly", _("Weekly salary")),
            ("hourly", _("Hourly pay")),
            ("performance", _("Performance pay")),
        ],
    )
    earning_rule = forms.ChoiceField(
        label=_("Earning rule"),
        choices=[("14_days", _("14-day rule")), ("35_hours", _("35-hour rule"))],
    )
    days_per_week = _dec(_("Working days a week by contract"), required=True, initial=5)
    monthly_salary = _dec(_("Monthly salary (€)"))
    weekly_salary = _dec(_("Weekly salary (€)"))
    holiday_bonus_percent = _dec(
        _("Holiday bonus (% of holiday pay)"),
        help_text=_("Not in the Act: the collective agreement's or the company's rule."),
    )
    working_time_changed = forms.BooleanField(
        label=_("Working time and salary changed during the credit year"), required=False
    )
    average_hourly_earnings_multiplier = _dec(
        _("Hours paid per holiday day (collective agreement)"),
        help_text=_(
            "The average-hourly-earnings method of a collective agreement; empty: the Act's "
            "average daily wage."
        ),
    )

    days_not_given = forms.IntegerField(
        label=_("Earned days that could not be given"),
        required=False,
        min_value=0,
        help_text=_("Because the incapacity for work continued: paid as holiday compensation."),
    )
    days_used = forms.IntegerField(
        label=_("Days of the year used by the giving deadline"),
        required=False,
        min_value=0,
        help_text=_(
            "With the sick leaves below: the holiday days of the year taken, planned or saved "
            "by 31 December of the next year. The days not given are found from them."
        ),
    )
    bonus_on_compensation = forms.BooleanField(
        label=_("Holiday bonus on the holiday compensation too"),
        required=False,
        help_text=_("Not in the Act: the collective agreement's or the company's rule."),
    )
    days_earned_before = forms.IntegerField(
        label=_("Holiday days earned in earlier credit years of the employment"),
        required=False,
        min_value=0,
        help_text=_(
            "None, and none in this year: at the end of the employment the compensation is "
            "9 or 11.5 per cent of the wages (17 § 4 mom.)."
        ),
    )
    earlier_wages_1 = _dec(
        _("Wages of the previous credit year, not compensated (€)"),
        help_text=_("Only when no holiday was earned during the employment (17 § 4 mom.)."),
    )
    earlier_wages_2 = _dec(_("Wages of the credit year before that, not compensated (€)"))

    # earlier_wages_N: the credit year N years before this one
    EARLIER = {"earlier_wages_1": 1, "earlier_wages_2": 2}
    MAIN = [
        "credit_year_end",
        "employment_start",
        "employment_end",
        "pay_basis",
        "earning_rule",
        "days_per_week",
        "monthly_salary",
        "weekly_salary",
        "holiday_bonus_percent",
        "working_time_changed",
        "average_hourly_earnings_multiplier",
        "days_not_given",
        "days_used",
        "bonus_on_compensation",
        "days_earned_before",
    ]
    SICK_LEAVES = 4  # rows of sick leaves (26 §): sick_leave_N_start_date, _end_date

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent_rows: list[int] = []  # the form row of each month in the request, in order
        self.sent_years: list[str] = []  # the form field of each earlier year sent, in order
        for row in range(len(CREDIT_YEAR_MONTHS)):
            for part, label in MONTH_PARTS:
                field = (
                    forms.IntegerField(label=label, required=False, min_value=0)
                    if part.endswith("days")
                    else _dec(label)
                )
                self.fields[f"month_{row}_{part}"] = field
        self.sent_leaves: list[int] = []  # the form row of each sick leave sent, in order
        for row in range(self.SICK_LEAVES):
            for part, label in (("start_date", _("First day")), ("end_date", _("Last day"))):
                self.fields[f"sick_leave_{row}_{part}"] = DayField(
                    label=label, widget=DATE, required=False
                )

    def sick_leave_rows(self):
        return [
            (row + 1, [self[f"sick_leave_{row}_{part}"] for part in ("start_date", "end_date")])
            for row in range(self.SICK_LEAVES)
        ]

    def main_fields(self):
        return [self[name] for name in [*self.MAIN, *self.EARLIER]]

    def month_rows(self):
        return [
            (MONTHS[month], [self[f"month_{row}_{part}"] for part, _label in MONTH_PARTS])
            for row, month in enumerate(CREDIT_YEAR_MONTHS)
        ]

    def month_headers(self):
        return [label for _part, label in MONTH_PARTS]

    def to_request(self) -> dict:
        """The holiday calculator API's JSON shape."""
        data = self.cleaned_data
        end = data["credit_year_end"]
        months = []
        self.sent_rows = []
        for row, number in enumerate(CREDIT_YEAR_MONTHS):
            if data.get(f"month_{row}_days_worked") is None:
                continue
            year = end.year - 1 if number >= 4 else end.year
            month = {"month": f"{year:04d}-{number:02d}"}
            for part, _label in MONTH_PARTS:
                value = data.get(f"month_{row}_{part}")
                if value is not None:
                    month[part] = value
            months.append(month)
            self.sent_rows.append(row)
        request = {name: data.get(name) for name in self.MAIN}
        request["working_time_changed"] = bool(data.get("working_time_changed"))
        request["bonus_on_compensation"] = bool(data.get("bonus_on_compensation"))
        request["months"] = months
        request["sick_leaves"] = []
        self.sent_leaves = []
        for row in range(self.SICK_LEAVES):
            first = data.get(f"sick_leave_{row}_start_date")
            last = data.get(f"sick_leave_{row}_end_date")
            if first is None and last is None:
                continue
            request["sick_leaves"].append({"start_date": first, "end_date": last})
            self.sent_leaves.append(row)
        request["earlier_years"] = []
        self.sent_years = []
        for name, back in self.EARLIER.items():
            if data.get(name) is not None:
                year_end = end.replace(year=end.year - back)
                request["earlier_years"].append({"credit_year_end": year_end, "wages": data[name]})
                self.sent_years.append(name)
        return request

    def add_engine_error(self, field: str, message: str) -> None:
        """Put a rules error on its form field (``months[2].wages`` → the row sent third)."""
        if field.startswith("months["):
            index, _sep, part = field[7:].partition("].")
            row = self.sent_rows[int(index)]
            field = f"month_{row}_{part if part != 'month' else 'days_worked'}"
        elif field.startswith("earlier_years["):
            field = self.sent_years[int(field[14:].partition("]")[0])]
        elif field == "earlier_years":  # given where 17 § 4 mom. does not apply
            field = "days_earned_before"
        elif field.startswith("sick_leaves["):
            index, _sep, part = field[12:].partition("].")
            field = f"sick_leave_{self.sent_leaves[int(index)]}_{part or 'start_date'}"
        elif field == "sick_leaves":  # given with days_not_given
            field = "days_not_given"
        self.add_error(field if field in self.fields else None, message)


class TaxCardImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=_("CSV file or the Tax Administration's file"),
        help_text=_(
            "A CSV file with the columns employee (number) or identity_code, year, base_rate, "
            "additional_rate, income_limit, valid_from (optional); or the withholding data "
            "file from the Tax Administration (XML or JSON)."
        ),
    )


class CorrectionRunForm(forms.Form):
    """A correction run of an approved pay run: when the differences are paid, and whose."""

    payment_date = DayField(label=_("Payment date of the correction"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    employees = forms.ModelMultipleChoiceField(
        label=_("Employees whose payslips are corrected"),
        queryset=Employee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, employees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if employees is not None:
            self.fields["employees"].queryset = employees
