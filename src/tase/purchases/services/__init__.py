"""Every write of purchases: suppliers, purchase invoices in (Finvoice, by hand), the approval
circulation and posting, payment proposals, payment files and payments. One module per use
case; callers import from this package.

Each function takes the acting user, checks the permission (``purchases.manage``,
``purchases.approve``, ``purchases.pay``), runs in one transaction and records an audit event.
Bad input raises ``ValidationError`` keyed by the field at fault; nothing is written then. The
books are reached only through :mod:`tase.ledger.services`.
"""

from .approval import approve, forward, reject, remove_approver, set_approver, set_cost_centre
from .invoices import FileResult, add_attachment, create_invoice, import_finvoices, update_line
from .payments import (
    accept_proposal,
    add_payment,
    create_proposal,
    mark_paid,
    payment_file,
    remove_payment,
    set_pay_first,
    set_payment_file_version,
    update_settings,
)
from .suppliers import create_supplier, update_supplier

__all__ = [
    "FileResult",
    "accept_proposal",
    "add_attachment",
    "add_payment",
    "approve",
    "create_invoice",
    "create_proposal",
    "create_supplier",
    "forward",
    "import_finvoices",
    "mark_paid",
    "payment_file",
    "reject",
    "remove_approver",
    "remove_payment",
    "set_approver",
    "set_cost_centre",
    "set_pay_first",
    "set_payment_file_version",
    "update_line",
    "update_settings",
    "update_supplier",
]
