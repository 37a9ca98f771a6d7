"""The calculation of taxable income (form 6B) from the accounts' tax treatment and the
company's confirmed losses (tase.ledger.tax_return): fines from the non-deductible accounts
(EVL 16 §), tax-exempt dividends deducted (EVL 6 a §), earlier losses deducted oldest first
(TVL 119 §); the treatment on the chart-of-accounts page and the accounts API side by side,
the losses on their page and API side by side, the migration that keeps 7600 representation,
and the tenant wall."""

import datetime as dt
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger import services, tax_return
from tase.ledger.models import Account, ConfirmedLoss

from .conftest import post

pytestmark = pytest.mark.django_db

Y2025 = dt.date(2025, 12, 31)


def _treat(books, system, number, treatment):
    account = Account.objects.get(company=books, number=number, is_header=False)
    return services.update_account(system, account, tax_treatment=treatment)


@pytest.fixture
def year(books, system):
    """2025, closed: a sale 10 000, a fine 300 on 7690 (non-deductible), dividends 1 000
    exempt on 9100 and 400 taxable in part on 9110, representation 200 on 7600."""
    services.create_fiscal_year(system, books, start=dt.date(2025, 1, 1), end=Y2025)
    services.create_account(
        system,
        books,
        number="7690",
        name_fi="Sakot",
        type="expense",
        line="IS.8",
        tax_treatment="non_deductible",
    )
    services.create_account(
        system,
        books,
        number="9110",
        name_fi="Osingot pörssiyhtiöistä",
        type="revenue",
        line="IS.9.a",
        tax_treatment="partly_exempt",
    )
    _treat(books, system, "9100", "tax_exempt")
    post(books, dt.date(2025, 3, 1), ("1910", "10000.00"), ("3000", "-10000.00"))
    post(books, dt.date(2025, 4, 1), ("7690", "300.00"), ("1910", "-300.00"))
    post(books, dt.date(2025, 5, 1), ("1910", "1000.00"), ("9100", "-1000.00"))
    post(books, dt.date(2025, 5, 2), ("1910", "400.00"), ("9110", "-400.00"))
    post(books, dt.date(2025, 6, 1), ("7600", "200.00"), ("1910", "-200.00"))
    year = books.fiscal_years.get(end=Y2025)
    services.close_fiscal_year(system, year, override_reason="test books")
    year.refresh_from_db()
    return year


def _calc(found):
    return {f.key: f.amount for f in found.calculation}


def test_fines_and_tax_exempt_income_come_from_the_accounts(books, year):
    calc = _calc(tax_return.tax_return_figures(books, year))
    # 10 000 + 1 000 + 400 - 300 - 200 = 10 900; + 300 fines + 100 half of representation;
    # - 1 000 exempt - 25 % of 400 = 100: 10 200
    assert calc["result"] == 1_090_000
    assert calc["fines"] == 30_000 and calc["representation"] == 10_000
    assert calc["tax_exempt_income"] == -110_000
    assert calc["taxable_before_losses"] == calc["taxable_income"] == 1_020_000
    assert calc["losses_of_earlier_years"] == 0
    sources = {f.key: f.source for f in tax_return.tax_return_figures(books, year).calculation}
    assert "7690" in sources["fines"] and "9100" in sources["tax_exempt_income"]
    assert "9110" in sources["tax_exempt_income"] and "75" in sources["tax_exempt_income"]


