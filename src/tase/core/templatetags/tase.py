"""Template helpers available in every template: money, permission checks, and Django's
``{% url %}`` with its reversal remembered."""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern, format_currency, get_decimal_symbol, parse_pattern
from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

register = template.Library()


class RememberedURLNode(URLNode):
    """Django's ``{% url %}`` node whose reversal is remembered per process
    (:func:`tase.core.links.remembered_reverse`): the start page's cards reversed about
    twenty-five links a view, a third of their template's time. Django's ``render``, with
    that one call changed."""

    def render(self, context):
        from tase.core.links import remembered_reverse

        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = remembered_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """``{% url %}`` as Django parses it (this library is a builtin loaded after Django's, so
    its tag takes the name in every template), rendered by :class:`RememberedURLNode`."""
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


PARAMETER_UNITS = {  # the units of src/tase/rules/params/*.yaml, for the parameters page
    "percent": _l("percent"),
    "age in years": _l("age in years"),
    "euros": _l("euros"),
    "days": _l("days"),
    "EUR per month": _l("EUR per month"),
    "EUR per meal": _l("EUR per meal"),
    "EUR per day": _l("EUR per day"),
    "years": pgettext_lazy("unit", "years"),
    "weekdays per full month": _l("weekdays per full month"),
    "percentage points": _l("percentage points"),
    "percent of the credit year's wages for time at work": _l(
        "percent of the credit year's wages for time at work"
    ),
    "percent by age band": _l("percent by age band"),
    "hours per day": _l("hours per day"),
    "hours": pgettext_lazy("unit", "hours"),
    "divisor": _l("divisor"),
    "days per year": _l("days per year"),
    "days per week": _l("days per week"),
    "coefficient by holiday days": _l("coefficient by holiday days"),
    "age in years; upper age by year of birth": _l("age in years; upper age by year of birth"),
    "EUR per year": _l("EUR per year"),
    "EUR per km": _l("EUR per km"),
    "euros a year, percent, days": _l("euros a year, percent, days"),
    "euros; persons on average": _l("euros; persons on average"),
    "months, percent": _l("months, percent"),
    "weekdays": _l("weekdays"),
    "working days": _l("working days"),
}


@register.filter
def parameter_unit(unit):
    """A statutory parameter's unit in the active language (as written when unknown)."""
    label = PARAMETER_UNITS.get(unit)
    return unit if label is None else str(label)


CENT = Decimal("0.01")
BABEL_LOCALES = {"fi": "fi_FI", "en": "en_FI"}


@cache
def _locale(language: str) -> Locale:
    """Babel's locale of a language, parsed once: a page prints a hundred amounts, and
    parsing the locale and the pattern again for each was most of a report's formatting."""
    return Locale.parse(BABEL_LOCALES.get(language, "fi_FI"))


@cache
def _pattern(format: str) -> NumberPattern:
    return parse_pattern(format)


def _format_decimal(value: Decimal, format: str, language: str | None) -> str:
    """babel's ``format_decimal`` (same rounding, signs and separators) in ``language``, else
    the active one, with the locale and the pattern parsed once."""
    return _pattern(format).apply(value, _locale(language or translation.get_language() or "fi"))


def to_cent(value: Decimal) -> Decimal:
    """``value`` rounded half up (away from zero) to the cent, as a Finn rounds a sum shown in
    euros: babel itself would round half to even (0,125 € as 0,12 €)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class _CentLayout:
    """How a language writes an amount of whole cents, read once from babel's own output for a
    sample: the group and decimal separators of the ``#,##0.00`` pattern (groups of three), and
    what stands before and after the digits of a positive and a negative amount, plain and as
    euros. Writing from these is babel's text to the character (tests/core/test_money_formats.py)
    at a tenth of the cost: a report page prints hundreds of amounts."""

    group: str
    decimal: str
    plain: tuple[tuple[str, str], tuple[str, str]]  # (positive, negative) (before, after)
    euros: tuple[tuple[str, str], tuple[str, str]]

    def write(self, negative: bool, cents: int, money: bool) -> str:
        whole, part = divmod(cents, 100)
        before, after = (self.euros if money else self.plain)[negative]
        digits = f"{whole:,}".replace(",", self.group)
        return f"{before}{digits}{self.decimal}{part:02d}{after}"


_SAMPLE = Decimal("1234567.89")


def _around(text: str, digits: str) -> tuple[str, str]:
    before, found, after = text.partition(digits)
    if not found:
        raise ValueError(f"{digits!r} not in {text!r}")
    return before, after


@cache
def _cent_layout(language: str) -> _CentLayout | None:
    """The layout of ``language``, or None when babel's output does not split as expected
    (another grouping, digits of another script): babel then formats every amount itself."""
    locale = _locale(language)
    pattern = _pattern("#,##0.00")
    digits = pattern.apply(_SAMPLE, locale)
    found = re.fullmatch(r"1(?P<group>\D+)234(?P=group)567(?P<decimal>\D+)89", digits)
    if found is None:
        return None
    try:
        return _CentLayout(
            group=found["group"],
            decimal=found["decimal"],
            plain=tuple(_around(pattern.apply(v, locale), digits) for v in (_SAMPLE, -_SAMPLE)),
            euros=tuple(
                _around(format_currency(v, "EUR", locale=locale), digits)
                for v in (_SAMPLE, -_SAMPLE)
            ),
        )
    except ValueError:
        return None


def _write_cents(negative: bool, cents: int, language: str | None, money: bool) -> str | None:
    """``cents`` (not negative) with the sign, in ``language``; None without a layout."""
    layout = _cent_layout(language or translation.get_language() or "fi")
    return None if layout is None else layout.write(negative, cents, money)


def _cents_of(value: Decimal) -> tuple[bool, int]:
    """A value rounded to the cent as (negative, cents): babel writes -0,00 for a negative
    amount that rounds to zero, so the sign is the value's own."""
    return value.is_signed(), abs(int(value.scaleb(2)))


