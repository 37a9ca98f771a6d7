"""Guides (the knowledge base): public ones are readable without signing in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.editing import run_action, save_form

from .. import markup, selectors, services
from ..forms import (
    GuideForm,
    GuideImageForm,
)
from ..models import (
    Guide,
    GuideCategory,
    GuideImage,
)
from ._common import _need, _visible_actor, actor_of


@login_not_required
def guide_list(request):
    actor = _visible_actor(request)
    query = request.GET.get("q", "").strip()
    language = request.GET.get("language", "")
    if query:
        guides = selectors.search_guides(actor, query, limit=50)
        if language in Guide.Language.values:
            guides = [g for g in guides if g.language == language]
        categories = None
    else:
        guides = None
        visible = selectors.guides_for(actor)
        if language in Guide.Language.values:
            visible = visible.filter(language=language)
        categories = {}
        for guide in visible.order_by("category__order", "category__name", "title"):
            categories.setdefault(guide.category, []).append(guide)
    return render(
        request,
        "support/guide_list.html",
        {
            "query": query,
            "guides": guides,
            "categories": categories,
            "language": language,
            "languages": Guide.Language.choices,
            "publisher": actor is not None and actor.can("support.publish"),
        },
    )


@login_not_required
def guide_detail(request, pk):
    actor = _visible_actor(request)
    guide = selectors.get_guide(actor, pk)
    related = selectors.guides_for(actor).filter(pk__in=guide.related.values("pk"))
    voted = str(guide.pk) in request.session.get("support_guide_votes", [])
    return render(
        request,
        "support/guide_detail.html",
        {
            "guide": guide,
            "body": markup.render(guide.body),
            "related": related,
            "voted": voted,
            "publisher": actor is not None and actor.can("support.publish", guide.organization),
            "versions": guide.versions.all()[:10] if actor and actor.can("support.publish") else [],
            "images": guide.images.all() if actor and actor.can("support.publish") else [],
            "image_form": GuideImageForm(),
        },
    )


@login_not_required
@require_POST
def guide_vote(request, pk):
    actor = _visible_actor(request)
    guide = selectors.get_guide(actor, pk)
    votes = request.session.get("support_guide_votes", [])
    if str(guide.pk) not in votes:
        services.vote_guide(guide, request.POST.get("helpful") == "yes")
        request.session["support_guide_votes"] = [*votes, str(guide.pk)][-200:]
    if request.htmx:
        return HttpResponse(_("Thank you for your feedback."))
    messages.success(request, _("Thank you for your feedback."))
    return redirect("support:guide_detail", pk)


@login_not_required
def guide_image(request, pk):
    actor = _visible_actor(request)
    try:
        image = GuideImage.objects.select_related("guide").get(pk=pk)
    except GuideImage.DoesNotExist:
        raise Http404 from None
    selectors.get_guide(actor, image.guide_id)  # the image is as visible as its guide
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _guide_form(request, actor, guide=None):
    vendors = [
        m.organization
        for m in actor.staff_memberships
        if actor.can("support.publish", m.organization)
    ]
    if not vendors:
        raise Http404
    categories = GuideCategory.objects.filter(organization=vendors[0])
    guides = Guide.objects.filter(organization=vendors[0])
    if guide is not None:
        guides = guides.exclude(pk=guide.pk)
        initial = {
            "title": guide.title,
            "category": guide.category,
            "language": guide.language,
            "visibility": guide.visibility,
            "body": guide.body,
            "related": list(guide.related.all()),
            "is_published": guide.is_published,
        }
    else:
        initial = {"is_published": True}
    form = GuideForm(request.POST or None, initial=initial, categories=categories, guides=guides)

    def save(data):
        data = dict(data)
        related = data.pop("related")
        return services.save_guide(actor, guide, related=related, **data)

    if done := save_form(
        request,
        form,
        save,
        success=_("Guide saved."),
        redirect_to=lambda saved: reverse("support:guide_detail", args=[saved.pk]),
    ):
        return done
    return render(
        request,
        "support/form_page.html",
        {
            "form": form,
            "title": _("Edit guide") if guide else _("New guide"),
            "back": reverse("support:guide_list"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def guide_create(request):
    actor = actor_of(request)
    _need(actor, "support.publish")
    return _guide_form(request, actor)


@login_required
def guide_edit(request, pk):
    actor = actor_of(request)
    guide = selectors.get_guide(actor, pk)
    actor.require("support.publish", guide.organization)
    return _guide_form(request, actor, guide)


@login_required
@require_POST
def guide_image_upload(request, pk):
    actor = actor_of(request)
    guide = selectors.get_guide(actor, pk)
    if not actor.can("support.publish", guide.organization):
        raise PermissionDenied  # the guide is readable, uploading to it is not: 403
    form = GuideImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return redirect("support:guide_detail", pk)
    return run_action(
        request,
        lambda: services.add_guide_image(actor, guide, form.cleaned_data["image"]),
        success=lambda image: (
            _("Image uploaded: ![%(name)s](%(url)s)")
            % {"name": image.name, "url": reverse("support:guide_image", args=[image.pk])}
        ),
        back=reverse("support:guide_detail", args=[pk]),
    )
