"""The income statement by nature (KPA 1339/1997 1:1 §) and by function (1:2 §), and the
functions of expense the accounts carry. See the package docstring for the sources.

Imports nothing from Django."""

from __future__ import annotations

from .items import FULL, FUNCTION_LINES, FUNCTION_PREFIX, SMALL_UP, Item, _i, matches

_OPERATING = ("IS.1", "IS.2", "IS.3", "IS.4", "IS.5", "IS.6", "IS.7", "IS.8")

# KPA 1339/1997 1 luku 1 § 1 mom. (kululajikohtainen tuloslaskelma) as 1752/2015 worded it,
# Swedish "Resultaträkning enligt kostnadsslag" (finlex.fi/fi/laki/alkup/2015/20151752,
# finlex.fi/sv/laki/alkup/2015/20151752); PMA 1753/2015 Liite I / Bilaga I for a small company.
# Item 12 Tilinpäätössiirrot / Bokslutsdispositioner: a) Poistoeron muutos / Förändring av
# avskrivningsdifferens, b) Verotusperusteisten varausten muutos / Förändring av
# skattemässiga reserver, c) Konserniavustus / Koncernbidrag; 13 Tuloverot / Inkomstskatt.
INCOME_STATEMENT: tuple[Item, ...] = (
    _i("1", 0, "line", "LIIKEVAIHTO", "OMSÄTTNING", "TURNOVER", ["IS.1"]),
    _i(
        "2",
        0,
        "line",
        "Valmiiden ja keskeneräisten tuotteiden varastojen muutos",
        "Förändring av lager av färdiga varor och varor under tillverkning",
        "Change in inventories of finished goods and work in progress",
        ["IS.2"],
    ),
    _i(
        "3",
        0,
        "line",
        "Valmistus omaan käyttöön",
        "Tillverkning för eget bruk",
        "Production for own use",
        ["IS.3"],
    ),
    _i(
        "4",
        0,
        "line",
        "Liiketoiminnan muut tuotot",
        "Övriga rörelseintäkter",
        "Other operating income",
        ["IS.4"],
    ),
    _i(
        "5",
        0,
        "line",
        "Materiaalit ja palvelut",
        "Material och tjänster",
        "Materials and services",
        ["IS.5"],
    ),
    _i(
        "5a",
        1,
        "line",
        "Aineet, tarvikkeet ja tavarat",
        "Material, förnödenheter och varor",
        "Raw materials and consumables",
        ["IS.5.a", "IS.5.b"],
        SMALL_UP,
    ),
    _i(
        "5aa",
        2,
        "line",
        "Ostot tilikauden aikana",
        "Inköp under räkenskapsperioden",
        "Purchases during the financial year",
        ["IS.5.a"],
        SMALL_UP,
    ),
    _i(
        "5ab",
        2,
        "line",
        "Varastojen muutos",
        "Förändring av lager",
        "Change in inventories",
        ["IS.5.b"],
        SMALL_UP,
    ),
    _i(
        "5b",
        1,
        "line",
        "Ulkopuoliset palvelut",
        "Köpta tjänster",
        "External services",
        ["IS.5.c"],
        SMALL_UP,
    ),
    _i("6", 0, "line", "Henkilöstökulut", "Personalkostnader", "Personnel expenses", ["IS.6"]),
    _i(
        "6a",
        1,
        "line",
        "Palkat ja palkkiot",
        "Löner och arvoden",
        "Wages and salaries",
        ["IS.6.a"],
        SMALL_UP,
    ),
    _i(
        "6b",
        1,
        "line",
        "Henkilösivukulut",
        "Lönebikostnader",
        "Social security expenses",
        ["IS.6.b", "IS.6.c"],
        SMALL_UP,
    ),
    _i(
        "6ba",
        2,
        "line",
        "Eläkekulut",
        "Pensionskostnader",
        "Pension expenses",
        ["IS.6.b"],
        SMALL_UP,
    ),
    _i(
        "6bb",
        2,
        "line",
        "Muut henkilösivukulut",
        "Övriga lönebikostnader",
        "Other social security expenses",
        ["IS.6.c"],
        SMALL_UP,
    ),
    _i(
        "7",
        0,
        "line",
        "Poistot ja arvonalentumiset",
        "Avskrivningar och nedskrivningar",
        "Depreciation and impairment",
        ["IS.7"],
    ),
    _i(
        "7a",
        1,
        "line",
        "Suunnitelman mukaiset poistot",
        "Avskrivningar enligt plan",
        "Depreciation according to plan",
        ["IS.7.a"],
        SMALL_UP,
    ),
    _i(
        "7b",
        1,
        "line",
        "Arvonalentumiset pysyvien vastaavien hyödykkeistä",
        "Nedskrivningar av tillgångar bland bestående aktiva",
        "Impairment of non-current assets",
        ["IS.7.b"],
        SMALL_UP,
    ),
    _i(
        "7c",
        1,
        "line",
        "Vaihtuvien vastaavien poikkeukselliset arvonalentumiset",
        "Exceptionella nedskrivningar av rörliga aktiva",
        "Exceptional impairment of current assets",
        ["IS.7.c"],
        SMALL_UP,
    ),
    _i(
        "8",
        0,
        "line",
        "Liiketoiminnan muut kulut",
        "Övriga rörelsekostnader",
        "Other operating expenses",
        ["IS.8"],
    ),
    _i(
        "9",
        0,
        "total",
        "LIIKEVOITTO (-TAPPIO)",
        "RÖRELSEVINST (-FÖRLUST)",
        "OPERATING PROFIT (LOSS)",
        _OPERATING,
    ),
    _i(
        "10",
        0,
        "line",
        "Rahoitustuotot ja -kulut",
        "Finansiella intäkter och kostnader",
        "Financial income and expenses",
        ["IS.9"],
    ),
    _i(
        "10d",
        1,
        "line",
        "Muut korko- ja rahoitustuotot",
        "Övriga ränteintäkter och finansiella intäkter",
        "Other interest and financial income",
        ["IS.9.a"],
        FULL,
    ),
    _i(
        "10g",
        1,
        "line",
        "Korkokulut ja muut rahoituskulut",
        "Räntekostnader och övriga finansiella kostnader",
        "Interest and other financial expenses",
        ["IS.9.b"],
        FULL,
    ),
    _i(
        "11",
        0,
        "total",
        "VOITTO (TAPPIO) ENNEN TILINPÄÄTÖSSIIRTOJA JA VEROJA",
        "VINST (FÖRLUST) FÖRE BOKSLUTSDISPOSITIONER OCH SKATTER",
        "PROFIT (LOSS) BEFORE APPROPRIATIONS AND TAXES",
        (*_OPERATING, "IS.9"),
    ),
    _i("12", 0, "line", "Tilinpäätössiirrot", "Bokslutsdispositioner", "Appropriations", ["IS.10"]),
    _i(
        "12a",
        1,
        "line",
        "Poistoeron muutos",
        "Förändring av avskrivningsdifferens",
        "Change in depreciation difference",
        ["IS.10.a"],
        FULL,
    ),
    _i(
        "12b",
        1,
        "line",
        "Verotusperusteisten varausten muutos",
        "Förändring av skattemässiga reserver",
        "Change in tax-based reserves",
        ["IS.10.b"],
        FULL,
    ),
    _i(
        "12c",
        1,
        "line",
        "Konserniavustus",
        "Koncernbidrag",
        "Group contribution",
        ["IS.10.c"],
        FULL,
    ),
    _i("13", 0, "line", "Tuloverot", "Inkomstskatt", "Income taxes", ["IS.11"]),
    _i(
        "14",
        0,
        "line",
        "Muut välittömät verot",
        "Övriga direkta skatter",
        "Other direct taxes",
        ["IS.12"],
    ),
    _i(
        "15",
        0,
        "total",
        "TILIKAUDEN VOITTO (TAPPIO)",
        "RÄKENSKAPSPERIODENS VINST (FÖRLUST)",
        "PROFIT (LOSS) FOR THE FINANCIAL YEAR",
        ["IS"],
    ),
)


