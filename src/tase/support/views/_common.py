"""Shared by the support pages: the acting user and the pages a role does not reach."""

from __future__ import annotations

from django.http import Http404

from tase.core.access import Actor
from tase.core.views import actor_of


def _need(actor: Actor, *actions: str) -> None:
    """A page the actor's roles do not reach at all does not exist for them."""
    if not any(actor.can(action) for action in actions):
        raise Http404


def _visible_actor(request) -> Actor | None:
    return actor_of(request) if request.user.is_authenticated else None
