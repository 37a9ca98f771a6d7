"""Template helpers available in every template: money, permission checks."""

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils import translation

register = template.Library()

BABEL_LOCALES = {"fi": "fi_FI", "en": "en_FI"}


def format_money(amount, language: str | None = None) -> str:
    """Euros in the active language: 1 234,56 € in Finnish. ``amount`` in euros (Decimal)
    or, for ``int``, in cents. Rounded half up to the cent only for display."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount) / 100 if isinstance(amount, int) else Decimal(str(amount))
    locale = BABEL_LOCALES.get(language or translation.get_language() or "fi", "fi_FI")
    return format_currency(value, "EUR", locale=locale)


@register.filter
def source_url(voucher):
    """The URL of the document a voucher was posted from (tase.core.registry.SOURCE_LINKS)."""
    from tase.core.registry import source_url as lookup

    return lookup(voucher)


@register.filter
def money(amount):
    return format_money(amount)


def format_number(value, language: str | None = None) -> str:
    """A decimal (or its string) in the active language, without exponent or trailing
    zeros, up to 4 decimals: 20,5 · 1,5 · 1 234,5. Empty for None or ""."""
    if value is None or value == "":
        return ""
    locale = BABEL_LOCALES.get(language or translation.get_language() or "fi", "fi_FI")
    return format_decimal(Decimal(str(value)), format="#,##0.####", locale=locale)


@register.filter
def number(value):
    return format_number(value)


@register.filter
def amount_input(cents):
    """Cents as euros to type over in a form field: 1234,56 in Finnish, without the
    grouping the money filter adds (the services read either decimal mark)."""
    if cents is None or cents == "":
        return ""
    text = f"{Decimal(cents) / 100:.2f}"  # an ASCII minus, which the services read
    return text.replace(".", ",") if (translation.get_language() or "fi") == "fi" else text


@register.filter
def percent(value):
    """A rate in percent: 20,5 %."""
    text = format_number(value)
    return f"{text}\xa0%" if text else ""


@register.filter
def year(value):
    """A year (or any identifier-like integer) without a thousands separator: 2026."""
    return "" if value is None else str(value)


@register.simple_tag(takes_context=True)
def can(context, action, organization=None):
    actor = context.get("actor")
    return bool(actor and actor.can(action, organization))
