"""Demo sales: the first demo customer's company (the café with books) moved its invoicing to
Tase after its last locked month. Its open invoices came from the previous system (migrated:
an overdue one has a payment reminder, one is partly paid); since the move it has invoiced its
catering customers: paid, open and credited invoices and a monthly recurring invoice.
Idempotent: a company that has sales customers already is left alone.
"""

from __future__ import annotations

import datetime as dt

from tase.ledger import services as ledger
from tase.ledger.models import PeriodLock
from tase.ledger.system import SystemActor

from . import services
from .models import Customer

CUSTOMERS = [
    {"name": "Tilitoimisto Laskupää Oy", "business_id": "0112038-9", "street": "Hämeenkatu 5",
     "postcode": "33100", "town": "Tampere", "email": "laskut@laskupaa.example"},
    {"name": "Rakennus Kivi Oy", "business_id": "0737546-2", "street": "Satakunnankatu 12",
     "postcode": "33210", "town": "Tampere", "email": "ostot@kivi.example",
     "interest_policy": "contract", "contract_interest_rate": "8"},
    {"name": "Liisa Lahtinen", "kind": "consumer", "street": "Pispalan valtatie 30",
     "postcode": "33250", "town": "Tampere", "email": "liisa@example.fi"},
]  # fmt: skip
PRODUCTS = [
    {"code": "LOUNAS", "name": "Lounas", "unit": "kpl", "price": "13.50", "vat_code": "S-R"},
    {"code": "KAHVI", "name": "Kahvitarjoilu", "unit": "hlö", "price": "6.00", "vat_code": "S-R"},
    {"code": "TILA", "name": "Tilavuokra", "unit": "h", "price": "40.00", "vat_code": "S"},
]


def _lines(*rows):
    return [{"product": code, "quantity": str(quantity)} for code, quantity in rows]


def load(ctx) -> None:
    if not ctx.customers:
        return
    company = ctx.customers[0].companies.order_by("pk").first()
    if company is None or not company.accounts.exists():
        return
    if Customer.objects.filter(company=company).exists():
        return
    actor = SystemActor()
    if ledger.default_bank_account(company) is None:
        ledger.create_bank_account(
            actor, company, iban="FI21 1234 5600 0007 85", bic="NDEAFIHH", account="1910"
        )
    services.update_sales_settings(actor, company, einvoice_address="003723456780")
    customers = [services.create_customer(actor, company, **data) for data in CUSTOMERS]
    for product in PRODUCTS:
        services.create_product(actor, company, **product)
    today = dt.date.today()
    lock = PeriodLock.objects.filter(company=company).values_list("locked_until", flat=True)
    moved = max([dt.date(today.year, 1, 1), *[day + dt.timedelta(days=1) for day in lock]])
    old = services.migrate_open_invoice(
        actor, company, number=4711, customer=customers[1],
        invoice_date=today - dt.timedelta(days=70), due_date=today - dt.timedelta(days=56),
        lines=[{"description": "Pitopalvelu, syyskuu", "unit_price": "1240.00"}],
        prices_include_vat=True,
    )  # fmt: skip
    services.create_reminder(actor, old, date=today - dt.timedelta(days=20))
    services.migrate_open_invoice(
        actor, company, number=4720, customer=customers[0], open_amount="150.00",
        invoice_date=today - dt.timedelta(days=40), due_date=today - dt.timedelta(days=26),
        lines=[{"description": "Kokoustarjoilut", "unit_price": "450.00"}],
        prices_include_vat=True,
    )  # fmt: skip
    if moved > today:
        return

    def invoice(customer, rows):
        draft = services.create_invoice(
            actor, company, customer=customer, invoice_date=moved, lines=_lines(*rows)
        )
        return services.send_invoice(actor, draft)

    paid = invoice(customers[0], [("LOUNAS", 24), ("KAHVI", 30)])
    services.record_payment(actor, paid, date=today, amount=paid.gross_cents / 100)
    invoice(customers[1], [("TILA", 6), ("LOUNAS", 12)])
    credited = invoice(customers[2], [("KAHVI", 8)])
    services.credit_invoice(actor, credited, date=today)
    services.create_agreement(
        actor, company, customer=customers[0], name="Aamukahvit", start=moved,
        lines=_lines(("KAHVI", 40)),
    )  # fmt: skip
    services.generate_recurring(actor, company, until=today)
