"""Links on pages that show many of them, without reversing each one through the URL resolver
(a few hundredths of a millisecond each, and a list page shows a hundred): a link without
per-object parts is reversed once per process, and a list's row links are reversed once per
page with a stand-in for the row's id."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.urls import get_script_prefix, reverse

_STAND_IN = 918273645  # an id no row is given in a test or a demo: replaced in the reversed URL


@lru_cache(maxsize=1024)
def _reversed(name: str, args: tuple, prefix: str) -> str:
    return reverse(name, args=args)


def fixed_url(name: str, *args) -> str:
    """``reverse(name, args=args)``, remembered per script prefix (the URLs do not change while
    the process runs)."""
    return _reversed(name, args, get_script_prefix())


def url_for_each(name: str, *args) -> Callable[[int], str]:
    """The URL of each object under one pattern whose last argument is the object's id:
    ``url_for_each("ledger:voucher_detail", company.pk)(voucher.pk)`` is
    ``reverse("ledger:voucher_detail", args=[company.pk, voucher.pk])``."""
    head, _, tail = reverse(name, args=[*args, _STAND_IN]).rpartition(str(_STAND_IN))
    return lambda pk: f"{head}{int(pk)}{tail}"
