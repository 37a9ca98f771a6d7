"""Delivery pages: specifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.editing import run_action, save_form

from .. import forms, selectors, services
from ..models import SpecReview
from ..pdf import render_pdf
from ._common import _actor


@login_required
def spec_detail(request, pk):
    actor = _actor(request)
    spec = selectors.spec(actor, pk)
    staff = selectors.is_staff_view(actor, spec.organization)
    versions = selectors.visible_versions(actor, spec)
    form = forms.SpecVersionForm(
        request.POST or None, initial={"body": versions[0].body if versions else ""}
    )
    if staff and (
        done := save_form(
            request,
            form,
            lambda data: services.save_spec_version(actor, spec, data["body"]),
            success=lambda version: _("Version %(n)s saved.") % {"n": version.number},
            redirect_to=reverse("delivery:spec", args=[spec.pk]),
        )
    ):
        return done
    diff = None
    a, b = request.GET.get("a"), request.GET.get("b")
    by_pk = {str(v.pk): v for v in versions}
    if a in by_pk and b in by_pk:
        diff = selectors.spec_diff(by_pk[a], by_pk[b])
    elif len(versions) >= 2:
        a, b = str(versions[1].pk), str(versions[0].pk)
        diff = selectors.spec_diff(versions[1], versions[0])
    return render(
        request,
        "delivery/spec.html",
        {
            "spec": spec,
            "versions": versions,
            "form": form,
            "staff": staff,
            "diff": diff,
            "a": a,
            "b": b,
            "can_manage": actor.can("delivery.manage", spec.organization),
            "can_approve": actor.can("delivery.approve", spec.organization),
            "reviews": SpecReview.objects.filter(version__in=[v.pk for v in versions])
            .select_related("author", "version")
            .order_by("-created_at", "-id"),
        },
    )


@login_required
@require_POST
def spec_send(request, pk):
    actor = _actor(request)
    version = selectors.spec_version(actor, pk, "delivery.manage")
    return run_action(
        request,
        lambda: services.send_spec_for_review(actor, version),
        success=_("Sent for review; the customer's users were emailed."),
        back=reverse("delivery:spec", args=[version.spec_id]),
    )


@login_required
@require_POST
def spec_approve(request, pk):
    actor = _actor(request)
    version = selectors.spec_version(actor, pk, "delivery.approve")
    return run_action(
        request,
        lambda: services.approve_spec_version(actor, version),
        success=_("Specification approved."),
        back=reverse("delivery:spec", args=[version.spec_id]),
    )


@login_required
def spec_pdf(request, pk):
    actor = _actor(request)
    version = selectors.spec_version(actor, pk)
    return render_pdf(
        "delivery/pdf/spec.html",
        {"version": version, "spec": version.spec, "project": version.spec.project},
        f"{version.spec.title}-v{version.number}",
    )
