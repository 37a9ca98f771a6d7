"""Does posting slow down as a fiscal year fills? A reproduction script, not a bench.

`DATABASE_URL=postgres://… python -m bench._posting_slope [--n 20000] [--batch 25]
[--every 1000] [--explain]`: in the configured database (migrated, see ``migrate``) it makes a
company with the limited-company chart and the fiscal year 2026, posts N vouchers of two or
three lines (bench/ledger.py's mix over the series ML, OL and TI) through
``services.post_voucher``, ``--batch`` to a transaction, and prints the rate of each
``--every`` vouchers: flat is right, a falling rate is a scan that grows with the year.

``--explain`` then posts one more batch with auto_explain on (nested statements, ANALYZE,
BUFFERS) and prints the plans of the trigger bodies that took longest, and the sequential
scans each ledger table had during the run (pg_stat_user_tables).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tase.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-serving-anything")


def _lines(vlines):
    return [{"account": a, "debit": d, "credit": c, "vat_code": v or None} for a, d, c, v in vlines]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process of this machine (Linux /proc), 0 if unknown: the
    rate of a shared machine varies with the others' load, the CPU a voucher costs does not."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _seq_scans(cursor) -> dict[str, tuple[int, int]]:
    cursor.execute(
        "SELECT relname, seq_scan, seq_tup_read FROM pg_stat_user_tables"
        " WHERE relname LIKE 'ledger_%%' OR relname LIKE 'core_audit%%'"
    )
    return {name: (scans, read) for name, scans, read in cursor.fetchall()}


def _explain(company, actor, vouchers) -> None:
    """Post one batch with auto_explain sending every nested plan to the client."""
    from django.db import connection, transaction

    from tase.ledger import services

    notices: list[str] = []
    raw = connection.connection  # psycopg 3
    raw.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        for setting in (
            "auto_explain.log_min_duration = 0",
            "auto_explain.log_nested_statements = on",
            "auto_explain.log_analyze = on",
            "auto_explain.log_buffers = on",
            "client_min_messages = log",
        ):
            cursor.execute(f"SET {setting}")
        # PL/pgSQL caches its plans per session: a new session (as after a connect) makes
        # the trigger bodies plan again, as they would after five calls.
    with transaction.atomic():
        for _key, day, series, vlines in vouchers:
            services.post_voucher(
                actor, company, date=day, series=series, description="x", lines=_lines(vlines)
            )
    with connection.cursor() as cursor:
        cursor.execute("SET client_min_messages = notice")
        cursor.execute("SET auto_explain.log_min_duration = -1")
    slowest: dict[str, tuple[float, str]] = {}  # query text -> its slowest plan
    for text in notices:
        if not text.startswith("duration:") or "Query Text:" not in text:
            continue
        try:
            ms = float(text.split()[1])
        except (IndexError, ValueError):
            continue
        query = text.split("Query Text:", 1)[1].split("\n", 1)[0].strip() or text[:400]
        query = " ".join(text.split("Query Text:", 1)[1].split())[:200]
        if ms > slowest.get(query, (-1.0, ""))[0]:
            slowest[query] = (ms, text)
    print(f"\n## auto_explain: the slowest plan of each of {len(slowest)} statements\n")
    for _ms, text in sorted(slowest.values(), reverse=True):
        if "WITH n AS" in text:  # the outer statement: its time includes the triggers'
            print(text.split("Query Text:")[0].strip(), "(the voucher's insert, triggers included)")
        else:
            print(text)
        print("-" * 72)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction

    from bench.ledger import _company, _vouchers
    from tase.ledger import services
    from tase.ledger.system import SystemActor

    if connection.vendor != "postgresql":
        print("(SQLite: fine too, but the defect under study is PostgreSQL's)", file=sys.stderr)
    stamp = str(int(time.time()))[-7:]
    company = _company(f"Slope Oy {stamp}", "1572860-0")
    actor = SystemActor()
    vouchers = list(_vouchers(args.n + args.batch, seed=7))
    posting, extra = vouchers[: args.n], vouchers[args.n :]
    backend = 0
    with connection.cursor() as cursor:
        before = _seq_scans(cursor) if connection.vendor == "postgresql" else {}
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    print(
        f"| vouchers | vouchers/s (last {args.every:,}) | server CPU ms/voucher"
        " | client CPU ms/voucher |"
    )
    print("|---:|---:|---:|---:|")
    start = time.perf_counter()
    server, client = _cpu_seconds(backend), time.process_time()
    for first in range(0, len(posting), args.batch):
        with transaction.atomic():
            for _key, day, series, vlines in posting[first : first + args.batch]:
                services.post_voucher(
                    actor, company, date=day, series=series, description="x", lines=_lines(vlines)
                )
        done = first + args.batch
        if done % args.every == 0:
            now, server_now, client_now = (
                time.perf_counter(),
                _cpu_seconds(backend),
                time.process_time(),
            )
            print(
                f"| {done:,} | {args.every / (now - start):,.0f}"
                f" | {(server_now - server) * 1000 / args.every:.2f}"
                f" | {(client_now - client) * 1000 / args.every:.2f} |",
                flush=True,
            )
            start, server, client = now, server_now, client_now
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            after = _seq_scans(cursor)
        print("\n| table | seq scans | rows read by seq scans |\n|---|---:|---:|")
        for name in sorted(after):
            scans = after[name][0] - before.get(name, (0, 0))[0]
            read = after[name][1] - before.get(name, (0, 0))[1]
            if scans:
                print(f"| {name} | {scans:,} | {read:,} |")
        if args.explain:
            _explain(company, actor, extra)


if __name__ == "__main__":
    main()
