"""Delivery pages: contracts."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core.editing import save_form

from .. import forms, selectors, services
from ._common import _actor, _form_page


@login_required
def contract_create(request, organization_pk):
    actor = _actor(request)
    organization = actor.organization(organization_pk, "delivery.contracts")
    form = forms.ContractForm(request.POST or None)
    if done := save_form(
        request,
        form,
        lambda data: services.create_contract(actor, organization, **data),
        success=_("Contract saved."),
        redirect_to=lambda contract: reverse("delivery:contract", args=[contract.pk]),
    ):
        return done
    return _form_page(request, form, _("New contract"), organization.name)


@login_required
def contract_detail(request, pk):
    actor = _actor(request)
    contract = selectors.contract(actor, pk)
    staff = selectors.is_staff_view(actor, contract.organization)
    can_contracts = actor.can("delivery.contracts", contract.organization)
    project_form = forms.ProjectForm(
        request.POST or None, prefix="project", vendor=contract.organization.vendor
    )
    doc_form = forms.DocumentForm(request.POST or None, request.FILES or None, prefix="doc")
    done = None
    if can_contracts and "project-kickoff_on" in request.POST:
        done = save_form(
            request,
            project_form,
            lambda data: services.create_project(actor, contract, **data),
            success=_("Project created with six phases, tasks and a proposed schedule."),
            redirect_to=lambda project: reverse("delivery:project", args=[project.pk]),
        )
    elif can_contracts and "doc-title" in request.POST:
        done = save_form(
            request,
            doc_form,
            lambda data: services.add_document(
                actor, organization=contract.organization, contract=contract, **data
            ),
            success=_("Document attached."),
            redirect_to=reverse("delivery:contract", args=[contract.pk]),
        )
    if done:
        return done
    documents = contract.documents.filter(project__isnull=True)
    if not staff:
        documents = documents.filter(customer_visible=True, published_at__isnull=False)
    return render(
        request,
        "delivery/contract.html",
        {
            "contract": contract,
            "documents": documents,
            "projects": contract.projects.all(),
            "project_form": project_form,
            "doc_form": doc_form,
            "can_contracts": can_contracts,
            "staff": staff,
            "module_hours": [
                (Decimal(str(contract.module_hours[code])), label)
                for code, label in zip(contract.modules, contract.module_labels(), strict=True)
                if code in (contract.module_hours or {})
            ],
        },
    )
