"""Bookkeeping benches on the configured database (SQLite or PostgreSQL).

`python -m bench ledger --n 1000000`: N vouchers of about three lines spread over a year
(default 2,000). The bench works in a scratch database of its own (a temporary SQLite
file, or a `<name>_bench` PostgreSQL database) that it migrates, fills and drops, so
every posting really commits. It prints, each a median of several runs where it says so:

- the database's own bulk load of the same lines (executemany / COPY), as the baseline;
- the CSV import of N vouchers through the service (every rule enforced);
- posting through the service, one voucher per transaction, on one connection;
- the trial balance, income statement and balance sheet for the year and for a month;
- and it writes the same vouchers as an hledger journal (var/bench-ledger.journal), timing
  `hledger balance` beside the trial balance when hledger is installed.

Run it once with DATABASE_URL unset (SQLite) and once with DATABASE_URL=postgres://… .
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

YEAR = 2026
ACCOUNTS = {
    "sales": ("3000", "S"),
    "sales_reduced": ("3010", "S-R"),
    "purchases": ("4000", "P"),
    "rent": ("7100", "P"),
    "bank": ("1910", ""),
    "payables": ("2870", ""),
    "receivables": ("1700", ""),
}


def _vouchers(count: int, seed: int = 11):
    """(key, date, series, [(account, debit, credit, vat)]) one at a time (flat memory)."""
    rng = random.Random(seed)
    start = dt.date(YEAR, 1, 1)
    for n in range(1, count + 1):
        day = start + dt.timedelta(days=(n * 365) // (count + 1))
        kind = n % 3
        a = Decimal(rng.randrange(1000, 500000)) / 100
        b = Decimal(rng.randrange(1000, 200000)) / 100
        if kind == 0:
            lines = [
                ("1700", a + b, None, ""),
                ("3000", None, a, "S"),
                ("3010", None, b, "S-R"),
            ]
            series = "ML"
        elif kind == 1:
            lines = [("4000", a, None, "P"), ("7100", b, None, "P"), ("2870", None, a + b, "")]
            series = "OL"
        else:
            lines = [("1910", a, None, ""), ("1700", None, a, "")]
            series = "TI"
        yield str(n), day, series, lines


def _csv(count: int) -> bytes:
    out = io.StringIO()
    out.write("voucher,date,series,account,debit,credit,vat_code,text,cost_centre,project\n")
    for key, day, series, lines in _vouchers(count):
        for account, debit, credit, vat in lines:
            out.write(
                f"{key},{day.isoformat()},{series},{account},{debit or ''},{credit or ''},{vat},,,\n"
            )
    return out.getvalue().encode()


def _median(fn, runs: int = 5) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


class _Scratch:
    """Point the default connection at a scratch database, migrated, and back."""

    def __enter__(self):
        from django.core.management import call_command
        from django.db import connection

        self.connection = connection
        self.original = dict(connection.settings_dict)
        self.vendor = connection.vendor
        connection.close()
        if self.vendor == "sqlite":
            self.tmp = tempfile.mkdtemp(prefix="tase-bench-")
            connection.settings_dict["NAME"] = str(Path(self.tmp) / "bench.sqlite3")
        else:
            self.name = f"{self.original['NAME']}_bench"
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                cursor.execute(f'CREATE DATABASE "{self.name}"')
            connection.close()
            connection.settings_dict["NAME"] = self.name
        call_command("migrate", verbosity=0)
        return self

    def __exit__(self, *exc):
        self.connection.close()
        self.connection.settings_dict.clear()
        self.connection.settings_dict.update(self.original)
        if self.vendor == "sqlite":
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            with self.connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            self.connection.close()
        return False


def _company(name: str, business_id: str):
    from tase.core.models import Company, Organization
    from tase.ledger import services
    from tase.ledger.system import SystemActor

    vendor, _ = Organization.objects.get_or_create(name="Bench", kind="vendor")
    org = Organization.objects.create(name=name, kind="customer", vendor=vendor)
    company = Company.objects.create(organization=org, name=name, business_id=business_id)
    actor = SystemActor()
    services.apply_chart(actor, company, "limited-company")
    services.create_fiscal_year(
        actor, company, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 12, 31)
    )
    return company


def _baseline(count: int, vendor: str) -> float:
    """The database's own bulk load of the same number of lines into a plain table."""
    from django.db import connection

    rows = [
        (int(account), day, int((debit or -credit) * 100))
        for _key, day, _series, lines in _vouchers(count)
        for account, debit, credit, _vat in lines
    ]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_lines (account integer, date date, amount bigint)")
        start = time.perf_counter()
        if vendor == "postgresql":
            with cursor.copy("COPY bench_lines (account, date, amount) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO bench_lines VALUES (%s, %s, %s)", rows)
        connection.commit() if not connection.get_autocommit() else None
        elapsed = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_lines")
    return elapsed


