"""Absence and holiday pages: the company's absences and its sick-pay and holiday-bonus
rule, an employee's absences and a sick leave's Kela application; holiday balances, an
employee's holidays and saved leave, the employee's own balance; the holiday-pay liability
and its posting."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.access import Actor
from tase.core.days import iso_day
from tase.core.editing import run_action, save_form, save_posted_form

from . import selectors, services
from .forms_holidays import (
    AbsenceCorrectionForm,
    AbsenceForm,
    AbsenceRemovalForm,
    HolidayForm,
    HolidayPolicyForm,
    LiabilityPostForm,
    PostponementForm,
    SavedLeaveForm,
)
from .models import Absence, HolidayPostponement, HolidayRecord


def _actor(request) -> Actor:
    return Actor.of(request.user)


def _absence_for(actor: Actor, pk: int, action: str) -> Absence:
    absence = get_object_or_404(Absence.objects.select_related("company", "employee"), pk=pk)
    actor.company(absence.company_id, action)
    return absence


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def absences(request, company_pk):
    actor = _actor(request)
    company = actor.company(company_pk, "payroll.view")
    page = Paginator(selectors.absences(company), 50).get_page(request.GET.get("page"))
    policy = services.policy_for(company)
    return render(
        request,
        "payroll/absences.html",
        {
            "company": company,
            "page": page,
            "can_manage": actor.can_in_company("payroll.manage", company),
            "policy_form": HolidayPolicyForm(
                initial={
                    "sick_pay_weekdays": policy.sick_pay_weekdays,
                    "holiday_bonus_percent": policy.holiday_bonus_percent,
                    "bonus_on_compensation": policy.bonus_on_compensation,
                    "bonus_after_return": policy.bonus_after_return,
                    "average_hourly_earnings_hours": policy.average_hourly_earnings_hours,
                }
            ),
        },
    )


@login_required
@require_POST
def holiday_policy(request, company_pk):
    actor = _actor(request)
    company = actor.company(company_pk, "payroll.manage")
    return save_posted_form(
        request,
        HolidayPolicyForm(request.POST),
        lambda data: services.update_policy(actor, company, **data),
        success=_("Holiday and sick pay rule saved."),
        invalid=_("Check the fields."),
        back=reverse("payroll:absences", args=[company.pk]),
    )


def _record_on_employee_page(request, pk, form_class, record, success, page: str):
    """An employee's absences or holidays page: the employee (viewing, or managing on a POST),
    the form, and on a valid POST the record saved through ``record`` and a redirect back to
    ``payroll:employee_<page>`` (``done``; None when the page is to be shown)."""
    actor = _actor(request)
    action = "payroll.manage" if request.method == "POST" else "payroll.view"
    employee = services.ensure_visible_employee(actor, pk, action)
    form = form_class(request.POST or None)
    done = save_form(
        request,
        form,
        lambda data: record(actor, employee, **data),
        success=success,
        redirect_to=reverse(f"payroll:employee_{page}", args=[employee.pk]),
        invalid=_("Check the fields."),
    )
    return actor, employee, form, done


@login_required
def employee_absences(request, pk):
    actor, employee, form, done = _record_on_employee_page(
        request, pk, AbsenceForm, services.record_absence, _("Absence recorded."), "absences"
    )
    if done is not None:
        return done
    absences = list(selectors.absences(employee.company, employee))
    locks = services.removal_state(absences)
    for absence in absences:
        absence.lock, absence.correction = locks.get(absence.pk, ("", None))
        absence.pending = bool(absence.changes.all())
    return render(
        request,
        "payroll/employee_absences.html",
        {
            "employee": employee,
            "company": employee.company,
            "absences": absences,
            "form": form,
            "can_manage": actor.can_in_company("payroll.manage", employee.company),
        },
    )


@login_required
@require_POST
def absence_delete(request, pk):
    actor = _actor(request)
    absence = _absence_for(actor, pk, "payroll.manage")

    def removed(drafts) -> str:
        if not drafts:
            return _("Absence removed.")
        return _(
            "Absence removed. Its lines were taken off the draft pay run %(runs)s: calculate "
            "it again."
        ) % {"runs": ", ".join(services.run_name(run) for run in drafts)}

    return run_action(
        request,
        lambda: services.delete_absence(actor, absence),
        success=removed,
        back=reverse("payroll:employee_absences", args=[absence.employee_id]),
        joined=True,
    )


def _corrections_text(runs) -> str:
    return ", ".join(services.run_name(run) for run in runs)


@login_required
@require_POST
def absence_remove_with_correction(request, pk):
    actor = _actor(request)
    absence = _absence_for(actor, pk, "payroll.manage")
    form = AbsenceRemovalForm(request.POST)
    return run_action(
        request,
        lambda: services.remove_with_correction(
            actor,
            absence,
            payment_date=form.cleaned_data.get("payment_date") if form.is_valid() else None,
        ),
        success=lambda runs: (
            _(
                "The absence is removed with the correction runs %(runs)s: calculate and "
                "approve them; approving the last of them removes the absence and replaces "
                "the reports."
            )
            % {"runs": _corrections_text(runs)}
        ),
        back=reverse("payroll:employee_absences", args=[absence.employee_id]),
        joined=True,
    )


def _initial(absence: Absence) -> dict:
    return {
        "kind": absence.kind,
        "start_date": absence.start_date,
        "end_date": absence.end_date,
        "paid": absence.paid,
        "note": absence.note,
    }


def _change_page(request, pk, form_class, save, success, with_correction: bool):
    actor = _actor(request)
    absence = _absence_for(actor, pk, "payroll.manage")
    form = form_class(request.POST or None, initial=_initial(absence))
    done = save_form(
        request,
        form,
        lambda data: save(actor, absence, data),
        success=success,
        redirect_to=reverse("payroll:employee_absences", args=[absence.employee_id]),
    )
    if done is not None:
        return done
    lock = services.removal_locks([absence]).get(absence.pk, "")
    return render(
        request,
        "payroll/absence_change.html",
        {
            "absence": absence,
            "employee": absence.employee,
            "company": absence.company,
            "form": form,
            "lock": lock,
            "with_correction": with_correction,
        },
    )


@login_required
def absence_change(request, pk):
    """Change an absence no settled run used (the draft runs with lines from it are to be
    calculated again)."""
    return _change_page(
        request,
        pk,
        AbsenceForm,
        lambda actor, absence, data: services.update_absence(actor, absence, **data),
        _("Absence changed."),
        with_correction=False,
    )


@login_required
def absence_change_with_correction(request, pk):
    """Change an absence a settled run used, with a correction run of each pay run
    concerned."""
    return _change_page(
        request,
        pk,
        AbsenceCorrectionForm,
        lambda actor, absence, data: services.change_with_correction(actor, absence, **data),
        lambda runs: (
            _(
                "The absence is changed with the correction runs %(runs)s: calculate and "
                "approve them; approving the last of them changes the absence and replaces "
                "the reports."
            )
            % {"runs": _corrections_text(runs)}
        ),
        with_correction=True,
    )


@login_required
def absence_kela(request, pk):
    actor = _actor(request)
    absence = _absence_for(actor, pk, "payroll.view")
    try:
        data = services.kela_application(actor, absence)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("payroll:employee_absences", absence.employee_id)
    return render(
        request,
        "payroll/absence_kela.html",
        {"absence": absence, "company": absence.company, "data": data},
    )


# -- recorded holidays ---------------------------------------------------------------------
def _date_param(request, name: str, default: dt.date) -> dt.date:
    return iso_day(request.GET.get(name)) or default


def _record_for(actor: Actor, pk: int) -> HolidayRecord:
    record = get_object_or_404(HolidayRecord.objects.select_related("company"), pk=pk)
    actor.company(record.company_id, "payroll.manage")
    return record


@login_required
def holidays(request, company_pk):
    """The employees' balances of a credit year (50 employees a page)."""
    actor = _actor(request)
    company = actor.company(company_pk, "payroll.view")
    on = _date_param(request, "on", dt.date.today())
    year_end = _date_param(request, "year", services.year_used_by(on))
    page = Paginator(selectors.employees(company), 50).get_page(request.GET.get("page"))
    try:
        rows = services.balances(company, year_end, on, employees=list(page))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        rows = []
    return render(
        request,
        "payroll/holidays.html",
        {"company": company, "page": page, "rows": rows, "year_end": year_end, "on": on},
    )


