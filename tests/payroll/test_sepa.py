"""The salary payment file in both versions: pain.001.001.03 (default) and .09, each valid
against its ISO XSD (shipped with sepaxml), purpose SALA, in the UI and the API."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.formats import sepa_salary
from tase.formats.sepa_salary import Debtor, SepaError, Transfer
from tase.payroll import services

from .factories import employee, pay_run

TRANSFERS = [
    Transfer("Mikko Mäkinen", "FI2112345600000785", Decimal("2568.35"), "PAYSLIP-1", "Palkka"),
    Transfer("Anna Ö", "FI5810171000000122", Decimal("1000.00"), "PAYSLIP-2", "Palkka", "NDEAFIHH"),
]


def _file(version, debtor_bic="NDEAFIHH"):
    return sepa_salary.salary_file(
        Debtor("Rakennus Virtanen Oy", "FI2112345600000785", debtor_bic),
        TRANSFERS,
        execution_date=dt.date(2026, 3, 31),
        message_id="PAYRUN-7",
        created=dt.datetime(2026, 3, 30, 12, 0, 5),
        version=version,
    )


@pytest.mark.parametrize("version", sepa_salary.VERSIONS)
@pytest.mark.parametrize("bic", ["NDEAFIHH", ""])
def test_both_versions_are_valid_against_their_xsd_with_purpose_sala(version, bic):
    document = _file(version, bic)
    sepa_salary.validate(document, version)
    assert sepa_salary.version_of(document) == version
    root = ET.fromstring(document)
    ns = {"p": sepa_salary.namespace(version)}
    assert root.tag == f"{{{ns['p']}}}Document"
    assert [e.text for e in root.iterfind(".//p:CdtTrfTxInf/p:Purp/p:Cd", ns)] == ["SALA"] * 2
    assert root.find(".//p:PmtTpInf/p:CtgyPurp/p:Cd", ns).text == "SALA"
    assert root.find(".//p:GrpHdr/p:CtrlSum", ns).text == "3568.35"
    if version == sepa_salary.V09:
        assert root.find("p:CstmrCdtTrfInitn/p:PmtInf/p:ReqdExctnDt/p:Dt", ns).text == "2026-03-31"
        assert root.find(".//p:CdtrAgt/p:FinInstnId/p:BICFI", ns).text == "NDEAFIHH"
    else:
        assert root.find("p:CstmrCdtTrfInitn/p:PmtInf/p:ReqdExctnDt", ns).text == "2026-03-31"
        assert root.find(".//p:CdtrAgt/p:FinInstnId/p:BIC", ns).text == "NDEAFIHH"


def test_a_03_document_is_not_valid_as_09():
    with pytest.raises(SepaError):
        sepa_salary.validate(_file(sepa_salary.V03), sepa_salary.V09)
    with pytest.raises(SepaError):
        _file("pain.001.001.99")


@pytest.fixture
def approved(world, clerk):
    employee(clerk, world.company, iban="FI2112345600000785")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    services.update_settings(clerk, world.company, payer_iban="FI58 1017 1000 0001 22",
                             payer_bic="NDEAFIHH", accident_rate="0", group_life_rate="0")  # fmt: skip
    return run


@pytest.mark.parametrize("version", sepa_salary.VERSIONS)
def test_api_offers_both_versions(world, approved, version):
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/pay-runs/{approved.pk}/salary-file?version={version}"
    response = client.get(url)
    assert response.status_code == 200
    assert sepa_salary.version_of(response.content) == version
    sepa_salary.validate(response.content, version)
    assert version in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action="salary_file").latest("pk")
    assert event.changes["version"] == [None, version]


def test_api_default_is_03_and_an_unknown_version_is_422_naming_it(world, approved):
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/pay-runs/{approved.pk}/salary-file"
    assert sepa_salary.version_of(client.get(url).content) == sepa_salary.V03
    before = AuditEvent.objects.filter(action="salary_file").count()
    bad = client.get(url + "?version=pain.001.001.02")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "version"
    assert AuditEvent.objects.filter(action="salary_file").count() == before


def test_page_offers_both_versions(world, approved):
    client = world.client(Role.PAYROLL_CLERK)
    page = client.get(f"/payroll/runs/{approved.pk}/").content.decode()
    assert 'name="version"' in page and "pain.001.001.09" in page
    response = client.get(f"/payroll/runs/{approved.pk}/sepa.xml?version=pain.001.001.09")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert sepa_salary.version_of(response.content) == sepa_salary.V09
    refused = client.get(f"/payroll/runs/{approved.pk}/sepa.xml?version=x", follow=True)
    assert "pain.001.001.09" in refused.content.decode()  # the message names the versions


def test_service_refuses_an_unknown_version_naming_the_field(clerk, approved):
    with pytest.raises(ValidationError) as error:
        services.salary_payment_file(clerk, approved, "pain.001.001.02")
    assert "version" in error.value.message_dict
