"""The Tax Administration's withholding data file (formats.tax_card_file): XML and JSON,
encodings, record errors by line, and refusal of malformed or entity-declaring XML."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tase.formats import tax_card_file as tcf

XML = """<?xml version="1.0" encoding="{encoding}"?>
<WithholdingData xmlns="urn:example:withholding">
  <Payer><BusinessId>1000000-4</BusinessId></Payer>
  <TaxCard>
    <PersonalIdentityCode>150675-123x</PersonalIdentityCode>
    <Name>Äijälä Sari</Name>
    <TaxYear>2026</TaxYear>
    <ValidFrom>2026-02-01</ValidFrom>
    <WithholdingPercentage>20,5</WithholdingPercentage>
    <AdditionalPercentage>40</AdditionalPercentage>
    <IncomeLimit>35 000,00</IncomeLimit>
  </TaxCard>
  <verokortti>
    <henkilötunnus>010190-123A</henkilötunnus>
    <verovuosi>2026</verovuosi>
    <voimassa_alkaen>1.3.2026</voimassa_alkaen>
    <perusprosentti>12</perusprosentti>
    <lisäprosentti>34,5</lisäprosentti>
    <tuloraja>20000</tuloraja>
  </verokortti>
</WithholdingData>
"""


def _check(result):
    first, second = result.records
    assert first == tcf.Record(
        line=4, identity_code="150675-123X", year=2026, valid_from=dt.date(2026, 2, 1),
        base_rate=D("20.5"), additional_rate=D("40"), income_limit=D("35000.00"),
    )  # fmt: skip
    assert (second.line, second.identity_code, second.valid_from) == (
        13, "010190-123A", dt.date(2026, 3, 1),
    )  # fmt: skip
    assert (second.base_rate, second.additional_rate, second.income_limit) == (
        D("12"), D("34.5"), D("20000"),
    )  # fmt: skip
    assert result.errors == []


@pytest.mark.parametrize(
    "encoding,codec", [("UTF-8", "utf-8"), ("ISO-8859-15", "iso-8859-15"), ("UTF-16", "utf-16")]
)
def test_xml_in_its_declared_encoding(encoding, codec):
    _check(tcf.read(XML.format(encoding=encoding).encode(codec)))


def test_windows_1252_under_a_utf8_label_is_read_with_a_warning():
    result = tcf.read(XML.format(encoding="UTF-8").encode("cp1252"))
    _check(result)
    assert "Windows-1252" in result.warning


def test_json_records_anywhere_in_the_document_with_a_bom():
    document = (
        '{"payer": "1000000-4", "taxCards": [{"personalIdentityCode": "150675-123X", '
        '"taxYear": 2026, "withholdingPercentage": 20.5, "additionalPercentage": 40, '
        '"incomeLimit": 35000, "taxCardType": "Perusverokortti"}]}'
    )
    (record,) = tcf.read(b"\xef\xbb\xbf" + document.encode()).records
    assert (record.base_rate, record.income_limit, record.card_type) == (
        D("20.5"), D("35000"), "Perusverokortti",
    )  # fmt: skip
    assert record.valid_from is None and record.year == 2026


def test_a_record_that_cannot_be_read_is_an_error_naming_its_line():
    xml = XML.format(encoding="UTF-8").replace("<perusprosentti>12<", "<perusprosentti>12 %x<")
    result = tcf.read(xml.encode())
    assert [r.line for r in result.records] == [4]
    assert result.errors == [(13, "the base percentage “12 %x” cannot be read.")]
    missing = tcf.read(b"<a><TaxCard><Hetu> </Hetu><TaxYear>2026</TaxYear></TaxCard></a>")
    assert missing.errors == [(1, "the record has no personal identity code.")]


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"<a><TaxCard><Hetu>1</Hetu></a>", "well-formed"),
        (b'<!DOCTYPE a [<!ENTITY x "y">]><a><Hetu>&x;</Hetu></a>', "entities"),
        (b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', "entities"),
        (b'{"a": [1, 2', "JSON"),
        (b"employee;year\n1;2026\n", "neither XML nor JSON"),
        (b"<a><b>no records</b></a>", "no tax card records"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(data, reason):
    with pytest.raises(tcf.TaxCardFileError) as error:
        tcf.read(data)
    assert reason in str(error.value)


def test_looks_like_tells_xml_and_json_from_csv():
    assert tcf.looks_like(b"\xef\xbb\xbf<?xml")
    assert tcf.looks_like("[".encode("utf-16"))
    assert tcf.looks_like(b"  {")
    assert not tcf.looks_like(b"employee;year")


def test_many_records_stream_in_flat_memory():
    import tracemalloc

    body = "".join(
        f"<TaxCard><Hetu>010190-{n:04d}</Hetu><TaxYear>2026</TaxYear>"
        f"<Perusprosentti>20</Perusprosentti><Lisaprosentti>40</Lisaprosentti>"
        f"<Tuloraja>30000</Tuloraja></TaxCard>\n"
        for n in range(5000)
    )
    data = f"<WithholdingData>\n{body}</WithholdingData>".encode()
    tracemalloc.start()
    result = tcf.read(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(result.records) == 5000 and result.records[-1].line == 5001
    # The records themselves take most of it; the parsed tree is cleared as it goes.
    assert peak < 40 * len(data)
