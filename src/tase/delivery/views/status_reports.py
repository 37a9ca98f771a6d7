"""Delivery pages: the weekly status report drafted on demand from the project's own data."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.editing import save_form

from .. import selectors, services
from ._common import _actor


@login_required
@require_POST
def status_report_draft(request, pk):
    """Draft this week's report (a button: nothing to parse) and open it, where the lead edits
    and publishes it; a refusal goes back to the project page as a message."""
    actor = _actor(request)
    project = selectors.project(actor, pk, "delivery.manage")
    form = forms.Form(request.POST)
    if done := save_form(
        request,
        form,
        lambda _data: services.draft_status_report(actor, project),
        success=_("Draft written from the project's data: edit it and publish it."),
        redirect_to=lambda document: reverse("delivery:document", args=[document.pk]),
    ):
        return done
    for message in form.non_field_errors():
        messages.error(request, message)
    return redirect("delivery:project", pk)
