"""Every write of sales: customers, products, invoices (draft, send, credit), payments,
delivery (PDF, email), reminders and collection, CSV imports and migrated open invoices, recurring invoices. One module per use case; callers import from this package.

Each function takes the acting user, checks the permission (``sales.invoice``,
``sales.payments``), runs in one transaction and records an audit event. Bad input raises
``ValidationError`` keyed by the field at fault, line problems under ``lines`` naming the
line; nothing is written then. The books are reached only through
:mod:`tase.ledger.services`.
"""

from .collection import create_reminder, create_reminders, email_reminder, hand_to_collection
from .customers import create_customer, update_customer
from .imports import import_customers, import_open_invoices
from .invoices import create_invoice, update_invoice
from .migration import migrate_open_invoice
from .payments import Received, record_payment, record_payments
from .products import create_product
from .recurring import change_prices, create_agreement, end_agreement
from .recurring import generate as generate_recurring
from .sending import credit_invoice, send_invoice
from .settings import update_settings as update_sales_settings
from .vendor_billing import gather as gather_vendor_billing

__all__ = [
    "Received",
    "change_prices",
    "create_agreement",
    "create_customer",
    "create_invoice",
    "create_product",
    "create_reminder",
    "create_reminders",
    "credit_invoice",
    "email_reminder",
    "end_agreement",
    "gather_vendor_billing",
    "generate_recurring",
    "hand_to_collection",
    "import_customers",
    "import_open_invoices",
    "migrate_open_invoice",
    "record_payment",
    "record_payments",
    "send_invoice",
    "update_customer",
    "update_invoice",
    "update_sales_settings",
]
