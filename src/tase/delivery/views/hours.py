"""Delivery pages: hours against the contract (the project's hours page, the contract's
hours per module)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core.editing import save_form

from .. import forms, selectors, services
from ._common import _actor, _form_page


@login_required
def project_hours(request, pk):
    """Used and left per contracted module and the training; staff log hours here and turn
    the hours outside the contract into a change request."""
    actor = _actor(request)
    project = selectors.project(actor, pk)
    staff = selectors.is_staff_view(actor, project.organization)
    can_log = staff and actor.can("delivery.manage", project.organization)
    can_contracts = staff and actor.can("delivery.contracts", project.organization)
    back = reverse("delivery:project_hours", args=[pk])
    form = forms.HoursForm(
        request.POST if "log-on" in request.POST else None,
        prefix="log",
        project=project,
        initial={"on": timezone.localdate()},
    )
    cr_form = forms.HoursChangeRequestForm(
        request.POST if "cr-title" in request.POST else None, prefix="cr"
    )
    done = None
    if can_log and "log-on" in request.POST:
        done = save_form(
            request,
            form,
            lambda data: services.log_hours(actor, project, **data),
            success=_("Hours logged."),
            redirect_to=back,
        )
    elif can_contracts and "cr-title" in request.POST:
        done = save_form(
            request,
            cr_form,
            lambda data: services.change_request_from_hours(actor, project, **data),
            success=_("Change request made of the hours outside the contract."),
            redirect_to=reverse("delivery:project", args=[pk]),
        )
    if done:
        return done
    return render(
        request,
        "delivery/hours.html",
        {
            "project": project,
            "summary": selectors.hours_summary(project),
            "entries": selectors.time_entries(project)[:200] if staff else [],
            "form": form,
            "cr_form": cr_form,
            "can_log": can_log,
            "can_contracts": can_contracts,
            "staff": staff,
        },
    )


@login_required
def contract_hours(request, pk):
    actor = _actor(request)
    contract = selectors.contract(actor, pk, "delivery.contracts")
    form = forms.ModuleHoursForm(request.POST or None, contract=contract)
    if done := save_form(
        request,
        form,
        lambda data: services.set_module_hours(actor, contract, form.module_hours()),
        success=_("Contracted hours saved."),
        redirect_to=reverse("delivery:contract", args=[contract.pk]),
    ):
        return done
    return _form_page(request, form, _("Contracted hours per module"), str(contract))
