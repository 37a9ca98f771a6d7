"""Template tags of the payment proposal page: the account's available balance and the due
invoices the draft could still pay."""

from django import template

from tase.purchases import selectors

register = template.Library()


@register.simple_tag
def available_balance(proposal):
    """:func:`tase.purchases.selectors.available_balance` of the proposal's account."""
    return selectors.available_balance(proposal.bank_account)


@register.simple_tag
def left_out(proposal) -> list:
    """:func:`tase.purchases.selectors.left_out`."""
    return selectors.left_out(proposal)


@register.simple_tag
def payment_file_versions(company) -> list:
    """:func:`tase.purchases.selectors.payment_file_versions`."""
    return selectors.payment_file_versions(company)
