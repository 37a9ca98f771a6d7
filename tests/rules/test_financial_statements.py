"""The statutory layouts (tase.rules.financial_statements): which items each form shows, that
every statement line of the shipped charts reaches an item, and how totals add up."""

import csv
from pathlib import Path

import pytest

from tase.rules import financial_statements as rules

CHARTS = Path(rules.__file__).parent.parent / "ledger" / "charts"


def codes(statement, form):
    return [item.code for item in rules.layout(statement, form)]


def test_micro_shows_main_items_only():
    income = codes("income_statement", "micro")
    assert income == [str(n) for n in range(1, 16)]
    balance = codes("balance_sheet", "micro")
    assert "VA.A.I" not in balance and "VA.B.II" not in balance
    assert {"VA.A", "VA.B", "VT.A", "VT.B", "VT.C", "VT.D", "VA.T", "VT.T"} <= set(balance)
    # The equity items stay: the board's proposal speaks of the free equity.
    assert "VT.A.V" in balance and "VT.A.VI" in balance


def test_small_keeps_the_sub_items_the_small_form_requires():
    income = codes("income_statement", "small")
    for code in ("5a", "5aa", "5ab", "5b", "6a", "6b", "6ba", "6bb", "7a", "7b"):
        assert code in income
    assert "10d" not in income and "12a" not in income
    balance = codes("balance_sheet", "small")
    for code in ("VA.A.I", "VA.A.II", "VA.B.II.L", "VA.B.II.S", "VA.B.IV", "VT.D.L", "VT.D.S"):
        assert code in balance
    assert "VA.B.II.S.1" not in balance and "VT.D.S.6" not in balance


def test_full_form_adds_the_arabic_items():
    income = codes("income_statement", "full")
    assert {"10d", "10g", "12a", "12b"} <= set(income)
    balance = codes("balance_sheet", "full")
    assert {"VA.B.II.S.1", "VT.D.S.6", "VT.D.L.3"} <= set(balance)
    # The forms nest: each is a subset of the next, in the same order.
    assert [c for c in income if c in codes("income_statement", "small")] == codes(
        "income_statement", "small"
    )


@pytest.mark.parametrize("chart", ["limited-company.csv", "sole-trader.csv"])
def test_every_chart_line_reaches_an_item_of_every_form(chart):
    with open(CHARTS / chart, encoding="utf-8", newline="") as handle:
        lines = {row["line"] for row in csv.DictReader(handle) if row["kind"] == "A"}
    assert lines
    for line in lines:
        statement = "income_statement" if line.startswith("IS") else "balance_sheet"
        amounts = {line: [100]}
        assert rules.unmapped(amounts, statement) == [], line
        for form in rules.FORMS:
            rows = rules.fill(statement, form, amounts, columns=1)
            shown = [r for r in rows if r.kind == "line" and r.level == 0]
            assert sum(r.amounts[0] for r in shown) == 100, (form, line)


def test_totals_and_signs():
    amounts = {
        "IS.1": [100_000, 80_000],
        "IS.5.a": [-30_000, -20_000],
        "IS.6.a": [-20_000, -10_000],
        "IS.9.b": [-1_000, 0],
        "IS.11": [-9_000, -10_000],
    }
    rows = {r.code: r for r in rules.fill("income_statement", "small", amounts, columns=2)}
    assert rows["9"].amounts == [50_000, 50_000]
    assert rows["11"].amounts == [49_000, 50_000]
    assert rows["15"].amounts == [40_000, 40_000]
    assert rows["5"].amounts == rows["5a"].amounts == rows["5aa"].amounts == [-30_000, -20_000]
    assert "5b" not in rows and "2" not in rows  # nothing in either year: left out
    kept = rules.fill("income_statement", "small", amounts, columns=2, keep_empty=True)
    assert "5b" in {r.code for r in kept}


def test_presentation_sign():
    assert rules.presentation_sign("IS.1") == -1
    assert rules.presentation_sign("BS.A.2") == 1
    assert rules.presentation_sign("BS.B.4") == 1
    assert rules.presentation_sign("BS.C.1") == -1
    assert rules.presentation_sign("BS.F.2.c") == -1


