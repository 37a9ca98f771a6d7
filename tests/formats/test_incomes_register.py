"""Incomes Register files: our output validates against the official XSDs and reads back; the
official message examples of the Register's developer package validate and read."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tase.formats import incomes_register as ir

DATA = Path(__file__).parent / "data" / "tulorekisteri"
HEADER = ir.Header(
    delivery_id="RUN-7-1",
    timestamp=dt.datetime(2026, 3, 31, 10, 0, tzinfo=dt.UTC),
    payer_business_id="1234567-8",
    contact_name="Maija Palkka",
    contact_phone="040 123 4567",
    production=False,
)


def _report(**changes):
    base = {
        "report_id": "7-12",
        "earner": ir.Earner("Meikäläinen", "Matti", identity_code="131052-308T"),
        "employment": ir.Employment(
            start=dt.date(2024, 1, 1),
            full_time=True,
            hours_per_week=Decimal("37.5"),
            hourly=False,
            profession_code="25121",
            agreement_code=125,
        ),
        "pension_provider": 46,
        "pension_policy": "46-1234567",
        "transactions": (
            ir.Transaction(201, Decimal("3500.00")),
            ir.Transaction(334, Decimal("14.00"), meal_benefit_at_tax_value=True),
            ir.Transaction(311, Decimal("27.50"), kilometres=50),
            ir.Transaction(402, Decimal("700.00")),
            ir.Transaction(413, Decimal("250.25")),
            ir.Transaction(414, Decimal("31.15")),
        ),
    }
    return ir.WageReport(**(base | changes))


def _wage_file(*reports):
    return ir.wage_reports(
        HEADER,
        payment_date=dt.date(2026, 3, 31),
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        reports=list(reports) or [_report()],
    )


def test_wage_reports_validate_and_read_back():
    document = _wage_file(
        _report(),
        _report(
            report_id="7-13",
            earner=ir.Earner("Virtanen", "Liisa", birth_date=dt.date(1990, 5, 1)),
            employment=None,
        ),
    )
    ir.validate(document, ir.WAGE_REPORTS)
    delivery = ir.read(document)
    assert delivery.kind == ir.WAGE_REPORTS
    assert delivery.data_type == 100
    assert delivery.payer_business_id == "1234567-8"
    assert delivery.production is False
    assert delivery.payment_date == dt.date(2026, 3, 31)
    first, second = delivery.reports
    assert first.identity_code == "131052-308T"
    assert first.total(201) == Decimal("3500.00")
    assert first.total(414) == Decimal("31.15")
    assert second.identity_code == ""
    assert second.birth_date == dt.date(1990, 5, 1)
    assert b"<MissingId>true</MissingId>" in document
    assert b"<KmAllowance>" in document and b"<MealBenefit>" in document
    assert b"<CBACode>125</CBACode>" in document


def test_a_replacement_carries_its_version():
    document = _wage_file(_report(action=ir.ACTION_REPLACEMENT, version=2))
    ir.validate(document)
    (report,) = ir.read(document).reports
    assert (report.action, report.version) == (2, 2)


def test_an_invalid_report_is_refused_naming_the_element():
    document = _wage_file(_report(pension_policy="46-1234567-TOO-LONG"))
    with pytest.raises(ir.IncomesRegisterError, match="PensionPolicyNo"):
        ir.validate(document)


def test_separate_report_with_health_insurance_and_without_wages():
    for value, code in ((Decimal("61.60"), 102), (None, 101)):
        document = ir.separate_report(
            HEADER,
            ir.SeparateReport("SR-3-202603", 2026, 3, value, version=1),
            report_date=dt.date(2026, 4, 1),
        )
        ir.validate(document, ir.SEPARATE_REPORTS)
        delivery = ir.read(document)
        assert delivery.kind == ir.SEPARATE_REPORTS
        # Aineistotyyppi 101: the employer's separate reports (formats.incomes_register).
        assert delivery.data_type == ir.DATA_SEPARATE_REPORTS == 101
        assert delivery.month == (2026, 3)
        assert delivery.summary == ((code, value),)
        assert delivery.reports[0].report_id == "SR-3-202603"


def test_invalidations_validate_and_read_back():
    document = ir.invalidations(HEADER, [ir.Invalidation("7-12", 1), ir.Invalidation("7-13")])
    ir.validate(document, ir.INVALIDATIONS)
    delivery = ir.read(document)
    # Aineistotyyppi 105: invalidation of earnings payment reports.
    assert delivery.data_type == ir.DATA_WAGE_INVALIDATIONS == 105
    assert delivery.invalidated == (("7-12", 1), ("7-13", None))


def test_separate_report_invalidations_have_their_own_delivery_data_type():
    document = ir.invalidations(HEADER, [ir.Invalidation("SR-3-202603", 2)], of=ir.SEPARATE_REPORTS)
    ir.validate(document, ir.INVALIDATIONS)
    # Aineistotyyppi 106: invalidation of employer's separate reports.
    assert ir.read(document).data_type == ir.DATA_SEPARATE_INVALIDATIONS == 106


@pytest.mark.parametrize(
    "name", ["esimerkki_tulolajin_vakuuttamistiedon_tyyppi.xml", "esimerkki_perusteeton_etu.xml"]
)
def test_official_examples_validate_and_read(name):
    document = (DATA / name).read_bytes()
    assert b"\r\n" in document  # the package's files have CRLF line ends
    ir.validate(document)
    delivery = ir.read(document)
    assert delivery.kind == ir.WAGE_REPORTS
    assert delivery.payer_business_id == "1234567-8"
    (report,) = delivery.reports
    assert report.identity_code == "010101-1111"
    assert report.last_name == "Sukunimi"


def test_official_normal_report_amounts():
    delivery = ir.read((DATA / "esimerkki_tulolajin_vakuuttamistiedon_tyyppi.xml").read_bytes())
    (report,) = delivery.reports
    assert report.action == ir.ACTION_NEW
    assert delivery.payment_date == dt.date(2020, 5, 15)
    assert [code for code, _ in report.transactions] == [202, 210, 308, 402, 413, 414, 419]
    assert report.total(308) == Decimal("1500")
    assert report.total(419) == Decimal("100.00")


def test_official_benefits_report_amounts():
    delivery = ir.read((DATA / "esimerkki_perusteeton_etu.xml").read_bytes())
    (report,) = delivery.reports
    assert (report.action, report.version) == (ir.ACTION_REPLACEMENT, 1)
    assert report.total(201) == Decimal("2500.00")
    assert report.total(301) == Decimal("800.00")
    assert report.total(330) == Decimal("20")
    assert report.total(407) == Decimal("200")


def test_reader_takes_a_bom_and_refuses_entities():
    document = b"\xef\xbb\xbf" + _wage_file()
    assert ir.read(document).reports[0].report_id == "7-12"
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<wrtir:WageReportRequestToIR xmlns:wrtir="' + ir.NS_WAGE.encode() + b'">&a;'
        b"</wrtir:WageReportRequestToIR>"
    )
    with pytest.raises(ir.IncomesRegisterError):
        ir.read(bomb)
    with pytest.raises(ir.IncomesRegisterError, match="Malformed"):
        ir.read(b"<not closed")
    with pytest.raises(ir.IncomesRegisterError, match="Not an Incomes Register"):
        ir.read(b"<Document/>")


def test_reader_takes_other_encodings():
    document = _wage_file(_report(earner=ir.Earner("Äijälä", "Öljy", identity_code="131052-308T")))
    latin = document.decode("utf-8").replace("encoding='UTF-8'", "encoding='ISO-8859-1'")
    for encoded in (
        latin.encode("iso-8859-1"),
        document.decode("utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'").encode("utf-16"),
    ):
        (report,) = ir.read(encoded).reports
        assert (report.last_name, report.first_name) == ("Äijälä", "Öljy")


def test_writing_and_validating_a_delivery_keeps_memory_flat():
    """Written through the validating writer to a sink that keeps nothing, a delivery of
    3,000 reports (about 5 MiB) never holds more than a few reports on the Python side."""
    import tracemalloc

    class Sink:
        size = 0

        def write(self, data):
            self.size += len(data)

    def peak(count: int) -> tuple[int, int]:
        sink = Sink()
        writer = ir.ValidatingWriter(ir.WAGE_REPORTS, sink)
        reports = (_report(report_id=f"R{n}") for n in range(count))
        tracemalloc.start()
        ir.write_wage_reports(
            writer,
            HEADER,
            payment_date=dt.date(2026, 3, 31),
            period_start=dt.date(2026, 3, 1),
            period_end=dt.date(2026, 3, 31),
            reports=reports,
        )
        writer.close()
        _size, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top, sink.size

    small, _ = peak(300)
    large, size = peak(3000)
    assert size > 4 * 2**20
    assert large < small + 256 * 2**10  # not ten times the small one's


def test_the_validating_writer_refuses_a_truncated_or_invalid_document():
    document = _wage_file()
    writer = ir.ValidatingWriter(ir.WAGE_REPORTS)
    writer.write(document[: len(document) // 2])
    with pytest.raises(ir.IncomesRegisterError):
        writer.close()
    bad = document.replace(
        b"<TransactionCode>201</TransactionCode>", b"<TransactionCode>x</TransactionCode>"
    )
    with pytest.raises(ir.IncomesRegisterError, match="TransactionCode"):
        ir.validate(bad, ir.WAGE_REPORTS)
    with pytest.raises(ir.IncomesRegisterError, match="DTD"):
        ir.ValidatingWriter(ir.WAGE_REPORTS).write(b'<?xml version="1.0"?><!DOCTYPE x []><x/>')


def test_official_example_daily_allowance_types_and_full_time():
    """The official example that gives the daily allowance's type codes Tase writes
    (osapäiväraha 2, kokopäiväraha 3) and EmploymentCode 1 for full time."""
    document = (DATA / "esimerkki_julkisyhteiso_maksajana.xml").read_bytes()
    ir.validate(document)
    (report,) = ir.read(document).reports
    assert report.employment_code == ir.FULL_TIME == 1
    assert report.daily_allowances == ((331, (ir.ALLOWANCE_PARTIAL, ir.ALLOWANCE_FULL)),)
    assert report.total(331) == Decimal("143.00")


def test_car_benefit_and_daily_allowance_data_validate_and_read_back():
    """CarBenefit and DailyAllowance in the places the XSD's Transaction sequence gives them
    (after EarningPeriods, CarBenefit before MealBenefit, DailyAllowance before KmAllowance),
    and part time in the employment."""
    part_time = ir.Employment(start=dt.date(2024, 1, 1), full_time=False)
    report = _report(
        employment=part_time,
        transactions=(
            ir.Transaction(201, Decimal("2000.00")),
            ir.Transaction(
                304,
                Decimal("567.00"),
                car_benefit=ir.CarBenefit(ir.CAR_FULL, ir.CAR_AGE_GROUPS["B"], 1200),
            ),
            ir.Transaction(
                304,
                Decimal("10.00"),
                car_benefit=ir.CarBenefit(ir.CAR_LIMITED, ir.CAR_AGE_GROUPS["U"]),
                earning_periods=((dt.date(2026, 2, 1), dt.date(2026, 2, 28)),),
            ),
            ir.Transaction(
                331, Decimal("130.00"), daily_allowances=(ir.ALLOWANCE_PARTIAL, ir.ALLOWANCE_FULL)
            ),
            ir.Transaction(402, Decimal("400.00")),
            ir.Transaction(419, Decimal("100.00")),
        ),
    )
    document = _wage_file(report)
    ir.validate(document)
    (read,) = ir.read(document).reports
    assert read.employment_code == ir.PART_TIME
    assert read.car_benefits == ((304, 2, 2, 1200), (304, 1, 4, None))
    assert read.daily_allowances == ((331, (2, 3)),)
    assert read.total(419) == Decimal("100.00")


def test_report_versions_are_read_streamed_from_parts():
    """report_versions reads the ids and versions of a delivery given in pieces (as a file
    stored in parts is), split anywhere, and refuses a malformed one."""
    reports = [
        ir.WageReport(
            report_id=f"R{n}",
            earner=ir.Earner("Bench", f"E{n}", birth_date=dt.date(1990, 1, 1)),
            transactions=(ir.Transaction(201, Decimal("100")),),
            version=n % 3 or None,
        )
        for n in range(1, 40)
    ]
    document = ir.wage_reports(
        ir.Header("D", dt.datetime(2026, 3, 31, 12), "1234567-8", "M", "040 1"),
        payment_date=dt.date(2026, 3, 31),
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        reports=reports,
    )
    pieces = [document[i : i + 97] for i in range(0, len(document), 97)]
    assert list(ir.report_versions(pieces)) == [(r.report_id, r.version) for r in reports]
    with pytest.raises(ir.IncomesRegisterError):
        list(ir.report_versions([document[: len(document) // 2]]))


def test_the_official_absence_example_validates_and_its_absences_read_back():
    """The developer package's example of absence data (cause codes 1 sickness and 16 lay-off
    that Tase writes are confirmed by it and a vendor's guide: formats.incomes_register)."""
    document = (DATA / "esimerkki_poissaolotiedot.xml").read_bytes()
    ir.validate(document, ir.WAGE_REPORTS)
    (report,) = ir.read(document).reports
    day = dt.date
    assert report.absence == ir.Absences(
        day(2020, 9, 1),
        day(2020, 9, 30),
        (
            ir.AbsencePeriod(day(2020, 9, 24), day(2020, 9, 25), 9, 2),
            ir.AbsencePeriod(day(2020, 9, 4), day(2020, 9, 8), 14, 5),
            ir.AbsencePeriod(
                day(2020, 9, 14), day(2020, 9, 17), ir.ABSENCE_SICKNESS, 3, Decimal("350.00")
            ),
            ir.AbsencePeriod(day(2020, 9, 18), day(2020, 9, 22), 5, 5, Decimal("400.00")),
        ),
    )


def test_names_with_markup_characters_are_escaped_and_read_back():
    # The reports are written as text: what lxml escaped must be escaped the same way.
    import datetime as dt
    from decimal import Decimal

    from tase.formats import incomes_register as irf

    earner = irf.Earner("O'Brien & <Sons>", 'Åke\r"x"', birth_date=dt.date(1990, 1, 1))
    report = irf.WageReport("R&1", earner, (irf.Transaction(201, Decimal("10")),))
    header = irf.Header("D1", dt.datetime(2026, 4, 1, 12, 0), "1234567-8", "M & M", "040 1")
    document = irf.wage_reports(
        header,
        payment_date=dt.date(2026, 3, 31),
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        reports=[report],
    )
    irf.validate(document, irf.WAGE_REPORTS)
    assert b"O'Brien &amp; &lt;Sons&gt;" in document and b"&#13;" in document
    (read,) = irf.read(document).reports
    assert (read.report_id, read.last_name, read.first_name) == (
        "R&1",
        earner.last_name,
        'Åke\r"x"',
    )