def test_earlier_losses_are_deducted_oldest_first_and_shown_per_year(books, year, system, world):
    services.save_confirmed_loss(system, books, tax_year=2014, amount="5000.00")  # expired
    services.save_confirmed_loss(system, books, tax_year=2021, amount="4000", used_before="1000")
    services.save_confirmed_loss(system, books, tax_year=2019, amount="2000.00")
    services.save_confirmed_loss(system, books, tax_year=2020, amount="9000.00", forfeited=True)
    services.save_confirmed_loss(system, books, tax_year=2023, amount="8000.00")
    services.save_confirmed_loss(system, books, tax_year=2025, amount="1.00")  # not earlier
    found = tax_return.tax_return_figures(books, year)
    rows = [(r.tax_year, r.used, r.left, r.expired) for r in found.losses]
    # 10 200 of income: 2019's 2 000, 2021's 3 000 left, then 5 200 of 2023's 8 000
    assert rows == [
        (2014, 0, 500_000, True),
        (2019, 200_000, 0, False),
        (2020, 0, 0, False),
        (2021, 300_000, 0, False),
        (2023, 520_000, 280_000, False),
    ]
    calc = _calc(found)
    assert calc["losses_of_earlier_years"] == -1_020_000 and calc["taxable_income"] == 0
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{books.pk}/fiscal-years/{year.pk}/tax-return-figures"
    data = client.get(url).json()
    assert data["taxable_income"] == "0.00"
    assert data["losses_of_earlier_years"][4] == {
        "tax_year": 2023,
        "confirmed": "8000.00",
        "used_before": "0.00",
        "used": "5200.00",
        "left": "2800.00",
        "last_tax_year": 2033,
        "expired": False,
        "forfeited": False,
    }
    labels = {row["key"]: row for row in data["calculation"]}  # in Finnish, with the source
    assert labels["losses_of_earlier_years"]["label"].startswith("- Aiempien vuosien")
    assert "119 §" in labels["losses_of_earlier_years"]["basis"]
    assert labels["tax_exempt_income"]["label"] == "- Verovapaat tulot (osingot)"
    assert labels["tax_exempt_income"]["basis"] == "EVL 360/1968 6 a §"
    text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert ";loss_2023_used;Vuoden 2023 tappiota vähennetty tänä vuonna;5200,00;" in text
    assert ";loss_2023_left;" in text and "2800,00" in text
    assert ";tax_exempt_income;- Verovapaat tulot (osingot);-1100,00;" in text
    page = client.get(f"/ledger/{books.pk}/financial-statements/", {"year": year.pk})
    html = page.content.decode()
    assert 'data-testid="tax-losses"' in html and "Vähennetty tänä vuonna" in html
    assert "Aiempien vuosien vahvistetut tappiot" in html and "vanhentunut" in html


