"""Financial statements of a fiscal year in the statutory forms (ledger.financial_statements):
the figures, the previous year beside, the balance, the queries, the command, the API and the
page."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tase.core.roles import Role
from tase.ledger import financial_statements as fs
from tase.ledger import services

from .conftest import post

pytestmark = pytest.mark.django_db

Y2025, Y2026 = dt.date(2025, 12, 31), dt.date(2026, 12, 31)


def rows_of(data, key):
    return {row["code"]: row for row in data[key]}


def test_small_statements_with_the_previous_year(two_years):
    data = fs.to_data(fs.financial_statements(two_years, Y2026, form="small"))
    income = rows_of(data, "income_statement")
    assert income["1"]["amount"] == "5000.00" and income["1"]["previous"] == "10000.00"
    assert income["5"]["previous"] == "-3000.00" and income["5aa"]["previous"] == "-3000.00"
    assert income["6a"]["previous"] == "-2000.00" and income["6ba"]["previous"] == "-350.00"
    assert income["7a"]["previous"] == "-240.00"
    assert income["10"]["amount"] == "-50.00"
    assert income["15"]["amount"] == "3950.00" and income["15"]["previous"] == "3610.00"
    assert data["profit"] == {"amount": "3950.00", "previous": "3610.00"}
    balance = rows_of(data, "balance_sheet")
    assert balance["VT.A.VI"]["amount"] == "3950.00"
    assert balance["VT.A.V"]["amount"] == "3610.00"  # last year's result, carried over
    assert balance["VT.A.VI"]["previous"] == "3610.00"
    assert balance["VA.A.II"]["amount"] == "960.00"
    assert data["balance_sheet_total_assets"] == data["balance_sheet_total_equity_and_liabilities"]
    assert data["balance_sheet_total_assets"]["previous"] == "9910.00"
    assert data["previous_fiscal_year"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert data["unmapped_lines"] == []
    for row in data["income_statement"] + data["balance_sheet"]:
        assert set(row) >= {"code", "label", "level", "amount", "previous"}


def test_micro_drops_the_sub_items_and_full_adds_more(two_years):
    micro = rows_of(
        fs.to_data(fs.financial_statements(two_years, Y2026, form="micro")), "income_statement"
    )
    assert "5aa" not in micro and "6a" not in micro and micro["6"]["previous"] == "-2350.00"
    full = fs.to_data(fs.financial_statements(two_years, Y2026, form="full"))
    assert rows_of(full, "income_statement")["10g"]["amount"] == "-50.00"
    assert rows_of(full, "balance_sheet")["VT.D.S.6"]["previous"] == "3000.00"
    assert full["profit"]["amount"] == "3950.00"


def test_micro_balance_sheet_shows_the_roman_items_and_the_short_term_debt(two_years):
    """PMA 1753/2015 4 luku 2 § 2 mom. 1 kohta and 3 mom. (finlex.fi/fi/laki/alkup/2015/20151753)."""
    data = fs.to_data(fs.financial_statements(two_years, Y2026, form="micro"))
    balance = rows_of(data, "balance_sheet")
    assert balance["VA.A.II"]["amount"] == "960.00"
    assert balance["VA.B.IV"]["label"] == "Rahat ja pankkisaamiset"
    assert balance["VT.D.S"]["previous"] == balance["VT.D"]["previous"]  # all short-term
    assert "VT.D.L" not in balance and "VT.D.S.6" not in balance and "VA.B.II.S" not in balance


def test_first_year_has_no_comparatives(books):
    post(books, dt.date(2026, 1, 5), ("1910", "100.00"), ("3000", "-100.00"))
    data = fs.to_data(fs.financial_statements(books, Y2026, form="small"))
    assert data["previous_fiscal_year"] is None
    assert rows_of(data, "income_statement")["1"] == {
        "code": "1",
        "label": "LIIKEVAIHTO",
        "level": 0,
        "kind": "line",
        "amount": "100.00",
        "previous": None,
    }


def test_bad_input_is_named(books):
    with pytest.raises(ValidationError) as error:
        fs.financial_statements(books, dt.date(2026, 6, 30))
    assert "year_end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        fs.financial_statements(books, Y2026, form="huge")
    assert "form" in error.value.message_dict


def test_one_grouped_query_per_year(two_years):
    for _ in range(5):
        post(two_years, dt.date(2026, 4, 1), ("1910", "10.00"), ("3000", "-10.00"))
    with CaptureQueriesContext(connection) as queries:
        fs.financial_statements(two_years, Y2026, form="full")
    # the fiscal year, the previous year, and one grouped query for each year
    assert len(queries) == 4, [q["sql"] for q in queries]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    vouchers=st.lists(
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "1010",
                        "1150",
                        "1450",
                        "1500",
                        "1700",
                        "1760",
                        "1800",
                        "1850",
                        "1910",
                        "2000",
                        "2050",
                        "2250",
                        "2400",
                        "2500",
                        "2600",
                        "2800",
                        "2870",
                        "2939",
                        "2970",
                        "3000",
                        "3700",
                        "4000",
                        "4450",
                        "5000",
                        "6100",
                        "6300",
                        "6800",
                        "6900",
                        "7100",
                        "9000",
                        "9400",
                        "9700",
                        "9900",
                        "9980",
                    ]
                ),
                st.integers(min_value=-(10**9), max_value=10**9).filter(bool),
            ),
            min_size=1,
            max_size=5,
        ),
        min_size=1,
        max_size=4,
    ),
    month=st.integers(min_value=1, max_value=12),
)
def test_assets_equal_equity_and_liabilities(books, vouchers, month):
    """Whatever balanced vouchers are posted, in every form the balance sheet balances and its
    result equals the income statement's."""
    for lines in vouchers:
        balancing = -sum(cents for _account, cents in lines)
        entries = [(a, f"{Decimal(c) / 100:.2f}") for a, c in lines]
        if balancing:
            entries.append(("1910", f"{Decimal(balancing) / 100:.2f}"))
        if len(entries) < 2:
            continue
        post(books, dt.date(2026, month, 10), *entries)
    for form in ("micro", "small", "full"):
        result = fs.financial_statements(books, Y2026, form=form)
        assert result.total_assets == result.total_equity_and_liabilities
        income = {row.code: row for row in result.income_statement}
        balance = {row.code: row for row in result.balance_sheet}
        assert income["15"].amounts == result.profit
        assert balance["VA.T"].amounts == result.total_assets
        assert balance["VT.T"].amounts == result.total_assets
        assert (
            sum(
                r.amounts[0]
                for r in result.balance_sheet
                if r.level == 0 and r.kind == "line" and r.code.startswith("VT.")
            )
            == result.total_assets[0]
        )
        if "VT.A.VI" in balance:
            assert balance["VT.A.VI"].amounts == result.profit


