"""Bank bench: a year's camt.053 imported and matched against open sales invoices.

`python -m bench bank --n 50000`: N open sales invoices (default 500) and a statement of 2 x N
entries over a year (100,000 at N = 50,000): N reference payments, one per invoice (one in ten
short by a euro, so partly paid), and N outgoing card and transfer payments no matcher claims.
The file is written to disk first (not timed), then imported through the same service as the
API and `tase bank import`: read (streamed), stored and matched a chunk of lines at a time (each day's reference
payments one voucher through sales' record_payments). Runs in a
scratch database (:class:`bench._scratch.Scratch`), inside a transaction rolled back.
"""

from __future__ import annotations

import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from bench._scratch import Scratch

IBAN = "FI7944052020036082"
YEAR = 2026


class _Rollback(Exception):
    pass


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _company():
    from tase.core.access import Actor
    from tase.core.models import Company, Membership, Organization, User
    from tase.core.roles import Role
    from tase.ledger import services as ledger
    from tase.ledger.system import SystemActor

    vendor = Organization.objects.create(name="Bench vendor", kind="vendor")
    org = Organization.objects.create(name="Bench customer", kind="customer", vendor=vendor)
    company = Company.objects.create(
        organization=org, name="Bench Oy", business_id="0737546-2", city="Helsinki"
    )
    user = User.objects.create_user(
        f"bench-{time.time_ns()}@example.com", "x" * 20, full_name="Bench"
    )
    Membership.objects.create(user=user, organization=org, role=Role.ACCOUNTANT)
    system = SystemActor()
    ledger.apply_chart(system, company, "limited-company")
    ledger.create_fiscal_year(system, company, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 12, 31))
    ledger.create_bank_account(system, company, iban=IBAN, bic="OKOYFIHH", account="1910")
    return Actor.of(user), company


def _invoices(company, count: int) -> list:
    from tase.formats.reference import fi_reference
    from tase.sales.models import Customer, Invoice

    customers = Customer.objects.bulk_create(
        Customer(company=company, number=n + 1, name=f"Asiakas {n + 1} Oy") for n in range(100)
    )
    day = dt.date(YEAR, 1, 1)
    return Invoice.objects.bulk_create(
        (
            Invoice(
                company=company,
                customer=customers[n % 100],
                status=Invoice.Status.SENT,
                number=1000 + n,
                invoice_date=day,
                delivery_date=day,
                due_date=day + dt.timedelta(days=14),
                reference=fi_reference(str(1000 + n)),
                gross_cents=5000 + n % 20000,
                net_cents=5000 + n % 20000,
                bank_ledger_account="1910",
            )
            for n in range(count)
        ),
        batch_size=5000,
    )


def _statement(path: Path, invoices: list) -> int:
    from tase.bank.sample import Payment, statement_chunks

    def payments():
        for n, invoice in enumerate(invoices):
            day = dt.date(YEAR, 1, 2) + dt.timedelta(days=n * 360 // len(invoices))
            short = 100 if n % 10 == 0 else 0
            yield Payment(day, invoice.gross_cents - short, invoice.customer.name, "",
                          reference=invoice.reference)  # fmt: skip
            yield Payment(day, -(1000 + n % 9000), f"Kauppa {n % 500}",
                          "FI4250001510000023", message=f"Kortti {n}")  # fmt: skip

    with path.open("wb") as file:
        for chunk in statement_chunks(
            IBAN, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), 10_000_000, payments()
        ):
            file.write(chunk)
    return path.stat().st_size


def run(args) -> list[dict]:
    from django.db import transaction

    from tase.bank import services
    from tase.sales.models import Invoice

    count = args.n or 500
    rows: list[dict] = []
    with Scratch(), tempfile.TemporaryDirectory() as folder:
        try:
            with transaction.atomic():
                actor, company = _company()
                invoices = _invoices(company, count)
                path = Path(folder) / "tiliote.xml"
                size = _statement(path, invoices)
                rss = _rss()
                start, cpu = time.perf_counter(), time.process_time()
                with path.open("rb") as file:
                    [result] = services.import_statements(actor, company, file)
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
                matched = result.statement.lines.exclude(status="open").count()
                assert matched == count, (matched, count)
                paid = Invoice.objects.filter(company=company, status="paid").count()
                rows.append(
                    {
                        "scenario": "camt.053 imported and matched against open sales invoices",
                        "entries": f"{2 * count:,}",
                        "invoices": f"{count:,}",
                        "seconds": f"{elapsed:.1f} (CPU {cpu:.1f})",
                        "entries_per_second": f"{2 * count / elapsed:,.0f}",
                        "matched": f"{matched:,} ({paid:,} paid, {count - paid:,} partly)",
                        "target": "100,000 entries, 50,000 invoices < 20 s",
                        "peak_MiB": f"+{(_rss() - rss) / 2**10:.0f} (file {size / 2**20:.0f} MiB)",
                    }
                )
                raise _Rollback
        except _Rollback:
            pass
    return rows
