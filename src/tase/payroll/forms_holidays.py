"""Forms of the absence, holiday and holiday-pay liability pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tase.core.forms import DayField

from .forms import DATE
from .models import Absence, HolidayRecord


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Absence.Kind.choices)
    start_date = DayField(label=_("First day"), widget=DATE)
    end_date = DayField(label=_("Last day"), widget=DATE)
    paid = forms.BooleanField(
        label=_("Paid by the employer"),
        required=False,
        help_text=_("Only for another absence: no deduction, and it counts as work for holiday."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class AbsenceCorrectionForm(AbsenceForm):
    """An absence changed with correction runs: its new fields and the payment date of the
    correction runs created for it."""

    payment_date = DayField(
        label=_("Payment date of the corrections"),
        widget=DATE,
        required=False,
        help_text=_(
            "Of the correction runs created for the change; empty: today, or the original "
            "payment date when it is later. A draft correction run of the pay run for the "
            "employee is used when there is one."
        ),
    )


class AbsenceRemovalForm(forms.Form):
    payment_date = AbsenceCorrectionForm.base_fields["payment_date"]


class HolidayPolicyForm(forms.Form):
    sick_pay_weekdays = forms.IntegerField(
        label=_("Sick pay period after the day of falling ill (weekdays)"),
        min_value=0,
        max_value=365,
        help_text=_("The Employment Contracts Act gives 9; a collective agreement may give more."),
    )
    holiday_bonus_percent = forms.DecimalField(
        label=_("Holiday bonus (% of holiday pay)"), min_value=0, max_value=100, decimal_places=2
    )
    bonus_on_compensation = forms.BooleanField(
        label=_("Holiday bonus on the holiday compensation too"),
        required=False,
        help_text=_("At the end of an employment: the bonus on the compensation of unused days."),
    )
    bonus_after_return = forms.BooleanField(
        label=_("Holiday bonus after the holiday, only when the employee returns"),
        required=False,
        help_text=_(
            "Paid in the pay run of the period of the day after the holiday, if the employment "
            "goes on past the holiday; otherwise the bonus is paid with the holiday."
        ),
    )
    average_hourly_earnings_hours = forms.DecimalField(
        label=_("Average-hourly-earnings method: hours per holiday day"),
        required=False,
        min_value=0,
        max_value=24,
        decimal_places=2,
        localize=True,
        help_text=_(
            "A collective agreement's method for hourly and performance-paid employees under "
            "the 14-day rule: the credit year's pay for time at work without overtime "
            "increments / the hours worked, x these hours, x the holiday days (Annual "
            "Holidays Act 30 §). Empty: the average daily wage of the Act (11 §)."
        ),
    )


class HolidayForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, v) for k, v in HolidayRecord.Kind.choices if k != HolidayRecord.Kind.SAVED],
    )
    start_date = DayField(label=_("First day"), widget=DATE)
    end_date = DayField(label=_("Last day"), widget=DATE)
    credit_year_end = DayField(
        label=_("Days from the credit year ending"),
        widget=DATE,
        required=False,
        help_text=_("Empty: the last credit year ended before the holiday begins."),
    )
    from_saved = forms.BooleanField(
        label=_("Saved leave"),
        required=False,
        help_text=_(
            "Takes the saved days of the credit year given (empty: the oldest year with saved "
            "days left)."
        ),
    )
    free_time = forms.BooleanField(
        label=_("Free time (no holiday earned)"),
        required=False,
        help_text=_(
            "For a credit year in which the employee, working fewer than 14 days or 35 hours "
            "every month, earned no holiday: two weekdays for each month of employment; the "
            "year's holiday compensation is paid with the free time (Annual Holidays Act 8 § "
            "and 19 §)."
        ),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class SavedLeaveForm(forms.Form):
    credit_year_end = DayField(label=_("Credit year ending"), widget=DATE)
    days = forms.IntegerField(label=_("Days to save"), min_value=1)
    agreed = forms.BooleanField(
        label=_("Agreed with the employer"),
        required=False,
        initial=True,
        help_text=_(
            "Agreed: the days beyond 18 may be saved; without an agreement the employee may "
            "save the days beyond 24."
        ),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class LiabilityPostForm(forms.Form):
    month_end = DayField(label=_("Month end"), widget=DATE)


class PostponementForm(forms.Form):
    """The employee's request to postpone a holiday for incapacity for work (vuosilomalaki
    25 §): the sick leave it rests on (the employee's sick leaves that share a day with the
    holiday) and the date the employee asked."""

    absence = forms.TypedChoiceField(label=_("Incapacity (sick leave)"), coerce=int)
    requested_on = DayField(label=_("Date of request"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, sick_leaves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absence"].choices = [
            (a.pk, f"{a.start_date:%-d.%-m.%Y} - {a.end_date:%-d.%-m.%Y}") for a in sick_leaves
        ]