@login_required
def employee_holidays(request, pk):
    actor, employee, form, done = _record_on_employee_page(
        request, pk, HolidayForm, services.record_holiday, _("Holiday recorded."), "holidays"
    )
    if done is not None:
        return done
    try:
        balances = services.employee_balances(employee, dt.date.today())
    except ValidationError as error:
        messages.error(request, _error_text(error))
        balances = []
    return render(
        request,
        "payroll/employee_holidays.html",
        {
            "employee": employee,
            "company": employee.company,
            "balances": balances,
            "records": selectors.holidays(employee.company, employee),
            "form": form,
            "saved_form": SavedLeaveForm(),
            "can_manage": actor.can_in_company("payroll.manage", employee.company),
        },
    )


@login_required
@require_POST
def saved_leave(request, pk):
    actor = _actor(request)
    employee = services.ensure_visible_employee(actor, pk, "payroll.manage")
    return save_posted_form(
        request,
        SavedLeaveForm(request.POST),
        lambda data: services.save_leave(actor, employee, **data),
        success=_("Saved leave recorded."),
        invalid=_("Check the fields."),
        back=reverse("payroll:employee_holidays", args=[employee.pk]),
    )


@login_required
@require_POST
def holiday_action(request, pk, action):
    actor = _actor(request)
    record = _record_for(actor, pk)
    handlers = {
        "taken": (services.mark_taken, _("Holiday marked taken.")),
        "delete": (services.delete_holiday, _("Holiday removed.")),
    }
    if action not in handlers:
        raise Http404
    handler, done = handlers[action]
    return run_action(
        request,
        lambda: handler(actor, record),
        success=done,
        back=reverse("payroll:employee_holidays", args=[record.employee_id]),
        joined=True,
    )