def test_the_tax_treatment_on_the_page_and_in_the_api(books, world):
    client = world.client(Role.ACCOUNTANT)
    fine = Account.objects.get(company=books, number="7700", is_header=False)
    page = f"/ledger/{books.pk}/accounts/"
    assert 'name="tax_treatment"' in client.get(page).content.decode()
    response = client.post(
        page,
        {
            "action": "rename",
            "account": fine.pk,
            "name_fi": fine.name_fi,
            "name_en": fine.name_en,
            "tax_treatment": "non_deductible",
        },
    )
    assert response.status_code == 302
    fine.refresh_from_db()
    assert fine.tax_treatment == "non_deductible"
    api = f"/api/v1/ledger/companies/{books.pk}/accounts"
    response = client.patch(
        f"{api}/9100", {"tax_treatment": "tax_exempt"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["tax_treatment"] == "tax_exempt"
    listed = {row["number"]: row["tax_treatment"] for row in client.get(api).json()}
    assert listed["7700"] == "non_deductible" and listed["7600"] == "representation"
    # an income treatment on an expense account: 422 naming the field, nothing written
    response = client.patch(
        f"{api}/7700", {"tax_treatment": "tax_exempt"}, content_type="application/json"
    )
    assert response.status_code == 422 and "tax_treatment" in response.content.decode()
    fine.refresh_from_db()
    assert fine.tax_treatment == "non_deductible"
    response = client.post(
        api,
        {
            "number": "9120",
            "name_fi": "Osingot",
            "type": "revenue",
            "tax_treatment": "partly_exempt",
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["tax_treatment"] == "partly_exempt"
    assert AuditEvent.objects.filter(object_id=str(fine.pk), action="update").exists()


def test_existing_charts_keep_representation_by_the_migration(books, system):
    assert Account.objects.get(company=books, number="7600").tax_treatment == "representation"
    Account.objects.filter(company=books, number="7600").update(tax_treatment="")
    migration = import_module("tase.ledger.migrations.0024_taxfig_tax_treatment_and_losses")
    migration.representation(apps, None)
    assert Account.objects.get(company=books, number="7600").tax_treatment == "representation"
    assert not Account.objects.filter(company=books, tax_treatment="representation").exclude(
        number="7600"
    )


def test_confirmed_losses_on_the_page_and_in_the_api(books, world):
    client = world.client(Role.ACCOUNTANT)
    page = f"/ledger/{books.pk}/confirmed-losses/"
    response = client.post(
        page, {"tax_year": "2022", "amount": "1 234,50", "used_before": "100", "forfeited": ""}
    )
    assert response.status_code == 302
    loss = ConfirmedLoss.objects.get(company=books, tax_year=2022)
    assert (loss.amount, loss.used_before, loss.forfeited) == (123_450, 10_000, False)
    api = f"/api/v1/ledger/companies/{books.pk}/confirmed-losses"
    response = client.put(
        f"{api}/2023", {"amount": "500.00", "forfeited": True}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "tax_year": 2023,
        "amount": "500.00",
        "used_before": "0.00",
        "forfeited": True,
    }
    response = client.put(f"{api}/2022", {"amount": "2000"}, content_type="application/json")
    assert response.json()["amount"] == "2000.00"  # the same year again: changed
    assert [row["tax_year"] for row in client.get(api).json()] == [2022, 2023]
    html = client.get(page).content.decode()
    assert 'data-year="2022"' in html
    assert "2\u00a0000,00" in html or "2 000,00" in html
    # bad input: a clear message naming the field, nothing written
    response = client.put(
        f"{api}/2024", {"amount": "10", "used_before": "20"}, content_type="application/json"
    )
    assert response.status_code == 422 and "used_before" in response.content.decode()
    response = client.put(f"{api}/1900", {"amount": "10"}, content_type="application/json")
    assert response.status_code == 422 and "tax_year" in response.content.decode()
    response = client.post(page, {"tax_year": "2024", "amount": "0"})
    assert response.status_code == 200 and response.context["errors"]
    assert not ConfirmedLoss.objects.filter(tax_year__in=[1900, 2024]).exists()
    # delete on the page and in the API
    client.post(page, {"action": "delete", "loss": loss.pk})
    assert client.delete(f"{api}/2023").status_code == 204
    assert not ConfirmedLoss.objects.filter(company=books).exists()


def test_confirmed_losses_are_refused_for_a_sole_trader(books, system):
    from tase.core.models import Company

    Company.objects.filter(pk=books.pk).update(form=Company.Form.SOLE_TRADER)
    books.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.save_confirmed_loss(system, books, tax_year=2024, amount=Decimal("10"))
    assert "6B" in error.value.message_dict["company"][0]


def test_another_tenant_gets_404(books, system, world):
    services.save_confirmed_loss(system, books, tax_year=2022, amount="100")
    loss = ConfirmedLoss.objects.get(company=books)
    other = world.client(Role.ACCOUNTANT, other=True)
    api = f"/api/v1/ledger/companies/{books.pk}/confirmed-losses"
    page = f"/ledger/{books.pk}/confirmed-losses/"
    assert other.get(api).status_code == 404
    assert (
        other.put(f"{api}/2022", {"amount": "1"}, content_type="application/json").status_code
        == 404
    )
    assert other.delete(f"{api}/2022").status_code == 404
    assert other.get(page).status_code == 404
    assert other.post(page, {"action": "delete", "loss": loss.pk}).status_code == 404
    assert other.post(page, {"tax_year": "2023", "amount": "5"}).status_code == 404
    # nor the other tenant's own page reaches this company's loss
    own = world.other_company
    assert other.post(
        f"/ledger/{own.pk}/confirmed-losses/", {"action": "delete", "loss": loss.pk}
    ).status_code in (200, 404)
    assert ConfirmedLoss.objects.get(pk=loss.pk).amount == 10_000
    patch = other.patch(
        f"/api/v1/ledger/companies/{books.pk}/accounts/7600",
        {"tax_treatment": ""},
        content_type="application/json",
    )
    assert patch.status_code == 404
