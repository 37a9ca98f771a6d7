"""The salary payment file: pain.001.001.03 with purpose SALA, valid against the ISO XSD."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from tase.formats.sepa_salary import NS, Debtor, SepaError, Transfer, salary_file, validate

DEBTOR = Debtor("Rakennus Virtanen Oy", "FI2112345600000785", "NDEAFIHH")


def _file(transfers):
    return salary_file(
        DEBTOR,
        transfers,
        execution_date=dt.date(2026, 3, 31),
        message_id="PAYRUN-7",
        created=dt.datetime(2026, 3, 30, 12, 0, 5),
    )


def test_one_transfer_per_employee_with_purpose_sala_valid_against_the_xsd():
    document = _file(
        [
            Transfer("Mikko Mäkinen", "FI2112345600000785", Decimal("2568.35"), "PAYSLIP-1", "Palkka 31.03.2026"),
            Transfer("Anna Ö", "FI5810171000000122", Decimal("1000.00"), "PAYSLIP-2", "Palkka 31.03.2026", "NDEAFIHH"),
        ]
    )  # fmt: skip
    validate(document)
    root = ET.fromstring(document)
    ns = {"p": NS}
    assert root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", ns).text == "2"
    assert root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", ns).text == "3568.35"
    purposes = [e.text for e in root.iterfind(".//p:CdtTrfTxInf/p:Purp/p:Cd", ns)]
    assert purposes == ["SALA", "SALA"]
    assert root.find(".//p:PmtTpInf/p:CtgyPurp/p:Cd", ns).text == "SALA"
    assert [e.text for e in root.iterfind(".//p:Cdtr/p:Nm", ns)] == ["Mikko Makinen", "Anna O"]


def test_invalid_iban_is_refused_before_writing_and_an_invalid_document_by_the_xsd():
    with pytest.raises(SepaError, match="'FI2112345600000786' is not a valid IBAN"):
        _file([Transfer("A", "FI2112345600000786", Decimal("1.00"), "X", "Palkka")])
    document = _file(
        [Transfer("A", "FI2112345600000785", Decimal("1.00"), "X", "Palkka", "NOT-A-BIC")]
    )
    with pytest.raises(SepaError, match="BIC"):
        validate(document)


def test_zero_amount_is_refused():
    with pytest.raises(SepaError):
        _file([Transfer("A", "FI2112345600000785", Decimal("0"), "X", "Palkka")])