# -- the command, the API and the page -----------------------------------------------------------


def test_command_writes_the_json(two_years):
    out = io.StringIO()
    call_command(
        "report",
        "financial-statements",
        company=two_years.pk,
        year_end=Y2026,
        form="micro",
        format="json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["form"] == "micro"
    assert data["balance_sheet_total_assets"] == data["balance_sheet_total_equity_and_liabilities"]
    assert data["profit"]["amount"] == "3950.00"


def test_command_refuses_a_date_no_year_ends_on(books):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"mikään tilikausi ei pääty 31\.5\.2026"):
        call_command(
            "report",
            "financial-statements",
            company=books.pk,
            year_end=dt.date(2026, 5, 31),
            format="json",
            stdout=io.StringIO(),
        )


def test_api_json_pdf_and_tenant_wall(world, two_years):
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{two_years.pk}/financial-statements"
    answer = client.get(url, {"year_end": "2026-12-31", "form": "full"})
    assert answer.status_code == 200
    data = answer.json()
    assert data["form"] == "full" and data["profit"]["previous"] == "3610.00"
    assert rows_of(data, "balance_sheet")["VA.B.IV"]["amount"] is not None
    pdf = client.get(url, {"year_end": "2026-12-31", "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    wrong = client.get(url, {"year_end": "2026-06-30"})
    assert wrong.status_code == 422 and "year_end" in wrong.content.decode()
    other = world.client(Role.MAIN_USER, other=True)
    assert other.get(url, {"year_end": "2026-12-31"}).status_code == 404


def test_page_with_the_form_choice(world, two_years):
    client = world.client(Role.ACCOUNTANT)
    year = two_years.fiscal_years.get(end=Y2026)
    page = client.get(
        f"/ledger/{two_years.pk}/financial-statements/", {"year": year.pk, "form": "micro"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="income-statement"' in html and "LIIKEVAIHTO" in html
    assert 'value="micro" selected' in html
    assert "Ostot tilikauden aikana" not in html  # micro: no sub-items
    small = client.get(
        f"/ledger/{two_years.pk}/financial-statements/", {"year": year.pk, "form": "small"}
    )
    assert "Ostot tilikauden aikana" in small.content.decode()  # last year's purchases
    pdf = client.get(
        f"/ledger/{two_years.pk}/financial-statements/", {"year": year.pk, "format": "pdf"}
    )
    assert pdf.content.startswith(b"%PDF")
    other = world.client(Role.MAIN_USER, other=True)
    assert other.get(f"/ledger/{two_years.pk}/financial-statements/").status_code == 404


# -- the statement book ----------------------------------------------------------------------------


def book_data(**changes):
    return {
        "form": "small",
        "board_proposal": "Hallitus esittää, että tilikauden voitto siirretään omaan pääomaan.",
        "place": "Helsinki",
        "signatures": [
            {
                "name": "Maija Meikäläinen",
                "role": "hallituksen puheenjohtaja",
                "date": "2026-03-02",
            },
            {"name": "Matti Meikäläinen", "role": "toimitusjohtaja", "date": "2026-03-03"},
        ],
        "auditor_note": "Suoritetusta tilintarkastuksesta on tänään annettu kertomus.",
        "notes": {"personnel": "Henkilöstö keskimäärin 1."},
    } | changes


def test_statement_book_problems_are_named_and_nothing_is_written(world, two_years):
    from tase.ledger.models import StatementBook

    year = two_years.fiscal_years.get(end=Y2025)
    bad = book_data(
        form="huge",
        signatures=[
            {"name": "", "role": "jäsen", "date": "2026-03-02"},
            {"name": "Early", "role": "", "date": "2025-12-31"},
            {"name": "Undated", "role": "", "date": None},
        ],
        notes={"nonsense": "x"},
    )
    with pytest.raises(ValidationError) as error:
        services.save_statement_book(world.actor(Role.ACCOUNTANT), two_years, year, **bad)
    problems = error.value.message_dict
    assert set(problems) == {"form", "signatures", "notes"}
    assert any("Signature 1" in p and "name" in p for p in problems["signatures"])
    assert any(
        "Signature 2" in p and "after the end of the year" in p for p in problems["signatures"]
    )
    assert any("Signature 3" in p and "date is required" in p for p in problems["signatures"])
    assert not StatementBook.objects.exists()
    with pytest.raises(Exception) as denied:
        services.save_statement_book(world.actor(Role.VIEWER), two_years, year, **book_data())
    assert type(denied.value).__name__ == "PermissionDenied"


def test_statement_book_through_the_api_and_its_pdf(world, two_years):
    from tase.core import pdf
    from tase.core.models import AuditEvent

    year = two_years.fiscal_years.get(end=Y2025)
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{two_years.pk}/fiscal-years/{year.pk}/statement-book"
    assert client.get(url).json()["board_proposal"] == ""
    saved = client.put(url, book_data(), content_type="application/json")
    assert saved.status_code == 200, saved.content
    again = client.get(url).json()
    assert again["signatures"][0] == {
        "name": "Maija Meikäläinen",
        "role": "hallituksen puheenjohtaja",
        "date": "2026-03-02",
    }
    assert AuditEvent.objects.filter(object_type="ledger.statementbook").count() == 1
    wrong = client.put(
        url,
        book_data(signatures=[{"name": "X", "date": "2025-06-01"}]),
        content_type="application/json",
    )
    assert wrong.status_code == 422  # the API answers in Finnish
    assert wrong.json()["detail"][0]["loc"] == ["body", "signatures"]
    assert wrong.json()["detail"][0]["msg"].startswith("Allekirjoitus 1: päivämäärän on oltava")
    other = world.client(Role.MAIN_USER, other=True)
    assert other.get(url).status_code == 404
    assert other.put(url, book_data(), content_type="application/json").status_code == 404
    # 2025 is closed: the statement book prints (in English here: the requests above left
    # their Finnish active).
    from django.utils import translation

    with translation.override("en"):
        html = fs.statement_book_html(two_years, Y2025)
    text = " ".join(pdf.page_texts(pdf.layout(html)))
    for expected in (
        "Statement book",
        "Maija Meikäläinen",
        "2.3.2026",
        "Suoritetusta tilintarkastuksesta",
        "tilikauden voitto siirretään",
        "Henkilöstö keskimäärin 1.",
        "small-company provisions",
        "Voucher series MU",
        "Balance sheet",
    ):
        assert expected in text, expected
    answer = client.get(f"{url}.pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    # For the archive, as PDF/A: the same book with the sRGB output intent's profile embedded.
    kept = fs.statement_book_pdf(two_years, Y2025, variant=pdf.PDF_A)
    assert kept.startswith(b"%PDF") and len(kept) > len(answer.content) + 1000


def test_statement_book_of_an_open_year_needs_its_gate(world, two_years):
    from tase.ledger import closing

    gate = closing.closing_gate(two_years, Y2026, year_end=True)
    year = two_years.fiscal_years.get(end=Y2026)
    url = f"/api/v1/ledger/companies/{two_years.pk}/fiscal-years/{year.pk}/statement-book.pdf"
    assert not gate.ok  # these books do not pass the year-end gate
    answer = world.client(Role.ACCOUNTANT).get(url)
    assert answer.status_code == 422
    message = answer.json()["detail"][0]["msg"]
    assert message.startswith("Tilikausi 1.1.2026\u201331.12.2026 on avoinna ja sen täsmäytys ei")
    page = world.client(Role.ACCOUNTANT).get(
        f"/ledger/{two_years.pk}/financial-statements/", {"year": year.pk, "format": "book"}
    )
    assert page.status_code == 200 and "täsmäytys ei mene läpi" in page.content.decode()


def test_statement_book_on_the_page(world, two_years):
    year = two_years.fiscal_years.get(end=Y2025)
    client = world.client(Role.ACCOUNTANT)
    url = f"/ledger/{two_years.pk}/financial-statements/"
    form = {
        "year": year.pk,
        "form": "micro",
        "board_proposal": "Voitto omaan pääomaan.",
        "place": "Espoo",
        "sig-0-name": "Maija",
        "sig-0-role": "puheenjohtaja",
        "sig-0-date": "2026-02-01",
        "auditor_note": "",
        "note-guarantees": "Ei vakuuksia.",
    }
    answer = client.post(url, form)
    assert answer.status_code == 302
    book = fs.statement_book_of(year)
    assert book.form == "micro" and book.signatures[0]["name"] == "Maija"
    assert book.notes == {"guarantees": "Ei vakuuksia."}
    page = client.get(url, {"year": year.pk}).content.decode()
    assert "Voitto omaan pääomaan." in page and 'value="micro" selected' in page
    bad = client.post(url, form | {"sig-0-date": "2025-05-01"})
    assert bad.status_code == 200 and "Allekirjoitus 1: päivämäärän" in bad.content.decode()
    viewer = world.client(Role.VIEWER)
    assert viewer.post(url, form).status_code == 403
    pdf = client.get(url, {"year": year.pk, "format": "book"})
    assert pdf.content.startswith(b"%PDF")


def test_average_personnel_is_proposed_from_payroll(world, books):
    """Payroll fills core's personnel registry; the notes editor proposes the year's average
    headcount (month ends: six months one employee, six months two → 1,5)."""
    from tase.ledger.statement_notes import suggestions
    from tase.payroll import services as payroll
    from tests.payroll.factories import employee

    year = books.fiscal_years.get(end=Y2026)
    assert suggestions(books, year) == {}
    payroll.ensure_setup(books)
    clerk = world.actor(Role.PAYROLL_CLERK)
    employee(clerk, books, start=dt.date(2024, 1, 1), card=None)
    employee(
        clerk,
        books,
        first_name="Liisa",
        start=dt.date(2026, 7, 1),
        card=None,
        birth_date=dt.date(1991, 5, 1),
    )
    assert suggestions(books, year) == {
        "personnel": "The average number of personnel during the financial year was 1,5."
    }
    page = world.client(Role.ACCOUNTANT).get(
        f"/ledger/{books.pk}/financial-statements/", {"year": year.pk}
    )
    html = page.content.decode()
    # the page speaks Finnish
    assert "Henkilöstön keskimääräinen lukumäärä tilikauden aikana oli 1,5." in html
    assert "ehdotus palkanlaskennasta" in html
