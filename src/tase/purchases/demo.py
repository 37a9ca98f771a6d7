"""Demo purchases: the first demo customer's company (the café with books) receives its
suppliers' invoices in Tase: the phone bill and the rent are approved and paid from an
accepted payment proposal, the coffee roastery's invoice is approved and waits for payment,
left out of a draft proposal that pays the roastery's next invoice less its cash discount,
and the bakery's waits for approval in the kitchen cost centre's circulation: an approver up
to 50 € first, then one without a limit. Idempotent: a company with suppliers is left alone."""

from __future__ import annotations

import datetime as dt

from tase.core.access import Actor
from tase.ledger import services as ledger
from tase.ledger.models import PeriodLock
from tase.ledger.system import SystemActor

from . import services
from .models import Supplier

SUPPLIERS = [
    {"name": "Elisa Oyj", "business_id": "0116510-6", "iban": "FI58 1017 1000 0001 22",
     "bic": "NDEAFIHH", "expense_account": "7300", "vat_code": "P", "payment_term_days": 14},
    {"name": "Kiinteistö Oy Aurinkotalo", "business_id": "1852302-9",
     "iban": "FI79 4405 2020 0360 82", "bic": "OKOYFIHH", "expense_account": "7100",
     "vat_code": "P", "payment_term_days": 7},
    {"name": "Paahtimo Papu Oy", "business_id": "2331972-7", "iban": "FI48 1950 3000 0000 10",
     "bic": "NDEAFIHH", "expense_account": "4010", "vat_code": "P-R"},
    {"name": "Leipomo Limppu Oy", "business_id": "0109862-8", "iban": "FI21 1234 5600 0007 85",
     "bic": "NDEAFIHH", "expense_account": "4010", "vat_code": "P-R"},
]  # fmt: skip
KITCHEN = "Keittiö"  # the demo's cost centre (kustannuspaikka)
# The smallest PDF a viewer opens: the scanned invoice of the demo's hand-entered invoices.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def load(ctx) -> None:
    if not ctx.customers:
        return
    company = ctx.customers[0].companies.order_by("pk").first()
    if company is None or not company.accounts.exists():
        return
    if Supplier.objects.filter(company=company).exists():
        return
    actor = SystemActor()
    today = dt.date.today()
    lock = PeriodLock.objects.filter(company=company).values_list("locked_until", flat=True)
    start = max([dt.date(today.year, 1, 1), *[day + dt.timedelta(days=1) for day in lock]])
    if start > today or ledger.default_bank_account(company) is None:
        return
    suppliers = [services.create_supplier(actor, company, **data) for data in SUPPLIERS]
    services.update_settings(actor, company, bank_service_id="12345678")

    def invoice(supplier, number, total, reference="", lines=None, **more):
        return services.create_invoice(
            actor, company, supplier=supplier, number=number, invoice_date=start,
            total=total, reference=reference, lines=lines,
            attachment=(f"{supplier.name.split()[0].lower()}-{number}.pdf", PDF), **more,
        )  # fmt: skip

    phone = invoice(suppliers[0], "80012345", "62.75", reference="RF471234567890")
    rent = invoice(suppliers[1], "2026-12", "1506.00", reference="1232")
    coffee = invoice(
        suppliers[2], "P-311", "240.08",
        lines=[{"description": "Kahvipavut 20 kg", "amount": "227.00"},
               {"description": "Suodatinpaperit", "amount": "13.08", "vat_code": "P",
                "account": "4000"}],
    )  # fmt: skip
    beans = invoice(
        suppliers[2], "P-327", "454.00", cash_discount_percent="2",
        cash_discount_date=today + dt.timedelta(days=7),
    )  # fmt: skip
    # the bakery's invoice is the first due in the list, waiting in the kitchen's circulation
    invoice(suppliers[3], "L-77", "89.40", reference="77114", cost_centre=KITCHEN, due_date=start)
    for approved in (phone, rent, coffee, beans):
        services.approve(actor, approved)
    proposal = services.create_proposal(
        actor, company, due_until=today, execution_date=today, invoices=[phone, rent]
    )
    services.accept_proposal(actor, proposal)
    services.mark_paid(actor, phone, amount_cents=phone.gross_cents, date=today)
    services.create_proposal(
        actor, company, due_until=today + dt.timedelta(days=30), execution_date=today,
        invoices=[beans],
    )  # fmt: skip
    approvers = [
        user
        for user in sorted(ctx.users.values(), key=lambda u: u.pk)
        if Actor.of(user).can_in_company("purchases.approve", company)
    ]
    for user, limit in zip(approvers, ("50.00", None), strict=False):
        services.set_approver(
            actor, company, user=user, kind="approver", limit=limit, cost_centre=KITCHEN
        )
