"""Bruttotulos (PMA 1753/2015 2:1 § 2 mom., 4:1 §) as a per-statement option on the page, in
the API, the command and the statement book; the group and participating-interest items of
KPA 1:6 §, the revaluation and fair value reserves and the appropriations 12 b-c carried by
the chart's new accounts."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tase.core.roles import Role
from tase.ledger import financial_statements as fs

from .conftest import post
from .test_financial_statements import Y2025, Y2026, rows_of

pytestmark = pytest.mark.django_db

# two_years, small form with Bruttotulos, 2026 beside 2025 (code, label, amount, previous).
# 2025: sale 10 000 and purchases 3 000 -> Bruttotulos 7 000; wages 2 000, pension 350,
# depreciation 240, income tax 800. 2026: sale 5 000 -> Bruttotulos 5 000; rent 1 000,
# interest 50. LIIKEVAIHTO and Materiaalit ja palvelut are inside Bruttotulos.
GOLDEN_GROSS = [
    ("BT", "Bruttotulos", "5000.00", "7000.00"),
    ("6", "Henkilöstökulut", "0.00", "-2350.00"),
    ("6a", "Palkat ja palkkiot", "0.00", "-2000.00"),
    ("6b", "Henkilösivukulut", "0.00", "-350.00"),
    ("6ba", "Eläkekulut", "0.00", "-350.00"),
    ("7", "Poistot ja arvonalentumiset", "0.00", "-240.00"),
    ("7a", "Suunnitelman mukaiset poistot", "0.00", "-240.00"),
    ("8", "Liiketoiminnan muut kulut", "-1000.00", "0.00"),
    ("9", "LIIKEVOITTO (-TAPPIO)", "4000.00", "4410.00"),
    ("10", "Rahoitustuotot ja -kulut", "-50.00", "0.00"),
    ("11", "VOITTO (TAPPIO) ENNEN TILINPÄÄTÖSSIIRTOJA JA VEROJA", "3950.00", "4410.00"),
    ("13", "Tuloverot", "0.00", "-800.00"),
    ("15", "TILIKAUDEN VOITTO (TAPPIO)", "3950.00", "3610.00"),
]


def income_rows(data):
    return [
        (row["code"], row["label"], row["amount"], row["previous"])
        for row in data["income_statement"]
    ]


def test_golden_bruttotulos_of_a_small_company(two_years):
    gross = fs.to_data(fs.financial_statements(two_years, Y2026, form="small", gross=True))
    plain = fs.to_data(fs.financial_statements(two_years, Y2026, form="small"))
    assert gross["gross"] is True and plain["gross"] is False
    assert income_rows(gross) == GOLDEN_GROSS
    assert gross["profit"] == plain["profit"] == {"amount": "3950.00", "previous": "3610.00"}
    assert gross["balance_sheet"] == plain["balance_sheet"]
    micro = rows_of(
        fs.to_data(fs.financial_statements(two_years, Y2026, form="micro", gross=True)),
        "income_statement",
    )
    assert micro["BT"]["previous"] == "7000.00" and "6a" not in micro and "1" not in micro


def test_bruttotulos_by_function(two_years):
    from tase.ledger.models import Account

    Account.objects.filter(company=two_years, number__in=["5000", "6100", "6800"]).update(
        function="administration"
    )
    data = fs.to_data(
        fs.financial_statements(two_years, Y2026, form="small", basis="function", gross=True)
    )
    rows = rows_of(data, "income_statement")
    assert data["income_statement"][0]["code"] == "FBT"
    assert rows["FBT"]["amount"] == "5000.00" and rows["FBT"]["previous"] == "7000.00"
    assert not {"F1", "F2", "F3"} & set(rows)
    assert data["profit"] == {"amount": "3950.00", "previous": "3610.00"}


def test_bruttotulos_is_refused_for_the_full_form(two_years):
    with pytest.raises(ValidationError) as error:
        fs.financial_statements(two_years, Y2026, form="full", gross=True)
    assert "gross" in error.value.message_dict


def test_bruttotulos_on_the_page_and_in_the_api_side_by_side(world, two_years):
    """The same option, the same rows: GET …/financial-statements?gross=true and the page's
    "Bruttotulos" choice; the statement book keeps it through PUT and the page's form."""
    client = world.client(Role.ACCOUNTANT)
    api = f"/api/v1/ledger/companies/{two_years.pk}/financial-statements"
    answer = client.get(api, {"year_end": "2026-12-31", "form": "small", "gross": "true"})
    assert answer.status_code == 200
    assert answer.json()["gross"] is True
    assert income_rows(answer.json()) == GOLDEN_GROSS
    refused = client.get(api, {"year_end": "2026-12-31", "form": "full", "gross": "true"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "gross"
    pdf = client.get(api, {"year_end": "2026-12-31", "gross": "true", "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")

    year = two_years.fiscal_years.get(end=Y2026)
    page_url = f"/ledger/{two_years.pk}/financial-statements/"
    page = client.get(page_url, {"year": year.pk, "form": "small", "gross": "1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Bruttotulos" in html and 'data-testid="gross-choice" checked' not in html
    assert 'name="gross" value="1" checked data-testid="gross-choice"' in html
    table = html[html.index('data-testid="income-statement"') :]
    table = table[: table.index("</table>")]
    assert "Bruttotulos" in table and "LIIKEVAIHTO" not in table
    full = client.get(page_url, {"year": year.pk, "form": "full", "gross": "1"})
    assert "Vain pien- tai mikroyritys" in full.content.decode()  # named, not a crash

    # The statement book: the API's PUT and the page's POST write the same field.
    book_url = (
        f"/api/v1/ledger/companies/{two_years.pk}/fiscal-years/"
        f"{two_years.fiscal_years.get(end=Y2025).pk}/statement-book"
    )
    saved = client.put(book_url, {"form": "micro", "gross": True}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["gross"] is True
    wrong = client.put(book_url, {"form": "full", "gross": True}, content_type="application/json")
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"][-1] == "gross"
    previous = two_years.fiscal_years.get(end=Y2025)
    assert fs.statement_book_of(previous).gross is True
    html = fs.statement_book_html(two_years, Y2025)
    assert "Bruttotulos" in html and "LIIKEVAIHTO" not in html
    posted = client.post(page_url, {"year": year.pk, "form": "small", "gross": "1"})
    assert posted.status_code == 302 and fs.statement_book_of(year).gross is True
    page = client.get(page_url, {"year": year.pk}).content.decode()  # the book's choice
    assert 'name="gross" value="1" checked data-testid="gross-choice"' in page
    posted = client.post(page_url, {"year": year.pk, "form": "small"})
    assert fs.statement_book_of(year).gross is False

    other = world.client(Role.MAIN_USER, other=True)
    assert other.get(api, {"year_end": "2026-12-31", "gross": "true"}).status_code == 404
    assert other.put(book_url, {"gross": True}, content_type="application/json").status_code == 404


def test_the_command_takes_gross(two_years):
    out = io.StringIO()
    call_command(
        "report",
        "financial-statements",
        company=two_years.pk,
        year_end=Y2026,
        form="small",
        gross=True,
        format="json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["gross"] is True and income_rows(data) == GOLDEN_GROSS


# -- the chart's new accounts reach their items ------------------------------------------------


def test_group_items_reserves_and_appropriations_from_the_chart(books):
    """Vouchers on the limited-company chart's new accounts: group receivables and
    liabilities (1710, 2650, 2880), a participating interest (1420), the revaluation reserve
    (2030), the fair value reserve (2040), the change in tax-based reserves (9750 / 2450) and a
    group contribution given (9800)."""
    day = dt.date(2026, 6, 30)
    post(books, day, ("1910", "2500.00"), ("2000", "-2500.00"))
    post(books, day, ("1100", "10000.00"), ("2030", "-10000.00"))  # land revalued
    post(books, day, ("1420", "800.00"), ("2650", "-800.00"))
    post(books, day, ("1850", "100.00"), ("2040", "-100.00"))
    post(books, day, ("1710", "500.00"), ("3000", "-500.00"))
    post(books, day, ("9800", "300.00"), ("2880", "-300.00"))
    post(books, day, ("9750", "200.00"), ("2450", "-200.00"))
    result = fs.to_data(fs.financial_statements(books, Y2026, form="full"))
    balance, income = rows_of(result, "balance_sheet"), rows_of(result, "income_statement")
    assert balance["VA.A.III.3"]["label"] == "Osuudet omistusyhteysyrityksissä"
    assert balance["VA.A.III.3"]["amount"] == "800.00"
    assert balance["VA.B.II.S.2"]["amount"] == "500.00"
    assert balance["VT.A.III"]["label"] == "Arvonkorotusrahasto"
    assert balance["VT.A.III"]["amount"] == "10000.00"
    assert balance["VT.A.KA"]["amount"] == "100.00"
    assert balance["VT.B"]["amount"] == "200.00"
    assert balance["VT.D.L.8"]["amount"] == "800.00"
    assert balance["VT.D.S.8"]["amount"] == "300.00"
    assert "VA.A.III.1" not in balance and "VT.D.S.9" not in balance  # nothing: left out
    assert income["12b"]["amount"] == "-200.00" and income["12c"]["amount"] == "-300.00"
    assert income["15"]["amount"] == "0.00"
    assert result["unmapped_lines"] == []
    assert (
        result["balance_sheet_total_assets"]
        == result["balance_sheet_total_equity_and_liabilities"]
        == {"amount": "13900.00", "previous": None}
    )
    small = rows_of(
        fs.to_data(fs.financial_statements(books, Y2026, form="small")), "balance_sheet"
    )
    assert "VA.B.II.S.2" not in small and small["VA.B.II.S"]["amount"] == "500.00"
    assert small["VT.A.III"]["amount"] == "10000.00" and small["VT.D.L"]["amount"] == "800.00"
    # Restricted equity: the reserves are not in the free equity of the board's proposal.
    statements = fs.financial_statements(books, Y2026, form="micro")
    assert str(fs.equity_note(statements)) == "0.00"
