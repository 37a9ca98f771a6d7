"""The income statement by function of expense (toimintokohtainen tuloslaskelma, KPA 1339/1997
1:2 §): the function of each operating account, the refusal while one with a balance has
none, the same result as by nature, and the API, the command, the page and the book."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tase.core.roles import Role
from tase.ledger import financial_statements as fs
from tase.ledger import services
from tase.ledger.models import Account
from tase.rules import financial_statements as rules

from .conftest import post
from .test_financial_statements import Y2025, Y2026, rows_of

pytestmark = pytest.mark.django_db

# two_years's accounts without a default function: wages, pension, depreciation.
UNMAPPED = ["5000 Palkat", "6100 Eläkevakuutusmaksut", "6800 Suunnitelman mukaiset poistot"]
FUNCTIONS = {"5000": "cost_of_sales", "6100": "administration", "6800": "administration"}

# KPA 1:2 §, small form, 2026 beside 2025 (code, label, amount, previous). 2025: sale
# 10 000, purchases 3 000 and wages 2 000 to cost of sales, pension 350 and depreciation 240
# to administration, income tax 800; 2026: sale 5 000, rent 1 000 (administration), interest
# 50. Cost of sales has nothing in 2026 but stays for 2025's figure.
GOLDEN = [
    ("F1", "LIIKEVAIHTO", "5000.00", "10000.00"),
    ("F2", "Hankinnan ja valmistuksen kulut", "0.00", "-5000.00"),
    ("F3", "Bruttokate", "5000.00", "5000.00"),
    ("F5", "Hallinnon kulut", "-1000.00", "-590.00"),
    ("F8", "LIIKEVOITTO (-TAPPIO)", "4000.00", "4410.00"),
    ("F9", "Rahoitustuotot ja -kulut", "-50.00", "0.00"),
    ("F10", "VOITTO (TAPPIO) ENNEN TILINPÄÄTÖSSIIRTOJA JA VEROJA", "3950.00", "4410.00"),
    ("F12", "Tuloverot", "0.00", "-800.00"),
    ("F14", "TILIKAUDEN VOITTO (TAPPIO)", "3950.00", "3610.00"),
]


def give_functions(company, functions=FUNCTIONS):
    for number, function in functions.items():
        Account.objects.filter(company=company, number=number, is_header=False).update(
            function=function
        )


def test_the_chart_brings_default_functions(books):
    assert tuple(value for value in Account.Function.values if value) == rules.FUNCTIONS
    numbers = ["3000", "3600", "4000", "4450", "5000", "6800", "7100", "7400", "8000", "9400"]
    functions = dict(
        Account.objects.filter(company=books, number__in=numbers).values_list("number", "function")
    )
    assert functions == {
        "3000": "",  # turnover: no function
        "3600": "cost_of_sales",
        "4000": "cost_of_sales",
        "4450": "cost_of_sales",
        "5000": "",  # wages serve whichever function the people do
        "6800": "",
        "7100": "administration",
        "7400": "selling",
        "8000": "other",
        "9400": "",  # financial: no function
    }


def test_by_function_is_refused_naming_the_accounts_without_one(two_years):
    with pytest.raises(ValidationError) as error:
        fs.financial_statements(two_years, Y2026, basis="function")
    message = error.value.message_dict["basis"][0]
    for account in UNMAPPED:
        assert account in message  # only the previous year has them: still named
    assert "7100" not in message and "4000" not in message
    with pytest.raises(ValidationError) as error:
        fs.financial_statements(two_years, Y2026, basis="functional")
    assert "basis" in error.value.message_dict


def test_golden_by_function_beside_by_nature(two_years):
    give_functions(two_years)
    by_function = fs.to_data(fs.financial_statements(two_years, Y2026, basis="function"))
    by_nature = fs.to_data(fs.financial_statements(two_years, Y2026))
    assert by_function["basis"] == "function" and by_nature["basis"] == "nature"
    rows = [
        (row["code"], row["label"], row["amount"], row["previous"])
        for row in by_function["income_statement"]
    ]
    assert rows == GOLDEN
    assert (
        by_function["profit"]
        == by_nature["profit"]
        == {
            "amount": "3950.00",
            "previous": "3610.00",
        }
    )
    assert rows_of(by_nature, "income_statement")["15"]["amount"] == "3950.00"
    assert by_function["balance_sheet"] == by_nature["balance_sheet"]
    assert by_function["unmapped_lines"] == []
    full = rows_of(
        fs.to_data(fs.financial_statements(two_years, Y2026, form="full", basis="function")),
        "income_statement",
    )
    assert full["F9g"]["amount"] == "-50.00"  # the full form's lettered financial items
    english = fs.financial_statements(two_years, Y2026, basis="function", language="en")
    assert [r.label for r in english.income_statement][:3] == [
        "TURNOVER",
        "Cost of sales",
        "Gross profit (loss)",  # Bruttokate: no capitalised subtotal in KPA 1:2 §
    ]
    # The Swedish text of KPA 1:2 § (finlex.fi/sv/laki/alkup/2015/20151752), not Sweden's terms.
    swedish = fs.financial_statements(two_years, Y2026, basis="function", language="sv")
    assert [r.label for r in swedish.income_statement][:4] == [
        "OMSÄTTNING",
        "Kostnader för inköp och tillverkning",
        "Bruttobidrag",
        "Administrationskostnader",
    ]


ACCOUNTS = ["3000", "3600", "3700", "4000", "4400", "4450", "5000", "6100", "6300", "6800"]
ACCOUNTS += ["6900", "7100", "7400", "8000", "9000", "9400", "9700", "9900", "9980"]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    vouchers=st.lists(
        st.lists(
            st.tuples(
                st.sampled_from(ACCOUNTS),
                st.integers(min_value=-(10**9), max_value=10**9).filter(bool),
            ),
            min_size=1,
            max_size=5,
        ),
        min_size=1,
        max_size=4,
    ),
    functions=st.lists(st.sampled_from(rules.FUNCTIONS), min_size=len(ACCOUNTS)),
)
def test_by_function_gives_the_result_by_nature(books, vouchers, functions):
    """Whatever is posted and whatever function each operating account serves, the result
    by function equals the result by nature in every form, and the operating result too."""
    for account in Account.objects.filter(company=books, number__in=ACCOUNTS):
        if account.takes_function:
            account.function = functions[ACCOUNTS.index(account.number)]
            account.save(update_fields=["function"])
    for lines in vouchers:
        entries = [(a, f"{Decimal(c) / 100:.2f}") for a, c in lines]
        balancing = -sum(cents for _account, cents in lines)
        if balancing:
            entries.append(("1910", f"{Decimal(balancing) / 100:.2f}"))
        if len(entries) >= 2:
            post(books, dt.date(2026, 5, 10), *entries)
    for form in rules.FORMS:
        nature = fs.financial_statements(books, Y2026, form=form)
        function = fs.financial_statements(books, Y2026, form=form, basis="function")
        assert function.profit == nature.profit
        by_code = {row.code: row for row in function.income_statement}
        assert by_code["F14"].amounts == nature.profit
        operating = {row.code: row for row in nature.income_statement}["9"].amounts
        assert by_code["F8"].amounts == operating
        assert function.total_assets == nature.total_assets


# -- the function on the accounts page and in the account API ------------------------------------


def test_function_through_the_api(world, books):
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{books.pk}/accounts"
    answer = client.patch(f"{url}/5000", {"function": "selling"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["function"] == "selling"
    listed = {a["number"]: a for a in client.get(url).json()}
    assert listed["4000"]["function"] == "cost_of_sales" and listed["3000"]["function"] == ""
    wrong = client.patch(f"{url}/5000", {"function": "sales"}, content_type="application/json")
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "function"]
    not_operating = client.patch(
        f"{url}/9400", {"function": "administration"}, content_type="application/json"
    )
    assert not_operating.status_code == 422
    assert "9400" in not_operating.json()["detail"][0]["msg"]
    created = client.post(
        url,
        {"number": "7450", "name_fi": "Messut", "type": "expense", "line": "IS.8"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["function"] == "selling"  # by range
    chosen = client.post(
        url,
        {
            "number": "5050",
            "name_fi": "Palkat, hallinto",
            "type": "expense",
            "line": "IS.6.a",
            "function": "administration",
        },
        content_type="application/json",
    )
    assert chosen.status_code == 201 and chosen.json()["function"] == "administration"
    assert Account.objects.get(company=books, number="5000", is_header=False).function == "selling"
    other = world.client(Role.MAIN_USER, other=True)
    assert (
        other.patch(
            f"{url}/5000", {"function": "other"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_function_on_the_accounts_page(world, books):
    client = world.client(Role.ACCOUNTANT)
    url = f"/ledger/{books.pk}/accounts/"
    wages = Account.objects.get(company=books, number="5000", is_header=False)
    html = client.get(url).content.decode()
    assert f'id="f-{wages.pk}" name="function" form="acc-{wages.pk}"' in html
    assert ">Hallinnon kulut</option>" in html  # the functions named as the items of 1:2 §
    interest = Account.objects.get(company=books, number="9400", is_header=False)
    assert f'id="f-{interest.pk}"' not in html  # a financial account takes no function
    answer = client.post(
        url,
        {
            "action": "rename",
            "account": wages.pk,
            "name_fi": "Palkat",
            "name_en": "Wages and salaries",
            "function": "cost_of_sales",
        },
    )
    assert answer.status_code == 302
    wages.refresh_from_db()
    assert wages.function == "cost_of_sales"
    bad = client.post(
        url,
        {"action": "rename", "account": wages.pk, "name_fi": "Palkat", "function": "x"},
    )
    assert bad.status_code == 200 and "Valitse toiminto" in bad.content.decode()


# -- the API, the command, the page and the statement book ----------------------------------------


def test_api_and_page_side_by_side(world, two_years):
    client = world.client(Role.ACCOUNTANT)
    api = f"/api/v1/ledger/companies/{two_years.pk}/financial-statements"
    page = f"/ledger/{two_years.pk}/financial-statements/"
    year = two_years.fiscal_years.get(end=Y2026)
    refused = client.get(api, {"year_end": "2026-12-31", "basis": "function"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "basis"
    assert "5000 Palkat" in refused.json()["detail"][0]["msg"]
    html = client.get(page, {"year": year.pk, "basis": "function"}).content.decode()
    assert "5000 Palkat" in html and 'data-testid="income-statement"' not in html
    give_functions(two_years)
    data = client.get(api, {"year_end": "2026-12-31", "basis": "function"}).json()
    html = client.get(page, {"year": year.pk, "basis": "function"}).content.decode()
    assert 'value="function" selected' in html
    for row in data["income_statement"]:
        assert row["label"] in html
    assert "Toimintokohtainen tuloslaskelma" in html
    assert data["profit"] == client.get(api, {"year_end": "2026-12-31"}).json()["profit"]
    pdf = client.get(api, {"year_end": "2026-12-31", "basis": "function", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pdf = client.get(page, {"year": year.pk, "basis": "function", "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


def test_command_by_function(two_years):
    from django.core.management.base import CommandError

    options = dict(company=two_years.pk, year_end=Y2026, basis="function", format="json")
    with pytest.raises(CommandError, match="5000 Palkat"):
        call_command("report", "financial-statements", stdout=io.StringIO(), **options)
    give_functions(two_years)
    out = io.StringIO()
    call_command("report", "financial-statements", form="micro", stdout=out, **options)
    data = json.loads(out.getvalue())
    assert data["basis"] == "function" and data["form"] == "micro"
    assert [row["code"] for row in data["income_statement"]] == [g[0] for g in GOLDEN]
    assert data["profit"]["amount"] == "3950.00"


def test_statement_book_by_function(world, two_years):
    from tase.core import pdf

    give_functions(two_years)
    year = two_years.fiscal_years.get(end=Y2025)
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{two_years.pk}/fiscal-years/{year.pk}/statement-book"
    saved = client.put(url, {"basis": "function"}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["basis"] == "function"
    wrong = client.put(url, {"basis": "other"}, content_type="application/json")
    assert wrong.status_code == 422
    with translation.override("fi"):
        html = fs.statement_book_html(two_years, Y2025)
    text = " ".join(pdf.page_texts(pdf.layout(html)))
    assert "Toimintokohtainen tuloslaskelma" in text
    assert "Hankinnan ja valmistuksen" in text
    page = f"/ledger/{two_years.pk}/financial-statements/"
    answer = client.post(page, {"year": year.pk, "form": "small", "basis": "nature"})
    assert answer.status_code == 302
    assert fs.statement_book_of(year).basis == "nature"
    with pytest.raises(ValidationError) as error:
        services.save_statement_book(world.actor(Role.ACCOUNTANT), two_years, year, basis="both")
    assert set(error.value.message_dict) == {"basis"}
