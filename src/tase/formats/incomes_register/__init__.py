"""Incomes Register (tulorekisteri) files: earnings payment reports, the employer's separate
report and invalidations, written with lxml and validated against the Register's XSDs;
a defusedxml reader for the same files in reader.py.

- ``WageReportRequestToIR`` (DeliveryDataType 100): one delivery, one report per income
  earner and payment date, one transaction per income type (tulolaji).
- ``PayerSummaryReportRequestToIR`` (DeliveryDataType 101): the employer's separate report
  (työnantajan erillisilmoitus) of a month: summary transaction 102, the employer's health
  insurance contribution, or 101, no wages payable.
- ``InvalidationRequestToIR``: invalidates earlier reports by their ReportId (DeliveryDataType
  105 for earnings payment reports, 106 for separate reports).

Only the root element is in the message's namespace; its children are unqualified (the
Register's ``schemaInfo.txt`` of the 2022 developer package). Codes: vero.fi,
"Tulorekisteri - Koodistot" (https://www.vero.fi/tulorekisteri/ohjelmistokehittäjät/dokumentaatio/),
and the message examples of the developer package (DeliveryDataType 100, ActionCode 1 new /
2 replacement, Id Type 1 Y-tunnus / 2 Finnish personal identity code, Profession Type 1 TK10,
PensionActCode 1 TyEL). Amounts are euros with a decimal point and two decimals.

Pure Python: no Django import.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from defusedxml import ElementTree as SafeET
from lxml import etree

NS_WAGE = "http://www.tulorekisteri.fi/2017/1/WageReportsToIR"
NS_SUMMARY = "http://www.tulorekisteri.fi/2017/1/PayerSummaryReportsToIR"
NS_INVALIDATION = "http://www.tulorekisteri.fi/2017/1/InvalidationsToIR"
NS_DSIG = "http://www.w3.org/2000/09/xmldsig#"

WAGE_REPORTS, SEPARATE_REPORTS, INVALIDATIONS = "wage", "summary", "invalidation"
SCHEMAS = {
    WAGE_REPORTS: "WageReportsToIR.xsd",
    SEPARATE_REPORTS: "PayerSummaryReportsToIR.xsd",
    INVALIDATIONS: "InvalidationsToIR.xsd",
}
ROOTS = {
    WAGE_REPORTS: (NS_WAGE, "WageReportRequestToIR"),
    SEPARATE_REPORTS: (NS_SUMMARY, "PayerSummaryReportRequestToIR"),
    INVALIDATIONS: (NS_INVALIDATION, "InvalidationRequestToIR"),
}

# Aineistotyyppi (DeliveryDataType), code list "Koodistot - Aineistotyypit" (Tekninen rajapinta,
# https://www.vero.fi/tulorekisteri/ohjelmistokehittäjät/dokumentaatio/). 100 earnings payment
# reports: the developer package's message examples. 105 and 106: "Tekninen rajapinta -
# Tietojen toimittaminen tulorekisteriin" v1.04, version history ("Palkkatietoilmoituksen
# mitätöiminen (105)", "Työnantajan erillisilmoituksen mitätöiminen (106)"). 101 the employer's
# separate reports: as sent by a payroll program tested against the Register
# (juvuorin/haskell-ERP, src/External/IncomeRegister); the code-list PDF itself could not be read.
# (Until 12/2026 Tase wrote 102 for separate reports and 101/103 for invalidations: wrong.)
DATA_WAGE_REPORTS = 100
DATA_SEPARATE_REPORTS = 101
DATA_WAGE_INVALIDATIONS = 105
DATA_SEPARATE_INVALIDATIONS = 106
# Toimenpidetyyppi (ActionCode): 1 new, 2 replacement (the developer package's examples).
ACTION_NEW, ACTION_REPLACEMENT = 1, 2
# Yhteenvetotiedon tyyppi (SummaryTransactionCode) of the separate report: 102 the employer's
# health insurance contribution (työnantajan sairausvakuutusmaksu; the same program's separate
# report). 101 "No wages payable" (Ei palkanmaksua): the data item is the Register's (vero.fi,
# "Employer's separate report in the Incomes Register",
# https://www.vero.fi/en/incomes-register/companies-and-organisations/employers/earnings-payment-data/separate-report/:
# "the No wages payable data item, if a regular employer made no wage payments during the
# month"); its code 101 is confirmed by an independent compilation of the Register's codes
# (a public Finnish payroll-compliance research note, 2026: "101 ... 'No wages payable' in the
# separate report; code 102 carries the employer's health insurance contribution amount"),
# checked 6.12.2026. The code-list PDF itself ("Koodistot", Yhteenvetotiedon tyyppi) was not
# readable here; nothing contradicts 101. No Amount is given with it.
SUMMARY_NO_WAGES = 101
SUMMARY_HEALTH_INSURANCE = 102
# FaultyControl 2: the Register rejects the whole delivery if one report is faulty, so a run is
# never half reported.
REJECT_WHOLE_DELIVERY = 2
ID_BUSINESS, ID_PERSON = 1, 2
PROFESSION_TK10 = 1
PENSION_TYEL = 1
# Palvelussuhteen tyyppi (EmploymentCode): 1 full time, 2 part time.
FULL_TIME, PART_TIME = 1, 2
# Palkkauksen muoto (PaymentType): 1 monthly, 2 hourly.
PAYMENT_MONTHLY, PAYMENT_HOURLY = 1, 2
# Päivärahan tyyppi (DailyAllowance/AllowanceCode) of income type 331: 2 partial daily
# allowance (osapäiväraha), 3 full daily allowance (kokopäiväraha) - the official message
# example esimerkki_julkisyhteiso_maksajana.xml of the 2022 developer package ("osapäiväraha =
# 2", "kokopäiväraha = 3").
ALLOWANCE_PARTIAL, ALLOWANCE_FULL = 2, 3
# Autoedun tyyppi (CarBenefit/CarBenefitCode) of income type 304: 1 limited car benefit
# (käyttöetu), 2 full car benefit (vapaa autoetu) - Statistics Finland's metadata of the
# Register's earnings data (TAX_INCOMES, published 11.11.2025: "carBenefitCode1 Käyttöetu",
# "carBenefitCode2 Vapaa autoetu").
CAR_LIMITED, CAR_FULL = 1, 2
# Auton ikäryhmä (CarBenefit/AgeGroupCode): the Tax Administration's age groups A, B, C and U
# (veronmaksajat.fi, "Autoetu 2024", and the yearly decision on benefits in kind) as 1-4 in
# their order. NOT CONFIRMED: the code list ("Koodistot", Autoedun ikäryhmä) was not readable
# here; check it before production use. Searched again 7.12.2026 (vero.fi pages, the XSD, whose
# AgeGroupCode is a plain xs:int, public payroll code): no source for the numbering found.
CAR_AGE_GROUPS = {"A": 1, "B": 2, "C": 3, "U": 4}
# Poissaolon syy (UnpaidAbsencePeriod/PaidAbsencePeriod CauseCode): only the codes confirmed
# from a public source. 1 sickness (Sairaus): the official message example
# esimerkki_poissaolotiedot.xml of the 2022 developer package ("Sairaus = 1", beside
# "Kuntoutus = 5", "vuorotteluvapaa = 9", "Kertausharjoitus = 14"). 16 lay-off (Lomautus):
# a payroll vendor's guide to reporting lay-offs to the Register (asteri.fi, "Lomautuksen
# ilmoittaminen tulorekisteriin": "Poissaolon syy: Lomautus (koodi 16)"), checked 7.12.2026.
# The code list itself ("Koodistot", Poissaolon syy) was not readable here: family leave,
# unpaid leave and annual holiday have no confirmed code, and Tase does not guess one. Searched
# again 7.12.2026: vero.fi's absence guidance and FAQ (they name causes, never their numbers),
# payroll vendors' guides (Visma Nova, Netvisor, Fivaldi, Asteri: only lay-off 16), public
# repositories (including the developer package's examples): no further code found.
ABSENCE_SICKNESS, ABSENCE_LAYOFF = 1, 16
SOURCE = "Tase"


class IncomesRegisterError(ValueError):
    """A file that is not valid against the Register's schema, or cannot be read."""


