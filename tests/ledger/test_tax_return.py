"""The income tax return's key figures (form 6B) of a closed year (tase.ledger.tax_return):
a small company's golden case computed by hand, the refusals, the page and the API side by
side, the CSV, the tenant wall and the query count."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tase.core.models import Company
from tase.core.roles import Role
from tase.ledger import financial_statements, services, tax_return
from tase.ledger.models import FiscalYear

from .conftest import post

pytestmark = pytest.mark.django_db

Y2025 = dt.date(2025, 12, 31)


@pytest.fixture
def closed(books, system):
    """2025, closed: share capital 5 000, a sale 10 000, purchases 3 000, wages 2 000 and
    their social costs 350, representation 301,01, a machine 1 200 depreciated 240 and the
    income tax 800 booked."""
    services.create_fiscal_year(system, books, start=dt.date(2025, 1, 1), end=Y2025)
    post(books, dt.date(2025, 1, 2), ("1910", "5000.00"), ("2000", "-5000.00"))
    post(books, dt.date(2025, 3, 1), ("1700", "10000.00"), ("3000", "-10000.00"))
    post(books, dt.date(2025, 4, 1), ("4000", "3000.00"), ("2870", "-3000.00"))
    post(books, dt.date(2025, 5, 1), ("5000", "2000.00"), ("6100", "350.00"), ("1910", "-2350.00"))
    post(books, dt.date(2025, 5, 20), ("7600", "301.01"), ("1910", "-301.01"))
    post(books, dt.date(2025, 6, 1), ("1150", "1200.00"), ("1910", "-1200.00"))
    post(books, dt.date(2025, 12, 31), ("6800", "240.00"), ("1150", "-240.00"))
    post(books, dt.date(2025, 12, 31), ("9900", "800.00"), ("2960", "-800.00"))
    year = books.fiscal_years.get(end=Y2025)
    services.close_fiscal_year(system, year, override_reason="test books")
    year.refresh_from_db()
    return year


def _amounts(figures):
    return {f.key: f.amount for f in figures}


def test_the_golden_small_company(books, closed):
    found = tax_return.tax_return_figures(books, closed)
    key = _amounts(found.key_figures)
    # By hand: 10 000 - 3 000 - 2 000 - 350 - 301,01 - 240 = 4 108,99 before taxes;
    # less the income tax 800 = 3 308,99 for the year.
    assert key["turnover"] == 1_000_000
    assert key["result_before_appropriations_and_taxes"] == 410_899
    assert key["appropriations"] == 0
    assert key["income_taxes"] == 80_000
    assert key["result"] == 330_899
    # Assets: machine 1 200 - 240 = 960, receivable 10 000, bank 5 000 - 2 350 - 301,01
    # - 1 200 = 1 148,99: 12 108,99; equity 5 000 + 3 308,99.
    assert key["balance_sheet_total"] == 1_210_899
    assert key["equity"] == 830_899
    assert key["share_capital"] == 500_000
    assert key["distributable_free_equity"] == 330_899
    assert key["depreciation_difference"] == 0
    assert key["dividend_proposed"] is None
    # The same as the financial statements of the year.
    statements = financial_statements.financial_statements(books, Y2025, form="small")
    assert statements.total_assets[0] == key["balance_sheet_total"]
    assert statements.profit[0] == key["result"]
    calc = _amounts(found.calculation)
    # 3 308,99 + 800 + half of 301,01 rounded up (150,51) = 4 259,50
    assert calc["income_taxes"] == 80_000
    assert calc["representation"] == 15_051
    assert calc["fines"] == 0 and calc["depreciation"] == 0
    assert calc["taxable_income"] == 425_950 and calc["loss"] == 0
    sources = {f.key: f.source for f in found.calculation}
    assert "7600" in sources["representation"] and "9900" in sources["income_taxes"]


def test_a_loss_is_shown_apart(books, system):
    services.create_fiscal_year(system, books, start=dt.date(2025, 1, 1), end=Y2025)
    post(books, dt.date(2025, 3, 1), ("7100", "1000.00"), ("1910", "-1000.00"))
    post(books, dt.date(2025, 3, 2), ("7600", "100.00"), ("1910", "-100.00"))
    year = books.fiscal_years.get(end=Y2025)
    services.close_fiscal_year(system, year, override_reason="test books")
    calc = _amounts(tax_return.tax_return_figures(books, year).calculation)
    assert calc["result"] == -110_000 and calc["representation"] == 5_000
    assert calc["taxable_income"] == 0 and calc["loss"] == 105_000


def test_refused_for_a_sole_trader_and_an_open_year_whose_gate_fails(books, closed):
    open_year = FiscalYear.objects.get(company=books, end=dt.date(2026, 12, 31))
    post(books, dt.date(2026, 3, 1), ("1910", "5000.00"), ("3000", "-5000.00"))
    with pytest.raises(ValidationError) as error:
        tax_return.tax_return_figures(books, open_year)  # the income tax is not booked
    assert "closing gate fails" in error.value.message_dict["year_end"][0]
    Company.objects.filter(pk=books.pk).update(form=Company.Form.SOLE_TRADER)
    books.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        tax_return.tax_return_figures(books, closed)
    assert "6B" in error.value.message_dict["fiscal_year"][0]


def test_page_and_api_side_by_side(books, closed, world):
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{books.pk}/fiscal-years/{closed.pk}/tax-return-figures"
    data = client.get(url).json()
    assert data["field_codes"] is None and "tietuekuvausta" in data["field_codes_note"]
    calc = {row["key"]: row["amount"] for row in data["calculation"]}
    key = {row["key"]: row["amount"] for row in data["key_figures"]}
    assert calc["taxable_income"] == data["taxable_income"] == "4259.50"
    assert key["result"] == "3308.99" and key["balance_sheet_total"] == "12108.99"
    page = f"/ledger/{books.pk}/financial-statements/"
    response = client.get(page, {"year": closed.pk})
    html = response.content.decode()
    assert 'data-testid="tax-return"' in html and 'data-testid="no-field-codes"' in html
    assert "4\u00a0259,50" in html or "4 259,50" in html
    assert response.context["tax_figures"].taxable.taxable_income == 425_950
    csv_page = client.get(page, {"year": closed.pk, "format": "tax-csv"})
    csv_api = client.get(url, {"format": "csv"})
    assert csv_page["Content-Type"].startswith("text/csv")
    assert csv_page.content == csv_api.content
    text = csv_page.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Ei kenttätunnuksia")
    assert ";taxable_income;" in text and "4259,50" in text
    # A sole trader gets no section and a 422 naming the field.
    Company.objects.filter(pk=books.pk).update(form=Company.Form.SOLE_TRADER)
    assert 'data-testid="tax-return"' not in client.get(page, {"year": closed.pk}).content.decode()
    response = client.get(url)
    assert response.status_code == 422 and "fiscal_year" in response.content.decode()


def test_an_open_year_on_request(books, closed, world):
    client = world.client(Role.ACCOUNTANT)
    open_year = FiscalYear.objects.get(company=books, end=dt.date(2026, 12, 31))
    post(books, dt.date(2026, 3, 1), ("1910", "5000.00"), ("3000", "-5000.00"))
    page = f"/ledger/{books.pk}/financial-statements/"
    response = client.get(page, {"year": open_year.pk})
    assert response.context["tax_figures"] is None and not response.context["tax_errors"]
    assert 'data-testid="tax-return-compute"' in response.content.decode()
    response = client.get(page, {"year": open_year.pk, "tax": "1"})
    shown = " ".join(response.context["tax_errors"])  # the page is in Finnish
    assert "veroilmoituksen" in shown and "Tilikauden tulovero on kirjattu" in shown
    url = f"/api/v1/ledger/companies/{books.pk}/fiscal-years/{open_year.pk}/tax-return-figures"
    response = client.get(url)
    assert response.status_code == 422 and "year_end" in response.content.decode()


def test_another_tenant_gets_404(books, closed, world):
    other = world.client(Role.ACCOUNTANT, other=True)
    url = f"/api/v1/ledger/companies/{books.pk}/fiscal-years/{closed.pk}/tax-return-figures"
    assert other.get(url).status_code == 404
    assert other.get(url, {"format": "csv"}).status_code == 404
    page = f"/ledger/{books.pk}/financial-statements/"
    assert other.get(page, {"year": closed.pk, "format": "tax-csv"}).status_code == 404


def test_the_query_count_does_not_grow_with_the_vouchers(books, closed, system):
    def count():
        with CaptureQueriesContext(connection) as queries:
            tax_return.tax_return_figures(books, closed)
        return len(queries)

    before = count()
    services.reopen_fiscal_year(system, closed, reason="more vouchers")
    for day in range(1, 8):
        post(books, dt.date(2025, 7, day), ("7600", "10.00"), ("1910", "-10.00"))
        post(books, dt.date(2025, 7, day), ("1910", "20.00"), ("3000", "-20.00"))
    closed.refresh_from_db()
    services.close_fiscal_year(system, closed, override_reason="test books")
    closed.refresh_from_db()
    assert count() == before
    assert before <= 8, before


def test_book_depreciation_over_the_evl_maximum_is_added_back(books, accountant, system):
    """A machine of 12 000 € over two years from February 2026: the plan takes 11 x 500 € =
    5 500 €, EVL 30 § allows 25 % of 12 000 € = 3 000 €: 2 500 € added back (EVL 54 §)."""
    from .test_fixed_assets import machine

    services.create_fixed_asset(accountant, books, **machine(years=2))
    services.run_depreciation(accountant, books, dt.date(2026, 12, 31))
    post(books, dt.date(2026, 3, 1), ("1910", "20000.00"), ("3000", "-20000.00"))
    year = FiscalYear.objects.get(company=books)
    services.close_fiscal_year(system, year, override_reason="test books")
    year.refresh_from_db()
    found = tax_return.tax_return_figures(books, year)
    calc = _amounts(found.calculation)
    assert calc["result"] == 2_000_000 - 550_000
    assert calc["depreciation"] == 250_000
    assert calc["taxable_income"] == 2_000_000 - 550_000 + 250_000
    source = next(f.source for f in found.calculation if f.key == "depreciation")
    assert "K1" in source or "Koneet" in source or "Machinery" in source
