"""Reading the Incomes Register documents Tase wrote (or the official examples): the deliveries'
reports, their versions and absence data, parsed safely with defusedxml."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from defusedxml import ElementTree as SafeET

from . import (
    ID_PERSON,
    INVALIDATIONS,
    SEPARATE_REPORTS,
    AbsencePeriod,
    Absences,
    IncomesRegisterError,
    _parse,
    kind_of,
)


@dataclass(frozen=True)
class Recovery:
    """A transaction with ``Recovery`` true: pay paid in an earlier payment and recovered in
    this one (its RecoveryData: when, the withholding on the recovered amount for a net
    recovery, and the original payments' dates and periods)."""

    code: int
    amount: Decimal
    recovery_date: dt.date | None
    withhold: Decimal | None  # RecoveryData/Withhold: only for a net recovery
    # (payment date, start, end) of each OrigPaymentPeriod.
    original_payments: tuple[tuple[dt.date | None, dt.date | None, dt.date | None], ...] = ()


@dataclass(frozen=True)
class ReadReport:
    """One earnings payment report as read. Not read (kept in the file only): addresses,
    employment periods and terms, place of business, insurance and insurance exceptions,
    international data, work countries and stay periods, the six-month rule, unit wages,
    meal and other benefit data, kilometre allowance data and the payer's sub-organisations
    and types."""

    report_id: str
    action: int
    version: int | None
    # The Finnish personal identity code (Id of Type 2); other identifiers of the earner
    # (such as a foreign personal identifier, Type 9) are in ``foreign_ids``.
    identity_code: str = ""
    last_name: str = ""
    first_name: str = ""
    birth_date: dt.date | None = None
    transactions: tuple[tuple[int, Decimal], ...] = ()
    # (code, amount, earnings periods) of the transactions that have EarningPeriods.
    earning_periods: tuple[tuple[int, Decimal, tuple[tuple[dt.date, dt.date], ...]], ...] = ()
    employment_code: int | None = None  # Employment/EmploymentCode: 1 full, 2 part time
    # (code, CarBenefitCode, AgeGroupCode, Kilometers) of transactions with CarBenefit.
    car_benefits: tuple[tuple[int, int, int, int | None], ...] = ()
    # (code, AllowanceCodes) of transactions with DailyAllowance.
    daily_allowances: tuple[tuple[int, tuple[int, ...]], ...] = ()
    absence: Absences | None = None
    # Transactions with Recovery true: not in ``transactions`` (nor in ``total``), which are
    # the payments of this report.
    recoveries: tuple[Recovery, ...] = ()
    # (Type, Code, CountryCode) of the earner's identifiers other than Type 2.
    foreign_ids: tuple[tuple[int, str, str], ...] = ()

    def total(self, code: int) -> Decimal:
        """The sum of the transactions of income type ``code``, recoveries not included."""
        return sum((value for c, value in self.transactions if c == code), Decimal("0"))


@dataclass(frozen=True)
class ReadDelivery:
    kind: str
    delivery_id: str
    data_type: int
    payer_business_id: str
    production: bool
    payment_date: dt.date | None = None
    reports: tuple[ReadReport, ...] = ()
    month: tuple[int, int] | None = None  # separate report: (year, month)
    summary: tuple[tuple[int, Decimal | None], ...] = ()
    invalidated: tuple[tuple[str, int | None], ...] = field(default=())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element, name: str):
    if element is None:
        return None
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element, name: str):
    return [c for c in (element if element is not None else ()) if _local(c.tag) == name]


def _text(element, *path: str) -> str:
    for name in path:
        element = _child(element, name)
    return (element.text or "").strip() if element is not None else ""


def _int(text: str) -> int | None:
    return int(text) if text else None


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


_TRUE = ("true", "1")


def _read_recovery(transaction) -> Recovery:
    data = _child(transaction, "RecoveryData")
    withhold = _text(data, "Withhold")
    return Recovery(
        code=int(_text(transaction, "TransactionBasic", "TransactionCode")),
        amount=Decimal(_text(transaction, "TransactionBasic", "Amount") or "0"),
        recovery_date=_date(_text(data, "RecoveryDate")),
        withhold=Decimal(withhold) if withhold else None,
        original_payments=tuple(
            (
                _date(_text(p, "PaymentDate")),
                _date(_text(p, "StartDate")),
                _date(_text(p, "EndDate")),
            )
            for p in _children(_child(data, "OrigPaymentPeriods"), "OrigPaymentPeriod")
        ),
    )


