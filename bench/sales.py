"""Sales benches: recurring invoices generated, numbered, posted and written as Finvoice;
invoice PDFs with the giro form per second; the receivables aging over many open invoices.

`python -m bench sales --n 10000`: N recurring invoices (default 200); the aging runs over
10 x N open invoices (100,000 at N = 10,000). Everything runs in a scratch database of its own
(:class:`bench._scratch.Scratch`), inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import time
from decimal import Decimal

from bench._scratch import Scratch
from bench._tenant import bench_tenant

RUN_DAY = dt.date(2026, 3, 1)


class _Rollback(Exception):
    pass


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _company():
    from tase.core.roles import Role
    from tase.ledger import services as ledger
    from tase.ledger.system import SystemActor
    from tase.sales import services

    actor, company = bench_tenant(
        Role.ACCOUNTANT,
        business_id="0737546-2",
        street_address="Mannerheimintie 1",
        postal_code="00100",
        city="Helsinki",
    )
    system = SystemActor()
    ledger.apply_chart(system, company, "limited-company")
    ledger.create_fiscal_year(system, company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    ledger.create_bank_account(
        system, company, iban="FI79 4405 2020 0360 82", bic="OKOYFIHH", account="1910"
    )
    services.update_sales_settings(
        actor, company, einvoice_address="003707375462", einvoice_operator="003721291126"
    )
    return actor, company


def _agreements(company, count: int) -> None:
    from tase.sales.models import Agreement, AgreementLine, Customer

    customers = Customer.objects.bulk_create(
        Customer(
            company=company,
            number=n + 1,
            name=f"Asiakas {n + 1} Oy",
            business_id="0112038-9",
            street="Kauppatori 2",
            postcode="00170",
            town="Helsinki",
            einvoice_address=f"0037{n:08d}",
            einvoice_operator="003721291126",
        )
        for n in range(count)
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(
            company=company,
            customer=c,
            name="Ylläpito",
            start=RUN_DAY,
            next_period=RUN_DAY,
        )
        for c in customers
    )
    AgreementLine.objects.bulk_create(
        AgreementLine(
            agreement=a,
            position=p,
            description=text,
            quantity=Decimal(1),
            unit="kk",
            unit_price=Decimal(price),
            vat_code=code,
            sales_account="3000",
        )
        for a in agreements
        for p, (text, price, code) in enumerate(
            [("Ylläpito", "120.00", "S"), ("Tuki", "35.50", "S"), ("Kirjat", "20.00", "S-R2")]
        )
    )


def bench_recurring(actor, company, count: int) -> tuple[list[dict], list]:
    from tase.sales import services
    from tase.sales.services import delivery

    _agreements(company, count)
    rss = _rss()
    start, cpu_start = time.perf_counter(), time.process_time()
    made = services.generate_recurring(actor, company, until=RUN_DAY)
    generated, cpu_generated = time.perf_counter(), time.process_time()
    data, skipped = delivery.finvoice_batch(made)
    done, cpu_done = time.perf_counter(), time.process_time()
    assert len(made) == count and not skipped, skipped[:3]
    return [
        {
            "scenario": "recurring invoices: generated, numbered, posted",
            "n": count,
            "seconds": f"{generated - start:.2f} (CPU {cpu_generated - cpu_start:.2f})",
            "per_second": f"{count / (generated - start):,.0f}",
            "cpu_ms_per_pdf": "",
            "target": "",
            "peak_MiB": "",
            "load": _load(),
        },
        {
            "scenario": "… and written as Finvoice (XSD-validated, operator batch)",
            "n": count,
            "seconds": f"{done - start:.2f} (CPU {cpu_done - cpu_start:.2f}; Finvoice {done - generated:.2f})",
            "per_second": f"{count / (done - start):,.0f}",
            "cpu_ms_per_pdf": "",
            "target": "10,000 in < 60 s",
            "peak_MiB": f"+{(_rss() - rss) / 2**10:.0f} (max RSS growth; {len(data) >> 20} MiB file)",
            "load": _load(),
        },
    ], made


def _load() -> str:
    """The machine's load average over the last minute when a row ends: on the two-core
    development machine other work shares the cores, and the wall-clock rates mean little
    without it (the CPU column is this process's and its workers' own)."""
    return f"{os.getloadavg()[0]:.1f}"


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the pool's workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _pdf_row(scenario: str, sample: list, work, runs: int) -> dict:
    """Time ``work()`` (printing ``sample``) ``runs`` times: the median wall and CPU time."""
    timings, cpu = [], []
    for _ in range(runs):
        start, used = time.perf_counter(), _cpu()
        work()
        timings.append(time.perf_counter() - start)
        cpu.append(_cpu() - used)
    elapsed = statistics.median(timings)
    return {
        "scenario": scenario,
        "n": len(sample),
        "seconds": f"{elapsed:.2f}",
        "per_second": f"{len(sample) / elapsed:,.1f}",
        "cpu_ms_per_pdf": f"{statistics.median(cpu) / len(sample) * 1000:.0f}",
        "target": "≥ 20/s",
        "peak_MiB": "",
        "load": _load(),
    }


def bench_pdf(invoices, runs: int) -> dict:
    from tase.sales.pdf import invoice_pdf

    sample = invoices[: max(5, min(len(invoices), 20))]
    invoice_pdf(sample[0])  # fonts and templates warm

    def work():
        for invoice in sample:
            invoice_pdf(invoice)

    scenario = "invoice PDFs with the giro form and barcode, one file each, in this process"
    return _pdf_row(scenario, sample, work, runs)


def bench_pdf_pool(invoices, runs: int) -> dict:
    """The same, many at a time in tase.core.pdf's process pool (sales.pdf.invoice_pdfs)."""
    from tase.core.pdf import pool_size
    from tase.sales.pdf import invoice_pdfs

    sample = invoices[: max(5, min(len(invoices), 100))]

    def work():
        for _invoice, _data in invoice_pdfs(sample):
            pass

    workers = pool_size(len(sample))
    scenario = (
        f"… one file each, in a pool of {workers} worker processes (tase.core.pdf.render_many)"
        if workers
        else "… one file each, in this process (no pool: one core)"
    )
    return _pdf_row(scenario, sample, work, runs)


