"""Forms parse input only; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tase.core.forms import DayField, MomentField
from tase.core.models import User
from tase.core.registry import STATE_CHECKS
from tase.core.roles import STAFF_ROLES

from .models import (
    ChangeRequest,
    ContactLog,
    Document,
    Meeting,
    Module,
    PhaseKind,
    Project,
    Task,
    TrainingSession,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def staff_of(vendor) -> forms.ModelChoiceField:
    return (
        User.objects.filter(
            memberships__organization=vendor,
            memberships__is_active=True,
            memberships__role__in=[r.value for r in STAFF_ROLES],
        )
        .distinct()
        .order_by("full_name")
    )


def people_of(*organizations):
    return (
        User.objects.filter(
            memberships__organization__in=organizations, memberships__is_active=True
        )
        .distinct()
        .order_by("full_name")
    )


def check_choices():
    return [
        ("", "—"),
        *sorted(
            ((code, f"{c.label} ({code})") for code, c in STATE_CHECKS.items()),
            key=lambda x: str(x[1]),
        ),
    ]


class ContractForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = DayField(label=_("Signed on"), widget=DATE)
    modules = forms.MultipleChoiceField(
        label=_("Modules"), choices=Module.choices, widget=forms.CheckboxSelectMultiple
    )
    training_hours = forms.DecimalField(
        label=_("Contracted training hours"), min_value=0, decimal_places=2
    )
    scope = forms.CharField(
        label=_("Scope"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    kickoff_on = DayField(label=_("Kickoff"), widget=DATE)
    lead = forms.ModelChoiceField(label=_("Project lead"), queryset=User.objects.none())
    consultants = forms.ModelMultipleChoiceField(
        label=_("Application consultants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = staff_of(vendor)
        self.fields["consultants"].queryset = staff_of(vendor)


class TeamForm(ProjectForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["name"]
        del self.fields["kickoff_on"]


class ScheduleForm(forms.Form):
    set_baseline = forms.BooleanField(
        label=_("Save as the agreed target schedule (baseline)"), required=False
    )

    def __init__(self, *args, phases, **kwargs):
        super().__init__(*args, **kwargs)
        for phase in phases:
            self.fields[f"phase_{phase.kind}_start"] = DayField(
                label=_("%(phase)s: start") % {"phase": phase.get_kind_display()},
                widget=DATE,
                initial=phase.planned_start,
            )
            self.fields[f"phase_{phase.kind}_end"] = DayField(
                label=_("%(phase)s: end") % {"phase": phase.get_kind_display()},
                widget=DATE,
                initial=phase.planned_end,
                required=phase.kind != PhaseKind.MAINTENANCE,
            )
        self.order_fields([f for f in self.fields if f != "set_baseline"] + ["set_baseline"])

    def dates(self) -> dict:
        data = self.cleaned_data
        return {
            kind: (data[f"phase_{kind}_start"], data.get(f"phase_{kind}_end"))
            for kind in PhaseKind.values
            if f"phase_{kind}_start" in data
        }


class PhaseProgressForm(forms.Form):
    actual_start = DayField(
        label=_("Actual start"),
        widget=DATE,
        required=False,
        help_text=_("Empty: inferred from the first task started or meeting held."),
    )
    actual_end = DayField(
        label=_("Actual end"),
        widget=DATE,
        required=False,
        help_text=_("Empty: inferred from the last task done."),
    )


class TaskForm(forms.Form):
    phase = forms.TypedChoiceField(label=_("Phase"), choices=PhaseKind.choices, coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_on = DayField(label=_("Due"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)
    customer_visible = forms.BooleanField(
        label=_("Visible to the customer"), required=False, initial=True
    )
    state_check = forms.ChoiceField(label=_("State check"), required=False)

    def __init__(self, *args, vendor, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        owners = staff_of(vendor)
        if organization is not None:  # the customer's users can own tasks too
            owners = (owners | people_of(organization)).distinct().order_by("full_name")
        self.fields["owner"].queryset = owners
        self.fields["state_check"].choices = check_choices()


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for override"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))
    customer_visible = forms.BooleanField(label=_("Visible to the customer"), required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    file = forms.FileField(label=_("File"), required=False)
    needs_approval = forms.BooleanField(label=_("Awaits the customer's approval"), required=False)


class DocumentTextForm(forms.Form):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}))


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    starts_at = MomentField(label=_("Time"), widget=DATETIME)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, initial=60)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people_of(
            project.organization, project.organization.vendor
        )


class SpecVersionForm(forms.Form):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 16}))


class TrainingForm(forms.Form):
    part = forms.IntegerField(label=_("Part"), min_value=1)
    starts_at = MomentField(label=_("Time"), widget=DATETIME)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, decimal_places=2)
    trainer = forms.ModelChoiceField(
        label=_("Trainer"), queryset=User.objects.none(), required=False
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.CharField(
        label=_("Topics"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    materials = forms.CharField(
        label=_("Materials"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = staff_of(project.organization.vendor)
        self.fields["participants"].queryset = people_of(project.organization)


class TwoPartTrainingForm(forms.Form):
    first_at = MomentField(label=_("First part"), widget=DATETIME)
    hours_each = forms.DecimalField(label=_("Hours per part"), min_value=0, decimal_places=2)
    gap_weeks = forms.IntegerField(label=_("Weeks between the parts"), min_value=1, initial=4)
    trainer = forms.ModelChoiceField(
        label=_("Trainer"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = staff_of(project.organization.vendor)
        self.fields["gap_weeks"].initial = project.second_training_gap_weeks


class ChangeRequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    asked_by = forms.ModelChoiceField(
        label=_("Asked by"), queryset=User.objects.none(), required=False
    )
    estimate_hours = forms.DecimalField(
        label=_("Estimate (hours)"), min_value=0, decimal_places=2, required=False
    )
    estimate_euros = forms.DecimalField(
        label=_("Estimate (euros)"), min_value=0, decimal_places=2, required=False
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asked_by"].queryset = people_of(organization)


class ChangeStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ChangeRequest.Status.choices)
    estimate_hours = forms.DecimalField(
        label=_("Estimate (hours)"), min_value=0, decimal_places=2, required=False
    )
    estimate_euros = forms.DecimalField(
        label=_("Estimate (euros)"), min_value=0, decimal_places=2, required=False
    )


class ContactForm(forms.Form):
    on = DayField(label=_("Date"), widget=DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactLog.Channel.choices)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    next_contact_on = DayField(label=_("Next contact"), widget=DATE, required=False)


class AccountManagerForm(forms.Form):
    account_manager = forms.ModelChoiceField(
        label=_("Account manager"), queryset=User.objects.none()
    )
    next_contact_on = DayField(label=_("Next contact"), widget=DATE, required=False)

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = staff_of(vendor)


class KeyPersonForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.CharField(label=_("Role in the project"), max_length=120)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_of(organization)


class KeyPersonEditForm(forms.Form):
    role = forms.CharField(label=_("Role in the project"), max_length=120)
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Empty: the user's own name.")
    )
    email = forms.EmailField(
        label=_("Email"), required=False, help_text=_("Empty: the user's own email address.")
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("Empty: the user's own phone number."),
    )


class ProjectStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Project.Status.choices)
        if project.status == Project.Status.ON_HOLD:
            codes = [Project.Status.RUNNING, Project.Status.CANCELLED]
        else:
            codes = [Project.Status.ON_HOLD, Project.Status.CANCELLED]
        self.fields["status"].choices = [
            (c.value, _("Resume") if c == Project.Status.RUNNING else labels[c]) for c in codes
        ]


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    second_training_gap_weeks = forms.IntegerField(
        label=_("Weeks between training parts"), min_value=1
    )

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in PhaseKind.choices:
            start, end = (template.schedule or {}).get(str(kind), [0, None])
            self.fields[f"schedule_{kind}_start"] = forms.IntegerField(
                label=_("%(phase)s: start week") % {"phase": label}, initial=start, min_value=0
            )
            self.fields[f"schedule_{kind}_end"] = forms.IntegerField(
                label=_("%(phase)s: end week") % {"phase": label},
                initial=end,
                required=False,
                min_value=0,
            )

    def schedule(self) -> dict:
        d = self.cleaned_data
        return {
            str(k): [d[f"schedule_{k}_start"], d.get(f"schedule_{k}_end")] for k in PhaseKind.values
        }


class TemplateTaskForm(forms.Form):
    phase = forms.TypedChoiceField(label=_("Phase"), choices=PhaseKind.choices, coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    customer_visible = forms.BooleanField(
        label=_("Visible to the customer"), required=False, initial=True
    )
    state_check = forms.ChoiceField(label=_("State check"), required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state_check"].choices = check_choices()


class TestEnvironmentForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Company"), queryset=None)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = organization.companies.filter(
            is_test_environment=False, is_active=True
        )


class HoursForm(forms.Form):
    on = DayField(label=_("Date"), widget=DATE)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, decimal_places=2, localize=True)
    kind = forms.ChoiceField(label=_("Against"), choices=())
    module = forms.ChoiceField(label=_("Module"), required=False)
    task = forms.ModelChoiceField(label=_("Task"), queryset=Task.objects.none(), required=False)
    training = forms.ModelChoiceField(
        label=_("Training session"), queryset=TrainingSession.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required for work outside the contract: say what it was."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import TimeEntry

        self.fields["kind"].choices = TimeEntry.Kind.choices
        labels = dict(Module.choices)
        self.fields["module"].choices = [("", "—")] + [
            (code, labels.get(code, code)) for code in project.contract.modules
        ]
        self.fields["task"].queryset = project.tasks.order_by("phase__kind", "order", "id")
        self.fields["training"].queryset = project.trainings.exclude(
            status=TrainingSession.Status.CANCELLED
        ).order_by("part", "starts_at")
        self.fields["task"].label_from_instance = lambda t: t.title
        self.fields["training"].label_from_instance = lambda s: (
            _("Part %(part)s, %(date)s")
            % {
                "part": s.part,
                "date": s.starts_at.strftime("%d.%m.%Y"),
            }
        )


class ModuleHoursForm(forms.Form):
    """One field per module of the contract: its contracted consulting hours."""

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Module.choices)
        for code in contract.modules:
            self.fields[f"hours_{code}"] = forms.DecimalField(
                label=labels.get(code, code),
                min_value=0,
                decimal_places=2,
                required=False,
                localize=True,
                initial=(contract.module_hours or {}).get(code),
            )

    def module_hours(self) -> dict:
        return {
            name.removeprefix("hours_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("hours_")
        }


class HoursChangeRequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SpecReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you say?"), choices=())
    body = forms.CharField(label=_("Comment or reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, can_decide=False, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import SpecReview

        choices = SpecReview.Kind.choices
        if not can_decide:
            choices = [c for c in choices if c[0] == SpecReview.Kind.COMMENT]
        self.fields["kind"].choices = choices


class QuestionForm(forms.Form):
    body = forms.CharField(
        label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class TrainingMinutesForm(forms.Form):
    """The trainer's notes and one answer field per question sent beforehand."""

    body = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for q in questions:
            self.fields[f"answer_{q.pk}"] = forms.CharField(
                label=q.body,
                help_text=str(q.author),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=q.answer,
            )

    def answers(self) -> dict:
        return {
            int(name.removeprefix("answer_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer_")
        }


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("What do you need?"), max_length=200)
    description = forms.CharField(
        label=_("Describe the need"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ConvertProposalForm(forms.Form):
    estimate_hours = forms.DecimalField(
        label=_("Estimate (hours)"), min_value=0, decimal_places=2, required=False, localize=True
    )
    estimate_euros = forms.DecimalField(
        label=_("Estimate (euros)"), min_value=0, decimal_places=2, required=False, localize=True
    )


class DeclineProposalForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
