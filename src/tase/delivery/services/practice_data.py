"""Practice data for the customer's test environment, so a trainee can practise each training
topic at once: a month of sales invoices (some paid), a month of purchases, and a pay run of
the two made-up employees.

Core's ``create_test_environment`` has already copied the production configuration (chart of
accounts, fiscal years, VAT settings, voucher series, wage types, payroll settings) and each
app has added its own samples (a few vouchers, two made-up employees). What is added here goes
only through the other apps' public services (:mod:`tase.ledger.services`,
:mod:`tase.sales.services`, :mod:`tase.payroll.services`), never their models. Each piece that
the copy cannot take (no open fiscal year for the month, an account the chart lacks) is left
out rather than failing the whole copy; what was added is returned and kept on the project.

The figures are made up for practice: no rate or limit is stated here (the services take the
VAT rates and payroll parameters from the dated rules).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core.models import Company, Organization

SOURCE = "sample"  # purchases carry it, so "customer has tested" leaves them out

# The example account of the Finnish banks' IBAN documentation (FI21 1234 5600 0007 85), used
# only when the real company has no bank account to copy; it is a made-up account.
PRACTICE_IBAN, PRACTICE_BIC = "FI2112345600000785", "NDEAFIHH"

CUSTOMERS = (
    ("Harjoitusasiakas Oy", "harjoitus@example.com"),
    ("Testikauppa Ky", "testikauppa@example.com"),
    ("Malliyritys Oy", "malli@example.com"),
)
# (day of the month, customer index, description, quantity, unit price without VAT, paid)
INVOICES = (
    (3, 0, "Konsultointi", "6", "95.00", True),
    (6, 1, "Tuotepaketti", "2", "240.00", True),
    (10, 2, "Asennustyö", "4", "75.00", True),
    (14, 0, "Ylläpitosopimus", "1", "390.00", False),
    (19, 1, "Tuotepaketti", "3", "240.00", False),
    (24, 2, "Koulutus", "5", "85.00", False),
)
# (day, description, [(account, debit, credit, VAT code)]); amounts include VAT.
PURCHASES = (
    (4, "Toimistotarvikkeet", [("4000", "186.00", None, "P"), ("2870", None, "186.00", "")]),
    (8, "Tavaraostot", [("4000", "1240.00", None, "P"), ("2870", None, "1240.00", "")]),
    (15, "Vuokra", [("7100", "1000.00", None, "P"), ("1910", None, "1000.00", "")]),
    (22, "Tavaraostot", [("4000", "620.00", None, "P"), ("2870", None, "620.00", "")]),
    (27, "Ostolaskun maksu", [("2870", "1240.00", None, ""), ("1910", None, "1240.00", "")]),
)
HOURLY_EMPLOYEE_HOURS = "120"


class PracticeActor:
    """Who adds the practice data: the system, allowed everything in the test company only
    (the audit trail records its events without a user, as "system")."""

    user = None
    is_vendor_staff = True
    memberships: list = []

    def __init__(self, company: Company):
        self._company = company

    def can(self, action: str, organization=None) -> bool:
        return organization is None or organization.pk == self._company.organization_id

    def can_in_company(self, action: str, company) -> bool:
        return company.pk == self._company.pk

    def require(self, action: str, organization=None) -> None:
        return None

    def companies(self, action: str | None = None):
        return Company.objects.filter(pk=self._company.pk).select_related("organization")

    def organizations(self, action: str | None = None):
        return Organization.objects.filter(pk=self._company.organization_id)

    def company(self, pk, action: str | None = None) -> Company:
        if str(pk) != str(self._company.pk):
            raise Http404
        return self.companies().get()


def _month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last whole month before ``today``."""
    first_this = today.replace(day=1)
    last = first_this - dt.timedelta(days=1)
    return last.replace(day=1), last


def _day(start: dt.date, end: dt.date, day: int) -> dt.date:
    return min(start.replace(day=min(day, 28)), end)