def function_line(function: str) -> str:
    """The statement line an account of ``function`` reaches in a by-function statement."""
    return f"{FUNCTION_PREFIX}.{function}"


def needs_function(line: str) -> bool:
    """True when an account on the chart's ``line`` must carry a function before a
    by-function income statement can be drawn."""
    return any(matches(line, prefix) for prefix in FUNCTION_LINES)


# The default function of an account by its number in the standard Finnish chart (the ranges
# of ``ledger/charts/*.csv``), where the number says what the account serves: purchases,
# services bought and the changes in inventories serve production; marketing and
# entertainment selling; premises, IT, telephone, office, bookkeeping, bank and insurance
# administration; the rest of the 8000s are other operating expenses. Personnel expenses,
# depreciation, vehicles and travel serve whichever function the company's people and assets
# do: they have no default, and a by-function statement is refused until they are given one.
DEFAULT_FUNCTIONS: tuple[tuple[int, int, str], ...] = (
    (3600, 3699, "cost_of_sales"),
    (4000, 4999, "cost_of_sales"),
    (7100, 7199, "administration"),
    (7300, 7399, "administration"),
    (7400, 7499, "selling"),
    (7600, 7699, "selling"),
    (7700, 7799, "administration"),
    (8000, 8999, "other"),
)


