"""What the delivery pages share: the acting user and the plain form page."""

from __future__ import annotations

from django.shortcuts import render

from tase.core.access import Actor


def _actor(request) -> Actor:
    return Actor.of(request.user)


def _form_page(request, form, title, subtitle="", *, multipart=False):
    return render(
        request,
        "delivery/form_page.html",
        {"form": form, "title": title, "subtitle": subtitle, "multipart": multipart},
    )