def _bank_account(actor, source: Company, test: Company) -> bool:
    from tase.ledger import services as ledger

    if ledger.default_bank_account(test) is not None:
        return True
    real = ledger.default_bank_account(source)
    try:
        ledger.create_bank_account(
            actor,
            test,
            iban=real.iban if real else PRACTICE_IBAN,
            bic=real.bic if real else PRACTICE_BIC,
            account=real.account.number if real else "1910",
            name=(real.name if real else "") or _("Practice bank account"),
        )
    except ValidationError:
        return False
    return True


def _purchases(actor, test: Company, start: dt.date, end: dt.date) -> int:
    from tase.ledger import services as ledger

    posted = 0
    for day, description, lines in PURCHASES:
        try:
            ledger.post_voucher(
                actor,
                test,
                date=_day(start, end, day),
                series="OL",
                description=description,
                lines=[
                    {
                        "account": number,
                        "debit": Decimal(debit) if debit else None,
                        "credit": Decimal(credit) if credit else None,
                        "vat_code": vat or None,
                    }
                    for number, debit, credit, vat in lines
                ],
                source=SOURCE,
                source_ref=f"practice-purchase-{day}",
            )
        except ValidationError:
            continue
        posted += 1
    return posted


def _sales(actor, test: Company, start: dt.date, end: dt.date) -> tuple[int, int]:
    from tase.sales import services as sales

    customers = []
    for name, email in CUSTOMERS:
        try:
            customers.append(sales.create_customer(actor, test, name=name, email=email))
        except ValidationError:
            return 0, 0
    sent = paid = 0
    for day, who, description, quantity, price, is_paid in INVOICES:
        on = _day(start, end, day)
        try:
            invoice = sales.create_invoice(
                actor,
                test,
                customer=customers[who],
                invoice_date=on,
                payment_term_days=14,
                lines=[
                    {
                        "description": description,
                        "quantity": quantity,
                        "unit_price": price,
                        "vat_code": "S",
                    }
                ],
            )
            invoice = sales.send_invoice(actor, invoice)
        except ValidationError:
            continue
        sent += 1
        if is_paid:
            try:
                sales.record_payment(
                    actor,
                    invoice,
                    date=min(on + dt.timedelta(days=10), end),
                    amount=Decimal(invoice.gross_cents) / 100,
                )
            except ValidationError:
                continue
            paid += 1
    return sent, paid


def _pay_run(actor, test: Company, start: dt.date, end: dt.date) -> int:
    from tase.payroll import services as payroll

    employees = list(payroll.active_employees(test, end))
    if not employees:
        return 0
    try:
        run = payroll.create_pay_run(
            actor,
            test,
            period_start=start,
            period_end=end,
            payment_date=end,
            description=_("Practice pay run %(month)s") % {"month": f"{start:%m/%Y}"},
            employees=employees,
        )
        hourly = [e for e in employees if e.number == "T2"]
        if hourly:
            payroll.save_grid(
                actor, run, ["hourly_wage"], {(hourly[0].pk, "hourly_wage"): HOURLY_EMPLOYEE_HOURS}
            )
        payroll.calculate_pay_run(actor, run)
    except ValidationError:
        return 0
    return 1


def seed_practice_data(source: Company, test: Company, *, today: dt.date | None = None) -> dict:
    """Add the month of practice data to ``test`` (a new test-environment copy of ``source``);
    returns what was added: {"month", "sales_invoices", "payments", "purchases", "pay_runs"}."""
    if not test.is_test_environment:
        raise ValidationError({"company": _("Practice data goes only into a test environment.")})
    today = today or timezone.localdate()
    start, end = _month(today)
    actor = PracticeActor(test)
    summary = {"month": f"{start:%m/%Y}", "sales_invoices": 0, "payments": 0}
    summary["purchases"] = _purchases(actor, test, start, end)
    if _bank_account(actor, source, test):
        summary["sales_invoices"], summary["payments"] = _sales(actor, test, start, end)
    summary["pay_runs"] = _pay_run(actor, test, start, end)
    return summary
