"""The year's archive package (issue 17 item 7): `python -m bench archive --n N`.

N posted vouchers of two lines, each with a PDF attachment, spread over a year (default 300),
in a scratch database; then the archive of the year is written to a temporary file. It prints
the time, the rate, the time for 100,000 vouchers at that rate, the package's size, and the
growth of the process's peak memory while the package is written (it should stay flat as N
grows: the ZIP is written member by member with its directory spooled to disk, the books in
parts, the vouchers in chunks of plain rows), and the peak of the PDF pool's workers.
On SQLite the growth includes the connection's page cache (``PRAGMA cache_size`` in settings:
64 MiB), which fills as the year's rows are read: bounded, but it rises with N until the year
is larger than the cache. ``TASE_BENCH_SQLITE_CACHE_KIB=2000`` runs with SQLite's default 2 MiB
to see the process's own memory alone.
Target: 100,000 vouchers with attachments in under 5 minutes, memory flat.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import tempfile
import time
from decimal import Decimal

from bench._scratch import Scratch

YEAR = 2026
BATCH = 25  # vouchers posted a transaction while setting up
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"%" + b"x" * 4000 + b"\n%%EOF\n"


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the PDF pool's workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _max_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def run(args) -> list[dict]:
    from django.db import transaction
    from django.test import override_settings

    from tase.core.models import Company, Organization
    from tase.ledger import archive, services
    from tase.ledger.models import FiscalYear
    from tase.ledger.system import SystemActor

    count = getattr(args, "n", None) or 300
    rows: list[dict] = []
    with (
        Scratch() as scratch,
        tempfile.TemporaryDirectory(prefix="tase-bench-archive-") as tmp,
        override_settings(MEDIA_ROOT=tmp),
    ):
        vendor = Organization.objects.create(name="Bench", kind="vendor")
        org = Organization.objects.create(name="Arkisto", kind="customer", vendor=vendor)
        company = Company.objects.create(
            organization=org, name="Arkisto Oy", business_id="2345678-0"
        )
        actor = SystemActor()
        services.apply_chart(actor, company, "limited-company")
        year = services.create_fiscal_year(
            actor, company, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 12, 31)
        )
        year = FiscalYear.objects.get(pk=year.pk)
        # Posted BATCH vouchers a transaction: on PostgreSQL a commit a voucher made the
        # setting-up wait on the disk (about 37 vouchers/s, 45 minutes for 100,000).
        for first in range(0, count, BATCH):
            with transaction.atomic():
                for i in range(first, min(first + BATCH, count)):
                    amount = Decimal(100 + i % 900)
                    services.post_voucher(
                        actor,
                        company,
                        date=dt.date(YEAR, 1, 1) + dt.timedelta(days=i * 365 // count),
                        series="ML",
                        description=f"Myynti {i + 1}",
                        lines=[
                            {"account": "1910", "debit": amount},
                            {"account": "3000", "credit": amount},
                        ],
                        attachments=[(f"lasku-{i + 1}.pdf", PDF + str(i).encode())],
                    )
        path = os.path.join(tmp, "archive.zip")
        cache = os.environ.get("TASE_BENCH_SQLITE_CACHE_KIB")
        if cache and scratch.vendor == "sqlite":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size=-{int(cache)}")
        rss_before = _max_rss_mb()
        start, used = time.perf_counter(), _cpu()
        with open(path, "wb") as out:
            summary = archive.build_archive(actor, company, year, out)
        seconds = time.perf_counter() - start
        cpu = _cpu() - used
        growth = _max_rss_mb() - rss_before
        size = os.path.getsize(path)
        rows.append(
            {
                "scenario": "archive package of a year (PDF/A books, attachments, index)",
                "db": scratch.vendor,
                "n": f"{summary.vouchers:,} vouchers, {summary.attachments:,} attachments",
                "seconds": f"{seconds:.2f}",
                "rate": f"{count / seconds:,.0f} vouchers/s "
                f"(100,000 in ~{100_000 / (count / seconds) / 60:,.1f} min)",
                "cpu": f"{cpu:.1f} s ({cpu / count * 1000:.1f} ms a voucher, pool's workers included)",
                "target": "100,000 < 5 min",
            }
        )
        rows.append(
            {
                "scenario": "archive: package size; growth of the peak memory while writing",
                "db": scratch.vendor + (f" (page cache {cache} KiB)" if cache else ""),
                "n": f"{len(summary.books)} PDF parts",
                "seconds": "",
                "rate": f"{size / 1e6:,.1f} MB; +{growth:,.0f} MB "
                f"(workers' peak {_max_rss_mb(resource.RUSAGE_CHILDREN):,.0f} MB)",
                "cpu": "",
                "target": "flat as N grows",
            }
        )
    return rows
