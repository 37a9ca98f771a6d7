"""Forms of the sales pages: they only parse; the services check and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LANGUAGES, Customer, InterestPolicy

INVOICE_LINE_ROWS = 5


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Customer.Kind.choices)
    business_id = forms.CharField(label=_("Business ID"), required=False)
    vat_number = forms.CharField(label=_("VAT number"), required=False)
    street = forms.CharField(label=_("Street address"), required=False)
    postcode = forms.CharField(label=_("Postal code"), required=False)
    town = forms.CharField(label=_("City"), required=False)
    country = forms.CharField(label=_("Country"), initial="FI", max_length=2)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    email = forms.CharField(label=_("Email"), required=False)
    einvoice_address = forms.CharField(label=_("E-invoice address"), required=False)
    einvoice_operator = forms.CharField(label=_("E-invoice operator code"), required=False)
    payment_term_days = forms.IntegerField(label=_("Payment term (days)"), initial=14)
    reminder_charges = forms.BooleanField(
        label=_("Charge reminder fees"), required=False, initial=True
    )
    interest_policy = forms.ChoiceField(
        label=_("Penalty interest"), choices=InterestPolicy.choices, required=False
    )
    contract_interest_rate = forms.CharField(label=_("Agreed penalty interest %"), required=False)


class ProductForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.CharField(label=_("Unit"), initial="kpl", max_length=14)
    price = forms.CharField(label=_("Price"))
    price_includes_vat = forms.BooleanField(label=_("Price includes VAT"), required=False)
    vat_code = forms.CharField(label=_("VAT code"), initial="S")
    sales_account = forms.CharField(label=_("Sales account"), initial="3000")


def invoice_lines(post) -> list[dict]:
    """The filled line rows of the invoice form (line-N-field inputs)."""
    lines = []
    for index in range(INVOICE_LINE_ROWS * 4):
        row = {
            field: post.get(f"line-{index}-{field}", "").strip()
            for field in (
                "product",
                "description",
                "quantity",
                "unit",
                "unit_price",
                "discount_percent",
                "vat_code",
            )
        }
        if any(row[f] for f in ("product", "description", "unit_price")):
            lines.append({k: v for k, v in row.items() if v})
    return lines
