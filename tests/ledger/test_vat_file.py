"""The periodic VAT return as the VSRALVKV file: page, API and command agree with the report."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from tase.core.roles import Role
from tase.formats import vat_return_file as vf
from tase.ledger import selectors, services, start_card

from .conftest import sale

MARCH = ("2026-03-01", "2026-03-31")


@pytest.fixture
def march(books, system):
    """March 2026: two sales at the general rate (25,5 %), 1 255,00 € and 502,00 € gross:
    VAT 255,00 € + 102,00 € = 357,00 € in field 301."""
    services.post_voucher(system, books, **sale("1255.00"))
    services.post_voucher(system, books, **sale("502.00", day=dt.date(2026, 3, 20)))
    return books


def test_api_file_carries_the_same_figures_as_the_report(world, march):
    client = world.client(Role.ACCOUNTANT)
    base = f"/api/v1/ledger/companies/{march.pk}/vat-returns?from={MARCH[0]}&to={MARCH[1]}"
    response = client.get(base + "&format=vsralvkv")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/plain; charset=iso-8859-1"
    assert f"ALV-{march.business_id}-202603-202603.txt" in response["Content-Disposition"]
    parsed = vf.read(response.content.decode("iso-8859-1"))
    expected = selectors.vat_return(march, dt.date(2026, 3, 1), dt.date(2026, 3, 31)).figures
    assert parsed.figures == expected
    assert parsed.figures["301"] == 35700  # 255,00 + 102,00
    assert parsed.period == vf.Period(vf.MONTH, 2026, 3)
    assert parsed.business_id == march.business_id
    assert not parsed.no_activity

    data = client.get(base).json()
    assert data["fields"]["301"] == "357.00"
    assert data["fields"]["308"] == "357.00"
    assert data["deadline"] == "2026-05-12"


def test_a_month_without_entries_is_filed_as_no_activity(world, books):
    client = world.client(Role.ACCOUNTANT)
    response = client.get(
        f"/api/v1/ledger/companies/{books.pk}/vat-returns?from=2026-04-01&to=2026-04-30"
        "&format=vsralvkv"
    )
    text = response.content.decode()
    assert "056:1\n" in text and "301:" not in text and text.endswith("999:1\n")


def test_a_period_that_is_not_the_companys_is_refused_with_422(world, march, system):
    services.set_vat_period(system, march, "quarter")
    client = world.client(Role.ACCOUNTANT)
    base = f"/api/v1/ledger/companies/{march.pk}/vat-returns"
    month = client.get(f"{base}?from={MARCH[0]}&to={MARCH[1]}&format=vsralvkv")
    assert month.status_code == 422
    assert month.json()["detail"][0]["loc"] == ["query", "from"]
    assert "vuosineljännes" in month.json()["detail"][0]["msg"]
    odd = client.get(f"{base}?from=2026-02-01&to=2026-03-31&format=vsralvkv")
    assert odd.status_code == 422
    quarter = client.get(f"{base}?from=2026-01-01&to=2026-03-31&format=vsralvkv")
    assert quarter.status_code == 200
    assert vf.read(quarter.content.decode()).period == vf.Period(vf.QUARTER, 2026, 1)


def test_another_organizations_company_is_404(world, march):
    client = world.client(Role.ACCOUNTANT, other=True)
    response = client.get(
        f"/api/v1/ledger/companies/{march.pk}/vat-returns?from={MARCH[0]}&to={MARCH[1]}"
        "&format=vsralvkv"
    )
    assert response.status_code == 404


def test_page_shows_the_deadline_and_offers_the_file(world, march):
    client = world.client(Role.ACCOUNTANT)
    page = client.get(f"/ledger/{march.pk}/reports/vat-return/?from={MARCH[0]}&to={MARCH[1]}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="vat-deadline"' in html and "12.5.2026" in html
    assert "format=vsralvkv" in html
    download = client.get(
        f"/ledger/{march.pk}/reports/vat-return/?from={MARCH[0]}&to={MARCH[1]}&format=vsralvkv"
    )
    assert download.status_code == 200
    assert vf.read(download.content.decode()).figures["301"] == 35700


def test_page_says_why_a_period_has_no_file(world, march):
    client = world.client(Role.ACCOUNTANT)
    page = client.get(f"/ledger/{march.pk}/reports/vat-return/?from=2026-03-01&to=2026-04-30")
    html = page.content.decode()
    assert "format=vsralvkv" not in html
    assert "ei ole kalenterikuukausi, -neljännes eikä -vuosi" in html


def test_command_prints_the_file(march):
    out = io.StringIO()
    call_command(
        "report",
        "vat-return",
        company=march.pk,
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        format="vsralvkv",
        stdout=out,
    )
    assert vf.read(out.getvalue()).figures["301"] == 35700


def test_command_refuses_the_file_format_for_other_reports(march):
    with pytest.raises(CommandError, match="vat-return"):
        call_command("report", "trial-balance", company=march.pk, format="vsralvkv")


def test_the_settlement_keeps_the_filed_return_as_its_attachment(march, system):
    voucher = services.settle_vat(
        system, march, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
    )
    attachment = voucher.attachments.get()
    assert attachment.name == f"ALV-{march.business_id}-202603-202603.txt"
    assert attachment.content_type.startswith("text/plain")
    with attachment.file.open("rb") as handle:
        assert vf.read(handle.read().decode("iso-8859-1")).figures["301"] == 35700


def test_a_settlement_of_a_period_that_is_not_a_tax_period_has_no_file(march, system):
    voucher = services.settle_vat(
        system, march, start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30)
    )
    assert not voucher.attachments.exists()


@time_machine.travel(dt.datetime(2026, 5, 8, 12, tzinfo=dt.UTC), tick=False)
def test_start_page_shows_the_next_return_and_a_late_one(world, march, system):
    client = world.client(Role.ACCOUNTANT)
    html = client.get("/").content.decode()
    # On 8.5.2026: March is due 12.5. (next); February was due 13.4. (12.4. a Sunday): late.
    assert f'data-testid="vat-deadline-{march.pk}"' in html
    assert "12.5.2026" in html and "13.4.2026" in html
    services.settle_vat(system, march, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
    html = client.get("/").content.decode()
    assert "13.4.2026" not in html and "12.5.2026" in html


def test_the_start_card_takes_three_queries_for_many_companies(
    world, books, system, django_assert_max_num_queries
):
    services.apply_chart(system, world.other_company, "limited-company")
    services.set_vat_period(system, world.other_company, "quarter")
    services.create_fiscal_year(
        system, world.other_company, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    consultant = world.actor(Role.CONSULTANT)  # the vendor's: both customers' companies
    with django_assert_max_num_queries(3):
        cards = start_card.company_cards(consultant, dt.date(2026, 5, 8))
    deadlines = {card.pk: card.vat_deadlines for card in cards}
    # The quarter company: Q4 2025 was due 12.2.2026 and is late; Q1 2026 is due 12.5.
    assert [(d.start, d.deadline, d.late) for d in deadlines[world.other_company.pk]] == [
        (dt.date(2025, 10, 1), dt.date(2026, 2, 12), True),
        (dt.date(2026, 1, 1), dt.date(2026, 5, 12), False),
    ]
    # The month company's books begin in 2026: nothing of 2025 is asked for.
    assert all(d.start.year == 2026 for d in deadlines[books.pk])


def test_direct_filing_is_a_documented_stub_that_says_what_to_do():
    from django.utils import translation

    from tase.ledger.vat_filing import NotConfigured, VatFiling

    with translation.override("fi"), pytest.raises(NotConfigured) as error:
        VatFiling().send("ALV_2026_11.txt", "000:VSRALVKV\n999:1\n")
    assert "Ilmoitin.fi" in str(error.value) and "Verohallinto" in str(error.value)
