"""The company's payroll settings and wage types."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core.editing import run_action, save_form

from .. import services
from ..forms import (
    SettingsForm,
)
from ..models import CompanyWageType
from .common import (
    actor_of,
)


@login_required
def settings_edit(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.manage")
    row = services.ensure_setup(company)
    initial = {field: getattr(row, field) for field in services.SETTINGS_FIELDS}
    form = SettingsForm(request.POST or None, initial=initial)
    done = save_form(
        request,
        form,
        lambda data: services.update_settings(actor, company, **data),
        success=_("Payroll settings saved."),
        redirect_to=reverse("payroll:runs", args=[company.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Payroll settings"), "subtitle": company.name},
    )


@login_required
def wage_types(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.view")
    services.ensure_setup(company)
    can_manage = actor.can_in_company("payroll.manage", company)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        wage_type = get_object_or_404(CompanyWageType, pk=request.POST.get("id"), company=company)
        return run_action(
            request,
            lambda: services.update_wage_type(
                actor,
                wage_type,
                label_fi=request.POST.get("label_fi", wage_type.label_fi),
                label_en=request.POST.get("label_en", wage_type.label_en),
                ledger_account=request.POST.get("ledger_account", wage_type.ledger_account),
                hidden=request.POST.get("hidden") == "on",
                holiday_other_pay=request.POST.get("holiday_other_pay") == "on",
            ),
            success=_("Wage type saved."),
            back=reverse("payroll:wage_types", args=[company.pk]),
            joined=True,
        )
    return render(
        request,
        "payroll/wage_types.html",
        {
            "company": company,
            "rows": CompanyWageType.objects.filter(company=company),
            "can_manage": can_manage,
        },
    )
