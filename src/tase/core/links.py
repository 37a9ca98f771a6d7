"""Links on pages that show many of them, without reversing each one through the URL resolver
(a few hundredths of a millisecond each, and a list page shows a hundred): a link is reversed
once per process for the same name and ids (every template's ``{% url %}`` too, through
tase.core.templatetags.tase), and a list's row links once per page with a stand-in for the
row's id."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_IN = 918273645  # an id no row is given in a test or a demo: replaced in the reversed URL


@lru_cache(maxsize=4096)
def _reversed(name: str, args: tuple, kwargs: tuple, current_app, prefix: str, urlconf) -> str:
    return reverse(name, args=args, kwargs=dict(kwargs), current_app=current_app)


def remembered_reverse(name, args=(), kwargs=None, current_app=None) -> str:
    """``reverse()``, remembered per process, script prefix and URLconf when the arguments are
    plain ids and slugs (the URLs do not change while the process runs); anything else (a
    model instance, a lazy text) is reversed as it comes. A name that does not reverse raises
    ``NoReverseMatch`` every time: a failure is never remembered."""
    kwargs = kwargs or {}
    if isinstance(name, str) and all(map(_plain, args)) and all(map(_plain, kwargs.values())):
        return _reversed(
            name,
            tuple(args),
            tuple(sorted(kwargs.items())),
            current_app,
            get_script_prefix(),
            get_urlconf(),
        )
    return reverse(name, args=args, kwargs=kwargs, current_app=current_app)


def _plain(value) -> bool:
    """An id or a slug (a template's literal is a safe text, a kind of str), whose text is the
    URL's part; not a bool, a model instance or a lazy text."""
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def fixed_url(name: str, *args) -> str:
    """``reverse(name, args=args)``, remembered (:func:`remembered_reverse`)."""
    return remembered_reverse(name, args)


def url_for_each(name: str, *args) -> Callable[[int], str]:
    """The URL of each object under one pattern whose last argument is the object's id:
    ``url_for_each("ledger:voucher_detail", company.pk)(voucher.pk)`` is
    ``reverse("ledger:voucher_detail", args=[company.pk, voucher.pk])``."""
    head, _, tail = remembered_reverse(name, (*args, _STAND_IN)).rpartition(str(_STAND_IN))
    return lambda pk: f"{head}{int(pk)}{tail}"
