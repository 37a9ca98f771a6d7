"""The rest of the earnings payment report examples of the Incomes Register's developer package
(tests/formats/data/tulorekisteri/README.md): each validates against the official XSD and is
read back by Tase's reader, recoveries and foreign identifiers included; and each signed
example is unchanged since the Register signed it."""

import base64
import copy
import datetime as dt
import hashlib
from decimal import Decimal as D
from pathlib import Path

import pytest
from lxml import etree

from tase.formats import incomes_register as ir

DATA = Path(__file__).parent / "data" / "tulorekisteri"
day = dt.date

# name: (payment date, identity code, transactions as read)
EXAMPLES = {
    "esimerkki_nt1.xml": (
        day(2020, 7, 31), "010101-1234",
        ((352, D("6500.00")), (413, D("464.75")), (414, D("81.25"))),
    ),
    "esimerkki_nt2.xml": (
        day(2020, 7, 31), "010101-1111",
        ((352, D("6500.00")), (413, D("399.75")), (414, D("104.00"))),
    ),
    "esimerkki_takaisinperinta_brutto.xml": (
        day(2020, 11, 15), "010101-1111",
        ((201, D("2500.00")), (301, D("800.00")), (330, D("20")), (402, D("936.00")),
         (407, D("200")), (413, D("223.08")), (414, D("39"))),
    ),
    "esimerkki_takaisinperinta_netto.xml": (
        day(2020, 11, 15), "010101-1111",
        ((201, D("2500.00")), (301, D("800.00")), (330, D("20")), (402, D("936.00")),
         (407, D("200.00")), (413, D("223.08")), (414, D("39.00"))),
    ),
    "esimerkki_tilapainen_tyonantaja.xml": (
        day(2020, 12, 1), "010101-1111",
        ((201, D("470.00")), (402, D("125.00")), (413, D("33.60")), (414, D("5.87"))),
    ),
    "esimerkki_ulkomainen_tyonantaja.xml": (day(2020, 12, 1), "", ((201, D("3000.00")),)),
    "esimerkki_vakuuttamisen_poikkeustilanne.xml": (
        day(2020, 5, 1), "",
        ((201, D("1500.00")), (203, D("2500.00")), (404, D("1221.50")), (405, D("510.00"))),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_package_example_validates_and_reads_back(name):
    document = (DATA / name).read_bytes()
    ir.validate(document)
    ir.validate(document, ir.WAGE_REPORTS)
    delivery = ir.read(document)
    payment_date, identity_code, transactions = EXAMPLES[name]
    assert (delivery.kind, delivery.data_type) == (ir.WAGE_REPORTS, 100)
    assert delivery.payment_date == payment_date
    (report,) = delivery.reports
    assert report.action == ir.ACTION_NEW and report.version is None
    assert report.identity_code == identity_code
    assert report.transactions == transactions


def test_recovered_pay_is_read_as_a_recovery_not_as_pay():
    """Takaisinperintä: the 500.00 of income type 201 with Recovery true is pay of October
    recovered in November, not November's pay; the net recovery gives the withholding on it."""
    gross = ir.read((DATA / "esimerkki_takaisinperinta_brutto.xml").read_bytes()).reports[0]
    net = ir.read((DATA / "esimerkki_takaisinperinta_netto.xml").read_bytes()).reports[0]
    october = ((day(2020, 10, 15), day(2020, 10, 1), day(2020, 10, 31)),)
    assert gross.recoveries == (ir.Recovery(201, D("500.00"), day(2020, 11, 15), None, october),)
    assert net.recoveries == (
        ir.Recovery(201, D("500.00"), day(2020, 11, 15), D("150.00"), october),
    )
    assert gross.total(201) == net.total(201) == D("2500.00")
    assert gross.earning_periods == ()


def test_foreign_earners_identifier_is_not_read_as_an_identity_code():
    """A foreign personal identifier (Id Type 9) with its country, and the birth date."""
    abroad = ir.read((DATA / "esimerkki_ulkomainen_tyonantaja.xml").read_bytes()).reports[0]
    assert (abroad.identity_code, abroad.foreign_ids) == ("", ((9, "1023-44-56837", "GB"),))
    assert (abroad.last_name, abroad.birth_date) == ("Lastname", day(1983, 4, 1))
    posted = ir.read((DATA / "esimerkki_vakuuttamisen_poikkeustilanne.xml").read_bytes())
    (report,) = posted.reports
    assert (report.identity_code, report.foreign_ids) == ("", ((9, "62349723611", "PL"),))
    assert report.birth_date == day(1985, 7, 31)
    assert report.earning_periods == (
        (201, D("1500.00"), ((day(2020, 4, 1), day(2020, 4, 30)),)),
        (203, D("2500.00"), ((day(2020, 1, 1), day(2020, 4, 30)),)),
    )
    finnish = ir.read((DATA / "esimerkki_nt1.xml").read_bytes()).reports[0]
    assert finnish.foreign_ids == () and finnish.recoveries == ()


DS = "{http://www.w3.org/2000/09/xmldsig#}"
SIGNED = sorted(
    [
        *EXAMPLES,
        "esimerkki_tulolajin_vakuuttamistiedon_tyyppi.xml",
        "esimerkki_perusteeton_etu.xml",
    ]
)


@pytest.mark.parametrize("name", SIGNED)
def test_signed_example_is_as_the_register_signed_it(name):
    """The enveloped XMLDSig signature (rsa-sha256 over SignedInfo, sha256 digest of the
    document without the signature in Canonical XML 1.0) holds with the key of its own
    test certificate: the content was copied without a change (line ends and comments are
    outside what it covers)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    root = etree.fromstring((DATA / name).read_bytes())
    signature = root.find(DS + "Signature")
    unsigned = copy.deepcopy(root)
    unsigned.remove(unsigned.find(DS + "Signature"))
    canonical = etree.tostring(unsigned, method="c14n", with_comments=False)
    digest = hashlib.sha256(canonical).digest()
    assert base64.b64encode(digest).decode() == signature.findtext(f".//{DS}DigestValue")
    certificate = x509.load_der_x509_certificate(
        base64.b64decode(signature.findtext(f".//{DS}X509Certificate"))
    )
    certificate.public_key().verify(
        base64.b64decode(signature.findtext(DS + "SignatureValue")),
        etree.tostring(signature.find(DS + "SignedInfo"), method="c14n", exclusive=True),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
