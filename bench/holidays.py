"""Holiday bench: every employee's holiday balance and the company's holiday-pay liability
at a month end, with the liability posted to the books and reversed (issue 16, Scale).

`python -m bench holidays --n 10000`: N employees (default 10,000; the tests use 20), every
third paid by the hour with twelve approved payslips, every tenth with a sick leave and an
unpaid leave in the credit year, every fifth with a planned summer holiday. The balances of
the credit year ended 31.3.2026 and the liability at 30.4.2026 are computed and posted in
a scratch database, inside a transaction that is rolled back, the employees read 500 at a
time (tase.payroll.services.holidays.chunks). Memory: the growth of the peak RSS for N/5
employees and then for N (flat: the rows held are one chunk's, and the sums). Wall
and CPU seconds: the process's CPU includes SQLite's work (it runs in the process).
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from bench._scratch import Scratch
from bench.payroll import _books, _rss

YEAR_END = dt.date(2026, 3, 31)
MONTH_END = dt.date(2026, 4, 30)


class _Rollback(Exception):
    pass


def _company(count: int):
    from tase.core.access import Actor
    from tase.core.models import Company, Membership, Organization, User
    from tase.core.roles import Role
    from tase.payroll import services
    from tase.payroll.models import (
        Absence,
        Employee,
        Employment,
        HolidayRecord,
        PayRun,
        Payslip,
        SalaryChange,
    )

    vendor = Organization.objects.create(name="Bench vendor", kind="vendor")
    org = Organization.objects.create(name="Bench customer", kind="customer", vendor=vendor)
    company = Company.objects.create(
        organization=org,
        name="Bench Oy",
        business_id="1234567-1",
        contact_name="Bench",
        contact_phone="040 000 0000",
    )
    user = User.objects.create_user(f"bench-{time.time_ns()}@example.com", "x" * 20)
    Membership.objects.create(user=user, organization=org, role=Role.PAYROLL_CLERK)
    services.ensure_setup(company)
    _books(company)
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
    hourly = {e.pk for n, e in enumerate(employees) if n % 3 == 0}
    # Amounts follow an employee's place, not its id: ids differ between databases and runs
    # (a rolled-back run's sequence values are not given back on PostgreSQL), and the check
    # column's totals must not.
    place = {e.pk: n for n, e in enumerate(employees)}
    employments = Employment.objects.bulk_create(
        Employment(
            company=company,
            employee=e,
            start_date=dt.date(2024, 1, 1),
            pay_basis="hourly" if e.pk in hourly else "monthly",
        )
        for e in employees
    )
    SalaryChange.objects.bulk_create(
        SalaryChange(
            employment=m,
            valid_from=dt.date(2024, 1, 1),
            amount_cents=1800
            if m.employee_id in hourly
            else 300000 + place[m.employee_id] % 4000 * 100,
        )
        for m in employments
    )
    runs = []
    for month in range(12):
        paid = dt.date(2025 + (month >= 9), (month + 3) % 12 + 1, 28)
        runs.append(
            PayRun.objects.create(
                company=company,
                period_start=paid.replace(day=1),
                period_end=paid,
                payment_date=paid,
                status=PayRun.Status.APPROVED,
            )
        )
    Payslip.objects.bulk_create(
        (
            Payslip(
                company=company,
                pay_run=run,
                employee_id=pk,
                payment_date=run.payment_date,
                gross_cents=290000 + place[pk] % 50 * 100,
            )
            for run in runs
            for pk in hourly
        ),
        batch_size=2000,
    )
    Absence.objects.bulk_create(
        a
        for n, e in enumerate(employees)
        if n % 10 == 0
        for a in (
            Absence(
                company=company,
                employee=e,
                kind="sick",
                start_date=dt.date(2025, 10, 6),
                end_date=dt.date(2025, 10, 24),
            ),
            Absence(
                company=company,
                employee=e,
                kind="unpaid",
                start_date=dt.date(2026, 2, 2),
                end_date=dt.date(2026, 2, 27),
            ),
        )
    )
    HolidayRecord.objects.bulk_create(
        HolidayRecord(
            company=company,
            employee=e,
            credit_year_end=YEAR_END,
            kind="planned",
            start_date=dt.date(2026, 7, 6),
            end_date=dt.date(2026, 7, 24),
            days=17,
        )
        for n, e in enumerate(employees)
        if n % 5 == 0
    )
    return company, Actor.of(user)


def bench_month_end(count: int) -> dict:
    from django.db import connection, transaction

    from tase.payroll import services
    from tase.payroll.services.holidays import balance, chunks

    row: dict = {}
    try:
        with transaction.atomic():
            company, actor = _company(count)
            if connection.vendor == "postgresql":
                # The planner's statistics of the rows just written, which autovacuum would
                # have gathered before a real month end: without them PostgreSQL guesses a
                # row or two a table and joins 10,000 employees by nested loops for minutes.
                # ANALYZE counts the rows this transaction inserted as live.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            rss_before = _rss()
            start, cpu = time.perf_counter(), time.process_time()
            # The month-end job: every balance and the liability from one read of the data,
            # a chunk of employees at a time (the rows held are one chunk's, whatever N).
            left, balancing = 0, 0.0

            def with_balances(books):
                nonlocal left, balancing
                books = iter(books)
                while True:
                    began = time.perf_counter()
                    book = next(books, None)
                    if book is None:
                        return
                    left += sum(balance(book, e, YEAR_END).left for e in book.employees)
                    balancing += time.perf_counter() - began
                    yield book

            voucher, _reversal = services.post_liability(
                actor, company, MONTH_END, with_balances(chunks(company, MONTH_END))
            )
            done, cpu = time.perf_counter(), time.process_time() - cpu
            total = sum(e.amount_cents for e in voucher.entries.all() if e.amount_cents > 0)
            row = {
                "scenario": f"holiday balances + liability + posting, {connection.vendor}",
                "n": count,
                "seconds": f"{done - start:.2f} (reads and balances {balancing:.2f})",
                # the process's own CPU (SQLite runs in it): what a shared machine's load
                # does not inflate as much as the wall time
                "cpu_seconds": f"{cpu:.2f}",
                "per_second": f"{count / (done - start):,.0f}",
                "target": "10,000 in < 10 s",
                "peak_MiB": f"+{(_rss() - rss_before) / 2**10:.0f} (max RSS growth)",
                "check": f"{left:,} days left; {Decimal(total) / 100:,.2f} € posted",
            }
            raise _Rollback
    except _Rollback:
        pass
    return row


def run(args) -> list[dict]:
    count = args.n or 10_000
    with Scratch():
        return [bench_month_end(max(count // 5, 1)), bench_month_end(count)]
