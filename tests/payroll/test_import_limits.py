"""The payroll CSV imports behind tase.core.limits: the size is checked before anything is
parsed, an amount out of range and a control character (a NUL byte) are clear row errors,
and nothing is written while any row is bad."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import PayItem, TaxCard

from .factories import employee, pay_run

HEADER = "employee;wage_type;quantity;unit_price;amount\n"
CARDS = "employee,year,base_rate,additional_rate,income_limit\n"


@pytest.fixture(autouse=True)
def english():
    """The services' messages in English, so that the assertions read them."""
    with translation.override("en"):
        yield


def _items_error(clerk, run, text: str | bytes) -> str:
    with pytest.raises(ValidationError) as error:
        services.import_items_csv(clerk, run, text if isinstance(text, bytes) else text.encode())
    return " ".join(error.value.message_dict["file"])


def test_pay_items_amount_of_1e30_is_a_row_error(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    message = _items_error(clerk, run, f"{HEADER}{worker.number};bonus;;;1e30\n")
    assert "Row 2" in message and "amount" in message and "out of range" in message
    message = _items_error(clerk, run, f"{HEADER}{worker.number};overtime_50;1e30;20;\n")
    assert "quantity" in message and "out of range" in message
    assert not PayItem.objects.exists()


def test_pay_items_nul_byte_names_the_row_and_column(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    body = f"{HEADER}{worker.number};bonus;;;100\n{worker.number};bo\x00nus;;;100\n".encode()
    message = _items_error(clerk, run, body)
    assert "Row 3" in message and "wage_type" in message and "U+0000" in message
    assert not PayItem.objects.exists()


def test_pay_items_every_bad_row_is_listed(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    body = f"{HEADER}999;bonus;;;1\n{worker.number};nonsense;;;1\n{worker.number};bonus;;;x\n"
    message = _items_error(clerk, run, body)
    assert all(f"Row {n}" in message for n in (2, 3, 4))


@override_settings(TASE_UPLOAD_LIMITS_MB={"pay_items_csv": 0.1, "tax_card_file": 0.1})
def test_oversize_files_are_refused_before_parsing_on_page_and_api(world, clerk):
    worker = employee(clerk, world.company, number="10", card=None)
    run = pay_run(clerk, world.company)
    big = (HEADER + f"{worker.number};bonus;;;1\n" * 10000).encode()
    client = world.client(Role.PAYROLL_CLERK)
    response = client.post(
        f"/api/v1/payroll/pay-runs/{run.pk}/items/csv",
        {"file": SimpleUploadedFile("items.csv", big)},
    )
    assert response.status_code == 422
    text = response.json()["detail"][0]["msg"]
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert "items.csv" in text and "0,1" in text  # the file's name and the limit
    page = client.post(
        f"/payroll/runs/{run.pk}/import/", {"file": SimpleUploadedFile("i.csv", big)}
    )
    assert page.status_code == 200 and "i.csv" in page.content.decode()
    cards = (CARDS + "10,2026,20,40,40000\n" * 10000).encode()
    response = client.post(
        f"/api/v1/payroll/companies/{world.company.pk}/tax-cards/csv",
        {"year": "2026", "file": SimpleUploadedFile("cards.csv", cards)},
    )
    assert response.status_code == 422 and "cards.csv" in response.content.decode()
    assert not PayItem.objects.exists() and not TaxCard.objects.exists()


def test_pay_items_api_imports_and_the_other_customer_gets_404(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    body = f"{HEADER}{worker.number};bonus;;;250,50\n".encode()
    url = f"/api/v1/payroll/pay-runs/{run.pk}/items/csv"
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.post(url, {"file": SimpleUploadedFile("i.csv", body)}).status_code == 404
    response = world.client(Role.PAYROLL_CLERK).post(
        url, {"file": SimpleUploadedFile("i.csv", body)}
    )
    assert response.status_code == 201 and response.json() == {"imported": 1}
    assert PayItem.objects.get().amount_cents == 25050


def test_tax_cards_income_limit_of_1e30_and_nul_byte_are_row_errors(world, clerk):
    employee(clerk, world.company, card=None, number="10")
    employee(clerk, world.company, card=None, number="11", first_name="Liisa")
    body = f"{CARDS}10,2026,20,40,1e30\n11,2026,2\x000,40,40000\n".encode()
    with pytest.raises(ValidationError) as error:
        services.import_tax_cards_csv(clerk, world.company, body, year=2026)
    message = " ".join(error.value.message_dict["file"])
    assert "Row 2" in message and "income_limit" in message and "out of range" in message
    assert "Row 3" in message and "U+0000" in message
    assert not TaxCard.objects.exists()
