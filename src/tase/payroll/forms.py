"""Payroll forms. They parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tase.rules.payroll_catalogue import CATALOGUE

from .models import Employee, Employment, TaxCard

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
    payment_date = forms.DateField(label=_("Payment date"), widget=DATE)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE)
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
    salary = _dec(_("Monthly salary or hourly wage (€)"))

    class Meta:
        model = Employment
        fields = [
            "start_date",
            "end_date",
            "pay_basis",
            "weekly_hours",
            "job_title",
            "profession_code",
            "collective_agreement",
            "hourly_divisor",
            "cost_centre",
            "union_dues_rate",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}
        localized_fields = ["weekly_hours", "union_dues_rate", "hourly_divisor"]

    def _post_clean(self):
        pass


class SalaryChangeForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    amount = _dec(_("Monthly salary or hourly wage (€)"), required=True)


class TaxCardForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE, required=False)
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
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)
    payment_date = forms.DateField(label=_("Payment date"), widget=DATE)
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


class TaxCardImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: employee (number) or identity_code, year, base_rate, additional_rate, "
            "income_limit, valid_from (optional)."
        ),
    )