@dataclass(frozen=True)
class Header:
    """Who delivers: the payer is also the owner, creator and sender of the delivery."""

    delivery_id: str
    timestamp: dt.datetime
    payer_business_id: str
    contact_name: str
    contact_phone: str
    production: bool = True
    source: str = SOURCE


@dataclass(frozen=True)
class Earner:
    """The income earner: the Finnish personal identity code, or (without one) the birth date."""

    last_name: str
    first_name: str
    identity_code: str = ""
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class Employment:
    start: dt.date
    end: dt.date | None = None
    full_time: bool | None = None
    hours_per_week: Decimal | None = None
    hourly: bool | None = None
    profession_code: str = ""  # TK10
    agreement_code: int | None = None  # CBACode (työehtosopimus)


@dataclass(frozen=True)
class CarBenefit:
    """CarBenefit of income type 304: the benefit type (:data:`CAR_LIMITED` or
    :data:`CAR_FULL`), the car's age group code and, for a value by the kilometre, the
    kilometres driven."""

    code: int
    age_group: int
    kilometres: int | None = None


@dataclass(frozen=True)
class Transaction:
    """One income type (tulolaji) with its amount, and the benefit data it needs."""

    code: int
    amount: Decimal
    meal_benefit_at_tax_value: bool = False  # MealBenefit/TaxValue (334 Ravintoetu)
    kilometres: int | None = None  # KmAllowance (311)
    car_benefit: CarBenefit | None = None  # CarBenefit (304 Autoetu)
    daily_allowances: tuple[int, ...] = ()  # DailyAllowance/AllowanceCode (331 Päiväraha)
    # EarningPeriods/EarningPeriod (StartDate, EndDate): the earnings period of pay earned in
    # another period than the delivery's pay period, e.g. retro pay of a salary revision.
    earning_periods: tuple[tuple[dt.date, dt.date], ...] = ()