def _read_absence(block) -> Absences | None:
    if block is None:
        return None
    periods = []
    for name in ("Unpaid", "Paid"):
        parent = _child(_child(block, f"{name}Absence"), f"{name}AbsencePeriods")
        for period in _children(parent, f"{name}AbsencePeriod"):
            value = _text(period, "Amount")
            periods.append(
                AbsencePeriod(
                    start=_date(_text(period, "StartDate")),
                    end=_date(_text(period, "EndDate")),
                    cause=int(_text(period, "CauseCode") or 0),
                    days=_int(_text(period, "AbsenceDays")),
                    amount=Decimal(value) if name == "Paid" and value else None,
                )
            )
    return Absences(
        start=_date(_text(block, "AbsenceRepStartDate")),
        end=_date(_text(block, "AbsenceRepEndDate")),
        periods=tuple(periods),
    )


class _ChunkReader(io.RawIOBase):
    """A read-only binary file over an iterable of byte chunks (a file stored in parts)."""

    def __init__(self, chunks):
        self._chunks, self._rest = iter(chunks), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._rest:
            self._rest = next(self._chunks, None)
            if self._rest is None:
                self._rest = b""
                return 0
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


def report_versions(chunks) -> Iterable[tuple[str, int | None]]:
    """(ReportId, ReportVersion) of each report of a delivery given as byte ``chunks``, read
    in one streamed pass (defusedxml's iterparse, each report dropped once read): a delivery
    of 10,000 reports is never held as a tree."""
    try:
        for _event, element in SafeET.iterparse(_ChunkReader(chunks), events=("end",)):
            name = _local(element.tag)
            if name == "ReportData":
                yield _text(element, "ReportId"), _int(_text(element, "ReportVersion"))
            elif name == "Report":
                element.clear()  # an emptied element stays in its parent: a few bytes
    except SafeET.ParseError as error:
        raise IncomesRegisterError(f"Malformed XML: {error}") from None


def report_absences(chunks, wanted) -> Iterable[tuple[str, int | None, Absences | None]]:
    """(ReportId, ReportVersion, its absence data) of each report of a delivery given as byte
    ``chunks`` whose ReportId is in ``wanted``, in one streamed pass like
    :func:`report_versions`."""
    current: tuple[str, int | None] | None = None
    try:
        for _event, element in SafeET.iterparse(_ChunkReader(chunks), events=("end",)):
            name = _local(element.tag)
            if name == "ReportData":
                current = (_text(element, "ReportId"), _int(_text(element, "ReportVersion")))
            elif name == "Report":
                if current and current[0] in wanted:
                    yield (*current, _read_absence(_child(element, "Absence")))
                current = None
                element.clear()
    except SafeET.ParseError as error:
        raise IncomesRegisterError(f"Malformed XML: {error}") from None


