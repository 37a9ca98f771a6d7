"""Extra training: orders, quotes, confirmations and sessions."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core.editing import run_action, save_form
from tase.core.models import User
from tase.core.roles import STAFF_ROLES

from .. import selectors, services
from ..forms import (
    QuoteForm,
    SessionForm,
    TrainingOrderForm,
)
from ._common import _need, actor_of


@login_required
def training_list(request):
    actor = actor_of(request)
    _need(actor, "support.use", "support.handle")
    orders = selectors.training_orders_for(actor)
    return render(
        request,
        "support/training_list.html",
        {
            "orders": orders,
            "can_order": actor.can("support.order_training"),
            "implementation": selectors.implementation_trainings(actor),
        },
    )


@login_required
def training_create(request):
    actor = actor_of(request)
    _need(actor, "support.order_training")
    organizations = actor.organizations("support.order_training")
    form = TrainingOrderForm(request.POST or None)
    if done := save_form(
        request,
        form,
        lambda data: services.order_training(actor, organizations.first(), **data),
        success=_("Training ordered."),
        redirect_to=lambda order: reverse("support:training_detail", args=[order.pk]),
    ):
        return done
    return render(
        request,
        "support/form_page.html",
        {
            "form": form,
            "title": _("Order extra training"),
            "back": reverse("support:training_list"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def training_detail(request, pk):
    actor = actor_of(request)
    order = selectors.get_training_order(actor, pk)
    staff = actor.can("support.handle", order.organization)
    quote_form = QuoteForm(prefix="quote")
    trainers = User.objects.filter(
        memberships__organization=order.organization.vendor,
        memberships__role__in=list(STAFF_ROLES),
        memberships__is_active=True,
    ).distinct()
    session_form = SessionForm(prefix="session", trainers=trainers)
    back = reverse("support:training_detail", args=[pk])
    step = request.POST.get("step") if request.method == "POST" else None
    if step == "quote":
        quote_form = QuoteForm(request.POST, prefix="quote")
        if quote_form.is_valid():
            data = quote_form.cleaned_data
            cents = int((data["price"] * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            return run_action(
                request,
                lambda: services.quote_training(actor, order, price_cents=cents, note=data["note"]),
                success=None,
                back=back,
            )
    elif step == "accept":
        return run_action(
            request, lambda: services.accept_training(actor, order), success=None, back=back
        )
    elif step == "session":
        session_form = SessionForm(request.POST, prefix="session", trainers=trainers)
        if session_form.is_valid():
            return run_action(
                request,
                lambda: services.plan_session(actor, order, **session_form.cleaned_data),
                success=None,
                back=back,
            )
    elif step == "done":
        return run_action(
            request, lambda: services.complete_training(actor, order), success=None, back=back
        )
    return render(
        request,
        "support/training_detail.html",
        {
            "order": order,
            "staff": staff,
            "can_accept": actor.can("support.order_training", order.organization),
            "quote_form": quote_form,
            "session_form": session_form,
        },
    )
