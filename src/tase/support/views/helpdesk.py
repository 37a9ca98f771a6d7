"""The specialists' tools on the pages: canned replies, merging a duplicate, watchers and
copies, saved queue views and the monthly satisfaction summary."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.editing import error_messages, run_action, save_form
from tase.core.models import User

from .. import selectors, services
from ..forms import CannedReplyForm, CcForm, MergeForm, SavedViewForm
from ._common import _need, actor_of

# -- canned replies ------------------------------------------------------------------


@login_required
def canned_list(request):
    actor = actor_of(request)
    _need(actor, "support.handle")
    return render(
        request,
        "support/canned_list.html",
        {"items": selectors.canned_replies_for(actor, active_only=False)},
    )


@login_required
def canned_edit(request, pk=None):
    actor = actor_of(request)
    _need(actor, "support.handle")
    canned = selectors.get_canned_reply(actor, pk) if pk else None
    initial = (
        {"title": canned.title, "body": canned.body, "is_active": canned.is_active}
        if canned
        else None
    )
    form = CannedReplyForm(request.POST or None, initial=initial)
    if done := save_form(
        request,
        form,
        lambda data: services.save_canned_reply(actor, canned, **data),
        success=_("Canned reply saved."),
        redirect_to="support:canned_list",
    ):
        return done
    return render(
        request,
        "support/form_page.html",
        {
            "form": form,
            "title": _("Canned reply"),
            "back": reverse("support:canned_list"),
        },
        status=400 if request.method == "POST" else 200,
    )


# -- merging, watchers, copies -------------------------------------------------------


def _back(item) -> str:
    return reverse("support:request_detail", args=[item.pk])


@login_required
@require_POST
def request_merge(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(_back(item))
    into = (
        selectors.requests_for(actor)
        .filter(number=form.cleaned_data["into"], organization=item.organization)
        .first()
    )
    if into is None:
        error_messages(
            request,
            ValidationError(
                _("%(organization)s has no request #%(number)s.")
                % {"organization": item.organization.name, "number": form.cleaned_data["into"]}
            ),
        )
        return redirect(_back(item))
    return run_action(
        request,
        lambda: services.merge_requests(actor, item, into),
        success=lambda target: _("Merged into #%(number)s.") % {"number": target.number},
        back=_back(into),
    )


@login_required
@require_POST
def request_watch(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    user = None
    if request.POST.get("user", "").isdigit():
        user = User.objects.filter(pk=int(request.POST["user"])).first()
        if user is None:
            error_messages(request, ValidationError(_("Choose a user.")))
            return redirect(_back(item))
    watch = request.POST.get("watch", "1") == "1"
    return run_action(
        request,
        lambda: services.set_watching(actor, item, user=user, watch=watch),
        success=_("Watchers updated."),
        back=_back(item),
    )


@login_required
@require_POST
def request_cc(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    form = CcForm(request.POST)
    form.is_valid()
    return run_action(
        request,
        lambda: services.set_cc(actor, item, form.cleaned_data.get("cc", "")),
        success=_("Copies saved."),
        back=_back(item),
    )


# -- saved views ---------------------------------------------------------------------


@login_required
@require_POST
def view_save(request):
    actor = actor_of(request)
    _need(actor, "support.handle")
    form = SavedViewForm(request.POST)
    filters = {key: request.POST.get(key, "") for key in services.helpdesk.VIEW_FILTERS}
    if not form.is_valid():
        error_messages(request, ValidationError(_("Give the view a name.")))
        return redirect(reverse("support:queue") + "?" + urlencode(filters))
    return run_action(
        request,
        lambda: services.save_view(actor, name=form.cleaned_data["name"], filters=filters),
        success=_("View saved."),
        back=reverse("support:queue") + "?" + urlencode(filters),
    )


@login_required
@require_POST
def view_delete(request, pk):
    actor = actor_of(request)
    view = selectors.get_saved_view(actor, pk)
    return run_action(
        request,
        lambda: services.delete_view(actor, view),
        success=_("View removed."),
        back="support:queue",
    )


def saved_view_url(view) -> str:
    return reverse("support:queue") + "?" + urlencode(view.filters)


# -- satisfaction --------------------------------------------------------------------


@login_required
def satisfaction(request):
    actor = actor_of(request)
    _need(actor, "support.handle")
    return render(
        request,
        "support/satisfaction.html",
        {"months": selectors.satisfaction_by_month(actor), "scores": range(1, 6)},
    )