def default_function(number: str, line: str) -> str:
    """The function an account of ``number`` on the chart's ``line`` starts with ("" when the
    line takes none or the number's range has no default)."""
    if not needs_function(line) or not number[:4].isdigit():
        return ""
    head = int(number[:4].ljust(4, "0"))
    return next((f for low, high, f in DEFAULT_FUNCTIONS if low <= head <= high), "")


_FN = FUNCTION_PREFIX
_FN_OPERATING = ("IS.1", "IS.4", _FN)
_BY_NATURE = {item.code: item for item in INCOME_STATEMENT}


def _same(code: str, new_code: str, lines=None, forms=None) -> Item:
    """A by-nature item that the by-function formula repeats word for word."""
    item = _BY_NATURE[code]
    return Item(
        new_code,
        item.level,
        item.kind,
        item.fi,
        item.sv,
        item.en,
        tuple(lines) if lines is not None else item.lines,
        tuple(forms) if forms is not None else item.forms,
    )


# KPA 1339/1997 1 luku 2 § 1 mom. (toimintokohtainen tuloslaskelma), as 1752/2015 worded it
# (finlex.fi/fi/laki/alkup/2015/20151752, the text as first published, read through
# Finlex's open data): 1. LIIKEVAIHTO, 2. Hankinnan ja valmistuksen kulut, 3. Bruttokate,
# 4. Myynnin ja markkinoinnin kulut, 5. Hallinnon kulut, 6. Liiketoiminnan muut tuotot,
# 7. Liiketoiminnan muut kulut, 8. LIIKEVOITTO (-TAPPIO), 9. Rahoitustuotot ja -kulut a)-g)
# (as in 1 §), 10. VOITTO (TAPPIO) ENNEN TILINPÄÄTÖSSIIRTOJA JA VEROJA, 11. Tilinpäätössiirrot
# a) Poistoeron muutos b) Verotusperusteisten varausten muutos c) Konserniavustus,
# 12. Tuloverot, 13. Muut välittömät verot, 14. TILIKAUDEN VOITTO (TAPPIO). The Swedish labels
# are those of the same section's Swedish text, "Resultaträkning enligt funktion"
# (finlex.fi/sv/laki/alkup/2015/20151752), which PMA 1753/2015 Bilaga II repeats.
# "Bruttokate" is written in ordinary case: it is no capitalised subtotal, so PMA 2 luku
# 7 § does not require a small company to show it (it may be combined, and 2 luku 1 §
# 2 mom. and 4 luku 1 § let a small or micro company combine items 1-3 and 6 into one
# "Bruttotulos"). Tase keeps it in every form, as in the formula of PMA Liite II, but
# leaves it out like any item when it has nothing in either year (:func:`always_shown`).
# PMA Liite II is the same formula for a small company; Tase shows the financial items and
# the appropriations without their lettered sub-items there (combined, 2 luku 7 §) and a
# micro company the numbered items (4 luku 1 § 2 kohta). The English names are those of
# Directive 2013/34/EU art. 13's layout (Nordic Core Business Terminology collection
# "Toimintokohtainen tuloslaskelmakaava", sanastot.suomi.fi).
# Codes are "F" + the item's number in 2 §.
INCOME_STATEMENT_BY_FUNCTION: tuple[Item, ...] = (
    _same("1", "F1"),
    _i(
        "F2",
        0,
        "line",
        "Hankinnan ja valmistuksen kulut",
        "Kostnader för inköp och tillverkning",
        "Cost of sales",
        [f"{_FN}.cost_of_sales"],
    ),
    _i(
        "F3",
        0,
        "total",
        "Bruttokate",
        "Bruttobidrag",
        "Gross profit (loss)",
        ["IS.1", f"{_FN}.cost_of_sales"],
    ),
    _i(
        "F4",
        0,
        "line",
        "Myynnin ja markkinoinnin kulut",
        "Kostnader för försäljning och marknadsföring",
        "Distribution costs",
        [f"{_FN}.selling"],
    ),
    _i(
        "F5",
        0,
        "line",
        "Hallinnon kulut",
        "Administrationskostnader",
        "Administrative expenses",
        [f"{_FN}.administration"],
    ),
    _same("4", "F6"),
    _same("8", "F7", lines=[f"{_FN}.other"]),
    _same("9", "F8", lines=_FN_OPERATING),
    _same("10", "F9"),
    _same("10d", "F9d"),
    _same("10g", "F9g"),
    _same("11", "F10", lines=(*_FN_OPERATING, "IS.9")),
    _same("12", "F11"),
    _same("12a", "F11a"),
    _same("12b", "F11b"),
    _same("12c", "F11c"),
    _same("13", "F12"),
    _same("14", "F13"),
    _same("15", "F14", lines=["IS", _FN]),
)


