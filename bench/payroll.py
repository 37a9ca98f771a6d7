"""Payroll benches: the pure engine (payslips per second on one core), a pay run in the
database (calculate, approve and post), the run's Incomes Register reports (produced and
validated) and payslip PDFs per second.

`python -m bench payroll --n 10000`: N is the number of employees of the pay run (default
200); the engine bench calculates max(N, 20000) payslips, and the Incomes Register bench
produces the reports of a 10,000-employee run by default (and of a 1,000-employee one, to
show that memory does not grow with the run; N/10 and N when N is given). The database benches run in a scratch database of
their own (:class:`bench._scratch.Scratch`), inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import threading
import time
from decimal import Decimal

from bench._scratch import Scratch
from bench._tenant import bench_tenant
from tase.rules.payroll import Employer, PayItem, PayslipInput, TaxCard, calculate

PAYMENT = dt.date(2026, 3, 31)


def _inputs(count: int, seed: int = 7) -> list[PayslipInput]:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        birth = dt.date(1950 + rng.randrange(60), rng.randrange(1, 13), rng.randrange(1, 28))
        if n % 3:
            items = (PayItem("monthly_salary", amount=Decimal(rng.randrange(2000, 7000))),)
        else:
            items = (
                PayItem(
                    "hourly_wage",
                    quantity=Decimal(rng.randrange(60, 170)),
                    unit_price=Decimal("15.40"),
                ),
                PayItem("evening_supplement", quantity=Decimal("10"), unit_price=Decimal("1.45")),
            )
        items += (PayItem("mileage_allowance", quantity=Decimal(rng.randrange(0, 300))),)
        if n % 5 == 0:
            items += (PayItem("meal_benefit", quantity=Decimal("20")),)
        card = TaxCard(
            Decimal("21.5"), Decimal("40"), Decimal("45000"), Decimal(rng.randrange(0, 50000))
        )
        rows.append(
            PayslipInput(
                PAYMENT, birth, card if n % 11 else None, items, Decimal("1.2"), Employer()
            )
        )
    return rows


def bench_engine(count: int) -> dict:
    inputs = _inputs(count)
    calculate(inputs[0])  # warm the parameter cache
    start = time.perf_counter()
    for data in inputs:
        calculate(data)
    elapsed = time.perf_counter() - start
    return {
        "scenario": "engine: payslips calculated (one core)",
        "n": count,
        "seconds": f"{elapsed:.2f}",
        "per_second": f"{count / elapsed:,.0f}",
        "target": "≥ 5,000/s",
    }


def _rss() -> int:
    """Peak resident set size of this process in KiB (Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class _Rollback(Exception):
    pass


def bench_pay_run(count: int) -> list[dict]:
    from django.db import connection, transaction

    from tase.core.roles import Role
    from tase.payroll import services
    from tase.payroll.models import Employee, Employment, PayrollSettings, SalaryChange, TaxCard

    rows: list[dict] = []
    try:
        with transaction.atomic():
            actor, company = bench_tenant(Role.PAYROLL_CLERK)
            services.ensure_setup(company)
            books = _books(company)
            PayrollSettings.objects.filter(company=company).update(
                post_to_ledger=books, tyel_policy_number="46-1234567"
            )
            employees = Employee.objects.bulk_create(
                Employee(
                    company=company,
                    number=str(n + 1),
                    first_name=f"E{n}",
                    last_name="Bench",
                    birth_date=dt.date(1960 + n % 45, 1 + n % 12, 1 + n % 28),
                )
                for n in range(count)
            )
            employments = Employment.objects.bulk_create(
                Employment(
                    company=company,
                    employee=e,
                    start_date=dt.date(2025, 1, 1),
                    pay_basis="monthly",
                )
                for e in employees
            )
            SalaryChange.objects.bulk_create(
                SalaryChange(
                    employment=m,
                    valid_from=dt.date(2025, 1, 1),
                    amount_cents=300000 + m.pk % 4000 * 100,
                )
                for m in employments
            )
            TaxCard.objects.bulk_create(
                TaxCard(
                    company=company,
                    employee=e,
                    year=2026,
                    valid_from=dt.date(2026, 1, 1),
                    base_rate=Decimal("22"),
                    additional_rate=Decimal("40"),
                    income_limit_cents=5000000,
                )
                for e in employees
            )
            run = services.create_pay_run(
                actor,
                company,
                period_start=PAYMENT.replace(day=1),
                period_end=PAYMENT,
                payment_date=PAYMENT,
            )
            rss_before = _rss()
            start = time.perf_counter()
            services.calculate_pay_run(actor, run)
            calculated = time.perf_counter()
            services.approve_pay_run(actor, run)
            done = time.perf_counter()
            peak = _rss() - rss_before
            rows.append(
                {
                    "scenario": f"pay run on {connection.vendor}: calculate + approve"
                    + (" + post voucher" if books else " (books not set up: no voucher)"),
                    "n": count,
                    "seconds": f"{done - start:.2f} (calc {calculated - start:.2f})",
                    "per_second": f"{count / (done - start):,.0f}",
                    "target": "10,000 in < 30 s",
                }
            )
            rows[-1]["peak_MiB"] = f"+{peak / 2**10:.0f} (max RSS growth)"
            rows += _bench_pdf(run, min(count, 40))
            raise _Rollback
    except _Rollback:
        pass
    return rows


def _books(company) -> bool:
    try:
        from tase.ledger import services as ledger
        from tase.ledger.system import SystemActor
    except ImportError:
        return False
    system = SystemActor()
    ledger.apply_chart(system, company, "limited-company")
    ledger.create_fiscal_year(system, company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    return True


def _bench_pdf(run, count: int) -> list[dict]:
    """Payslip PDFs per second: one after another in this process, then a run's payslips as
    the email task prints them (tase.payroll.pdf.payslip_pdfs: a process pool over the cores,
    HTML rendered here). Both times include reading the rows and rendering the HTML; the pool
    time includes starting its processes."""
    from tase.core.pdf import pool_size
    from tase.payroll.pdf import payslip_pdf, payslip_pdfs

    slips = list(run.payslips.select_related("employee", "company", "pay_run")[:count])
    payslip_pdf(slips[0])  # warm fonts
    start = time.perf_counter()
    for slip in slips:
        payslip_pdf(slip)
    one = time.perf_counter() - start
    workers = pool_size(len(slips))
    start = time.perf_counter()
    printed = sum(1 for _slip, data in payslip_pdfs(slips, workers=workers) if data)
    pooled = time.perf_counter() - start
    return [
        {
            "scenario": "payslip PDFs (WeasyPrint), one process",
            "n": len(slips),
            "seconds": f"{one:.2f}",
            "per_second": f"{len(slips) / one:,.1f}",
            "target": "≥ 10/s",
            "peak_MiB": "",
        },
        {
            "scenario": f"payslip PDFs of a run, pool of {workers or 1} process(es)",
            "n": printed,
            "seconds": f"{pooled:.2f}",
            "per_second": f"{printed / pooled:,.1f}",
            "target": "≥ 10/s",
            "peak_MiB": "",
        },
    ]


class _PeakRss:
    """The highest resident set size (KiB) seen while the block runs, sampled every 5 ms
    from /proc/self/statm: the growth of one step, which ru_maxrss (the process's all-time
    peak) cannot show once an earlier step peaked higher."""

    def __enter__(self):
        self.page = os.sysconf("SC_PAGE_SIZE") // 1024
        self.start = self.peak = self._now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _now(self) -> int:
        try:
            with open("/proc/self/statm") as statm:
                return int(statm.read().split()[1]) * self.page
        except OSError:  # not Linux
            return _rss()

    def _sample(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._now())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._now())

    @property
    def growth_mib(self) -> float:
        return (self.peak - self.start) / 2**10


def bench_incomes_register(counts=(1_000, 10_000)) -> list[dict]:
    """The earnings payment reports of an approved run of N employees (N = 1,000 and
    10,000), produced and XSD-validated by the service as approval does: payslips read from
    the database a chunk at a time with their employments and absence data, one delivery
    written and validated in one streamed pass, stored in parts. The payslips are made with
    the pure engine and bulk-inserted (the pay run bench times the calculation).

    Memory, beside the size of the document (written, validated and stored part by part and
    never held whole): the peak RSS growth during the step (sampled), and the peak of the
    Python heap (tracemalloc, in a second production of the same delivery, its next version:
    tracing slows the step about threefold, so the timed pass runs without it). Both should
    stay level from 1,000 to 10,000. The RSS also holds SQLite's page cache, which keeps the
    pages the transaction wrote up to its configured size (64 MiB a connection, settings.py):
    bounded, and none on PostgreSQL. The one-time costs (the Register's XSD, the public
    holidays of the deadline) are paid before the first size is measured."""
    from django.db import transaction

    from tase.formats import incomes_register as irf
    from tase.payroll import services
    from tase.payroll.models import Absence, Employee, Employment, PayRun, Payslip, SalaryChange
    from tase.payroll.services.calculation import line_record
    from tase.rules import incomes_register as ir_rules

    irf._schema(irf.WAGE_REPORTS)  # parsed once a process
    ir_rules.earnings_report_deadline(PAYMENT)  # imports the public holidays once
    templates = []
    for data in _inputs(50):
        result = calculate(data)
        templates.append((result, [line_record(line, "") for line in result.lines]))
    rows: list[dict] = []
    for count in counts:
        try:
            with transaction.atomic():
                actor, company = _bench_company(f"ir{count}")
                employees = Employee.objects.bulk_create(
                    (
                        Employee(
                            company=company,
                            number=str(n + 1),
                            first_name=f"E{n}",
                            last_name="Bench",
                            birth_date=dt.date(1960 + n % 45, 1 + n % 12, 1 + n % 28),
                        )
                        for n in range(count)
                    ),
                    batch_size=2000,
                )
                employments = Employment.objects.bulk_create(
                    (
                        Employment(
                            company=company,
                            employee=e,
                            start_date=dt.date(2025, 1, 1),
                            pay_basis="monthly",
                            profession_code="51201",
                        )
                        for e in employees
                    ),
                    batch_size=2000,
                )
                SalaryChange.objects.bulk_create(
                    (
                        SalaryChange(
                            employment=m, valid_from=dt.date(2025, 1, 1), amount_cents=300000
                        )
                        for m in employments
                    ),
                    batch_size=2000,
                )
                run = services.create_pay_run(
                    actor,
                    company,
                    period_start=PAYMENT.replace(day=1),
                    period_end=PAYMENT,
                    payment_date=PAYMENT,
                )
                Payslip.objects.bulk_create(
                    (
                        Payslip(
                            company=company,
                            pay_run=run,
                            employee=e,
                            number=n + 1,
                            position=n,
                            payment_date=PAYMENT,
                            gross_cents=int(templates[n % 50][0].gross_pay * 100),
                            lines=templates[n % 50][1],
                        )
                        for n, e in enumerate(employees)
                    ),
                    batch_size=1000,
                )
                # Every tenth employee was sick 2.-20.3. (a paid and an unpaid absence period
                # in the report's absence data).
                Absence.objects.bulk_create(
                    (
                        Absence(
                            company=company,
                            employee=e,
                            kind=Absence.Kind.SICK,
                            start_date=dt.date(2026, 3, 2),
                            end_date=dt.date(2026, 3, 20),
                        )
                        for e in employees[::10]
                    ),
                    batch_size=2000,
                )
                PayRun.objects.filter(pk=run.pk).update(status=PayRun.Status.APPROVED)
                run.refresh_from_db()
                with _PeakRss() as rss:
                    start, cpu = time.perf_counter(), time.process_time()
                    report = services.produce_earnings_reports(actor, run)
                    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
                python = _python_peak(services.produce_earnings_reports, actor, run)
                rows.append(
                    _ir_row(
                        "Incomes Register: earnings payment reports of a run (a tenth with "
                        "absence data), produced + XSD-validated + stored",
                        report,
                        elapsed,
                        rss,
                        cpu,
                        python,
                    )
                )
                rows.append(_bench_correction(actor, company, run, employees[::10]))
                raise _Rollback
        except _Rollback:
            pass
    return rows


def _python_peak(step, *args) -> float:
    """The peak growth of the Python heap (MiB) while ``step(*args)`` runs, by tracemalloc."""
    import tracemalloc

    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        step(*args)
        return (tracemalloc.get_traced_memory()[1] - base) / 2**20
    finally:
        tracemalloc.stop()


def _ir_row(
    scenario: str, report, elapsed: float, rss: _PeakRss, cpu: float, python: float | None = None
) -> dict:
    """The row of an Incomes Register step: wall seconds and, in brackets, the CPU seconds
    of the process (on a machine loaded by others the wall time mostly measures waiting);
    the peak RSS growth, the Python heap's peak growth when measured, and the document's
    size."""
    size = sum(len(chunk) for chunk in report.chunks()) / 2**20
    heap = "" if python is None else f", Python heap +{python:.1f}"
    return {
        "scenario": scenario,
        "n": report.reports,
        "seconds": f"{elapsed:.2f} (CPU {cpu:.2f})",
        "per_second": f"{report.reports / elapsed:,.0f}",
        "target": "10,000 in < 10 s, memory flat",
        "peak_MiB": f"+{rss.growth_mib:.0f} RSS{heap} (document {size:.0f})",
    }


def _bench_correction(actor, company, original, employees) -> dict:
    """The replacement reports of a correction run paying a bonus to ``employees`` (a tenth
    of the run): the corrections' report versions read streamed, the corrected payment of
    each combined, one delivery written, validated and stored in parts. Whether each
    employee's report carried absence data (a replacement without absences then gives the
    reporting period alone) is read from the deliveries' rows (``absences``), not their XML:
    until 7.12.2026 the run's deliveries were parsed for it, about a second at 10,000."""
    from tase.payroll.models import PayRun, Payslip
    from tase.payroll.services import corrections

    run = PayRun.objects.create(
        company=company,
        kind=PayRun.Kind.CORRECTION,
        corrects=original,
        period_start=original.period_start,
        period_end=original.period_end,
        payment_date=PAYMENT + dt.timedelta(days=10),
        status=PayRun.Status.APPROVED,
    )
    original_count = Payslip.objects.filter(pay_run=original).count()
    bonus = {
        "code": "bonus",
        "section": "pay",
        "label_fi": "Bonuspalkka",
        "label_en": "Bonus",
        "base": None,
        "rate": None,
        "quantity": None,
        "unit_price": None,
        "amount": "100.00",
        "parameter": None,
        "source": "",
        "cost_centre": "",
        "ledger_account": "5000",
        "income_type": 203,
    }
    Payslip.objects.bulk_create(
        (
            Payslip(
                company=company,
                pay_run=run,
                employee=e,
                number=original_count + n + 1,  # payslip numbers run on in the company
                position=n,
                payment_date=PAYMENT,
                gross_cents=10000,
                lines=[bonus],
            )
            for n, e in enumerate(employees)
        ),
        batch_size=1000,
    )
    with _PeakRss() as rss:
        start, cpu = time.perf_counter(), time.process_time()
        report = corrections.produce_replacement_reports(actor, run)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    row = _ir_row(
        "Incomes Register: replacement reports of a correction of a tenth of the run",
        report,
        elapsed,
        rss,
        cpu,
    )
    row["target"] = "memory flat: no delivery's XML read for the absence data"
    return row


def _bench_company(name: str):
    from tase.core.roles import Role
    from tase.payroll import services
    from tase.payroll.models import PayrollSettings

    actor, company = bench_tenant(
        Role.PAYROLL_CLERK, vendor=f"Bench vendor {name}", customer=f"Bench {name}"
    )
    services.ensure_setup(company)
    PayrollSettings.objects.filter(company=company).update(
        post_to_ledger=False, tyel_policy_number="46-1234567"
    )
    return actor, company


def run(args) -> list[dict]:
    count = args.n or 200
    rows = [bench_engine(max(count, 20000))]
    rows[0]["peak_MiB"] = ""
    with Scratch():
        rows += bench_pay_run(count)
        # `make bench` (no --n): a 10,000-employee run; a given N scales it (the tests use 20).
        sizes = (1_000, 10_000) if args.n is None else (max(count // 10, 1), count)
        rows += bench_incomes_register(sizes)
    return rows
