"""Template helpers of bookkeeping reports: amounts without the currency sign."""

import datetime as dt
from decimal import Decimal

from babel.numbers import format_decimal
from django import template
from django.utils import translation
from django.utils.formats import date_format

register = template.Library()

BABEL_LOCALES = {"fi": "fi_FI", "en": "en_FI"}


@register.filter
def amount(value):
    """Euros (Decimal) or cents (int) as 1 234,56; empty for None."""
    if value is None or value == "":
        return ""
    value = Decimal(value) / 100 if isinstance(value, int) else Decimal(str(value))
    locale = BABEL_LOCALES.get(translation.get_language() or "fi", "fi_FI")
    return format_decimal(value, format="#,##0.00", locale=locale)


@register.filter
def cell(value):
    """A report cell: amounts and dates in the active language's format."""
    if isinstance(value, Decimal):
        return amount(value)
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return "" if value is None else value


@register.filter
def is_amount(value):
    return isinstance(value, Decimal)
