import datetime as dt
import json

import pytest

from tase.ledger import reports, selectors, services

from .conftest import sale

pytestmark = pytest.mark.django_db
Y = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def posted(books, system):
    services.post_voucher(system, books, **sale("1255.00"))
    services.post_voucher(
        system,
        books,
        date=dt.date(2026, 6, 15),
        series="OL",
        description="Vuokra",
        lines=[
            {"account": "7100", "debit": "251.00", "vat_code": "P", "cost_centre": "HQ"},
            {"account": "1910", "credit": "251.00"},
        ],
    )
    return books


def test_trial_balance_csv(posted):
    text = reports.to_csv(reports.build("trial-balance", posted, *Y))
    lines = text.splitlines()
    assert lines[0] == "account,name,debit,credit,balance"
    assert "1910,Pankkitili,1255.00,251.00,1004.00" in lines


def test_partial_months_use_entries(posted):
    # 10.3.-20.6. spans whole and partial months.
    tb = {
        r.account.number: r.balance
        for r in selectors.trial_balance(posted, dt.date(2026, 3, 10), dt.date(2026, 6, 20))
    }
    assert tb["1910"] == 100400
    assert selectors.trial_balance(posted, dt.date(2026, 3, 16), dt.date(2026, 6, 14)) == []


def test_income_statement_lines(posted):
    statement = selectors.income_statement(posted, *Y)
    lines = {line.code: line.amounts[0] for line in statement.lines}
    assert lines["IS.1"] == 100000 and lines["IS.8"] == -20000 and lines["IS.R"] == 80000
    assert len(statement.columns) == 2  # previous year beside
    pma = selectors.income_statement(posted, *Y, pma=True)
    assert all(line.level <= 1 for line in pma.lines)


def test_balance_sheet_balances(posted):
    sheet = selectors.balance_sheet(posted, dt.date(2026, 12, 31))
    lines = {line.code: line.amounts[0] for line in sheet.lines}
    assert lines["BS.AT"] == lines["BS.LT"] == 100400 + 0
    assert lines["BS.C.5"] == 80000


def test_dimension_filter(posted):
    tb = selectors.trial_balance(posted, *Y, cost_centre="HQ")
    assert {r.account.number for r in tb} == {"7100", "29392"}


def test_journal_general_ledger_vat_json_pdf(posted):
    journal = list(reports.build("journal", posted, *Y).rows)
    assert len(journal) == 6
    ledger = list(reports.build("general-ledger", posted, *Y).rows)
    bank = [row for row in ledger if row[0] == "1910"]
    assert str(bank[-1][-1]) == "1004.00"
    data = json.loads(reports.to_json(reports.build("vat-return", posted, *Y)))
    figures = {row["field"]: row["amount"] for row in data["rows"]}
    assert figures["301"] == "255.00" and figures["307"] == "51.00" and figures["308"] == "204.00"
    pdf = reports.to_pdf(reports.build("income-statement", posted, *Y))
    assert pdf.startswith(b"%PDF")
    accounts = reports.to_csv(reports.build("accounts", posted, *Y)).splitlines()
    assert accounts[0] == "number,name,type,vat_code" and "3000,Myynti,revenue,S" in accounts


def test_xlsx_download(posted):
    import io
    import zipfile

    data = reports.to_xlsx(reports.build("trial-balance", posted, *Y))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "Pankkitili" in sheet and "<v>1004.00</v>" in sheet
