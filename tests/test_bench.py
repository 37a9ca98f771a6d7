"""`make bench` is a deliverable: each bench runs end to end at a tiny size and prints its table
(on the database the tests use: SQLite, or PostgreSQL with DATABASE_URL). The numbers are not
checked here; speed targets live in the printed tables, never in timed tests."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _bench(*args: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bench", *args, "--runs", "1"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize(
    "name", ["archive", "bank", "holidays", "parameters", "payroll", "purchases", "sales"]
)
def test_a_bench_prints_its_table(name):
    assert f"## {name}" in _bench(name, "--n", "20")


def test_the_ledger_bench_imports_posts_reports_and_checks_against_hledger():
    table = _bench("ledger", "--n", "60")
    for scenario in (
        "database bulk load of the lines",
        "database copy of the imported rows into the ledger tables",
        "CSV import through the service",
        "posting through the service",
        "trial balance, year",
        "balance sheet, month",
    ):
        assert scenario in table, scenario
    if shutil.which("hledger"):
        assert "same balances" in table
    else:
        assert "hledger not installed" in table


def test_the_payroll_bench_produces_and_validates_incomes_register_reports():
    table = _bench("payroll", "--n", "20")
    assert "Incomes Register: earnings payment reports of a run" in table
    assert "XSD-validated" in table and "RSS" in table
    assert "replacement reports of a correction" in table


def test_the_web_bench_serves_the_demo_to_signed_in_users_with_production_settings():
    table = _bench("web", "--n", "2", TASE_BENCH_SECONDS="0.3")
    for page in ("start page", "voucher list", "trial balance", "mix of the three"):
        row = next(line for line in table.splitlines() if line.startswith(f"| {page} "))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == "2" and int(cells[2]) > 0, row  # users, requests answered
        assert cells[3] == "0", row  # no errors: every page answered 200 with its content
