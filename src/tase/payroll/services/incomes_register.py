"""Incomes Register (tulorekisteri) reports: produced when a pay run is approved or cancelled,
the month's employer's separate report, download and marking sent.

Sending is a download for upload in the Register's e-service; the direct technical interface
needs the Register's certificate and stays behind :class:`DirectInterface` (not configured).
Rules (what is reported, deadlines): :mod:`tase.rules.incomes_register`; the XML:
:mod:`tase.formats.incomes_register`.

Versions: a report produced again (a run of the month changed, a payslip corrected) keeps its
report id and takes the next version. It is a replacement (ActionCode 2) once an earlier
version has been marked sent; before that the Register has never seen it, so it stays new.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from array import array
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.formats import incomes_register as irf
from tase.rules import incomes_register as rules

from ..models import (
    Employment,
    IncomesRegisterPart,
    IncomesRegisterReport,
    PayrollSettings,
    PayRun,
    Payslip,
)
from .common import euros, require
from .setup import engine_catalogue, ensure_setup

Report = IncomesRegisterReport
# A TyEL policy number (eläkejärjestelynumero): the pension provider's two-digit code, a dash
# and the policy; at most 11 characters (IRCommonTypes PensionPolicyNo). The provider code
# (PensionProvIdCode) is its first two digits, as in the Register's examples (66-12345678).
# Wages are reported to the Incomes Register from payments of 1.1.2019 on.
FIRST_YEAR = 2019
POLICY = re.compile(r"^(\d{2})-[0-9A-Za-z]{1,8}$")


class NotConfigured(RuntimeError):
    """The Register's direct technical interface is not configured."""


class DirectInterface:
    """Sending through the Incomes Register's technical interface (web service, WS-Security
    signed with the payer's or service provider's certificate from the Tax Administration).

    Not configured in Tase: there is no certificate. Every call raises :class:`NotConfigured`;
    download the file and upload it in the e-service instead. An implementation would sign the
    file (XMLDSig, rsa-sha256, exc-c14n), post it to ``WageReportService``/
    ``PayerSummaryReportService``/``InvalidationService`` and store the Register's id."""

    def send(self, report: IncomesRegisterReport) -> str:
        raise NotConfigured(
            _(
                "The Incomes Register's direct interface is not configured (it needs the "
                "Register's certificate). Download the file and upload it in the e-service."
            )
        )


def _policy(settings_row: PayrollSettings) -> tuple[int, str]:
    number = (settings_row.tyel_policy_number or "").strip()
    match = POLICY.match(number)
    if not match:
        raise ValidationError(
            {
                "tyel_policy_number": _(
                    "Give the company's TyEL policy number (e.g. 46-1234567) in the payroll "
                    "settings: the Incomes Register reports need it."
                )
            }
        )
    return int(match.group(1)), number


def _header(company: Company, report_id: str, version: int) -> irf.Header:
    if not company.contact_phone.strip():
        raise ValidationError(
            {
                "contact_phone": _(
                    "Give the company's contact person and phone: the Incomes Register asks "
                    "for them with every file."
                )
            }
        )
    return irf.Header(
        delivery_id=f"{report_id}-v{version}",
        timestamp=timezone.now().replace(microsecond=0),
        payer_business_id=company.business_id,
        contact_name=company.contact_name.strip() or company.name,
        contact_phone=company.contact_phone.strip(),
        production=not company.is_test_environment,
    )


def _checked(document: bytes, kind: str) -> str:
    try:
        irf.validate(document, kind)
    except irf.IncomesRegisterError as error:
        raise ValidationError({"incomes_register": str(error)}) from None
    return document.decode("utf-8")