# The small and the micro company's gross result (Bruttotulos): PMA 1753/2015 2 luku 1 § 2 mom.
# (pienyritys) and 4 luku 1 § (mikroyritys) let them combine the first items of the income
# statement into one item "Bruttotulos": by nature of expense items 1-5 (liikevaihto,
# valmiiden ja keskeneräisten tuotteiden varastojen muutos, valmistus omaan käyttöön,
# liiketoiminnan muut tuotot, materiaalit ja palvelut), by function items 1-3 and 6
# (liikevaihto, hankinnan ja valmistuksen kulut, bruttokate, liiketoiminnan muut tuotot);
# as Directive 2013/34/EU art. 14(2) allows ("gross profit or loss"). The full form has no such
# item (KPA 1:1-2 §), so it is refused there. The combined item takes the place of the first and
# is shown even when empty, as LIIKEVAIHTO is that it replaces (PMA 2:7 §).
GROSS_FORMS = ("micro", "small")
GROSS_COMBINES = {
    "income_statement": ("1", "2", "3", "4", "5", "5a", "5aa", "5ab", "5b"),
    "income_statement_by_function": ("F1", "F2", "F3", "F6"),
}
GROSS_ITEMS = {
    "income_statement": _i(
        "BT",
        0,
        "total",
        "Bruttotulos",
        "Bruttoresultat",
        "Gross profit or loss",
        ["IS.1", "IS.2", "IS.3", "IS.4", "IS.5"],
        GROSS_FORMS,
    ),
    "income_statement_by_function": _i(
        "FBT",
        0,
        "total",
        "Bruttotulos",
        "Bruttoresultat",
        "Gross profit or loss",
        ["IS.1", f"{_FN}.cost_of_sales", "IS.4"],
        GROSS_FORMS,
    ),
}
