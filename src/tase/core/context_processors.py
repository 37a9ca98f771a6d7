from django.utils.functional import SimpleLazyObject

from . import notifications
from .access import Actor
from .registry import BANNER_SOURCES, NAV, ordered


def shell(request):
    """The navigation the user's roles allow, the banners on top of every page, and the actor."""
    user = getattr(request, "user", None)
    banners = [banner for source in BANNER_SOURCES.values() for banner in source.banners(request)]
    if user is None or not user.is_authenticated:
        return {"banners": banners}
    actor = Actor.of(user)
    nav = [item for item in ordered(NAV) if actor.can(item.action)]
    return {
        "actor": actor,
        "nav_items": nav,
        "banners": banners,
        "unread_notifications": SimpleLazyObject(lambda: notifications.unread_count(user)),
    }
