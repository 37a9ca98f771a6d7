"""Purchases bench: supplier Finvoice files imported through the service (read, totals
checked, supplier found or created, duplicates checked, lines and the file kept) — the issue's
target is 5,000 in under 30 s with memory flat.

`python -m bench purchases --n 5000`: N files (default 200) from 50 suppliers, each the
Finvoice 3.0 test fixture with its own number, fed to the service one by one from a generator
(so the files are never all in memory). Runs in a scratch database, rolled back; the kept
files go to a temporary media directory.
"""

from __future__ import annotations

import datetime as dt
import resource
import tempfile
import time
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
                raise _Rollback
        except _Rollback:
            pass
    return rows