@dataclass(frozen=True)
class AbsencePeriod:
    """One continuous absence with one cause (CauseCode); a paid one carries the pay for it
    (``amount``, PaidAbsencePeriod/Amount), an unpaid one none."""

    start: dt.date
    end: dt.date
    cause: int
    days: int | None = None  # AbsenceDays
    amount: Decimal | None = None

    @property
    def paid(self) -> bool:
        return self.amount is not None


@dataclass(frozen=True)
class Absences:
    """The absence data (poissaolotiedot) of one report: the reporting period
    (AbsenceRepStartDate - AbsenceRepEndDate, the span whose absences are all given) and the
    absence periods in it, unpaid and paid."""

    start: dt.date
    end: dt.date
    periods: tuple[AbsencePeriod, ...] = ()


def absences_data(block: Absences) -> dict:
    """``block`` as JSON-ready data (dates ISO, amounts as text; an unpaid period's amount
    null): what a delivery's row keeps of each report's absence data."""
    return {
        "start": block.start.isoformat(),
        "end": block.end.isoformat(),
        "periods": [
            [
                p.start.isoformat(),
                p.end.isoformat(),
                p.cause,
                p.days,
                None if p.amount is None else str(p.amount),
            ]
            for p in block.periods
        ],
    }


def absences_from_data(data: dict | None) -> Absences | None:
    """The block :func:`absences_data` gave (None for None)."""
    if data is None:
        return None
    day = dt.date.fromisoformat
    return Absences(
        day(data["start"]),
        day(data["end"]),
        tuple(
            AbsencePeriod(day(s), day(e), cause, days, None if a is None else Decimal(a))
            for s, e, cause, days, a in data["periods"]
        ),
    )


@dataclass(frozen=True)
class WageReport:
    report_id: str
    earner: Earner
    transactions: tuple[Transaction, ...]
    employment: Employment | None = None
    pension_provider: int | None = None
    pension_policy: str = ""
    action: int = ACTION_NEW
    version: int | None = None
    absence: Absences | None = None


@dataclass(frozen=True)
class SeparateReport:
    report_id: str
    year: int
    month: int
    health_insurance: Decimal | None  # None: no wages payable this month
    action: int = ACTION_NEW
    version: int | None = None


@dataclass(frozen=True)
class Invalidation:
    report_id: str
    version: int | None = None


def amount(value: Decimal) -> str:
    """Euros with a decimal point and two decimals (IRCommonTypes decimal2)."""
    return f"{Decimal(value).quantize(Decimal('0.01')):f}"


def _sub(parent, tag: str, text=None):
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _id(parent, tag: str, kind: int, code: str):
    element = _sub(parent, tag)
    _sub(element, "Type", kind)
    _sub(element, "Code", code)
    return element


