"""Every write of bank: statements imported and matched, lines posted, matched or ignored,
rules and settings. Each function checks ``bank.reconcile``, runs in one transaction and
records an audit event; bad input raises ``ValidationError`` keyed by the field, nothing
written then. The books are reached only through :mod:`tase.ledger.services`, invoices only
through the matchers apps register (:mod:`tase.bank.matching`)."""

from .lines import (
    accept_proposal,
    create_rule,
    delete_rule,
    ignore_line,
    post_line,
    update_settings,
)
from .statements import Imported, import_statements

__all__ = [
    "Imported",
    "accept_proposal",
    "create_rule",
    "delete_rule",
    "ignore_line",
    "import_statements",
    "post_line",
    "update_settings",
]