def format_money(amount, language: str | None = None) -> str:
    """Euros in the active language: 1 234,56 € in Finnish. ``amount`` in euros (Decimal)
    or, for ``int``, in cents. Rounded half up (away from zero) to the cent only for display."""
    if amount is None or amount == "":
        return ""
    if isinstance(amount, int):
        negative, cents = amount < 0, abs(amount)
    else:
        negative, cents = _cents_of(to_cent(Decimal(str(amount))))
    text = _write_cents(negative, cents, language, money=True)
    if text is not None:
        return text
    value = Decimal(-cents if negative else cents) / 100
    return format_currency(
        value, "EUR", locale=_locale(language or translation.get_language() or "fi")
    )


@register.filter
def source_url(voucher):
    """The URL of the document a voucher was posted from (tase.core.registry.SOURCE_LINKS)."""
    from tase.core.registry import source_url as lookup

    return lookup(voucher)


@register.filter
def money(amount):
    return format_money(amount)


@register.filter(is_safe=True)
def one_line(value):
    """``value`` with its line breaks as spaces: a text printed where the breaks are the
    template's own (``white-space: pre-line``, the PDFs' address blocks) keeps to its line,
    as it did between ``<br>`` elements, where HTML shows a line break as a space."""
    return str(value).replace("\r", " ").replace("\n", " ")


def format_number(value, language: str | None = None) -> str:
    """A decimal (or its string) in the active language, without exponent or trailing
    zeros, up to 4 decimals: 20,5 · 1,5 · 1 234,5. Empty for None or ""."""
    if value is None or value == "":
        return ""
    return _format_decimal(Decimal(str(value)), "#,##0.####", language)


def format_amount(value, language: str | None = None) -> str:
    """Euros with two decimals and no currency sign, for a text that writes the sign itself:
    1 234,50. Rounded half up (away from zero) to the cent only for display. Empty for None
    or ""."""
    if value is None or value == "":
        return ""
    cent = to_cent(Decimal(str(value)))
    text = _write_cents(*_cents_of(cent), language, money=False)
    return _format_decimal(cent, "#,##0.00", language) if text is None else text


def format_cents(cents: int, language: str | None = None) -> str:
    """Cents as euros with two decimals and no currency sign: 123456 → 1 234,56."""
    text = _write_cents(cents < 0, abs(cents), language, money=False)
    return _format_decimal(Decimal(cents) / 100, "#,##0.00", language) if text is None else text


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
def number_or_text(value):
    """A number in the active language when ``value`` is one ("24.81" → 24,81), else as is."""
    try:
        return format_number(value)
    except (InvalidOperation, ValueError, TypeError):
        return value


# A decimal number in a computation text ("36000.00 / 240"), not a part of a date (1.4.2026).
_DECIMAL_IN_TEXT = re.compile(r"(?<![\d.])-?\d+\.\d+(?![.\d])")


@register.filter
def numbers_in(text):
    """A computation written with decimal points, its numbers in the active language:
    "145.00 * 27.8" reads 145,00 * 27,8 in Finnish (the decimals as written, no grouping)."""
    if not text:
        return text
    mark = get_decimal_symbol(_locale(translation.get_language() or "fi"))
    return _DECIMAL_IN_TEXT.sub(lambda number: number.group().replace(".", mark), str(text))


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


@register.filter
def audit_action(action):
    """An audit event's action in words (tase.core.audit_display)."""
    from tase.core.audit_display import action_label

    return action_label(action)


@register.filter
def audit_changes(event):
    """An audit event's changes as (field, before, after) in words."""
    from tase.core.audit_display import change_rows

    return change_rows(event)


@register.filter
def role_label(value):
    """A role's name in the active language (its stored value otherwise)."""
    from tase.core.roles import Role

    try:
        return Role(value).label
    except ValueError:
        return value