def _hledger(count: int) -> tuple[Path, float | None]:
    path = Path(os.environ.get("TASE_VAR_DIR", "var")) / "bench-ledger.journal"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for key, day, series, lines in _vouchers(count):
            out.write(f"{day.isoformat()} {series} {key}\n")
            for account, debit, credit, _vat in lines:
                amount = debit if debit is not None else -credit
                out.write(f"    a{account}  {amount:.2f} EUR\n")
            out.write("\n")
    if shutil.which("hledger") is None:
        return path, None
    start = time.perf_counter()
    subprocess.run(["hledger", "-f", str(path), "balance"], capture_output=True, check=True)
    return path, time.perf_counter() - start


def run(args) -> list[dict]:
    from django.db import connection

    from tase.ledger import selectors, services
    from tase.ledger.system import SystemActor

    count = getattr(args, "n", None) or 2000
    posts = min(count, 1000)
    rows: list[dict] = []
    with _Scratch() as scratch:
        vendor = scratch.vendor
        lines = sum(len(v[3]) for v in _vouchers(count))
        baseline = _baseline(count, vendor)
        rows.append(
            {
                "scenario": f"database bulk load of the lines ({'COPY' if vendor == 'postgresql' else 'executemany'})",
                "db": vendor,
                "n": f"{lines:,} lines",
                "seconds": f"{baseline:.2f}",
                "rate": f"{lines / baseline:,.0f} lines/s",
                "target": "baseline",
            }
        )
        company = _company("Bench Import Oy", "2345678-0")
        data = _csv(count)
        start = time.perf_counter()
        services.import_vouchers(SystemActor(), company, data)
        elapsed = time.perf_counter() - start
        rows.append(
            {
                "scenario": "CSV import through the service (all rules)",
                "db": vendor,
                "n": f"{count:,} vouchers",
                "seconds": f"{elapsed:.2f}",
                "rate": f"{count / elapsed:,.0f} vouchers/s ({elapsed / baseline:.0f}x baseline)",
                "target": "≤ 10x baseline",
            }
        )
        poster = _company("Bench Posting Oy", "1572860-0")
        actor = SystemActor()
        vouchers = list(_vouchers(posts, seed=5))
        start = time.perf_counter()
        for _key, day, series, vlines in vouchers:
            services.post_voucher(
                actor,
                poster,
                date=day,
                series=series,
                description="bench",
                lines=[
                    {"account": a, "debit": d, "credit": c, "vat_code": v or None}
                    for a, d, c, v in vlines
                ],
            )
        elapsed = time.perf_counter() - start
        rows.append(
            {
                "scenario": "posting through the service, one transaction each",
                "db": vendor,
                "n": f"{posts:,} vouchers",
                "seconds": f"{elapsed:.2f}",
                "rate": f"{posts / elapsed:,.0f} vouchers/s",
                "target": "≥ 1,000/s SQLite, ≥ 400/s PostgreSQL",
            }
        )
        year = (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
        month = (dt.date(YEAR, 6, 1), dt.date(YEAR, 6, 30))
        for label, (start_day, end_day) in (("year", year), ("month", month)):
            for name, fn in (
                (
                    "trial balance",
                    lambda s=start_day, e=end_day: selectors.trial_balance(company, s, e),
                ),
                (
                    "income statement",
                    lambda s=start_day, e=end_day: selectors.income_statement(company, s, e),
                ),
                ("balance sheet", lambda e=end_day: selectors.balance_sheet(company, e)),
            ):
                seconds = _median(fn)
                rows.append(
                    {
                        "scenario": f"{name}, {label} (median of 5, warm)",
                        "db": vendor,
                        "n": f"{count:,} vouchers",
                        "seconds": f"{seconds * 1000:.1f} ms",
                        "rate": "",
                        "target": "< 100 ms",
                    }
                )
        path, hledger = _hledger(count)
        rows.append(
            {
                "scenario": f"hledger balance of {path}",
                "db": "hledger",
                "n": f"{count:,} vouchers",
                "seconds": f"{hledger:.2f}" if hledger is not None else "hledger not installed",
                "rate": "",
                "target": "comparison",
            }
        )
        connection.close()
    return rows
