"""Announcements: the list, the page and the staff's form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core.editing import save_form
from tase.core.models import Organization

from .. import markup, selectors, services
from ..forms import (
    AnnouncementForm,
)
from ._common import _need, actor_of


@login_required
def announcement_list(request):
    actor = actor_of(request)
    publisher = actor.can("support.publish")
    items = selectors.with_read_marks(
        selectors.announcements_for(actor, current_only=not publisher), request.user
    )
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "support/announcement_list.html", {"page": page, "publisher": publisher})


@login_required
def announcement_detail(request, pk):
    actor = actor_of(request)
    announcement = selectors.get_announcement(actor, pk)
    services.mark_read(actor, announcement)
    return render(
        request,
        "support/announcement_detail.html",
        {
            "announcement": announcement,
            "body": markup.render(announcement.body),
            "publisher": actor.can("support.publish", announcement.organization),
        },
    )


def _announcement_form(request, actor, announcement=None):
    organizations = Organization.objects.filter(
        pk__in=actor.organizations("support.publish").values("pk"),
        kind=Organization.Kind.CUSTOMER,
    )
    initial = {}
    if announcement is not None:
        initial = {
            "title": announcement.title,
            "body": announcement.body,
            "kind": announcement.kind,
            "audience": announcement.audience,
            "module": announcement.module,
            "organizations": list(announcement.organizations.all()),
            "publish_at": timezone.localtime(announcement.publish_at).strftime("%Y-%m-%dT%H:%M"),
            "expire_at": timezone.localtime(announcement.expire_at).strftime("%Y-%m-%dT%H:%M")
            if announcement.expire_at
            else None,
        }
    else:
        initial = {"publish_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    form = AnnouncementForm(request.POST or None, initial=initial, organizations=organizations)

    def save(data):
        data = dict(data)
        chosen = data.pop("organizations")
        if announcement is None:
            return services.create_announcement(actor, organizations=chosen, **data)
        return services.update_announcement(actor, announcement, organizations=chosen, **data)

    if done := save_form(
        request,
        form,
        save,
        success=_("Announcement saved."),
        redirect_to=lambda saved: reverse("support:announcement_detail", args=[saved.pk]),
    ):
        return done
    return render(
        request,
        "support/form_page.html",
        {
            "form": form,
            "title": _("Edit announcement") if announcement else _("New announcement"),
            "back": reverse("support:announcement_list"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def announcement_create(request):
    actor = actor_of(request)
    _need(actor, "support.publish")
    return _announcement_form(request, actor)


@login_required
def announcement_edit(request, pk):
    actor = actor_of(request)
    announcement = selectors.get_announcement(actor, pk)
    actor.require("support.publish", announcement.organization)
    return _announcement_form(request, actor, announcement)
