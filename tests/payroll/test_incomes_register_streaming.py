"""Downloads of an Incomes Register file stored in parts are streamed part by part, never
joined in memory: the page, the API and ``tase incomes-register export`` (issue 11); and the
delivery of a large run is produced in flat memory."""

import datetime as dt
import re
from decimal import Decimal

from django.core.management import call_command
from django.http import StreamingHttpResponse

from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import IncomesRegisterReport

from .factories import employee, pay_run

Report = IncomesRegisterReport


def _stored_in_parts(clerk, company, monkeypatch):
    from tase.payroll.services import incomes_register as service

    monkeypatch.setattr(service, "PART_BYTES", 1500)
    monkeypatch.setattr(irf, "FLUSH_EVERY", 1)
    for name in ("Sari", "Olli", "Jönssi", "Åsa"):
        employee(clerk, company, first_name=name, last_name="Äijälä")
    run = pay_run(clerk, company)
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    row = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    assert row.xml == "" and row.parts.count() > 2
    return run, row


def _streamed(response, row) -> bytes:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/xml"
    assert row.filename in response["Content-Disposition"]
    pieces = list(response.streaming_content)
    assert len(pieces) == row.parts.count()  # one piece a part: not joined
    return b"".join(pieces)


def test_page_and_api_stream_the_parts(world, clerk, monkeypatch):
    run, row = _stored_in_parts(clerk, world.company, monkeypatch)
    client = world.client(Role.PAYROLL_CLERK)
    page = _streamed(client.get(f"/payroll/incomes-register/{row.pk}/download/"), row)
    assert page == row.document
    irf.validate(page, irf.WAGE_REPORTS)
    row.refresh_from_db()
    assert row.state == Report.State.DOWNLOADED
    api = _streamed(client.get(f"/api/v1/payroll/pay-runs/{run.pk}/incomes-register"), row)
    assert api == page


def test_export_writes_the_parts_to_the_file(world, clerk, monkeypatch, tmp_path):
    _run, row = _stored_in_parts(clerk, world.company, monkeypatch)
    call_command(
        "incomes-register",
        "export",
        "--company",
        str(world.company.pk),
        "--month",
        "2026-03",
        "--dir",
        str(tmp_path),
    )
    assert (tmp_path / row.filename).read_bytes() == row.document


def test_a_small_file_streams_whole(world, clerk):
    employee(clerk, world.company)
    run = pay_run(clerk, world.company, payment_date=dt.date(2026, 3, 31))
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    separate = Report.objects.get(kind=Report.Kind.SEPARATE)
    response = world.client(Role.PAYROLL_CLERK).get(
        f"/payroll/incomes-register/{separate.pk}/download/"
    )
    assert b"".join(response.streaming_content) == separate.document


# -- Memory: the reports of a large run are produced in flat memory --------------------------


def _bulk_run(company, count: int, first: int = 0):
    """An approved run of ``count`` monthly-paid employees (bulk-inserted, as the bench does),
    every tenth sick 2.-20.3. (absence data in the report), the employments of all with a
    profession and an agreement (the report's employment data)."""
    from tase.payroll.models import Absence, Employee, Employment, PayRun, Payslip, SalaryChange
    from tase.payroll.services.calculation import line_record
    from tase.rules.payroll import Employer, PayItem, PayslipInput, calculate

    paid = dt.date(2026, 3, 31)
    result = calculate(
        PayslipInput(
            paid,
            dt.date(1980, 1, 1),
            None,
            (PayItem("monthly_salary", amount=Decimal("3000")),),
            Decimal("1.2"),
            Employer(),
        )
    )
    lines = [line_record(line, "") for line in result.lines]
    workers = Employee.objects.bulk_create(
        Employee(
            company=company,
            number=str(first + n + 1),
            first_name=f"E{first + n}",
            last_name="Muisti",
            birth_date=dt.date(1960 + n % 45, 1 + n % 12, 1 + n % 28),
        )
        for n in range(count)
    )
    jobs = Employment.objects.bulk_create(
        Employment(
            company=company,
            employee=worker,
            start_date=dt.date(2025, 1, 1),
            pay_basis="monthly",
            profession_code="51201",
            collective_agreement="123",
        )
        for worker in workers
    )
    SalaryChange.objects.bulk_create(
        SalaryChange(employment=job, valid_from=dt.date(2025, 1, 1), amount_cents=300000)
        for job in jobs
    )
    run = PayRun.objects.create(
        company=company,
        period_start=paid.replace(day=1),
        period_end=paid,
        payment_date=paid,
        status=PayRun.Status.APPROVED,
    )
    run.employees.set(workers)
    Payslip.objects.bulk_create(
        Payslip(
            company=company,
            pay_run=run,
            employee=worker,
            number=first + n + 1,
            position=n,
            payment_date=paid,
            gross_cents=int(result.gross_pay * 100),
            lines=lines,
        )
        for n, worker in enumerate(workers)
    )
    Absence.objects.bulk_create(
        Absence(
            company=company,
            employee=worker,
            kind=Absence.Kind.SICK,
            start_date=dt.date(2026, 3, 2),
            end_date=dt.date(2026, 3, 20),
        )
        for worker in workers[::10]
    )
    return run