def test_unknown_form_or_statement():
    with pytest.raises(KeyError):
        rules.layout("income_statement", "huge")
    with pytest.raises(KeyError):
        rules.layout("cash_flow", "small")


def test_swedish_labels():
    rows = rules.fill("balance_sheet", "micro", {}, columns=1, language="sv")
    assert rows[0].label == "AKTIVA"


# -- by function of expense (KPA 1:2 §) -----------------------------------------------------------


def test_by_function_items_in_the_order_of_the_statute():
    small = codes("income_statement_by_function", "small")
    assert small == [f"F{n}" for n in range(1, 15)]
    assert codes("income_statement_by_function", "micro") == small
    full = codes("income_statement_by_function", "full")
    assert [c for c in full if c not in small] == ["F9d", "F9g", "F11a", "F11b"]
    labels = [i.fi for i in rules.layout("income_statement_by_function", "small")]
    assert labels[:8] == [
        "LIIKEVAIHTO",
        "Hankinnan ja valmistuksen kulut",
        "BRUTTOKATE",
        "Myynnin ja markkinoinnin kulut",
        "Hallinnon kulut",
        "Liiketoiminnan muut tuotot",
        "Liiketoiminnan muut kulut",
        "LIIKEVOITTO (-TAPPIO)",
    ]
    assert labels[-1] == "TILIKAUDEN VOITTO (TAPPIO)"


def test_by_function_totals_and_the_same_result():
    nature = {
        "IS.1": [100_000],
        "IS.4": [5_000],
        "IS.5.a": [-30_000],
        "IS.6.a": [-20_000],
        "IS.8": [-10_000],
        "IS.9.b": [-1_000],
        "IS.11": [-9_000],
    }
    function = {
        "IS.1": [100_000],
        "IS.4": [5_000],
        "FN.cost_of_sales": [-40_000],
        "FN.selling": [-8_000],
        "FN.administration": [-12_000],
        "IS.9.b": [-1_000],
        "IS.11": [-9_000],
    }
    by_nature = {r.code: r for r in rules.fill("income_statement", "small", nature, columns=1)}
    rows = {
        r.code: r for r in rules.fill("income_statement_by_function", "small", function, columns=1)
    }
    assert rows["F3"].amounts == [60_000]
    assert rows["F8"].amounts == by_nature["9"].amounts == [45_000]
    assert rows["F10"].amounts == [44_000]
    assert rows["F14"].amounts == by_nature["15"].amounts == [35_000]
    assert "F7" not in rows  # no other operating expenses: left out
    assert rules.unmapped(function, "income_statement_by_function") == []
    assert rules.unmapped({"IS.6.a": [1]}, "income_statement_by_function") == ["IS.6.a"]
    assert rules.presentation_sign("FN.selling") == -1


@pytest.mark.parametrize("chart", ["limited-company.csv", "sole-trader.csv"])
def test_default_functions_of_the_charts(chart):
    with open(CHARTS / chart, encoding="utf-8", newline="") as handle:
        accounts = [row for row in csv.DictReader(handle) if row["kind"] == "A"]
    for row in accounts:
        function = rules.default_function(row["number"], row["line"])
        if not rules.needs_function(row["line"]):
            assert function == "", row["number"]
        else:
            assert function in ("", *rules.FUNCTIONS), row["number"]
    defaults = {r["number"]: rules.default_function(r["number"], r["line"]) for r in accounts}
    assert defaults["4000"] == "cost_of_sales" and defaults["3600"] == "cost_of_sales"
    assert defaults["7400"] == "selling" and defaults["7720"] == "administration"
    assert defaults["8000"] == "other"
    assert defaults["5000"] == defaults["6800"] == defaults["7500"] == ""  # the company's call


def test_swedish_falls_back_to_finnish_where_no_swedish_wording():
    rows = rules.fill(
        "income_statement_by_function", "small", {"FN.selling": [-1]}, columns=1, language="sv"
    )
    labels = {r.code: r.label for r in rows}
    assert labels["F4"] == "Myynnin ja markkinoinnin kulut"
    assert labels["F8"] == "RÖRELSEVINST (-FÖRLUST)"