def _root(kind: str):
    namespace, name = ROOTS[kind]
    prefix = {WAGE_REPORTS: "wrtir", SEPARATE_REPORTS: "psrtir", INVALIDATIONS: "itir"}[kind]
    return etree.Element(f"{{{namespace}}}{name}", nsmap={prefix: namespace})


def _delivery(root, header: Header, data_type: int, *, faulty_control: int | None = None):
    data = _sub(root, "DeliveryData")
    _sub(data, "Timestamp", header.timestamp.isoformat(timespec="seconds"))
    _sub(data, "Source", header.source[:30])
    _sub(data, "DeliveryDataType", data_type)
    _sub(data, "DeliveryId", header.delivery_id)
    if faulty_control is not None:
        _sub(data, "FaultyControl", faulty_control)
    _sub(data, "ProductionEnvironment", "true" if header.production else "false")
    for tag in ("DeliveryDataOwner", "DeliveryDataCreator", "DeliveryDataSender"):
        _id(data, tag, ID_BUSINESS, header.payer_business_id)
    return data


def _contacts(data, header: Header) -> None:
    person = _sub(_sub(data, "ContactPersons"), "ContactPerson")
    _sub(person, "Name", header.contact_name[:200])
    _sub(person, "Telephone", header.contact_phone[:40])


def _payer(data, header: Header) -> None:
    _id(_sub(_sub(data, "Payer"), "PayerIds"), "Id", ID_BUSINESS, header.payer_business_id)


def _report_data(report, action: int, report_id: str, version: int | None) -> None:
    data = _sub(report, "ReportData")
    _sub(data, "ActionCode", action)
    _sub(data, "ReportId", report_id)
    if version is not None:
        _sub(data, "ReportVersion", version)


# The reports of a delivery are written as text, not as lxml trees: building a tree of some
# 35 elements per report and serializing it took most of the time of a 10,000-report delivery
# (lxml's SubElement costs microseconds per element). The text is what lxml's pretty printer
# wrote (two-space indent, the same escaping), and it is validated against the XSD as it is
# written (ValidatingWriter), so a malformed report cannot get out.
_INDENT = tuple("  " * depth for depth in range(8))


