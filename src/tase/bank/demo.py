"""Demo bank: the café's statement of this month so far, imported as a bank would send it. A
customer paid the open catering invoice with its reference (matched: the invoice is paid), the
phone bill went out to Elisa (proposed by the saved rule "Elisa Oyj → 7700, P"), and a deposit
no one has explained yet is left for the accountant. Idempotent: a company with statements is
left alone.
"""

from __future__ import annotations

import datetime as dt

from tase.ledger import services as ledger
from tase.ledger.system import SystemActor
from tase.sales.models import Invoice

from . import services
from .models import Statement
from .sample import Payment, statement_xml


def load(ctx) -> None:
    if not ctx.customers:
        return
    company = ctx.customers[0].companies.order_by("pk").first()
    if company is None or not company.accounts.filter(number="7700").exists():
        return
    account = ledger.default_bank_account(company)
    if account is None or Statement.objects.filter(company=company).exists():
        return
    actor = SystemActor()
    today = dt.date.today()
    start = today.replace(day=1)
    payments = [
        Payment(today, -4990, "Elisa Oyj", "FI4250001510000023", message="Lasku 881234567"),
        Payment(today, 25000, "Matti Meikäläinen", "FI5810171000000122", message="Vuokratakuu"),
    ]
    invoice = (
        Invoice.objects.filter(company=company, status=Invoice.Status.SENT, kind="invoice")
        .exclude(reference="")
        .order_by("number")
        .first()
    )
    if invoice is not None and invoice.invoice_date >= start:
        payments.insert(
            0,
            Payment(today, invoice.open_cents, invoice.customer.name, reference=invoice.reference),
        )
    services.create_rule(actor, company, counterparty="Elisa Oyj", account="7700", vat_code="P")
    data = statement_xml(account.iban, start, today, 2_400_000, payments, owner=company.name)
    services.import_statements(actor, company, data, name="tiliote-demo.xml")
