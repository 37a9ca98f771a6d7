"""Forms of customer support: they parse input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tase.core.forms import DayField, MomentField
from tase.core.models import Organization

from .models import (
    Announcement,
    Category,
    Guide,
    GuideCategory,
    Module,
    Status,
    TrainingOrder,
    Urgency,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class RequestForm(forms.Form):
    company = forms.ModelChoiceField(queryset=None, label=_("Company"))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("service request", "Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, PNG, JPEG, TXT or CSV, at most 5 MB each."),
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        if companies.count() == 1:
            self.fields["company"].initial = companies.first()
        deflect = {
            "hx-get": "",  # set by the view
            "hx-trigger": "input changed delay:400ms",
            "hx-target": "#deflection",
            "hx-include": "[name=subject],[name=description]",
        }
        for name in ("subject", "description"):
            self.fields[name].widget.attrs.update(deflect)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    internal = forms.BooleanField(label=_("Internal note (staff only)"), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["internal"]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 10}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Announcement.Kind.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Announcement.Audience.choices)
    module = forms.ChoiceField(
        label=_("Module"), choices=[("", "—"), *Module.choices], required=False
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations"), queryset=Organization.objects.none(), required=False
    )
    publish_at = MomentField(
        label=_("Published"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    expire_at = MomentField(
        label=_("Expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = organizations


class GuideForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=GuideCategory.objects.none())
    language = forms.ChoiceField(label=_("Language"), choices=Guide.Language.choices)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Guide.Visibility.choices)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Images: upload them below and paste the address as ![text](address)."),
    )
    related = forms.ModelMultipleChoiceField(
        label=_("Related guides"), queryset=Guide.objects.none(), required=False
    )
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, categories, guides, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["related"].queryset = guides


class GuideImageForm(forms.Form):
    image = forms.FileField(label=_("Image (PNG or JPEG)"))


class TrainingOrderForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=TrainingOrder.Reason.choices)
    topics = forms.CharField(label=_("Topics"), widget=forms.Textarea(attrs={"rows": 4}))
    participants = forms.IntegerField(label=_("Participants"), min_value=1, max_value=500)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=200)
    preferred_dates = forms.CharField(label=_("Preferred dates"), max_length=300, required=False)


class QuoteForm(forms.Form):
    price = forms.DecimalField(label=_("Price (€, VAT excluded)"), min_value=0, decimal_places=2)
    note = forms.CharField(
        label=_("Terms"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SessionForm(forms.Form):
    starts_at = MomentField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(label=_("Duration (min)"), min_value=1, max_value=600)
    trainer = forms.ModelChoiceField(label=_("Trainer"), queryset=None)
    location = forms.CharField(label=_("Place or link"), max_length=200, required=False)
    topics = forms.CharField(label=_("Topics"), max_length=300, required=False)

    def __init__(self, *args, trainers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = trainers


class CallForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None)
    caller = forms.CharField(label=_("Caller"), max_length=200)
    started_at = MomentField(
        label=pgettext_lazy("phone call", "Start"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    duration_seconds = forms.IntegerField(label=_("Duration (s)"), min_value=0, max_value=86400)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    request_number = forms.IntegerField(label=_("Service request number"), required=False)
    notes = forms.CharField(
        label=_("Internal notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class PhonePriceForm(forms.Form):
    effective_from = DayField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    price = forms.DecimalField(
        label=_("Price per minute (€, VAT included)"), min_value=0, decimal_places=2
    )


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("{requester}, {number} and {subject} are filled in from the request."),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Merge into request number"), min_value=1)
    confirm = forms.BooleanField(
        label=_(
            "I understand: this request is closed for good and its requester follows the other."
        ),
        required=True,
    )


class CcForm(forms.Form):
    cc = forms.CharField(
        label=_("Copies of replies to"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Email addresses, one a line or comma-separated."),
    )


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=100)
