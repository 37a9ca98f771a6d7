"""The statutory layouts (tase.rules.financial_statements): which items each form shows, that
every statement line of the shipped charts reaches an item, and how totals add up."""

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tase.rules import financial_statements as rules

CHARTS = Path(rules.__file__).parents[2] / "ledger" / "charts"


def codes(statement, form):
    return [item.code for item in rules.layout(statement, form)]


def test_micro_shows_main_items_only():
    income = codes("income_statement", "micro")
    assert income == [str(n) for n in range(1, 16)]
    balance = codes("balance_sheet", "micro")
    assert {"VA.A", "VA.B", "VT.A", "VT.B", "VT.C", "VT.D", "VA.T", "VT.T"} <= set(balance)
    # The equity items stay: the board's proposal speaks of the free equity.
    assert "VT.A.V" in balance and "VT.A.VI" in balance


def test_micro_balance_sheet_of_pma_4_luku_2_pykala():
    """PMA 1753/2015 4:2 § 2 mom. 1 kohta: the assets side shows the Roman-numbered items;
    3 mom.: the short-term debt is shown separately (not the long-term split of a small
    company, 2:4 § 4 mom.), and no Arabic-numbered items."""
    balance = codes("balance_sheet", "micro")
    assets = [c for c in balance if c.startswith("VA.") and c.count(".") == 2]
    assert assets == [
        "VA.A.I",
        "VA.A.II",
        "VA.A.III",
        "VA.B.I",
        "VA.B.II",
        "VA.B.III",
        "VA.B.IV",
    ]
    assert "VT.D.S" in balance
    assert "VT.D.L" not in balance
    assert not {"VA.B.II.L", "VA.B.II.S", "VA.B.II.S.1", "VT.D.S.3", "VT.D.S.6"} & set(balance)
    amounts = {"BS.A.2": [960], "BS.B.4": [5_000], "BS.F.1.a": [1_000], "BS.F.2.c": [300]}
    rows = {r.code: r for r in rules.fill("balance_sheet", "micro", amounts, columns=1)}
    assert rows["VA.A.II"].amounts == [960] and rows["VA.B.IV"].amounts == [5_000]
    assert rows["VT.D"].amounts == [1_300] and rows["VT.D.S"].amounts == [300]
    assert "VA.A.I" not in rows  # nothing in it: left out (PMA 2:8 §)


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
    assert {"10d", "10g", "12a", "12b", "12c"} <= set(income)
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
    assert [c for c in full if c not in small] == ["F9d", "F9g", "F11a", "F11b", "F11c"]
    labels = [i.fi for i in rules.layout("income_statement_by_function", "small")]
    assert labels[:8] == [
        "LIIKEVAIHTO",
        "Hankinnan ja valmistuksen kulut",
        "Bruttokate",
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


# Swedish labels: the Swedish text of KPA 1339/1997 1:1, 2 and 6 § as 1752/2015 worded them
# (finlex.fi/sv/laki/alkup/2015/20151752) and PMA 1753/2015 Bilagor I, II and V.
SWEDISH = {
    "income_statement": {
        "12b": "Förändring av skattemässiga reserver",
        "12c": "Koncernbidrag",
        "13": "Inkomstskatt",
    },
    "income_statement_by_function": {
        "F1": "OMSÄTTNING",
        "F2": "Kostnader för inköp och tillverkning",
        "F3": "Bruttobidrag",
        "F4": "Kostnader för försäljning och marknadsföring",
        "F5": "Administrationskostnader",
        "F6": "Övriga rörelseintäkter",
        "F7": "Övriga rörelsekostnader",
        "F8": "RÖRELSEVINST (-FÖRLUST)",
        "F11b": "Förändring av skattemässiga reserver",
        "F11c": "Koncernbidrag",
        "F12": "Inkomstskatt",
        "F13": "Övriga direkta skatter",
        "F14": "RÄKENSKAPSPERIODENS VINST (FÖRLUST)",
    },
    "balance_sheet": {
        "VT.A.I": "Aktie- eller andelskapital eller annat motsvarande kapital",
        "VT.A.V": "Balanserad vinst (förlust) från tidigare räkenskapsperioder",
        "VT.C": "AVSÄTTNINGAR",
        "VT.D.L.3": "Skulder till kreditinstitut",
        "VT.D.S.3": "Skulder till kreditinstitut",
    },
}


@pytest.mark.parametrize("statement", sorted(SWEDISH))
def test_swedish_labels_of_the_finnish_statute(statement):
    items = {item.code: item for item in rules.layout(statement, "full")}
    for code, label in SWEDISH[statement].items():
        assert items[code].label("sv") == label, code
    # Every item has its Swedish label: none falls back to Finnish.
    assert all(item.sv for item in items.values())


def test_group_contribution_is_an_appropriation():
    """KPA 1:1 § 12 c / 1:2 § 11 c Konserniavustus, on the chart line IS.10.c."""
    amounts = {"IS.1": [10_000], "IS.10.c": [-4_000]}
    for statement, code, total in (
        ("income_statement", "12c", "15"),
        ("income_statement_by_function", "F11c", "F14"),
    ):
        rows = {r.code: r for r in rules.fill(statement, "full", amounts, columns=1)}
        assert rows[code].label == "Konserniavustus"
        assert rows[code].amounts == [-4_000]
        assert rows[total].amounts == [6_000]
    small = {r.code: r for r in rules.fill("income_statement", "small", amounts, columns=1)}
    assert "12c" not in small and small["12"].amounts == [-4_000]


def test_bruttokate_is_no_capitalised_subtotal():
    """KPA 1:2 § writes "3. Bruttokate" in ordinary case: PMA 2:7 § keeps only the subtotals
    written in capitals, so Bruttokate is left out like an item when it has nothing in either
    year (2:8 §), while LIIKEVOITTO (-TAPPIO) and the others stay."""
    item = {i.code: i for i in rules.layout("income_statement_by_function", "full")}["F3"]
    assert item.fi == "Bruttokate" and item.en == "Gross profit (loss)"
    assert not rules.always_shown(item)
    rows = {
        r.code: r
        for r in rules.fill(
            "income_statement_by_function", "small", {"FN.administration": [-500]}, columns=1
        )
    }
    assert "F3" not in rows
    assert rows["F8"].amounts == [-500] and rows["F10"].amounts == [-500]
    assert rows["F14"].amounts == [-500]
    shown = rules.fill("income_statement_by_function", "small", {"IS.1": [1_000]}, columns=1)
    assert {r.code: r.amounts for r in shown}["F3"] == [1_000]


# -- the group items, the reserves, the appropriations' accounts, Bruttotulos -------------------


def test_group_and_participating_interest_items_of_the_full_form():
    """KPA 1:6 §: the investments' items 1-6, the receivables' 2-3 and the liabilities' 8-9
    (saman konsernin yritykset, omistusyhteysyritykset), shown only when they have an amount;
    the small and micro forms keep them in the Roman-numbered item above."""
    amounts = {
        "BS.A.3.a": [1_000],
        "BS.A.3.c": [200],
        "BS.B.2.a": [300],
        "BS.B.2.d": [50],
        "BS.F.1.c": [400],
        "BS.F.2.g": [70],
    }
    full = {r.code: r for r in rules.fill("balance_sheet", "full", amounts, columns=1)}
    assert full["VA.A.III.1"].label == "Osuudet saman konsernin yrityksissä"
    assert full["VA.A.III.1"].amounts == [1_000] and full["VA.A.III.3"].amounts == [200]
    assert full["VA.A.III"].amounts == [1_200]
    assert "VA.A.III.2" not in full and "VA.A.III.5" not in full  # nothing: left out
    assert full["VA.B.II.S.2"].label == "Saamiset saman konsernin yrityksiltä"
    assert full["VA.B.II.S.2"].amounts == [50] and full["VA.B.II.S"].amounts == [350]
    assert full["VT.D.L.8"].label == "Velat saman konsernin yrityksille"
    assert full["VT.D.L.8"].amounts == [400] and full["VT.D.S.9"].amounts == [70]
    assert full["VT.D.S.9"].label == "Velat omistusyhteysyrityksille"
    order = [r.code for r in rules.layout("balance_sheet", "full")]
    # In the statute's order: 1 Myyntisaamiset, 2-3 group, 5 Muut; 6 Ostovelat, 8-9, Muut velat.
    assert order.index("VA.B.II.S.1") < order.index("VA.B.II.S.2") < order.index("VA.B.II.S.5")
    assert order.index("VT.D.S.6") < order.index("VT.D.S.8") < order.index("VT.D.S.M")
    small = {r.code: r for r in rules.fill("balance_sheet", "small", amounts, columns=1)}
    assert not any(code in small for code in ("VA.A.III.1", "VA.B.II.S.2", "VT.D.L.8"))
    assert small["VA.B.II.S"].amounts == [350] and small["VT.D.L"].amounts == [400]


@pytest.mark.parametrize("form", rules.FORMS)
def test_revaluation_and_fair_value_reserves_are_equity_items(form):
    """KPL 5:17 § (arvonkorotusrahasto) and 5:2 a § (käyvän arvon rahasto): equity items of
    every form, shown when they have an amount, and not free equity."""
    amounts = {"BS.C.1": [2_500], "BS.C.R": [10_000], "BS.C.F": [-300], "BS.B.4": [12_200]}
    rows = {r.code: r for r in rules.fill("balance_sheet", form, amounts, columns=1)}
    assert rows["VT.A.III"].label == "Arvonkorotusrahasto"
    assert rows["VT.A.III"].amounts == [10_000]
    assert rows["VT.A.KA"].label == "Käyvän arvon rahasto"
    assert rows["VT.A.KA"].amounts == [-300]
    assert rows["VT.A"].amounts == [12_200] == rows["VA.T"].amounts == rows["VT.T"].amounts
    order = [r.code for r in rules.layout("balance_sheet", form)]
    assert order.index("VT.A.II") < order.index("VT.A.III") < order.index("VT.A.KA")
    assert order.index("VT.A.KA") < order.index("VT.A.IV")
    empty = {r.code for r in rules.fill("balance_sheet", form, {"BS.B.4": [1]}, columns=1)}
    assert "VT.A.III" not in empty and "VT.A.KA" not in empty


def _chart_lines(chart):
    with open(CHARTS / chart, encoding="utf-8", newline="") as handle:
        return {row["number"]: row["line"] for row in csv.DictReader(handle) if row["kind"] == "A"}


def test_the_charts_carry_the_new_items():
    """Accounts for every item that had none: the appropriations 12 b-c (IS.10.b/c), the tax-based
    reserves, the reserves of equity and the group items."""
    oy = _chart_lines("limited-company.csv")
    assert oy["9750"] == "IS.10.b" and oy["9800"] == "IS.10.c"
    assert oy["2030"] == "BS.C.R" and oy["2040"] == "BS.C.F" and oy["2450"] == "BS.D"
    assert {oy[n] for n in ("1400", "1410", "1420", "1430", "1450", "1480")} == {
        f"BS.A.3.{x}" for x in "abcdef"
    }
    assert oy["1710"] == "BS.B.2.d" and oy["2880"] == "BS.F.2.f" and oy["2650"] == "BS.F.1.c"
    tmi = _chart_lines("sole-trader.csv")
    assert tmi["9750"] == "IS.10.b" and "9800" not in tmi  # no group contribution for a person
    full = {item.code: item for item in rules.layout("income_statement", "full")}
    rows = {
        r.code: r
        for r in rules.fill(
            "income_statement", "full", {"IS.10.b": [-700], "IS.10.c": [-300]}, columns=1
        )
    }
    assert full["12b"].lines == ("IS.10.b",) and rows["12b"].amounts == [-700]
    assert rows["12"].amounts == [-1_000] and rows["15"].amounts == [-1_000]


AMOUNTS = {
    "IS.1": [100_000, 90_000],
    "IS.2": [1_000, 0],
    "IS.3": [500, 0],
    "IS.4": [2_000, 3_000],
    "IS.5.a": [-40_000, -35_000],
    "IS.5.c": [-5_000, -4_000],
    "IS.6.a": [-30_000, -30_000],
    "IS.8": [-10_000, -9_000],
    "IS.11": [-3_000, -3_000],
}


@pytest.mark.parametrize("form", rules.GROSS_FORMS)
def test_bruttotulos_combines_items_1_to_5_by_nature(form):
    """PMA 1753/2015 2:1 § 2 mom. / 4:1 §: liikevaihto, the change in inventories, production
    for own use, other operating income and materials and services as one item Bruttotulos
    in the place of the first; the rest as before, the same result."""
    rows = rules.fill("income_statement", form, AMOUNTS, columns=2, gross=True)
    codes = [r.code for r in rows]
    assert codes[0] == "BT" and rows[0].label == "Bruttotulos"
    assert rows[0].amounts == [58_500, 54_000]
    assert not {"1", "2", "3", "4", "5", "5a", "5aa", "5b"} & set(codes)
    by_code = {r.code: r for r in rows}
    plain = {r.code: r for r in rules.fill("income_statement", form, AMOUNTS, columns=2)}
    for code in ("6", "9", "11", "15"):
        assert by_code[code].amounts == plain[code].amounts, code
    assert by_code["15"].amounts == [15_500, 12_000]
    assert rows[0].label == rules.layout("income_statement", form, gross=True)[0].fi
    # Shown even when empty, in LIIKEVAIHTO's place (PMA 2:7 §).
    empty = rules.fill("income_statement", form, {"IS.8": [-1]}, columns=1, gross=True)
    assert empty[0].code == "BT" and empty[0].amounts == [0]


def test_bruttotulos_by_function_combines_items_1_3_and_6():
    """By function: liikevaihto, hankinnan ja valmistuksen kulut (with the bruttokate of
    them) and liiketoiminnan muut tuotot."""
    amounts = {
        "IS.1": [100_000],
        "FN.cost_of_sales": [-60_000],
        "FN.selling": [-5_000],
        "IS.4": [1_000],
        "FN.other": [-2_000],
    }
    rows = rules.fill("income_statement_by_function", "small", amounts, columns=1, gross=True)
    codes = [r.code for r in rows]
    assert codes[:2] == ["FBT", "F4"]
    assert not {"F1", "F2", "F3", "F6"} & set(codes)
    assert rows[0].amounts == [41_000]
    assert {r.code: r.amounts for r in rows}["F14"] == [34_000]


def test_bruttotulos_only_in_the_small_and_micro_forms():
    with pytest.raises(ValueError):
        rules.layout("income_statement", "full", gross=True)
    with pytest.raises(ValueError):
        rules.layout("balance_sheet", "small", gross=True)


_LINES = ["IS.1", "IS.2", "IS.3", "IS.4", "IS.5.a", "IS.5.b", "IS.5.c", "IS.6.a", "IS.8", "IS.9.b"]


@given(
    st.dictionaries(
        st.sampled_from(_LINES),
        st.lists(st.integers(-(10**9), 10**9), min_size=2, max_size=2),
    ),
    st.sampled_from(rules.GROSS_FORMS),
)
def test_bruttotulos_changes_no_total(amounts, form):
    """Whatever the figures, Bruttotulos is the sum of the items it combines and every total
    (operating profit, profit before appropriations, the year's result) stays the same."""
    plain = {r.code: r.amounts for r in rules.fill("income_statement", form, amounts, columns=2)}
    gross = {
        r.code: r.amounts
        for r in rules.fill("income_statement", form, amounts, columns=2, gross=True)
    }
    combined = [plain.get(code, [0, 0]) for code in ("1", "2", "3", "4", "5")]
    assert gross["BT"] == [sum(values[i] for values in combined) for i in range(2)]
    for code in ("9", "11", "15"):
        assert gross[code] == plain[code]