def _unversioned(document: bytes) -> bytes:
    return re.sub(rb"<(DeliveryId|Timestamp|ReportVersion)>[^<]*<", rb"<\1><", document)


def test_the_reports_of_a_run_read_their_data_a_chunk_at_a_time(world, clerk, monkeypatch):
    """The employments and the absence data are read for each chunk of payslips, so what is
    held while the delivery is written does not grow with the run; the delivery is the same
    byte for byte whatever the chunk size (one chunk of the whole run or chunks of three)."""
    from tase.payroll.services import absence_reports
    from tase.payroll.services import incomes_register as service

    run = _bulk_run(world.company, 20)
    asked: list[int] = []
    employments, absences = service._employments, absence_reports.absence_data

    def counted_employments(company, day, employee_ids=None):
        asked.append(len(employee_ids))
        return employments(company, day, employee_ids)

    def counted_absences(run, employee_ids=None, *args, **kwargs):
        asked.append(-len(employee_ids))
        return absences(run, employee_ids, *args, **kwargs)

    monkeypatch.setattr(service, "_employments", counted_employments)
    monkeypatch.setattr(absence_reports, "absence_data", counted_absences)
    whole = services.produce_earnings_reports(clerk, run)
    assert asked == [20, -20]
    asked.clear()
    monkeypatch.setattr(service, "SLIP_CHUNK", 3)
    chunked = services.produce_earnings_reports(clerk, run)
    assert asked == [3, -3] * 6 + [2, -2]
    assert chunked.version == whole.version + 1
    # The same document but for the delivery's id and time and the reports' version.
    assert _unversioned(chunked.document) == _unversioned(whole.document)
    assert chunked.absences == whole.absences and len(whole.absences) == 2
    irf.validate(chunked.document, irf.WAGE_REPORTS)
    assert b"<CBACode>123</CBACode>" in whole.document
    assert b"<AbsenceRepStartDate>2026-03-01</AbsenceRepStartDate>" in whole.document


def test_absence_data_leaves_no_reference_cycles(world, clerk, monkeypatch):
    """The employees read for the absence data (with their employments and salaries
    prefetched) are freed when it returns, without the cyclic garbage collector: a run's
    reports read it a chunk at a time, and cycles left behind by each chunk piled up (some
    4 MiB at 10,000 employees) until a full collection."""
    import gc
    import weakref

    from tase.payroll.services import absence_reports

    run = _bulk_run(world.company, 20)
    seen = []
    employment_on = absence_reports.employment_on

    def watched(employee, day):
        job = employment_on(employee, day)
        seen.extend((weakref.ref(employee), weakref.ref(job)))
        return job

    monkeypatch.setattr(absence_reports, "employment_on", watched)
    gc.collect()
    gc.disable()
    try:
        blocks = absence_reports.absence_data(run)
        assert len(blocks) == 2 and len(seen) == 4
        assert [ref for ref in seen if ref() is not None] == []
    finally:
        gc.enable()


def test_producing_the_reports_of_a_larger_run_holds_no_more_memory(world, clerk, monkeypatch):
    """The Python side of producing, validating and storing the delivery of a run ten times
    larger peaks no higher but for the absence data it keeps: payslips, employments and absence
    data are read a chunk at a time, each report written and validated as it is made, the
    file stored in parts. Before 12/2026 the employments and the absence data of the whole
    run were read first (about 1.5 KiB an employee more)."""
    import tracemalloc

    from tase.payroll.services import incomes_register as service

    # Small batches, so the smaller run has many of each too.
    monkeypatch.setattr(service, "SLIP_CHUNK", 20)
    monkeypatch.setattr(service, "PART_BYTES", 16 * 1024)
    monkeypatch.setattr(irf, "FLUSH_EVERY", 5)
    services.produce_earnings_reports(clerk, _bulk_run(world.company, 5))  # warm the caches

    def peak(run) -> int:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        services.produce_earnings_reports(clerk, run)
        top = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        return top

    small_peak = peak(_bulk_run(world.company, 40, first=100))
    large_peak = peak(_bulk_run(world.company, 400, first=1000))
    # 360 reports more: what grows is the absence data kept on the row (a tenth of the
    # reports, under 1 KiB each) and the payslip ids (8 bytes each): about 0.6 KiB a report
    # on SQLite, 0.7 KiB on PostgreSQL (the driver's rows). Reading the employments and the
    # absence data of the whole run first grew it by some 1.5 KiB a report more.
    assert large_peak - small_peak < 360 * 1024, (small_peak, large_peak)
