"""Tax cards from the Tax Administration's withholding data file: page (told apart from CSV
by its content) and API; an unknown employee, another year or malformed XML is a clear
error and nothing is written; the Vero API adapter is a documented stub."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import TaxCard

from .factories import employee, valid_code


def _file(*people, year=2026) -> bytes:
    cards = "".join(
        f"""  <TaxCard>
    <PersonalIdentityCode>{code}</PersonalIdentityCode>
    <TaxYear>{year}</TaxYear>
    <ValidFrom>{year}-02-01</ValidFrom>
    <WithholdingPercentage>{base}</WithholdingPercentage>
    <AdditionalPercentage>40</AdditionalPercentage>
    <IncomeLimit>30000,00</IncomeLimit>
  </TaxCard>
"""
        for code, base in people
    )
    text = f'<?xml version="1.0" encoding="ISO-8859-1"?>\n<WithholdingData>\n{cards}</WithholdingData>\n'
    return text.encode("iso-8859-1")


@pytest.fixture
def people(world, clerk):
    first = employee(clerk, world.company, card=None, identity_code=valid_code("150675-123"))
    second = employee(
        clerk, world.company, card=None, first_name="Liisa", identity_code=valid_code("010190-123")
    )
    return first, second


def test_page_imports_the_tax_administrations_file(world, clerk, people):
    first, second = people
    body = _file((first.identity_code, "20,5"), (second.identity_code, "12"))
    response = world.client(Role.PAYROLL_CLERK).post(
        f"/payroll/c/{world.company.pk}/tax-cards/import/",
        {"year": "2026", "file": SimpleUploadedFile("verokortit.xml", body)},
    )
    assert response.status_code == 302
    card = TaxCard.objects.get(employee=first)
    assert (card.base_rate, card.additional_rate, card.income_limit_cents, card.valid_from) == (
        D("20.5"), D("40"), 3000000, dt.date(2026, 2, 1),
    )  # fmt: skip
    assert TaxCard.objects.get(employee=second).base_rate == D("12")


def test_unknown_person_or_other_year_names_the_line_and_writes_nothing(world, clerk, people):
    first, _second = people
    stranger = valid_code("311299-899")
    body = _file((first.identity_code, "20"), (stranger, "20"))
    url = f"/api/v1/payroll/companies/{world.company.pk}/tax-cards/withholding-file"
    client = world.client(Role.PAYROLL_CLERK)
    response = client.post(url, {"year": "2026", "file": SimpleUploadedFile("v.xml", body)})
    assert response.status_code == 422
    text = response.content.decode()
    assert stranger in text and " 11:" in text  # the stranger's record starts on line 11
    response = client.post(
        url,
        {
            "year": "2026",
            "file": SimpleUploadedFile("v.xml", _file((first.identity_code, "20"), year=2025)),
        },
    )
    assert response.status_code == 422 and "2025" in response.content.decode()
    assert not TaxCard.objects.exists()


def test_malformed_or_entity_xml_is_refused(world, clerk, people):
    url = f"/api/v1/payroll/companies/{world.company.pk}/tax-cards/withholding-file"
    client = world.client(Role.PAYROLL_CLERK)
    for body in (
        b"<WithholdingData><TaxCard><Hetu>1</Hetu></WithholdingData>",
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a><Hetu>&x;</Hetu></a>',
    ):
        response = client.post(url, {"year": "2026", "file": SimpleUploadedFile("v.xml", body)})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert not TaxCard.objects.exists()


def test_api_imports_and_another_customer_gets_404(world, clerk, people):
    first, _second = people
    url = f"/api/v1/payroll/companies/{world.company.pk}/tax-cards/withholding-file"
    body = _file((first.identity_code, "20"))
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert (
        other.post(url, {"year": "2026", "file": SimpleUploadedFile("v.xml", body)}).status_code
        == 404
    )
    response = world.client(Role.PAYROLL_CLERK).post(
        url, {"year": "2026", "file": SimpleUploadedFile("v.xml", body)}
    )
    assert response.status_code == 201 and response.json() == {"imported": 1}


def test_the_vero_api_adapter_is_a_documented_stub(world):
    from tase.payroll.services.tax_cards_bulk import NotConfigured

    with pytest.raises(NotConfigured, match="Vero API"):
        services.VeroApiTaxCards().fetch(world.company, 2026, ["150675-123X"])
