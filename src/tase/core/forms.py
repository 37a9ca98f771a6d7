import logging

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils.translation import gettext_lazy as _

from .models import Company, User
from .roles import CUSTOMER_ROLES, STAFF_ROLES, Role
from .services import COMPANY_FIELDS


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


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “import script”.")
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
    effective_from = forms.DateField(label=_("In force from"))
    value = forms.CharField(
        label=_("Value"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A number (25,5), or YAML for a table such as the TyEL age bands."),
    )
    confirmed_until = forms.DateField(
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
