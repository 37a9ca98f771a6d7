"""The balance-sheet specifications (tase-erittelyt, KPL 3:13 §): per balance-sheet account the
items behind its balance from the ledgers (open invoices, fixed assets, accruals, VAT, bank)
and what the accountant writes, with the difference; the page, the API (GET and PUT), the
statement book's section and the archive's file; tenant walls."""

import datetime as dt
import io
import zipfile
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger import archive, balance_specifications, services
from tase.ledger import financial_statements as fs
from tase.ledger.models import BalanceSpecification
from tase.sales import services as sales
from tests.sales.conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db

YEAR_END = dt.date(2026, 12, 31)


def _post(actor, company, day, *rows, text="Tosite"):
    return services.post_voucher(
        actor,
        company,
        date=day,
        series="MU",
        description=text,
        lines=[
            {"account": a, "debit": D(x)} if D(x) > 0 else {"account": a, "credit": -D(x)}
            for a, x in rows
        ],
    )


@pytest.fixture
def year_books(books, system):
    """2026: share capital, a machine bought and depreciated, an invoice half paid, March's
    VAT settled, an insurance premium prepaid and a receivable booked by hand."""
    services.create_bank_account(
        system, books, iban="FI79 4405 2020 0360 82", bic="OKOYFIHH", account="1910"
    )
    _post(system, books, dt.date(2026, 1, 2), ("1910", "20000.00"), ("2000", "-20000.00"))
    _post(system, books, dt.date(2026, 1, 20), ("1150", "12000.00"), ("1910", "-12000.00"))
    services.create_fixed_asset(
        system,
        books,
        number="K1",
        name="Sorvi",
        group="machinery",
        asset_account="1150",
        expense_account="6800",
        acquired=dt.date(2026, 1, 20),
        in_use=dt.date(2026, 2, 3),
        cost=D("12000.00"),
        method="straight_line",
        years=5,
    )
    services.run_depreciation(system, books, YEAR_END)
    day = dt.date(2026, 3, 2)
    draft = sales.create_invoice(
        system,
        books,
        customer_data=CUSTOMER,
        invoice_date=day,
        delivery_date=day,
        lines=lines(("Consulting", "4", "250.00", "S")),
    )
    invoice = sales.send_invoice(system, draft)
    sales.record_payment(system, invoice, date=dt.date(2026, 3, 10), amount=D("500.00"))
    services.settle_vat(system, books, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    services.create_accrual(
        system,
        books,
        kind="prepaid_expense",
        description="Vakuutusmaksu 2027",
        amount=D("1100.00"),
        date=YEAR_END,
        reverses_on=dt.date(2027, 1, 1),
        result_account="7740",
    )
    _post(system, books, dt.date(2026, 6, 1), ("1700", "100.00"), ("3000", "-100.00"))
    return books


def _specs(company):
    year = company.fiscal_years.get(end=YEAR_END)
    return {s.number: s for s in balance_specifications.specifications(company, year).accounts}


def test_each_account_is_specified_from_its_ledger(year_books):
    specs = _specs(year_books)
    machine = specs["1150"]
    # Eleven months of 12 000 / 60 from February: 2 200 depreciated.
    assert machine.balance_cents == 980_000 and machine.ties
    assert [(i.text, i.amount_cents) for i in machine.items] == [("K1 Sorvi", 980_000)]
    receivables = specs["1700"]
    assert receivables.sources == ["Open invoices"]
    assert [i.amount_cents for i in receivables.items] == [125_500 - 50_000]
    assert CUSTOMER["name"] in receivables.items[0].text
    assert receivables.difference_cents == 10_000  # the receivable booked by hand
    prepaid = specs["1800"]
    assert prepaid.ties and prepaid.items[0].text == "Vakuutusmaksu 2027"
    vat = specs["2939"]  # March's settlement, not yet paid
    assert vat.balance_cents == 25_500 and vat.ties and vat.sources == ["VAT entries"]
    capital = specs["2000"]
    assert capital.items == [] and capital.difference_cents == 2_000_000
    bank = specs["1910"]  # no statement imported: nothing behind the balance yet
    assert bank.balance_cents == 2_000_000 - 1_200_000 + 50_000 and not bank.ties
    assert "3000" not in specs  # income statement accounts are not specified


def test_the_accountants_items_and_text_tie_an_account(year_books, accountant):
    year = year_books.fiscal_years.get(end=YEAR_END)
    services.save_balance_specification(
        accountant,
        year_books,
        year,
        "2000",
        text="Osakkeita 200 kpl, kaupparekisteri 2.1.2026.",
        lines=[{"text": "Osakepääoma", "amount": "20 000,00"}, {"text": "", "amount": ""}],
    )
    capital = _specs(year_books)["2000"]
    assert capital.ties and capital.text.startswith("Osakkeita 200")
    assert capital.items[0].written
    assert AuditEvent.objects.filter(object_type="ledger.balancespecification").count() == 1
    # Empty removes what was written.
    services.save_balance_specification(accountant, year_books, year, "2000")
    assert not BalanceSpecification.objects.exists()


@pytest.mark.parametrize(
    ("number", "kwargs", "field"),
    [
        ("3000", {"text": "x"}, "account"),
        ("9999", {"text": "x"}, "account"),
        ("2000", {"lines": [{"text": "", "amount": "5"}]}, "lines"),
        ("2000", {"lines": [{"text": "a", "amount": "1,234"}]}, "lines"),
        ("2000", {"text": "x" * 20_001}, "text"),
    ],
)
def test_bad_input_is_named_and_nothing_written(year_books, accountant, number, kwargs, field):
    year = year_books.fiscal_years.get(end=YEAR_END)
    with pytest.raises(ValidationError) as error:
        services.save_balance_specification(accountant, year_books, year, number, **kwargs)
    assert field in error.value.message_dict
    assert not BalanceSpecification.objects.exists()


def test_api_get_and_put_and_the_tenant_wall(world, year_books):
    year = year_books.fiscal_years.get(end=YEAR_END)
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{year_books.pk}/fiscal-years/{year.pk}/balance-specifications"
    data = client.get(url).json()
    capital = next(a for a in data["accounts"] if a["account"] == "2000")
    assert (capital["balance"], capital["difference"]) == ("20000.00", "20000.00")
    answer = client.put(
        f"{url}/2000",
        {"text": "Kaupparekisteri", "lines": [{"text": "Osakepääoma", "amount": "20000.00"}]},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    capital = next(a for a in answer.json()["accounts"] if a["account"] == "2000")
    assert capital["difference"] == "0.00" and capital["items"][0]["written"] is True
    bad = client.put(f"{url}/3000", {"text": "x"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "account"]
    pdf = client.get(f"{url}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    viewer = world.client(Role.VIEWER)
    assert viewer.get(url).status_code == 200
    assert (
        viewer.put(f"{url}/2000", {"text": "x"}, content_type="application/json").status_code == 403
    )
    other = world.client(Role.MAIN_USER, other=True)
    assert other.get(url).status_code == 404
    assert other.get(f"{url}.pdf").status_code == 404
    assert (
        other.put(f"{url}/2000", {"text": "x"}, content_type="application/json").status_code == 404
    )


def test_the_page_saves_a_specification_in_few_queries(world, year_books):
    year = year_books.fiscal_years.get(end=YEAR_END)
    client = world.client(Role.ACCOUNTANT)
    url = f"/ledger/{year_books.pk}/balance-specifications/"
    answer = client.post(
        url,
        {
            "year": year.pk,
            "account": "2000",
            "rows": "3",
            "item-0-text": "Osakepääoma",
            "item-0-amount": "20 000,00",
            "text": "Kaupparekisteri",
        },
    )
    assert answer.status_code == 302
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, {"year": year.pk}).content.decode()
    assert "Kaupparekisteri" in page and 'data-testid="spec-1150"' in page
    assert "K1 Sorvi" in page
    assert len(queries) < 40, len(queries)
    bad = client.post(url, {"year": year.pk, "account": "3000", "text": "x"})
    assert bad.status_code == 200 and "3000" in bad.content.decode()
    assert (
        world.client(Role.VIEWER).post(url, {"year": year.pk, "account": "2000"}).status_code == 403
    )
    assert client.get(url, {"year": year.pk, "format": "pdf"}).content.startswith(b"%PDF")
    other = world.client(Role.MAIN_USER, other=True)
    assert other.get(url).status_code == 404


def test_statement_book_and_archive_carry_the_specifications(world, year_books, system):
    from tase.core import pdf

    year = year_books.fiscal_years.get(end=YEAR_END)
    services.close_fiscal_year(system, year, override_reason="test books")
    html = fs.statement_book_html(year_books, YEAR_END)
    text = " ".join(pdf.page_texts(pdf.layout(html)))
    assert "Balance sheet specifications" in text and "Not public" in text
    assert "K1 Sorvi" in text and "Vakuutusmaksu 2027" in text
    out = io.BytesIO()
    archive.build_archive(system, year_books, year, out)
    out.seek(0)
    package = zipfile.ZipFile(out)
    assert "kirjat/tase-erittelyt.pdf" in package.namelist()
    assert package.read("kirjat/tase-erittelyt.pdf").startswith(b"%PDF")


def test_reading_the_specifications_writes_nothing(year_books):
    from tase.payroll.models import PayrollSettings

    _specs(year_books)
    assert not PayrollSettings.objects.filter(company=year_books).exists()
