"""Delivery pages: training and change requests."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.editing import run_action, save_form

from .. import forms, selectors, services
from ._common import _actor, _form_page


@login_required
def training_create(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk, "delivery.manage")
    if request.GET.get("two") or "first_at" in request.POST:
        form = forms.TwoPartTrainingForm(request.POST or None, project=project)
        if done := save_form(
            request,
            form,
            lambda data: services.plan_two_part_training(actor, project, **data),
            success=_("Training planned in two parts."),
            redirect_to=reverse("delivery:project", args=[pk]),
        ):
            return done
        return _form_page(request, form, _("Plan training in two parts"), project.name)
    next_part = (
        project.trainings.order_by("-part").values_list("part", flat=True).first() or 0
    ) + 1
    form = forms.TrainingForm(request.POST or None, project=project, initial={"part": next_part})
    if done := save_form(
        request,
        form,
        lambda data: services.plan_training(actor, project, **data),
        success=_("Training session planned."),
        redirect_to=reverse("delivery:project", args=[pk]),
    ):
        return done
    return _form_page(request, form, _("Plan a training session"), project.name)


@login_required
@require_POST
def training_action(request, pk, action):
    actor = _actor(request)
    session = selectors.training(actor, pk, "delivery.manage")
    fns = {
        "confirm": (
            lambda: services.confirm_training(actor, session),
            _("Training confirmed; participants were invited."),
        ),
        "held": (
            lambda: services.mark_training_held(
                actor, session, hours=request.POST.get("hours") or None
            ),
            _("Training marked held."),
        ),
        "cancel": (lambda: services.cancel_training(actor, session), _("Training cancelled.")),
    }
    if action not in fns:
        raise Http404
    fn, success = fns[action]
    return run_action(
        request,
        fn,
        success=success,
        back=reverse("delivery:project", args=[session.project_id]) + "#training",
    )


@login_required
def change_request_create(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk)
    if not actor.can("delivery.contracts", project.organization):
        if not selectors.is_staff_view(actor, project.organization):
            # only the vendor's staff create change requests; the customer proposes the need
            return redirect("delivery:proposal_create", pk)
        actor.require("delivery.contracts", project.organization)
    form = forms.ChangeRequestForm(request.POST or None, organization=project.organization)
    if done := save_form(
        request,
        form,
        lambda data: services.create_change_request(
            actor, project.organization, project=project, **data
        ),
        success=_("Change request recorded."),
        redirect_to=reverse("delivery:project", args=[pk]),
    ):
        return done
    return _form_page(request, form, _("New change request"), project.name)


@login_required
@require_POST
def change_request_status(request, pk):
    actor = _actor(request)
    cr = selectors.change_request(actor, pk)
    back = (
        reverse("delivery:project", args=[cr.project_id]) + "#changes"
        if cr.project_id
        else reverse("delivery:account", args=[cr.organization_id])
    )
    return run_action(
        request,
        lambda: services.set_change_request_status(
            actor,
            cr,
            request.POST.get("status", ""),
            estimate_hours=request.POST.get("estimate_hours") or None,
            estimate_euros=request.POST.get("estimate_euros") or None,
        ),
        success=_("Change request saved."),
        back=back,
    )
