"""Delivery pages: overview and lists."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core.editing import save_form
from tase.core.models import Organization, User

from .. import forms, selectors, services, status, svg
from ..models import (
    AccountRelationship,
    ChangeRequest,
    Contract,
    Module,
    Project,
)
from ._common import _actor


@login_required
def overview(request):
    actor = _actor(request)
    if not actor.can("delivery.view"):
        raise Http404
    if not actor.is_vendor_staff:
        projects = list(selectors.projects_for(actor)[:2])
        if len(projects) == 1:
            return redirect("delivery:project", projects[0].pk)
    filters = {
        k: request.GET.get(k, "") for k in ("lead", "consultant", "module", "status", "behind")
    }
    rows = selectors.overview(actor, filters)
    if actor.is_vendor_staff:
        status.health_of_rows(rows)
    all_rows = rows if not any(filters.values()) else selectors.overview(actor)
    staff = User.objects.filter(
        pk__in={r["project"].lead_id for r in all_rows}
        | {c.pk for r in all_rows for c in r["project"].consultants.all()}
    ).order_by("full_name")
    return render(
        request,
        "delivery/overview.html",
        {
            "rows": rows,
            "filters": filters,
            "staff": staff,
            "modules": Module.choices,
            "statuses": Project.Status.choices,
            "phase_chart": svg.bar_chart(
                selectors.projects_per_phase(all_rows), _("Projects per phase")
            ),
            "golive_chart": svg.bar_chart(
                selectors.go_lives_per_month(actor), _("Go-lives per month")
            ),
            "contracts": selectors.contracts_for(actor).select_related("organization")[:20]
            if actor.can("delivery.contracts")
            else [],
            "customers": actor.organizations("delivery.contracts").filter(
                kind=Organization.Kind.CUSTOMER
            )[:200],
        },
    )


@login_required
def my_tasks(request):
    actor = _actor(request)
    if not actor.can("delivery.view"):  # staff, and the customer's users who own tasks
        raise Http404
    services.follow_product(
        selectors.projects_with_open_checks(actor), owner=actor.user, infer_dates=False
    )
    return render(request, "delivery/my_tasks.html", {"tasks": selectors.my_tasks(actor)})


@login_required
def workload(request):
    actor = _actor(request)
    if not actor.can("delivery.manage"):
        raise Http404
    return render(request, "delivery/workload.html", {"load": selectors.workload(actor)})


@login_required
def accounts(request):
    actor = _actor(request)
    if not actor.can("delivery.contracts"):
        raise Http404
    rels = list(selectors.relationships(actor))
    mine = request.GET.get("mine") == "1"
    if mine:
        rels = [r for r in rels if r.account_manager_id == actor.user.pk]
    rels.sort(
        key=lambda r: (
            not r.is_overdue,
            r.next_contact_on or timezone.localdate().replace(year=9999),
        )
    )
    without = (
        actor.organizations("delivery.contracts")
        .filter(kind=Organization.Kind.CUSTOMER)
        .exclude(pk__in=AccountRelationship.objects.values("organization_id"))
    )
    return render(
        request, "delivery/accounts.html", {"relationships": rels, "without": without, "mine": mine}
    )


@login_required
def account(request, organization_pk):
    actor = _actor(request)
    organization = actor.organization(organization_pk, "delivery.contracts")
    rel = (
        AccountRelationship.objects.filter(organization=organization)
        .select_related("account_manager")
        .first()
    )
    contact_form = forms.ContactForm(request.POST or None, prefix="contact")
    manager_form = forms.AccountManagerForm(
        request.POST or None, prefix="manager", vendor=organization.vendor
    )
    back = reverse("delivery:account", args=[organization.pk])
    done = None
    if "contact-on" in request.POST:
        done = save_form(
            request,
            contact_form,
            lambda data: services.log_contact(actor, organization, **data),
            success=_("Contact recorded."),
            redirect_to=back,
        )
    elif "manager-account_manager" in request.POST:
        done = save_form(
            request,
            manager_form,
            lambda data: services.set_account_manager(
                actor,
                organization,
                data["account_manager"],
                next_contact_on=data["next_contact_on"],
            ),
            success=_("Account manager saved."),
            redirect_to=back,
        )
    if done:
        return done
    return render(
        request,
        "delivery/account.html",
        {
            "organization": organization,
            "rel": rel,
            "contact_form": contact_form,
            "manager_form": manager_form,
            "contracts": Contract.objects.filter(organization=organization),
            "projects": Project.objects.filter(organization=organization).select_related("lead"),
            "change_requests": ChangeRequest.objects.filter(
                organization=organization
            ).select_related("project", "asked_by"),
        },
    )
