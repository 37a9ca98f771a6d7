"""Pages for correcting an approved pay run (a correction run) and paying retro pay after a
salary change with an earlier effective date. The services: services.corrections and
services.retro_pay."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.access import Actor
from tase.core.editing import run_action, save_form

from . import services
from .forms import CorrectionRunForm
from .models import Employee, Employment, PayRun


@login_required
def run_correct(request, pk):
    """A correction run of an approved run: the payment date and the employees."""
    actor = Actor.of(request.user)
    original = get_object_or_404(PayRun.objects.select_related("company"), pk=pk)
    company = actor.company(original.company_id, "payroll.manage")
    if original.kind == PayRun.Kind.CORRECTION and original.corrects_id:
        original = PayRun.objects.select_related("company").get(pk=original.corrects_id)
    employees = Employee.objects.filter(payslips__pay_run=original).order_by(
        "last_name", "first_name", "pk"
    )
    form = CorrectionRunForm(request.POST or None, employees=employees)
    done = save_form(
        request,
        form,
        lambda data: services.create_correction_run(actor, original, **data),
        success=_("Correction run created: enter the corrections and calculate it."),
        redirect_to=lambda run: reverse("payroll:run_detail", args=[run.pk]),
    )
    if done is not None:
        return done
    refused = None
    try:
        services.check_correctable(original)
    except ValidationError as error:
        refused = " ".join(error.messages)
    return render(
        request,
        "payroll/run_correct.html",
        {"run": original, "company": company, "form": form, "refused": refused},
    )


@login_required
@require_POST
def retro_pay_add(request, pk):
    """Add the retro pay due for an employment to the employee's next draft pay run."""
    actor = Actor.of(request.user)
    employment = get_object_or_404(Employment.objects.select_related("employee"), pk=pk)
    services.ensure_visible_employee(actor, employment.employee_id, "payroll.manage")
    return run_action(
        request,
        lambda: services.add_retro_pay(actor, employment),
        success=lambda items: (
            _("Retro pay added to the next pay run: %(count)s lines.") % {"count": len(items)}
        ),
        back=reverse("payroll:employee_detail", args=[employment.employee_id]),
    )
