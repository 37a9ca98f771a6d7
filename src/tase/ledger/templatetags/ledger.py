"""Template helpers of bookkeeping reports: amounts without the currency sign."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.formats import date_format

from tase.core.templatetags.tase import format_amount, format_cents

register = template.Library()


@register.filter
def amount(value):
    """Euros (Decimal) or cents (int) as 1 234,56; empty for None."""
    if value is None or value == "":
        return ""
    return format_cents(value) if isinstance(value, int) else format_amount(value)


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