def _postponed_text(row: HolidayPostponement) -> str:
    return _(
        "Holiday postponed (%(ground)s): of %(days)s holiday days of incapacity within the "
        "holiday, %(postponed)s were postponed and %(deductible)s were deductible days."
    ) % {
        "ground": row.get_ground_display().lower(),
        "days": row.incapacity_days,
        "postponed": row.postponed_days,
        "deductible": row.deductible_days,
    }


@login_required
def postpone(request, pk):
    """The employee's request to postpone a holiday for incapacity for work (vuosilomalaki
    25 §): the form with the employee's sick leaves sharing a day with the holiday, and the
    holiday's postponements with their days."""
    actor = _actor(request)
    action = "payroll.manage" if request.method == "POST" else "payroll.view"
    record = get_object_or_404(HolidayRecord.objects.select_related("company", "employee"), pk=pk)
    actor.company(record.company_id, action)
    sick = Absence.objects.filter(
        employee_id=record.employee_id,
        kind=Absence.Kind.SICK,
        start_date__lte=record.end_date or record.credit_year_end,
        end_date__gte=record.start_date or record.credit_year_end,
    ).order_by("start_date")
    form = PostponementForm(request.POST or None, sick_leaves=sick)
    done = save_form(
        request,
        form,
        lambda data: services.postpone_holiday(actor, record, **data),
        success=_postponed_text,
        redirect_to=reverse("payroll:employee_holidays", args=[record.employee_id]),
    )
    if done is not None:
        return done
    return render(
        request,
        "payroll/holiday_postpone.html",
        {
            "record": record,
            "employee": record.employee,
            "company": record.company,
            "form": form,
            "postponements": record.postponements.select_related("absence"),
            "can_manage": actor.can_in_company("payroll.manage", record.company),
        },
    )


@login_required
@require_POST
def postponement_delete(request, pk):
    actor = _actor(request)
    row = get_object_or_404(HolidayPostponement.objects.select_related("company"), pk=pk)
    actor.company(row.company_id, "payroll.manage")
    return run_action(
        request,
        lambda: services.delete_postponement(actor, row),
        success=_("Postponement removed: its days are holiday again."),
        back=reverse("payroll:holiday_postpone", args=[row.holiday_id]),
        joined=True,
    )


@login_required
def my_holidays(request):
    actor = _actor(request)
    rows = []
    for employee in selectors.own_employees(actor):
        rows += services.employee_balances(employee, dt.date.today())
    return render(request, "payroll/my_holidays.html", {"balances": rows})


# -- the holiday-pay liability -------------------------------------------------------------
@login_required
def holiday_liability(request, company_pk):
    actor = _actor(request)
    company = actor.company(company_pk, "payroll.view")
    last_month_end = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    post_form = LiabilityPostForm(request.POST or None, initial={"month_end": last_month_end})
    if request.method == "POST":
        actor.company(company_pk, "payroll.approve")
        # A refusal (not a month end, posted already, nothing to post) names month_end: it is
        # shown at the form's field, and the page is shown again.
        done = save_form(
            request,
            post_form,
            lambda data: services.post_liability(actor, company, data["month_end"]),
            success=lambda posted: (
                _("Holiday pay liability posted as voucher %(number)s and reversed.")
                % {"number": posted[0].number}
            ),
            redirect_to=reverse("payroll:holiday_liability", args=[company.pk]),
        )
        if done is not None:
            return done
    on = _date_param(request, "on", dt.date.today())
    try:
        result = services.liability(actor, company, on)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        result = None
    return render(
        request,
        "payroll/holiday_liability.html",
        {
            "company": company,
            "on": on,
            "result": result,
            "can_post": actor.can_in_company("payroll.approve", company),
            "post_form": post_form,
        },
    )
