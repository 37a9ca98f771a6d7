"""Purchases bench: supplier Finvoice files imported through the service (read, totals
checked, supplier found or created, duplicates checked, lines and the file kept) — the issue's
target is 5,000 in under 30 s with memory flat.

`python -m bench purchases --n 5000`: N files (default 200) from 50 suppliers, each the
Finvoice 3.0 test fixture with its own number, fed to the service one by one from a generator
(so the files are never all in memory); then the same N invoices as one operator's batch file
(envelope + invoice pairs; at most what fits the 20 MB upload limit) uploaded from disk, read
as it streams. Runs in a scratch database, rolled back; the kept files go to a temporary media
directory.
"""

from __future__ import annotations

import datetime as dt
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench._scratch import Scratch

FIXTURE = Path(__file__).resolve().parent.parent / "tests/formats/data/finvoice"


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
        organization=org, name="Rakennus Virtanen Oy", business_id="2085253-4"
    )
    user = User.objects.create_user(
        f"bench-{time.time_ns()}@example.com", "x" * 20, full_name="Bench"
    )
    Membership.objects.create(user=user, organization=org, role=Role.ACCOUNTANT)
    system = SystemActor()
    ledger.apply_chart(system, company, "limited-company")
    ledger.create_fiscal_year(system, company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    return Actor.of(user), company


def _files(count: int):
    """(name, bytes) of N invoices from 50 suppliers (valid Y-tunnus each)."""
    from stdnum.fi import ytunnus

    text = (FIXTURE / "finvoice30_iso885915.xml").read_bytes().decode("iso-8859-15")
    candidates = (f"{1000000 + b:07d}-{d}" for b in range(200) for d in range(10))
    ids = [i for i in candidates if ytunnus.is_valid(i)][:50]
    for n in range(count):
        business_id = ids[n % 50]
        data = (
            text.replace("<InvoiceNumber>2026-0317<", f"<InvoiceNumber>B-{n}<")
            .replace(">1234567-1<", f">{business_id}<")
            .replace(">Konsulttitoimisto Esimerkki Oy<", f">Toimittaja {n % 50} Oy<")
        )
        yield f"finvoice-{n}.xml", data.encode("iso-8859-15")


def bench_import(actor, company, count: int) -> dict:
    from tase.purchases import services

    rss = _rss()
    start, cpu = time.perf_counter(), time.process_time()
    results = services.import_finvoices(actor, company, _files(count))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    imported = sum(len(r.invoices) for r in results)
    assert imported == count, [r.errors for r in results if r.errors][:3]
    return {
        "scenario": "Finvoice files imported (read, checked, supplier, lines, file kept)",
        "n": count,
        "seconds": f"{elapsed:.2f} (CPU {cpu:.2f})",
        "per_second": f"{count / elapsed:,.0f} (CPU {count / cpu:,.0f})",
        "target": "5,000 in < 30 s",
        "peak_MiB": f"+{(_rss() - rss) / 2**10:.0f} (max RSS growth)",
    }


def _batch(count: int, prefix: str):
    """One batch file of ``count`` invoices (each behind its SOAP envelope), as an upload
    Django kept on disk."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    envelope = (FIXTURE / "finvoice30_soap.xml").read_bytes().split(b"<?xml", 2)[1]
    upload = TemporaryUploadedFile(f"{prefix}.xml", "application/xml", 0, None)
    for _name, data in _files(count):
        number = b"<InvoiceNumber>" + prefix.encode()
        upload.file.write(b"<?xml" + envelope + data.replace(b"<InvoiceNumber>B", number))
    upload.size = upload.file.tell()
    upload.file.seek(0)
    return upload


BATCH_BYTES = 8_200  # an envelope + invoice pair of the batch, a little over its 7.9 KiB


def bench_batch(actor, company, count: int) -> dict:
    """The batch timed, then another as large imported again under tracemalloc for the peak
    of Python's memory (the file held whole, or a tree of it, would show here). At most as
    many invoices as fit the Finvoice upload limit (20 MB: about 2,550), which refuses a
    larger file before reading it."""
    from tase.core.limits import upload_limit
    from tase.purchases import services

    count = min(count, upload_limit("finvoice") // BATCH_BYTES)
    upload = _batch(count, "K")
    start, cpu = time.perf_counter(), time.process_time()
    [result] = services.import_finvoices(actor, company, [upload])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert len(result.invoices) == count, result.errors[:3]
    traced = _batch(count, "T")
    tracemalloc.start()
    try:
        [again] = services.import_finvoices(actor, company, [traced])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(again.invoices) == count, again.errors[:3]
    return {
        "scenario": f"one batch file of the invoices ({upload.size / 2**20:.1f} MiB) from disk",
        "n": count,
        "seconds": f"{elapsed:.2f} (CPU {cpu:.2f})",
        "per_second": f"{count / elapsed:,.0f} (CPU {count / cpu:,.0f})",
        "target": "memory flat",
        "peak_MiB": f"{peak / 2**20:.1f} (Python peak, tracemalloc)",
    }


def run(args) -> list[dict]:
    from django.db import transaction
    from django.test import override_settings

    count = args.n or 200
    rows: list[dict] = []
    with Scratch(), tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        try:
            with transaction.atomic():
                actor, company = _company()
                rows.append(bench_import(actor, company, count))
                rows.append(bench_batch(actor, company, count))
                raise _Rollback
        except _Rollback:
            pass
    return rows
