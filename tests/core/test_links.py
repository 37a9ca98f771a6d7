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


def test_the_url_tag_gives_what_reverse_gives_and_remembers_only_plain_ids():
    """Every template's ``{% url %}`` is Tase's: the same text as Django's reverse, the `as`
    form and a missing name behaving as Django's do, and a reversal done once per name and ids."""
    import pytest
    from django.template import engines
    from django.urls import NoReverseMatch

    from tase.core.models import Company

    render = lambda text, **context: engines["django"].from_string(text).render(context)  # noqa: E731
    links._reversed.cache_clear()
    company = Company(pk=5)
    text = (
        "{% url 'ledger:home' pk %}|{% url 'ledger:report' pk 'vat-return' as report %}{{ report }}"
    )
    assert render(text, pk=5) == (
        f"{reverse('ledger:home', args=[5])}|{reverse('ledger:report', args=[5, 'vat-return'])}"
    )
    render(text, pk=5)
    assert links._reversed.cache_info().hits == 2  # the second page reversed nothing
    # An object is reversed as it comes (its text may change), not remembered.
    assert render("{% url 'ledger:home' c.pk %}", c=company) == reverse("ledger:home", args=[5])
    with pytest.raises(NoReverseMatch):
        render("{% url 'ledger:home' %}")
    assert render("{% url 'no-such-page' as missing %}[{{ missing }}]") == "[]"
    set_script_prefix("/tase/")
    try:
        assert render("{% url 'ledger:home' 5 %}") == "/tase/ledger/5/"
    finally:
        set_script_prefix("/")
