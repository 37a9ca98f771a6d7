"""The company's size class from its books (tase.ledger.size_class): the figures of each
year, two years to change class, the warning when the chosen form is too small, the page and
the API side by side, the tenant wall and the query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tase.core.roles import Role
from tase.ledger import services, size_class

from .conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(books, system):
    """2025 within the micro limits; 2026 over two of them (turnover 950 000 and a balance
    sheet of 950 000 over the raised limits 900 000 and 450 000)."""
    services.create_fiscal_year(system, books, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    post(books, dt.date(2025, 3, 1), ("1910", "10000.00"), ("3000", "-10000.00"))
    post(books, dt.date(2026, 3, 1), ("1910", "950000.00"), ("3000", "-950000.00"))
    return books


def test_the_figures_and_the_class_year_by_year(two_years):
    year_2026 = two_years.fiscal_years.get(end=dt.date(2026, 12, 31))
    found = size_class.size_class(two_years, year_2026)
    first, second = found.history
    assert first.alone and not second.alone
    assert first.figures.turnover == 1_000_000 and first.figures.balance_sheet_total == 1_000_000
    assert second.figures.turnover == 95_000_000
    # The 2025 bank balance 10 000 is not carried into 2026 without an opening voucher.
    assert second.figures.balance_sheet_total == 95_000_000
    assert second.exceeded["micro"] == ("balance_sheet_total", "turnover")
    assert second.figures.personnel is None
    # One year over: still a micro company (KILA 1982/2018), every form allowed.
    assert found.size_class == "micro" and found.allows("micro")


def test_a_second_year_over_moves_the_class_and_the_page_warns(two_years, system, world):
    services.create_fiscal_year(
        system, two_years, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31)
    )
    post(two_years, dt.date(2027, 3, 1), ("1910", "960000.00"), ("3000", "-960000.00"))
    year_2027 = two_years.fiscal_years.get(end=dt.date(2027, 12, 31))
    found = size_class.size_class(two_years, year_2027)
    assert [row.size_class for row in found.history] == ["micro", "micro", "small"]
    assert not found.allows("micro") and found.allows("small")
    client = world.client(Role.ACCOUNTANT)
    page = f"/ledger/{two_years.pk}/financial-statements/"
    html = client.get(page, {"year": year_2027.pk, "form": "micro"}).content.decode()
    assert 'data-testid="size-warning"' in html and "Pienyritys" in html
    assert "kirjanpitolaki 1:4 a\u20134 b §" in html
    html = client.get(page, {"year": year_2027.pk, "form": "small"}).content.decode()
    assert 'data-testid="size-class"' in html and 'data-testid="size-warning"' not in html
    assert "960\u00a0000,00" in html or "960 000,00" in html


def test_page_and_api_side_by_side(two_years, world):
    client = world.client(Role.ACCOUNTANT)
    year_2026 = two_years.fiscal_years.get(end=dt.date(2026, 12, 31))
    url = f"/api/v1/ledger/companies/{two_years.pk}/fiscal-years/{year_2026.pk}/size-class"
    data = client.get(url).json()
    assert data["size_class"] == "micro" and data["forms_allowed"] == ["micro", "small", "full"]
    assert [row["turnover"] for row in data["years"]] == ["10000.00", "950000.00"]
    assert data["years"][1]["exceeded"]["micro"] == ["balance_sheet_total", "turnover"]
    assert data["years"][1]["limits"]["micro"]["turnover"] == "900000.00"
    assert data["years"][0]["alone"] is True and data["years"][1]["personnel"] is None
    response = client.get(f"/ledger/{two_years.pk}/financial-statements/", {"year": year_2026.pk})
    assert response.context["company_size"].size_class == data["size_class"]
    assert [row["label"] for row in response.context["size_rows"]] == ["Mikroyritys"] * 2


def test_another_tenant_gets_404(two_years, world):
    other = world.client(Role.ACCOUNTANT, other=True)
    year_2026 = two_years.fiscal_years.get(end=dt.date(2026, 12, 31))
    url = f"/api/v1/ledger/companies/{two_years.pk}/fiscal-years/{year_2026.pk}/size-class"
    assert other.get(url).status_code == 404


def test_one_query_a_year_and_not_more_with_the_vouchers(two_years):
    year_2026 = two_years.fiscal_years.get(end=dt.date(2026, 12, 31))

    def count():
        with CaptureQueriesContext(connection) as queries:
            size_class.size_class(two_years, year_2026)
        return len(queries)

    count()  # the first call reads the parameters and the personnel sources once
    before = count()
    for day in range(1, 10):
        post(two_years, dt.date(2026, 4, day), ("1910", "10.00"), ("3000", "-10.00"))
    assert count() == before
    assert before <= 6, before  # the years, and per year its lines and its personnel