def _escape(text: str) -> str:
    """Character data escaped as lxml escapes it (&, <, > and carriage return)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


class _Text:
    """Pretty-printed XML text built line by line."""

    __slots__ = ("lines",)

    def __init__(self):
        self.lines: list[str] = []

    def leaf(self, depth: int, tag: str, value) -> None:
        self.lines.append(f"{_INDENT[depth]}<{tag}>{value}</{tag}>\n")

    def text(self, depth: int, tag: str, value: str) -> None:
        self.leaf(depth, tag, _escape(value))

    def open(self, depth: int, *tags: str) -> None:
        for offset, tag in enumerate(tags):
            self.lines.append(f"{_INDENT[depth + offset]}<{tag}>\n")

    def close(self, depth: int, *tags: str) -> None:
        for offset, tag in enumerate(tags):
            self.lines.append(f"{_INDENT[depth - offset]}</{tag}>\n")


def _earner_text(out: _Text, item: WageReport) -> None:
    earner = item.earner
    out.open(1, "IncomeEarner")
    if earner.identity_code:
        out.open(2, "IncomeEarnerIds", "Id")
        out.leaf(4, "Type", ID_PERSON)
        out.text(4, "Code", earner.identity_code)
        out.close(3, "Id", "IncomeEarnerIds")
    out.open(2, "IncomeEarnerBasic")
    if not earner.identity_code:
        out.leaf(3, "MissingId", "true")
    out.text(3, "LastName", earner.last_name[:200])
    out.text(3, "FirstName", earner.first_name[:100])
    if not earner.identity_code and earner.birth_date:
        out.leaf(3, "BirthDate", earner.birth_date.isoformat())
    out.close(2, "IncomeEarnerBasic")
    job = item.employment
    if job is not None:
        out.open(2, "Employment")
        out.leaf(3, "Employed", "true")
        if job.full_time is not None:
            out.leaf(3, "EmploymentCode", FULL_TIME if job.full_time else PART_TIME)
        if job.hours_per_week is not None:
            out.leaf(3, "HoursPerWeek", amount(job.hours_per_week))
        if job.hourly is not None:
            out.open(3, "PaymentTypes")
            out.leaf(4, "PaymentType", PAYMENT_HOURLY if job.hourly else PAYMENT_MONTHLY)
            out.close(3, "PaymentTypes")
        out.open(3, "EmploymentPeriods", "Period")
        out.leaf(5, "StartDate", job.start.isoformat())
        if job.end is not None:
            out.leaf(5, "EndDate", job.end.isoformat())
        out.close(4, "Period", "EmploymentPeriods")
        out.close(2, "Employment")
        if job.profession_code:
            out.open(2, "Professions", "Profession")
            out.leaf(4, "Type", PROFESSION_TK10)
            out.text(4, "Code", job.profession_code)
            out.close(3, "Profession", "Professions")
    if item.pension_policy:
        out.open(2, "PensionInsurance")
        out.leaf(3, "PensionActCode", PENSION_TYEL)
        if item.pension_provider is not None:
            out.leaf(3, "PensionProvIdCode", item.pension_provider)
        out.text(3, "PensionPolicyNo", item.pension_policy)
        out.close(2, "PensionInsurance")
    if job is not None and job.agreement_code is not None:
        out.open(2, "IncomeEarnerOther")
        out.leaf(3, "CBACode", job.agreement_code)
        out.close(2, "IncomeEarnerOther")
    out.close(1, "IncomeEarner")


def _transactions_text(out: _Text, transactions: tuple[Transaction, ...]) -> None:
    if not transactions:
        return
    out.open(1, "Transactions")
    for item in transactions:
        out.open(2, "Transaction", "TransactionBasic")
        out.leaf(4, "TransactionCode", item.code)
        out.leaf(4, "Amount", amount(item.amount))
        out.close(3, "TransactionBasic")
        if item.earning_periods:
            out.open(3, "EarningPeriods")
            for start, end in item.earning_periods:
                out.open(4, "EarningPeriod")
                out.leaf(5, "StartDate", start.isoformat())
                out.leaf(5, "EndDate", end.isoformat())
                out.close(4, "EarningPeriod")
            out.close(3, "EarningPeriods")
        car = item.car_benefit
        if car is not None:
            out.open(3, "CarBenefit")
            out.leaf(4, "CarBenefitCode", car.code)
            out.leaf(4, "AgeGroupCode", car.age_group)
            if car.kilometres is not None:
                out.leaf(4, "Kilometers", car.kilometres)
            out.close(3, "CarBenefit")
        if item.meal_benefit_at_tax_value:
            out.open(3, "MealBenefit")
            out.leaf(4, "TaxValue", "true")
            out.close(3, "MealBenefit")
        if item.daily_allowances:
            out.open(3, "DailyAllowance")
            for code in item.daily_allowances:
                out.leaf(4, "AllowanceCode", code)
            out.close(3, "DailyAllowance")
        if item.kilometres is not None:
            out.open(3, "KmAllowance")
            out.leaf(4, "Kilometers", item.kilometres)
            out.close(3, "KmAllowance")
        out.close(2, "Transaction")
    out.close(1, "Transactions")


def _absence_text(out: _Text, absence: Absences | None) -> None:
    if absence is None:
        return
    out.open(1, "Absence")
    out.leaf(2, "AbsenceRepStartDate", absence.start.isoformat())
    out.leaf(2, "AbsenceRepEndDate", absence.end.isoformat())
    for paid, name in ((False, "Unpaid"), (True, "Paid")):
        periods = [p for p in absence.periods if p.paid == paid]
        if not periods:
            continue
        out.open(2, f"{name}Absence", f"{name}AbsencePeriods")
        for item in periods:
            out.open(4, f"{name}AbsencePeriod")
            out.leaf(5, "StartDate", item.start.isoformat())
            out.leaf(5, "EndDate", item.end.isoformat())
            if item.days is not None:
                out.leaf(5, "AbsenceDays", item.days)
            out.leaf(5, "CauseCode", item.cause)
            if paid:
                out.leaf(5, "Amount", amount(item.amount))
            out.close(4, f"{name}AbsencePeriod")
        out.close(3, f"{name}AbsencePeriods", f"{name}Absence")
    out.close(1, "Absence")


def _report_text(out: _Text, item: WageReport) -> None:
    """One ``Report`` element of an earnings payment delivery, as pretty-printed text."""
    out.open(0, "Report", "ReportData")
    out.leaf(2, "ActionCode", item.action)
    out.text(2, "ReportId", item.report_id)
    if item.version is not None:
        out.leaf(2, "ReportVersion", item.version)
    out.close(1, "ReportData")
    _earner_text(out, item)
    _transactions_text(out, item.transactions)
    _absence_text(out, item.absence)
    out.close(0, "Report")


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


FLUSH_EVERY = 50  # reports written out to ``out`` at a time


def write_wage_reports(
    out,
    header: Header,
    *,
    payment_date: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    reports: Iterable[WageReport],
) -> None:
    """Write a ``WageReportRequestToIR`` delivery of ``reports`` paid on ``payment_date`` to
    ``out`` (a binary file-like: a file, :class:`ValidatingWriter`, …).

    Streamed: the header is built as a small tree and serialized by lxml; each report is
    written as text (:func:`_report_text`) and dropped, a batch of ``FLUSH_EVERY`` at a time,
    so a delivery of 10,000 reports is never held whole; ``reports`` may be a generator, and
    what is written goes to ``out`` as it is made."""
    namespace, name = ROOTS[WAGE_REPORTS]
    # The header is built under a plain holder, not the namespaced root, so each of its
    # elements is written without a namespace declaration of its own.
    holder = etree.Element("holder")
    data = _delivery(holder, header, DATA_WAGE_REPORTS, faulty_control=REJECT_WHOLE_DELIVERY)
    period = _sub(data, "PaymentPeriod")
    _sub(period, "PaymentDate", payment_date.isoformat())
    _sub(period, "StartDate", period_start.isoformat())
    _sub(period, "EndDate", period_end.isoformat())
    _contacts(data, header)
    _payer(data, header)
    head = [
        "<?xml version='1.0' encoding='UTF-8'?>\n",
        f'<wrtir:{name} xmlns:wrtir="{namespace}">\n<DeliveryData>\n',
        *(etree.tostring(child, encoding="unicode", pretty_print=True) for child in data),
        "<Reports>\n",
    ]
    out.write("".join(head).encode("utf-8"))
    text = _Text()
    for number, item in enumerate(reports, 1):
        _report_text(text, item)
        if number % FLUSH_EVERY == 0:
            out.write("".join(text.lines).encode("utf-8"))  # on to ``out`` in pieces
            text.lines.clear()
    text.lines.append(f"</Reports>\n</DeliveryData>\n</wrtir:{name}>")
    out.write("".join(text.lines).encode("utf-8"))


def wage_reports(
    header: Header,
    *,
    payment_date: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    reports: Iterable[WageReport],
) -> bytes:
    """The ``WageReportRequestToIR`` delivery of :func:`write_wage_reports` as bytes."""
    out = io.BytesIO()
    write_wage_reports(
        out,
        header,
        payment_date=payment_date,
        period_start=period_start,
        period_end=period_end,
        reports=reports,
    )
    return out.getvalue()


def separate_report(header: Header, report: SeparateReport, *, report_date: dt.date) -> bytes:
    """A ``PayerSummaryReportRequestToIR`` delivery with the month's separate report."""
    root = _root(SEPARATE_REPORTS)
    data = _delivery(root, header, DATA_SEPARATE_REPORTS, faulty_control=REJECT_WHOLE_DELIVERY)
    _contacts(data, header)
    _sub(data, "ReportDate", report_date.isoformat())
    _payer(data, header)
    item = _sub(_sub(data, "Reports"), "Report")
    _report_data(item, report.action, report.report_id, report.version)
    month = _sub(item, "PaymentMonth")
    _sub(month, "Month", report.month)
    _sub(month, "Year", report.year)
    basic = _sub(_sub(_sub(item, "Transactions"), "Transaction"), "TransactionBasic")
    if report.health_insurance is None:
        _sub(basic, "SummaryTransactionCode", SUMMARY_NO_WAGES)
    else:
        _sub(basic, "SummaryTransactionCode", SUMMARY_HEALTH_INSURANCE)
        _sub(basic, "Amount", amount(report.health_insurance))
    return _bytes(root)