def bench_pdf_batch(invoices, runs: int) -> dict:
    """The same invoices as one document to print or post (sales.pdf.invoices_pdf)."""
    from tase.sales.pdf import invoices_pdf

    sample = invoices[: max(5, min(len(invoices), 20))]
    scenario = "… the same as one PDF for a batch (one WeasyPrint document, in this process)"
    return _pdf_row(scenario, sample, lambda: invoices_pdf(sample), runs)


def bench_aging(company, count: int, runs: int) -> dict:
    from tase.sales import selectors
    from tase.sales.models import Customer, Invoice

    customers = list(Customer.objects.filter(company=company).values_list("pk", flat=True))
    Invoice.objects.bulk_create(
        (
            Invoice(
                company=company,
                customer_id=customers[n % len(customers)],
                status=Invoice.Status.SENT,
                number=900000 + n,
                invoice_date=dt.date(2025, 1, 1) + dt.timedelta(days=n % 400),
                delivery_date=dt.date(2025, 1, 1) + dt.timedelta(days=n % 400),
                due_date=dt.date(2025, 1, 15) + dt.timedelta(days=n % 400),
                reference="1",
                gross_cents=10000 + n % 50000,
                net_cents=10000 + n % 50000,
            )
            for n in range(count)
        ),
        batch_size=5000,
    )
    on = dt.date(2026, 3, 1)
    selectors.receivables(company, on)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        data = selectors.receivables(company, on)
        timings.append(time.perf_counter() - start)
    assert data["customers"]
    elapsed = statistics.median(timings)
    return {
        "scenario": "receivables aging (per customer, five buckets)",
        "n": count,
        "seconds": f"{elapsed * 1000:.0f} ms",
        "per_second": "",
        "cpu_ms_per_pdf": "",
        "target": "100,000 open invoices < 200 ms",
        "peak_MiB": "",
        "load": _load(),
    }


def run(args) -> list[dict]:
    from django.db import transaction

    count = args.n or 200
    rows: list[dict] = []
    with Scratch():
        try:
            with transaction.atomic():
                actor, company = _company()
                recurring, made = bench_recurring(actor, company, count)
                rows += recurring
                rows.append(bench_pdf(made, args.runs))
                rows.append(bench_pdf_pool(made, args.runs))
                rows.append(bench_pdf_batch(made, args.runs))
                rows.append(bench_aging(company, count * 10, args.runs))
                raise _Rollback
        except _Rollback:
            pass
    return rows
