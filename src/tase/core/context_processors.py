from .access import Actor
from .registry import NAV, ordered


def shell(request):
    """The navigation the user's roles allow, and the actor for templates."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = Actor.of(user)
    nav = [item for item in ordered(NAV) if actor.can(item.action)]
    return {"actor": actor, "nav_items": nav}
