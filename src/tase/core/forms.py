import datetime as dt
import logging

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import days
from .models import API_SCOPES, Company, User
from .roles import CUSTOMER_ROLES, STAFF_ROLES, Role
from .services import COMPANY_FIELDS


def within_years(value) -> None:
    """A date or moment a form accepts lies in the years of tase.core.days."""
    if value is not None and not days.within_years(value):
        raise ValidationError(
            _("Give a date in the years %(first)s-%(last)s."),
            params={"first": days.FIRST_YEAR, "last": days.LAST_YEAR},
            code="year",
        )


class DayField(forms.DateField):
    """A date field that accepts only the years of tase.core.days."""

    default_validators = [within_years]


class MomentField(forms.DateTimeField):
    """A date-and-time field that accepts only the years of tase.core.days."""

    default_validators = [within_years]


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = [name for name in COMPANY_FIELDS if name != "is_active"]
        widgets = {
            "business_id": forms.TextInput(
                attrs={"placeholder": "1234567-8", "autocomplete": "off"}
            )
        }

    def _post_clean(self):
        # The service validates and saves; the form only parses.
        pass


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    business_id = forms.CharField(label=_("Business ID"), max_length=9, required=False)


class MembershipForm(forms.Form):
    """A role in an organization and, for a customer, the companies it is limited to."""

    role = forms.ChoiceField(label=_("Role"))
    companies = forms.ModelMultipleChoiceField(
        label=_("Limited to companies"),
        queryset=Company.objects.none(),
        required=False,
        help_text=_("Leave empty for every company of the organization."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        roles = STAFF_ROLES if organization.is_vendor else CUSTOMER_ROLES
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in roles]
        if organization.is_vendor:
            del self.fields["companies"]
        else:
            self.fields["companies"].queryset = organization.companies.filter(is_active=True)


class InviteForm(MembershipForm):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Name"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="fi")
    field_order = ["email", "full_name", "role", "companies", "language"]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]


SCOPE_LABELS = {
    "platform": _("Platform (organizations, companies, users, audit trail)"),
    "ledger": _("Bookkeeping"),
    "payroll": _("Payroll"),
    "sales": _("Sales invoicing"),
    "purchases": _("Purchases and payments"),
    "delivery": _("Implementation projects"),
    "support": _("Customer support"),
}


def scope_choices():
    return [
        (
            scope,
            f"{SCOPE_LABELS[scope.split(':')[0]]}: "
            + (_("read") if scope.endswith(":read") else _("read and write")),
        )
        for scope in API_SCOPES
    ]


class CodeField(forms.CharField):
    """A code from the authenticator app, or a recovery code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Code from the authenticator app"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “import script”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The token can do only these, and only what your roles allow."),
    )
    expires_at = DayField(
        label=_("Valid until"), help_text=_("The last day the token works (e.g. 30.6.2027).")
    )
    code = CodeField(
        required=False,
        help_text=_(
            "With two-factor authentication on: needed unless you entered a code in the "
            "last few minutes."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "token_%s")  # the profile form on the same page has a name
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices()
        if not self.is_bound:
            self.initial.setdefault("scopes", [s for s in API_SCOPES if s.endswith(":read")])
            self.initial.setdefault(
                "expires_at",
                timezone.localdate() + dt.timedelta(days=settings.TASE_TOKEN_DAYS),
            )


class CodeForm(forms.Form):
    """A fresh check before a sensitive act: a code, and consent naming the consequence."""

    code = CodeField(required=False)

    def __init__(self, *args, confirm_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if confirm_label:
            self.fields["confirm"] = forms.BooleanField(label=confirm_label, required=True)


class OrganizationSecurityForm(forms.Form):
    require_2fa_for_finance = forms.BooleanField(
        label=_("Require two-factor authentication of main users, accountants and payroll clerks"),
        required=False,
        help_text=_(
            "They are asked to set up an authenticator app at their next page, and their API "
            "tokens stop working until they have one."
        ),
    )


class TwoFactorResetForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Reset the authenticator: the user's app and recovery codes stop working, and the "
            "user must set up a new authenticator when signing in next."
        ),
        required=True,
    )


class TotpConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ParameterValueForm(forms.Form):
    """The new year's value of one statutory parameter (vendor admin)."""

    name = forms.ChoiceField(label=_("Parameter"))
    effective_from = DayField(label=_("In force from"))
    value = forms.CharField(
        label=_("Value"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A number (25,5), or YAML for a table such as the TyEL age bands."),
    )
    confirmed_until = DayField(
        label=_("Confirmed until"),
        required=False,
        help_text=_("For a yearly figure, empty means the end of the start date's year."),
    )
    source = forms.URLField(label=_("Source"), max_length=500, assume_scheme="https")
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(name, name) for name in names]


class ParameterFileForm(forms.Form):
    """A reviewed data file of new values, in the parameters' YAML format."""

    file = forms.FileField(label=_("Data file (YAML)"))


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form, except that a mail which cannot be sent is not hidden:
    Django logs the failure and tells the user the link is on its way; this form logs
    it too and sets ``send_failed``, so the page can say the truth."""

    send_failed = False

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        try:
            message.send()
        except Exception:
            logging.getLogger("tase.mail").exception(
                "Password reset email to user %s could not be sent", context["user"].pk
            )
            self.send_failed = True