def invalidations(header: Header, items: list[Invalidation], *, of: str = WAGE_REPORTS) -> bytes:
    """An ``InvalidationRequestToIR`` delivery invalidating ``items`` (earnings payment
    reports, or separate reports with ``of=SEPARATE_REPORTS``)."""
    data_type = DATA_WAGE_INVALIDATIONS if of == WAGE_REPORTS else DATA_SEPARATE_INVALIDATIONS
    root = _root(INVALIDATIONS)
    data = _delivery(root, header, data_type, faulty_control=REJECT_WHOLE_DELIVERY)
    parent = _sub(data, "Items")
    for item in items:
        element = _sub(parent, "Item")
        _sub(element, "ItemId", item.report_id)
        if item.version is not None:
            _sub(element, "ItemVersion", item.version)
    return _bytes(root)


SCHEMA_DIR = Path(__file__).parent.parent / "schemas" / "tulorekisteri"


@cache
def _schema(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / SCHEMAS[kind])))


def _parse(document: bytes):
    if isinstance(document, str):
        document = document.encode("utf-8")
    try:
        return SafeET.fromstring(document.lstrip(b"\xef\xbb\xbf").lstrip())
    except SafeET.ParseError as error:
        raise IncomesRegisterError(f"Malformed XML: {error}") from None
    except Exception as error:  # defusedxml refuses entities and DTDs
        raise IncomesRegisterError(f"Refused XML: {error.__class__.__name__}") from None


