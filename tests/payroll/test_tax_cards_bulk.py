"""Tax cards in bulk from CSV: page and API; a row error names the row, nothing written."""

from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile

from tase.core.roles import Role
from tase.payroll.models import TaxCard

from .factories import employee


def _two(clerk, world):
    a = employee(clerk, world.company, card=None, number="10")
    b = employee(clerk, world.company, card=None, number="11", first_name="Liisa")
    return a, b


def test_page_imports_every_row(world, clerk):
    a, b = _two(clerk, world)
    body = b"\xef\xbb\xbfemployee;year;base_rate;additional_rate;income_limit;valid_from\n" \
        b"10;2026;20,5;40;40000;\n11;2026;12;35;25 000,00;1.3.2026\n"  # fmt: skip
    response = world.client(Role.PAYROLL_CLERK).post(
        f"/payroll/c/{world.company.pk}/tax-cards/import/",
        {"year": "2026", "file": SimpleUploadedFile("cards.csv", body)},
    )
    assert response.status_code == 302
    card_a, card_b = TaxCard.objects.get(employee=a), TaxCard.objects.get(employee=b)
    assert (card_a.base_rate, card_a.income_limit_cents) == (D("20.5"), 4000000)
    assert (card_b.valid_from.isoformat(), card_b.income_limit_cents) == ("2026-03-01", 2500000)


def test_unknown_employee_or_wrong_year_names_the_rows_and_writes_nothing(world, clerk):
    _two(clerk, world)
    body = (
        "employee,year,base_rate,additional_rate,income_limit\n"
        "10,2026,20,40,40000\n99,2026,20,40,40000\n11,2025,20,40,40000\n"
    )
    response = world.client(Role.PAYROLL_CLERK).post(
        f"/api/v1/payroll/companies/{world.company.pk}/tax-cards/csv",
        {"year": "2026", "file": SimpleUploadedFile("cards.csv", body.encode())},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "99" in text and "2025" in text
    assert not TaxCard.objects.exists()


def test_api_imports_and_other_customer_gets_404(world, clerk):
    _two(clerk, world)
    body = b"employee,year,base_rate,additional_rate,income_limit\n10,2026,20,40,40000\n"
    url = f"/api/v1/payroll/companies/{world.company.pk}/tax-cards/csv"
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert (
        other.post(url, {"year": "2026", "file": SimpleUploadedFile("c.csv", body)}).status_code
        == 404
    )
    response = world.client(Role.PAYROLL_CLERK).post(
        url, {"year": "2026", "file": SimpleUploadedFile("c.csv", body)}
    )
    assert response.status_code == 201 and response.json() == {"imported": 1}
