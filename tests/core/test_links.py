"""Links reversed once give what reversing each one gives."""

from django.urls import reverse, set_script_prefix

from tase.core import links
from tase.core.registry import NAV, ordered


def test_url_for_each_is_reverse_for_each_id():
    detail = links.url_for_each("ledger:voucher_detail", 7)
    for pk in (1, 42, 918273645, 2**31):
        assert detail(pk) == reverse("ledger:voucher_detail", args=[7, pk])


def test_the_navigation_links_are_the_reversed_ones_under_each_script_prefix():
    for item in ordered(NAV):
        assert item.url == reverse(item.url_name)
    set_script_prefix("/tase/")
    try:
        assert all(item.url.startswith("/tase/") for item in ordered(NAV))
        assert all(item.url == reverse(item.url_name) for item in ordered(NAV))
    finally:
        set_script_prefix("/")