def kind_of(document: bytes) -> str:
    """Which of the three messages ``document`` is, from its root element's namespace."""
    root = _parse(document)
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    for kind, (known, _name) in ROOTS.items():
        if namespace == known:
            return kind
    raise IncomesRegisterError(f"Not an Incomes Register message: root element {root.tag}.")


class ValidatingWriter:
    """A binary file-like that validates what is written to it against the official XSD of
    ``kind`` while it is written, and passes it on to ``out`` (optional, a binary file-like).

    libxml2 validates as it parses (a pull parser with the schema, fed what is written), and
    each report is dropped once read, so memory stays flat however long the document is: a
    writer producing a delivery can store it part by part and never hold it whole. An invalid
    document raises :class:`IncomesRegisterError` from :meth:`write` or :meth:`close` (which
    also catches a document that stops early)."""

    def __init__(self, kind: str, out=None):
        self.out = out
        self._started = False
        self._parser = etree.XMLPullParser(
            events=("end",),
            tag="Report",
            schema=_schema(kind),
            no_network=True,
            load_dtd=False,
        )

    def _drain(self) -> None:
        for _event, element in self._parser.read_events():
            element.clear(keep_tail=True)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]

    def write(self, data: bytes) -> int:
        if not self._started:
            self._started = True
            if b"<!DOCTYPE" in data[:4096]:
                # No entity can be declared without a DTD: refused here, so the parser need
                # not be told not to resolve entities (lxml's resolve_entities=False with a
                # schema lets a truncated document pass).
                raise IncomesRegisterError("A document type declaration (DTD) is not allowed.")
        try:
            self._parser.feed(data)
            self._drain()
        except etree.XMLSyntaxError as error:
            raise IncomesRegisterError(str(error)) from None
        if self.out is not None:
            self.out.write(data)
        return len(data)

    def close(self) -> None:
        try:
            self._parser.close()
            self._drain()
        except etree.XMLSyntaxError as error:
            raise IncomesRegisterError(str(error)) from None


FEED = 1 << 16  # bytes fed to the validating parser at a time


def validate(document: bytes, kind: str | None = None) -> None:
    """Raise :class:`IncomesRegisterError` unless ``document`` is valid against the official
    XSD of its message (``kind``, default: from the root element), in one streamed pass
    (:class:`ValidatingWriter` fed the document piece by piece)."""
    kind = kind or kind_of(document)
    writer = ValidatingWriter(kind)
    view = memoryview(document)
    for start in range(0, len(document), FEED):
        writer.write(bytes(view[start : start + FEED]))
    writer.close()


# Reading is its own module (reader.py). It needs the names above, so it is imported last;
# its public names are this module's too.
from .reader import (  # noqa: E402, F401
    ReadDelivery,
    ReadReport,
    Recovery,
    read,
    report_absences,
    report_versions,
)