def read(document: bytes) -> ReadDelivery:
    """Read an earnings payment report, separate report or invalidation delivery (ours or
    anyone's): tolerant of a BOM, CRLF, comments, prefixes and an enveloped signature."""
    root = _parse(document)
    kind = kind_of(document)
    data = _child(root, "DeliveryData")
    if data is None:
        raise IncomesRegisterError("DeliveryData is missing.")
    base = {
        "kind": kind,
        "delivery_id": _text(data, "DeliveryId"),
        "data_type": int(_text(data, "DeliveryDataType") or 0),
        "payer_business_id": _text(data, "DeliveryDataOwner", "Code"),
        "production": _text(data, "ProductionEnvironment") == "true",
    }
    if kind == INVALIDATIONS:
        items = tuple(
            (_text(item, "ItemId"), _int(_text(item, "ItemVersion")))
            for item in _children(_child(data, "Items"), "Item")
        )
        return ReadDelivery(**base, invalidated=items)
    payer_id = _text(data, "Payer", "PayerIds", "Id", "Code")
    if payer_id:
        base["payer_business_id"] = payer_id
    reports = []
    summary = []
    month = None
    for report in _children(_child(data, "Reports"), "Report"):
        meta = _child(report, "ReportData")
        common = {
            "report_id": _text(meta, "ReportId"),
            "action": int(_text(meta, "ActionCode") or 0),
            "version": _int(_text(meta, "ReportVersion")),
        }
        if kind == SEPARATE_REPORTS:
            month = (
                int(_text(report, "PaymentMonth", "Year")),
                int(_text(report, "PaymentMonth", "Month")),
            )
            for transaction in _children(_child(report, "Transactions"), "Transaction"):
                value = _text(transaction, "TransactionBasic", "Amount")
                summary.append(
                    (
                        int(_text(transaction, "TransactionBasic", "SummaryTransactionCode")),
                        Decimal(value) if value else None,
                    )
                )
            continue
        earner = _child(report, "IncomeEarner")
        every = _children(_child(report, "Transactions"), "Transaction")
        paid = [t for t in every if _text(t, "TransactionBasic", "Recovery") not in _TRUE]
        recoveries = tuple(
            _read_recovery(t) for t in every if _text(t, "TransactionBasic", "Recovery") in _TRUE
        )
        ids = [
            (_int(_text(i, "Type")), _text(i, "Code"), _text(i, "CountryCode"))
            for i in _children(_child(earner, "IncomeEarnerIds"), "Id")
        ]
        periods = []
        for t in paid:
            found = tuple(
                (_date(_text(p, "StartDate")), _date(_text(p, "EndDate")))
                for p in _children(_child(t, "EarningPeriods"), "EarningPeriod")
            )
            if found:
                periods.append(
                    (
                        int(_text(t, "TransactionBasic", "TransactionCode")),
                        Decimal(_text(t, "TransactionBasic", "Amount") or "0"),
                        found,
                    )
                )
        transactions = tuple(
            (
                int(_text(t, "TransactionBasic", "TransactionCode")),
                Decimal(_text(t, "TransactionBasic", "Amount") or "0"),
            )
            for t in paid
        )
        cars, allowances = [], []
        for t in paid:
            code = int(_text(t, "TransactionBasic", "TransactionCode"))
            car = _child(t, "CarBenefit")
            if car is not None:
                cars.append(
                    (
                        code,
                        int(_text(car, "CarBenefitCode") or 0),
                        int(_text(car, "AgeGroupCode") or 0),
                        _int(_text(car, "Kilometers")),
                    )
                )
            allowance = _child(t, "DailyAllowance")
            if allowance is not None:
                codes = tuple(
                    int((c.text or "0").strip()) for c in _children(allowance, "AllowanceCode")
                )
                allowances.append((code, codes))
        reports.append(
            ReadReport(
                **common,
                identity_code=next((c for t, c, _n in ids if t == ID_PERSON), ""),
                foreign_ids=tuple((t, c, n) for t, c, n in ids if t != ID_PERSON),
                recoveries=recoveries,
                last_name=_text(earner, "IncomeEarnerBasic", "LastName"),
                first_name=_text(earner, "IncomeEarnerBasic", "FirstName"),
                birth_date=_date(_text(earner, "IncomeEarnerBasic", "BirthDate")),
                transactions=transactions,
                earning_periods=tuple(periods),
                employment_code=_int(_text(earner, "Employment", "EmploymentCode")),
                car_benefits=tuple(cars),
                daily_allowances=tuple(allowances),
                absence=_read_absence(_child(report, "Absence")),
            )
        )
    if kind == SEPARATE_REPORTS:
        meta = _child(_child(_child(data, "Reports"), "Report"), "ReportData")
        reports.append(
            ReadReport(
                report_id=_text(meta, "ReportId"),
                action=int(_text(meta, "ActionCode") or 0),
                version=_int(_text(meta, "ReportVersion")),
            )
        )
    return ReadDelivery(
        **base,
        payment_date=_date(_text(data, "PaymentPeriod", "PaymentDate")),
        reports=tuple(reports),
        month=month,
        summary=tuple(summary),
    )