def _agreement_code(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


class _Job(NamedTuple):
    """What the reports take from an employee's employment: its Employment element and the
    car benefit's data (None: none given)."""

    employment: irf.Employment
    car: irf.CarBenefit | None


CAR_BENEFIT_CODES = {
    Employment.CarBenefitType.LIMITED: irf.CAR_LIMITED,
    Employment.CarBenefitType.FULL: irf.CAR_FULL,
}


# The pay basis as the Register's form of pay (PaymentType, irf.PAYMENT_MONTHLY / _HOURLY): the
# two forms whose codes Tase knows. A weekly salary or performance pay is left out of the
# report (PaymentTypes is optional), never reported as a monthly salary.
PAYMENT_FORMS = {Employment.Basis.MONTHLY: False, Employment.Basis.HOURLY: True}


def _employments(company: Company, day: dt.date, employee_ids=None) -> dict[int, _Job]:
    """The employment in force on ``day`` of each employee (the latest started), read at once;
    only of ``employee_ids`` when given (a chunk of a run's payslips: the reports of a large
    run read them a chunk at a time, never all at once)."""
    found: dict[int, _Job] = {}
    rows = Employment.objects.filter(company=company, start_date__lte=day)
    if employee_ids is not None:
        rows = rows.filter(employee_id__in=employee_ids)
    rows = (
        rows.exclude(end_date__lt=day)
        .order_by("employee_id", "start_date")
        .values_list(
            "employee_id",
            "start_date",
            "end_date",
            "weekly_hours",
            "pay_basis",
            "profession_code",
            "collective_agreement",
            "working_time",
            "car_benefit_type",
            "car_age_group",
        )
    )
    for row in rows.iterator(2000):
        employee_id, start, end, hours, basis, profession, agreement, working = row[:8]
        car_type, age_group = row[8:]
        car = None
        if car_type and age_group:
            car = irf.CarBenefit(CAR_BENEFIT_CODES[car_type], irf.CAR_AGE_GROUPS[age_group])
        found[employee_id] = _Job(
            irf.Employment(
                start=start,
                end=end,
                full_time=None if not working else working == Employment.WorkingTime.FULL,
                hours_per_week=Decimal(hours),
                hourly=PAYMENT_FORMS.get(basis),
                profession_code=(profession or "").strip(),
                agreement_code=_agreement_code(agreement),
            ),
            car,
        )
    return found


def employee_report_id(run: PayRun, employee_id: int) -> str:
    """Our id of one employee's earnings payment report of ``run`` (stable across versions)."""
    return f"PR{run.pk}-E{employee_id}"


class _Counted:
    """An iterable that counts what passed through it."""

    def __init__(self, items):
        self.items, self.count = items, 0

    def __iter__(self):
        for item in self.items:
            self.count += 1
            yield item


def employee_transactions(lines, catalogue, job: _Job | None, name: str):
    """The transactions of one employee's payslip ``lines``; a clear error naming the
    employee (and the wage type) when a wage type has no income type or a car benefit has
    no data on the employment."""
    try:
        return rules.transactions(lines, catalogue, car=job.car if job else None)
    except rules.MissingCarBenefitData as error:
        raise ValidationError(
            {
                "car_benefit_type": _(
                    "%(employee)s has a car benefit (%(label)s): give the car benefit type "
                    "and the car's age group on the employment; the Incomes Register "
                    "needs them."
                )
                % {"employee": name, "label": error.wage_type.label_fi}
            }
        ) from None
    except rules.MissingIncomeType as error:
        raise ValidationError(
            {
                "income_type": _(
                    "Wage type %(wage_type)s (%(label)s) of %(employee)s has no Incomes "
                    "Register income type: set it on the wage types page."
                )
                % {
                    "wage_type": error.wage_type.code,
                    "label": error.wage_type.label_fi,
                    "employee": name,
                }
            }
        ) from None


def _wage_reports(run: PayRun, chunks, *, action: int, version: int):
    """The earnings payment reports of the payslips of ``chunks`` (lists of rows of
    :func:`_slips`), one at a time, with the absence data of those who have it
    (:mod:`.absence_reports`). The employments and the absence data are read a chunk at a
    time, for the chunk's employees: what is held while the delivery is written does not
    grow with the run (before 12/2026 both were read for the whole run first, some 11 MiB
    at 10,000 employees)."""
    from .absence_reports import absence_data

    catalogue = engine_catalogue(run.company)
    provider, policy = _policy(ensure_setup(run.company))
    for chunk in chunks:
        ids = [row[1] for row in chunk]
        employments = _employments(run.company, run.payment_date, ids)
        absences = absence_data(run, ids)
        for lines, employee_id, first_name, last_name, identity_code, birth_date in chunk:
            name = f"{first_name} {last_name}".strip()
            if not identity_code and not birth_date:
                raise ValidationError(
                    {
                        "identity_code": _(
                            "%(employee)s has neither a personal identity code nor a date of "
                            "birth: the Incomes Register needs one of them."
                        )
                        % {"employee": name}
                    }
                )
            job = employments.get(employee_id)
            transactions = employee_transactions(lines, catalogue, job, name)
            yield irf.WageReport(
                report_id=employee_report_id(run, employee_id),
                earner=irf.Earner(
                    last_name=last_name,
                    first_name=first_name,
                    identity_code=identity_code,
                    birth_date=birth_date,
                ),
                employment=job.employment if job else None,
                pension_provider=provider,
                pension_policy=policy,
                transactions=tuple(transactions),
                action=action,
                version=version,
                absence=absences.get(employee_id),
            )
        chunk.clear()  # the chunk's lines go before the next chunk is read


SLIP_CHUNK = 500


def _slips(run: PayRun):
    """The run's payslips in payslip-number order as chunks (lists) of (lines, employee id,
    first name, last name, identity code, birth date), read a chunk at a time: no model
    instances for 10,000 payslips, and no sort of the whole result with its lines in the
    database (SQLite sorts an ORDER BY of the full rows in memory, which grew with the run):
    the order is taken from the ids alone (read into an array of 8 bytes an id, not a list of
    objects), and each chunk is fetched by id."""
    ordered = Payslip.objects.filter(pay_run=run).order_by("number", "pk")
    ids = array("q", ordered.values_list("pk", flat=True).iterator(SLIP_CHUNK))
    for start in range(0, len(ids), SLIP_CHUNK):
        chunk = ids[start : start + SLIP_CHUNK]
        rows = {
            row[0]: row[1:]
            for row in Payslip.objects.filter(pk__in=list(chunk)).values_list(
                "pk",
                "lines",
                "employee_id",
                "employee__first_name",
                "employee__last_name",
                "employee__identity_code",
                "employee__birth_date",
            )
        }
        yield [rows.pop(pk) for pk in chunk]


def _next_version(company: Company, kind: str, report_id: str) -> tuple[int, int, list[Report]]:
    """(version, action, earlier current rows) for producing ``report_id`` again."""
    earlier = list(
        Report.objects.select_for_update().filter(company=company, kind=kind, report_id=report_id)
    )
    version = max((row.version for row in earlier), default=0) + 1
    sent = any(row.sent_on is not None for row in earlier)
    action = irf.ACTION_REPLACEMENT if sent else irf.ACTION_NEW
    current = [row for row in earlier if row.state not in (Report.State.REPLACED,)]
    return version, action, current


def _supersede(rows: list[Report], new: Report, state=Report.State.REPLACED) -> None:
    for row in rows:
        if row.state != Report.State.INVALIDATED:
            row.state = state
            row.replaced_by = new
            row.save(update_fields=["state", "replaced_by"])


PART_BYTES = 1 << 20  # an earnings payment delivery is stored in parts of about 1 MiB


class _Parts:
    """A binary file-like storing what is written to it as the encrypted parts of ``row``
    (:class:`IncomesRegisterPart`), a part whenever about ``PART_BYTES`` have come: the file is
    never held whole. UTF-8 is decoded incrementally, so no character is split between parts."""

    def __init__(self, row: Report):
        self.row, self.number, self.size = row, 0, 0
        self.pieces: list[str] = []
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def write(self, data: bytes) -> int:
        self.pieces.append(self.decoder.decode(data))
        self.size += len(data)
        if self.size >= PART_BYTES:
            self._store()
        return len(data)

    def _store(self) -> None:
        text = "".join(self.pieces)
        if text:
            IncomesRegisterPart.objects.create(report=self.row, number=self.number, text=text)
            self.number += 1
        self.pieces, self.size = [], 0

    def close(self) -> None:
        self.pieces.append(self.decoder.decode(b"", final=True))
        self._store()


def store_wage_delivery(row: Report, reports, *, period: tuple[dt.date, dt.date]) -> int:
    """Write the earnings payment delivery of ``reports`` (an iterable of
    :class:`irf.WageReport`, may be a generator) paid on ``row.payment_date`` into ``row``:
    validated against the XSD while it is written and stored in parts as it comes, so it is
    never held whole. Sets and returns ``row.reports``; a report the schema refuses raises
    ValidationError (the caller's transaction leaves nothing written).

    The absence data each report carries is kept on the row (``absences``, by ReportId) as
    it passes: a correction run's delivery lists its reports without any too
    (null), a run's own delivery only those with some."""
    carried: dict[str, dict | None] = {}
    every = row.pay_run is not None and row.pay_run.kind == PayRun.Kind.CORRECTION

    def noted(items):
        for report in items:
            if report.absence is not None:
                carried[report.report_id] = irf.absences_data(report.absence)
            elif every:
                carried[report.report_id] = None
            yield report

    counted = _Counted(noted(reports))
    parts = _Parts(row)
    writer = irf.ValidatingWriter(irf.WAGE_REPORTS, parts)
    try:
        irf.write_wage_reports(
            writer,
            _header(row.company, row.report_id, row.version),
            payment_date=row.payment_date,
            period_start=period[0],
            period_end=period[1],
            reports=counted,
        )
        writer.close()
        parts.close()
    except irf.IncomesRegisterError as error:
        raise ValidationError({"incomes_register": str(error)}) from None
    row.reports = counted.count
    row.absences = carried
    row.save(update_fields=["reports", "absences"])
    return counted.count


@transaction.atomic
def produce_earnings_reports(actor, run: PayRun) -> Report:
    """The earnings payment reports of an approved ``run`` in one delivery, validated against
    the XSD and stored (produced again: the next version). Called inside the approving
    transaction: a ValidationError leaves nothing written.

    Streamed end to end, so memory stays flat however many employees the run has: payslips
    read in chunks (with their employments and absence data), each report written as it is made (formats.incomes_register), validated
    while it is written (:class:`irf.ValidatingWriter`) and stored in parts (:class:`_Parts`)."""
    require(actor, run.company, "payroll.approve")
    file_id = f"PR{run.pk}"
    version, action, earlier = _next_version(run.company, Report.Kind.EARNINGS, file_id)
    row = Report.objects.create(
        company=run.company,
        kind=Report.Kind.EARNINGS,
        pay_run=run,
        report_id=file_id,
        version=version,
        payment_date=run.payment_date,
        deadline=rules.earnings_report_deadline(run.payment_date),
        reports=0,
        xml="",
    )
    slips = _slips(run)
    try:
        count = store_wage_delivery(
            row,
            _wage_reports(run, slips, action=action, version=version),
            period=(run.period_start, run.period_end),
        )
    finally:
        # A report refused half-way leaves the payslips' generator open; close it now, inside
        # the transaction, not when it is collected after it.
        slips.close()
    _supersede(earlier, row)
    audit.record(
        actor.user,
        "incomes_register_produce",
        row,
        company=run.company,
        changes={"reports": [None, count], "version": [None, version]},
    )
    return row


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def _health_insurance(company: Company, start: dt.date, end: dt.date) -> Decimal | None:
    """The employer's health insurance contributions of the month's approved payslips, or
    None when no wages were paid that month."""
    slips = Payslip.objects.filter(
        company=company,
        payment_date__range=(start, end),
        pay_run__status__in=[PayRun.Status.APPROVED, PayRun.Status.PAID],
    )
    total = slips.aggregate(total=Sum("employer_health_cents"))["total"]
    return None if total is None else euros(total)


def produce_separate_report(actor, company: Company, year: int, month: int) -> Report:
    """The employer's separate report of ``month``: the month's employer health insurance
    contributions, or "no wages payable". Produced again (a new version, replacing the earlier)
    when the month's figure changed; a month that has not begun is refused."""
    require(actor, company, "payroll.approve")
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= 9999:
        raise ValidationError({"month": _("Give the month as YYYY-MM.")})
    start, end = _month_bounds(year, month)
    if start > timezone.localdate():
        raise ValidationError(
            {
                "month": _("%(month)s is in the future: its separate report cannot be made yet.")
                % {"month": f"{month}/{year}"}
            }
        )
    file_id = f"SR{company.pk}-{year}{month:02d}"
    health = _health_insurance(company, start, end)
    current = (
        Report.objects.filter(company=company, kind=Report.Kind.SEPARATE, report_id=file_id)
        .exclude(state=Report.State.REPLACED)
        .order_by("-version")
        .first()
    )
    if current is not None and irf.read(current.document).summary == (_summary(health),):
        return current
    version, action, earlier = _next_version(company, Report.Kind.SEPARATE, file_id)
    document = irf.separate_report(
        _header(company, file_id, version),
        irf.SeparateReport(file_id, year, month, health, action=action, version=version),
        report_date=timezone.localdate(),
    )
    row = Report.objects.create(
        company=company,
        kind=Report.Kind.SEPARATE,
        report_id=file_id,
        version=version,
        month=start,
        payment_date=end,
        deadline=rules.separate_report_deadline(year, month),
        xml=_checked(document, irf.SEPARATE_REPORTS),
    )
    _supersede(earlier, row)
    audit.record(
        actor.user,
        "incomes_register_produce",
        row,
        company=company,
        changes={"health_insurance": [None, str(health)], "version": [None, version]},
    )
    return row


def _summary(health: Decimal | None) -> tuple[int, Decimal | None]:
    if health is None:
        return (irf.SUMMARY_NO_WAGES, None)
    return (irf.SUMMARY_HEALTH_INSURANCE, health)


def invalidate_run_reports(actor, run: PayRun) -> Report | None:
    """A cancelled run's earnings payment reports are invalidated. Those that may have reached
    the Register (downloaded or marked sent) are invalidated there too: an InvalidationsToIR
    file of their report ids, due like a new report. The month's separate report is produced
    again."""
    require(actor, run.company, "payroll.approve")
    rows = list(
        Report.objects.select_for_update().filter(
            pay_run=run, kind=Report.Kind.EARNINGS, replaced_by__isnull=True
        )
    )
    reached = [row for row in rows if row.state in (Report.State.DOWNLOADED, Report.State.SENT)]
    invalidation = None
    if reached:
        items = [
            irf.Invalidation(report.report_id)
            for row in reached
            for report in irf.read(row.document).reports
        ]
        file_id = f"IN{run.pk}"
        version, _action, _earlier = _next_version(run.company, Report.Kind.INVALIDATION, file_id)
        document = irf.invalidations(_header(run.company, file_id, version), items)
        today = timezone.localdate()
        invalidation = Report.objects.create(
            company=run.company,
            kind=Report.Kind.INVALIDATION,
            pay_run=run,
            report_id=file_id,
            version=version,
            payment_date=run.payment_date,
            deadline=rules.earnings_report_deadline(today),
            reports=len(items),
            xml=_checked(document, irf.INVALIDATIONS),
        )
    for row in rows:
        row.state = Report.State.INVALIDATED
        row.replaced_by = invalidation
        row.save(update_fields=["state", "replaced_by"])
    if rows:
        audit.record(
            actor.user,
            "incomes_register_invalidate",
            run,
            company=run.company,
            changes={"reports": [None, sum(row.reports for row in rows)]},
        )
        refresh_separate_report(actor, run)
    return invalidation


def refresh_separate_report(actor, run: PayRun) -> Report | None:
    """Produce the separate report of ``run``'s payment month again, if the month has begun."""
    if run.payment_date.replace(day=1) > timezone.localdate():
        return None
    return produce_separate_report(
        actor, run.company, run.payment_date.year, run.payment_date.month
    )


def run_delivery(actor, run: PayRun) -> Report:
    """The current earnings payment delivery of an approved run."""
    require(actor, run.company, "payroll.view")
    # A regular run's delivery is PR<run>; a correction run's replacement reports PR<orig>-C<run>.
    row = (
        Report.objects.filter(pay_run=run, kind=Report.Kind.EARNINGS)
        .order_by("-version", "-pk")
        .first()
    )
    if row is None:
        raise ValidationError({"status": _("Approve the pay run first.")})
    return row


def download_report(actor, report: Report) -> bytes:
    """The whole file as bytes, for upload in the e-service (see :func:`open_download`; the
    pages, the API and ``tase incomes-register export`` stream :meth:`Report.chunks`
    instead)."""
    return open_download(actor, report).document


@transaction.atomic
def open_download(actor, report: Report) -> Report:
    """Record a download: a produced report becomes downloaded. Returns the row, whose
    :meth:`~tase.payroll.models.IncomesRegisterReport.chunks` give the file part by part, so
    a delivery stored in parts is sent on without being joined in memory."""
    require(actor, report.company, "payroll.view")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == Report.State.PRODUCED:
        report.state = Report.State.DOWNLOADED
        report.downloaded_at = timezone.now()
        report.save(update_fields=["state", "downloaded_at"])
        audit.record(
            actor.user,
            "incomes_register_download",
            report,
            company=report.company,
            changes={"state": ["produced", "downloaded"]},
        )
    return report


@transaction.atomic
def mark_sent(actor, report: Report, *, sent_on: dt.date, register_id: str = "") -> Report:
    """Record that the file was sent to the Register on ``sent_on``, with the id the Register
    gave it."""
    require(actor, report.company, "payroll.approve")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_open:
        raise ValidationError(
            {"state": _("This report is %(state)s.") % {"state": report.get_state_display()}}
        )
    if sent_on is None or sent_on > timezone.localdate():
        raise ValidationError(
            {"sent_on": _("Give the date the file was sent (not a future date).")}
        )
    if sent_on < timezone.localdate(report.created_at):
        raise ValidationError({"sent_on": _("The file was produced after that date.")})
    register_id = (register_id or "").strip()
    if len(register_id) > 64:
        raise ValidationError({"register_id": _("At most 64 characters.")})
    old = report.state
    report.state = Report.State.SENT
    report.sent_on = sent_on
    report.register_id = register_id
    report.save(update_fields=["state", "sent_on", "register_id"])
    audit.record(
        actor.user,
        "incomes_register_sent",
        report,
        company=report.company,
        changes={"state": [old, "sent"], "sent_on": [None, str(sent_on)]},
    )
    return report
