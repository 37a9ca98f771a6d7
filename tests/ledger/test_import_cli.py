import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tase.core.models import Company
from tase.ledger import services
from tase.ledger.models import Entry, FiscalYear, Voucher

pytestmark = pytest.mark.django_db

HEADER = "voucher,date,series,account,debit,credit,vat_code,text,cost_centre,project\n"
GOOD = HEADER + (
    '1,31.3.2026,ML,1910,"1255,00",,,Myynti,,\n'
    "1,31.3.2026,ML,3000,,1255.00,S,Myynti,,\n"
    "2,2026-04-02,OL,4000,100,,P,Ostot,CC1,P1\n"
    "2,2026-04-02,OL,2870,,100,,Ostot,CC1,P1\n"
)


def test_import_is_idempotent(books, system):
    result = services.import_vouchers(system, books, GOOD.encode())
    assert result == {"posted": 2, "skipped": 0, "vouchers": 2}
    again = services.import_vouchers(system, books, GOOD.encode())
    assert again["posted"] == 0 and again["skipped"] == 2
    assert Voucher.objects.count() == 2


def _plan(sql: str) -> str:
    """The plan of a captured query (its values are inlined)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # the test's tables are tiny
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row) for row in cursor.fetchall())


def test_the_check_for_vouchers_imported_before_probes_the_unique_index(books, system):
    """A query the planner could answer by scanning the company's vouchers made a large
    import quadratic (each batch read every voucher written before it)."""
    services.import_vouchers(system, books, GOOD.encode())
    refs = list(Voucher.objects.values_list("source_ref", flat=True))
    with CaptureQueriesContext(connection) as queries:
        assert set(services._imported_before(books, "csv-import", [*refs, "x"])) == set(refs)
    (query,) = queries.captured_queries
    plan = _plan(query["sql"])
    if connection.vendor == "postgresql":
        # One probe per reference (LATERAL … LIMIT 1 in a nested loop), never a hash join
        # over the company's vouchers; which index a probe of these tiny tables takes is the
        # planner's call.
        assert "Nested Loop" in plan and "Limit" in plan and "Hash" not in plan
    else:
        assert "ledger_voucher_unique_source" in plan
        assert "source_ref" in plan.split("ledger_voucher_unique_source", 1)[1]


@pytest.mark.parametrize(
    "data",
    [
        GOOD.replace(",", ";").replace('"1255;00"', "1255,00").encode("utf-8-sig"),
        GOOD.replace("Myynti", "Myynti äö").encode("cp1252"),
        GOOD.encode("utf-8-sig"),
    ],
)
def test_import_dialects(books, system, data):
    assert services.import_vouchers(system, books, data)["posted"] == 2


def test_every_bad_row_listed_nothing_written(books, system):
    bad = HEADER + (
        "1,31.3.2026,ML,1910,abc,,,x,,\n"  # line 2: text in an amount
        "1,31.3.2026,ML,3000,,10,S,x,,\n"
        "2,2026-04-02,OL,9999,10,,,x,,\n"  # line 4: unknown account
        "2,2026-04-02,OL,2870,,10,,x,,\n"
        "3,32.4.2026,MU,1910,10,,,x,,\n"  # line 6: bad date
        "4,2026-04-03,MU,1910,10,,,x,,\n"  # voucher 4 does not balance (line 7-8)
        "4,2026-04-03,MU,2870,,9,,x,,\n"
        "5,2026-04-03,MU,1910,10,,S,x,,\n"  # line 9: VAT code on an account that takes none
        "5,2026-04-03,MU,3000,,10,,x,,\n"
        "6,2027-04-03,MU,1910,10,,,x,,\n"  # outside every fiscal year
        "6,2027-04-03,MU,3000,,10,,x,,\n"
    )
    with pytest.raises(ValidationError) as error:
        services.import_vouchers(system, books, bad.encode())
    text = "\n".join(error.value.message_dict["file"])
    assert "Line 2:" in text and "not an amount" in text
    assert "Line 4: unknown account 9999" in text
    assert "Line 6:" in text and "not a date" in text
    assert "does not balance" in text and "7, 8" in text
    assert "Line 9: account 1910 takes no VAT code" in text
    assert "No fiscal year covers" in text
    assert not Voucher.objects.exists() and not Entry.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"voucher;date;account\n1;2026-01-01;1910\n", "Missing column"),
        (b"\xff\xfe\x00v\x00o", "Missing column"),
        (b"", "empty"),
        (HEADER.replace(",", "\t").encode(), "Missing column"),
        ((HEADER + "1,2026-01-01,MU,1910,1,\n").encode(), "fields"),
    ],
)
def test_malformed_files(books, system, data, message):
    with pytest.raises(ValidationError) as error:
        services.import_vouchers(system, books, data)
    assert message in " ".join(error.value.message_dict["file"])


def test_cli_company_import_report(tmp_path, db):
    out = io.StringIO()
    call_command(
        "company",
        "create",
        "--name",
        "Komento Oy",
        "--business-id",
        "2345678-0",
        "--chart",
        "limited-company",
        stdout=out,
    )
    company_id = int(out.getvalue().strip())
    company = Company.objects.get(pk=company_id)
    year = FiscalYear.objects.get(company=company)
    assert year.start == dt.date(dt.date.today().year, 1, 1)
    path = tmp_path / "v.csv"
    path.write_text(GOOD.replace("2026", str(year.start.year)))
    call_command("import-vouchers", str(path), "--company", str(company_id), stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "report",
        "trial-balance",
        "--company",
        str(company_id),
        "--from",
        str(year.start),
        "--to",
        str(year.end),
        "--format",
        "csv",
        stdout=out,
    )
    assert out.getvalue().splitlines()[0] == "account,name,debit,credit,balance"
    assert "1910,Pankkitili,1255.00,0.00,1255.00" in out.getvalue()
    out = io.StringIO()
    call_command("report", "accounts", "--company", str(company_id), "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["columns"] == ["number", "name", "type", "vat_code"]
    with pytest.raises(CommandError):
        call_command("import-vouchers", str(path), "--company", "999999")


def test_cli_company_with_fiscal_year(db):
    out = io.StringIO()
    call_command(
        "company",
        "create",
        "--name",
        "Tmi Testi",
        "--business-id",
        "1572860-0",
        "--chart",
        "sole-trader",
        "--fiscal-year-start",
        "2026-05-01",
        "--fiscal-year-end",
        "2027-04-30",
        stdout=out,
    )
    company = Company.objects.get(pk=int(out.getvalue()))
    assert company.form == "tmi"
    assert FiscalYear.objects.get(company=company).end == dt.date(2027, 4, 30)
    assert company.accounts.filter(number="2060").exists()
