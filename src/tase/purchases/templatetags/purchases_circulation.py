"""Template tags of the purchase pages: whom an invoice waits for in the circulation."""

from django import template

from tase.purchases import selectors

register = template.Library()


@register.simple_tag
def waiting_for(invoice) -> list:
    """The users the open invoice waits for (:func:`tase.purchases.selectors.waiting_for`)."""
    return selectors.waiting_for(invoice)
