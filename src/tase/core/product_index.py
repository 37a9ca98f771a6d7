"""The front page of a product (bookkeeping, sales, purchases, bank): a user with one company
goes straight to it; one with more picks from the list (an accounting office's hundreds)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render

from .access import Actor

LISTED = 200  # companies listed on the page


def product_index(request, action: str, url_name: str, template: str):
    """404 without ``action`` anywhere; the only company's ``url_name`` page; else
    ``template`` with ``companies`` (by name)."""
    actor = Actor.of(request.user)
    if not actor.can(action):
        raise Http404
    companies = actor.companies(action).order_by("name")
    first_two = list(companies[:2])
    if len(first_two) == 1:
        return redirect(url_name, first_two[0].pk)
    return render(request, template, {"companies": companies[:LISTED]})
