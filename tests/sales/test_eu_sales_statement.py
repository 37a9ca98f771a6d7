"""The recapitulative statement of EU sales (VSRALVYV) from the invoices' customer VAT numbers:
the VAT return page, the API and `tase report` give the same file."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tase.core.roles import Role
from tase.formats import eu_sales_file as yv
from tase.ledger import selectors as ledger_selectors
from tase.sales import selectors, services

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db

MARCH = "from=2026-03-01&to=2026-03-31"
GERMAN = CUSTOMER | {"name": "Kunde GmbH", "vat_number": "DE129273398", "country": "DE"}
SWEDISH = CUSTOMER | {"name": "Kund AB", "vat_number": "SE556000016701", "country": "SE"}


def _send(actor, company, customer, rows, day=dt.date(2026, 3, 9)):
    draft = services.create_invoice(
        actor,
        company,
        customer_data=customer,
        invoice_date=day,
        delivery_date=day,
        lines=lines(*rows),
    )
    return services.send_invoice(actor, draft)


@pytest.fixture
def eu_march(accountant, books):
    """March 2026: goods 1 000,00 and services 300,00 to Germany, goods 250,00 to Sweden less
    a credit note; a domestic sale that the statement leaves out; April: goods to Germany."""
    _send(accountant, books, GERMAN, [("Machine", "1", "1000.00", "S-EUG")])
    _send(accountant, books, GERMAN, [("Installation", "3", "100.00", "S-EUS")])
    swedish = _send(accountant, books, SWEDISH, [("Parts", "5", "50.00", "S-EUG")])
    services.credit_invoice(accountant, swedish, date=dt.date(2026, 3, 20))
    _send(accountant, books, SWEDISH, [("Parts", "2", "60.00", "S-EUG")])
    _send(accountant, books, CUSTOMER, [("Consulting", "1", "100.00", "S")])
    _send(accountant, books, GERMAN, [("Spare", "1", "70.00", "S-EUG")], dt.date(2026, 4, 2))
    return books


def test_api_file_lists_each_customer_once_with_goods_and_services(world, eu_march):
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{eu_march.pk}/vat-returns?{MARCH}&format=vsralvyv"
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert f"YV-{eu_march.business_id}-202603.txt" in response["Content-Disposition"]
    data = yv.read(response.content.decode("iso-8859-1"))
    assert (data.business_id, data.year, data.month) == ("0737546-2", 2026, 3)
    assert data.sales == (
        yv.EuSale("DE", "129273398", goods=100000, services=30000),
        yv.EuSale("SE", "556000016701", goods=12000),
    )
    # the statement agrees with the periodic return's fields 311 and 312
    figures = ledger_selectors.vat_return(eu_march, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert figures.figures["311"] == 100000 + 12000 and figures.figures["312"] == 30000


def test_page_links_the_months_and_downloads_the_file(world, eu_march):
    client = world.client(Role.ACCOUNTANT)
    page = client.get(f"/ledger/{eu_march.pk}/reports/vat-return/?{MARCH}").content.decode()
    assert 'data-testid="eu-sales-files"' in page and "format=vsralvyv" in page
    response = client.get(f"/ledger/{eu_march.pk}/reports/vat-return/?{MARCH}&format=vsralvyv")
    assert response.status_code == 200 and response.content.startswith(b"000:VSRALVYV\n")
    quarter = client.get(
        f"/ledger/{eu_march.pk}/reports/vat-return/?from=2026-01-01&to=2026-03-31&format=vsralvyv"
    )
    assert quarter.status_code == 400 and "kalenterikuukausi" in quarter.content.decode()


def test_a_month_without_eu_sales_and_a_quarter_are_refused(world, eu_march):
    client = world.client(Role.ACCOUNTANT)
    base = f"/api/v1/ledger/companies/{eu_march.pk}/vat-returns?format=vsralvyv"
    february = client.get(f"{base}&from=2026-02-01&to=2026-02-28")
    assert february.status_code == 422
    assert february.json()["detail"][0]["loc"] == ["query", "from"]
    assert client.get(f"{base}&from=2026-01-01&to=2026-03-31").status_code == 422


def test_a_later_credit_note_makes_the_correction_file(accountant, world, eu_march):
    """A credit note dated in March changes March's figures: the statement written again is
    the correction of the month (the German services now nil)."""
    german = selectors.invoices_of(eu_march).filter(lines__vat_code="S-EUS").first()
    services.credit_invoice(accountant, german, date=dt.date(2026, 3, 31))
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{eu_march.pk}/vat-returns?{MARCH}&format=vsralvyv"
    data = yv.read(client.get(url).content.decode())
    assert data.sales[0] == yv.EuSale("DE", "129273398", goods=100000, services=0)


def test_command_prints_the_same_file(eu_march):
    out = io.StringIO()
    call_command(
        "report",
        "vat-return",
        company=eu_march.pk,
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        format="vsralvyv",
        stdout=out,
    )
    assert yv.read(out.getvalue()).sales[1] == yv.EuSale("SE", "556000016701", goods=12000)
    with pytest.raises(CommandError, match=r"no statement is due|ei ole"):
        call_command(
            "report",
            "vat-return",
            company=eu_march.pk,
            start=dt.date(2026, 2, 1),
            end=dt.date(2026, 2, 28),
            format="vsralvyv",
            stdout=io.StringIO(),
        )


def test_another_organization_gets_404(world, eu_march):
    client = world.client(Role.ACCOUNTANT, other=True)
    url = f"/api/v1/ledger/companies/{eu_march.pk}/vat-returns?{MARCH}&format=vsralvyv"
    assert client.get(url).status_code == 404
    page = f"/ledger/{eu_march.pk}/reports/vat-return/?{MARCH}&format=vsralvyv"
    assert client.get(page).status_code == 404


def test_eu_sales_are_read_in_one_query(eu_march, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = selectors.eu_sales(eu_march, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert [r.vat_number for r in rows] == ["DE129273398", "SE556000016701"]
