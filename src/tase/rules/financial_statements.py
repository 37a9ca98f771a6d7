"""The statutory income statement and balance sheet layouts, and how the books fill them.

Three forms, chosen by the size class of Kirjanpitolaki 1336/1997 1 luku 4 a-4 b §:

* ``full``: Kirjanpitoasetus 1339/1997 (KPA) 1 luku 1 § (income statement by nature of
  expense, kululajikohtainen tuloslaskelma) and 6 § (balance sheet), in the wording of
  the amendment 1752/2015 (no extraordinary items, appropriations as item 12).
* ``small``: pienyritys, Valtioneuvoston asetus pien- ja mikroyrityksen tilinpäätöksessä
  esitettävistä tiedoista 1753/2015 (PMA) 2 luku (pienyrityksen tuloslaskelma- ja
  tasekaavat): the numbered income-statement items keep their lettered sub-items for
  materials, personnel and depreciation; the balance sheet shows the lettered and the
  Roman-numbered items, receivables and liabilities split into long-term and
  short-term (KPA 1:7 § and PMA 2 luku 4 § 4 mom.).
* ``micro``: mikroyritys, PMA 4 luku (mikroyrityksen tuloslaskelma ja tase sekä
  liitetiedot): the same formula with the numbered items only (4 luku 1 § 2 kohta: the
  lettered sub-items may be left out), and the shortened balance sheet of 4 luku 2 § 2-3
  mom.: on the assets side the Roman-numbered items (aineettomat hyödykkeet, aineelliset
  hyödykkeet, sijoitukset; vaihto-omaisuus, saamiset, rahoitusarvopaperit, rahat ja
  pankkisaamiset), on the other side the lettered items (oma pääoma, tilinpäätössiirtojen
  kertymä, pakolliset varaukset, vieras pääoma), the items of equity (those the company's
  own act puts in equity, edellisten tilikausien voitto (tappio) and tilikauden voitto
  (tappio); they also carry the distributable equity the board's proposal speaks of, PMA
  1 luku 1 § 5 mom.) and the amount of short-term debt ("Vieraasta pääomasta on
  eriteltävä lyhtyaikaisten [sic] velkojen määrä"; a small company shows the long-term
  amounts instead, 2 luku 4 § 4 mom.).

The PMA chapter titles (1 yleiset säännökset, 2 pienyrityksen tuloslaskelma- ja
tasekaavat, 3 pienyrityksen liitetiedot, 4 mikroyrityksen tuloslaskelma ja tase sekä
liitetiedot, 5 muut säännökset) and the KPA 1:1 § item list were read on Finlex
(finlex.fi/fi/laki/alkup/2015/20151753, finlex.fi/fi/laki/alkup/1997/19971339). The full
texts of KPA 1:1, 2 and 6 § in the wording of 1752/2015 (Finnish and Swedish) and of PMA
1753/2015 were read in the statutes as first published (alkuperäinen säädös) through
Finlex's open data (finlex.fi/fi/laki/alkup/2015/20151752,
finlex.fi/sv/laki/alkup/2015/20151752, finlex.fi/fi/laki/alkup/2015/20151753); KPA 1 §
agrees with the current Swedish text (finlex.fi/sv/laki/ajantasa/1997/19971339, up to FörfS
1053/2023); later amendments of PMA were not checked. The Swedish labels are those of the
Swedish text of the Finnish statutes, not the terms of Sweden's årsredovisningslag.

Accounts reach the rows by the statement line of the chart (column ``line`` of
``ledger/charts/*.csv``: ``IS.5.a``, ``BS.B.2.a`` ...): a row sums every line code that
equals one of its ``lines`` or starts with it followed by a dot. Totals sum line codes the
same way, so a total never depends on which rows a form shows. Amounts come in already
signed for presentation: income positive and expenses negative; assets, equity and
liabilities positive. An item with nothing in any column is left out (as Tilitin's
``T`` rows are; PMA 2 luku 8 §: "Jos yksittäisen nimikkeen kohdalle ei tule lukua
tilikaudelta ja edeltävältä tilikaudelta, nimikettä ei merkitä"); headings and the subtotals
the formulas write in capitals are always shown (PMA 2 luku 7 §: "on kuitenkin esitettävä
liikevaihto ja tilikauden voitto (tappio) sekä kaavaan isoin kirjaimin kirjoitetut
välisummat"). A subtotal the formula writes in ordinary case, Bruttokate of the by-function
formula, is an ordinary item there: left out when empty (:func:`always_shown`). Row codes
are the items' marks in the statute (``5a``, ``VA.B.II``), so the same code means the same
item in every form.

By function of expense (toimintokohtainen tuloslaskelma, KPA 1 luku 2 §): the same
statement with the operating expenses grouped by the function they serve instead of their
nature, see :data:`INCOME_STATEMENT_BY_FUNCTION`. Each account of a by-nature operating line
(:data:`FUNCTION_LINES`) carries its function (:data:`FUNCTIONS`) and reaches the layout on the
line ``FN.<function>``; the other lines (turnover, other operating income, the financial
items, appropriations and taxes) are the same in both, so both give the same result.

Imports nothing from Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMS = ("micro", "small", "full")
STATEMENTS = ("income_statement", "balance_sheet")
# How the income statement groups the operating expenses: by nature (kululajikohtainen, KPA
# 1:1 §) or by function (toimintokohtainen, KPA 1:2 §).
BASES = ("nature", "function")

# The functions of expense of KPA 1:2 § items 2, 4, 5 and 7: cost of sales (hankinnan ja
# valmistuksen kulut), selling and marketing, administration, other operating expenses.
FUNCTIONS = ("cost_of_sales", "selling", "administration", "other")
# The by-nature lines whose accounts a by-function statement takes by their function: items
# 2-3 (changes in inventories of finished goods, production for own use: they adjust the
# cost of production) and 5-8 (materials, personnel, depreciation, other expenses).
FUNCTION_LINES = ("IS.2", "IS.3", "IS.5", "IS.6", "IS.7", "IS.8")
FUNCTION_PREFIX = "FN"

# The line of the chart the period's result is added to on the balance sheet.
PROFIT_LINE = "BS.C.5"
ASSET_LINES = ("BS.A", "BS.B")
EQUITY_AND_LIABILITY_LINES = ("BS.C", "BS.D", "BS.E", "BS.F")


@dataclass(frozen=True)
class Item:
    code: str
    level: int
    kind: str  # heading | line | total
    fi: str
    sv: str
    en: str
    lines: tuple[str, ...] = ()
    forms: tuple[str, ...] = FORMS

    def label(self, language: str) -> str:
        """The label in ``language``; the Finnish one where no other is written."""
        return {"sv": self.sv, "en": self.en}.get(language) or self.fi


def _i(code, level, kind, fi, sv, en, lines=(), forms=FORMS) -> Item:
    return Item(code, level, kind, fi, sv, en, tuple(lines), tuple(forms))


SMALL_UP = ("small", "full")
FULL = ("full",)

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


_SHORT_RECEIVABLES = ("BS.B.2.a", "BS.B.2.b", "BS.B.2.c")

# KPA 1339/1997 1 luku 6 § (tase, in the wording of 1752/2015; Swedish "Balansräkning",
# finlex.fi/fi/laki/alkup/2015/20151752, finlex.fi/sv/laki/alkup/2015/20151752) and PMA
# 1753/2015 Liite V / Bilaga V (pienyrityksen tasekaava). The Roman-numbered asset items are
# in every form: the micro company's shortened balance sheet shows them too (PMA 4 luku 2 §
# 2 mom. 1 kohta), as does the small company's (2 luku 4 § 2 mom.). The long-term / short-term
# headings under receivables and liabilities are Tase's own: the statute says "erikseen
# pitkäaikaiset" / "separat långfristiga".

BALANCE_SHEET: tuple[Item, ...] = (
    _i("VA", 0, "heading", "VASTAAVAA", "AKTIVA", "ASSETS"),
    _i("VA.A", 0, "line", "PYSYVÄT VASTAAVAT", "BESTÅENDE AKTIVA", "NON-CURRENT ASSETS", ["BS.A"]),
    _i(
        "VA.A.I",
        1,
        "line",
        "Aineettomat hyödykkeet",
        "Immateriella tillgångar",
        "Intangible assets",
        ["BS.A.1"],
    ),
    _i(
        "VA.A.II",
        1,
        "line",
        "Aineelliset hyödykkeet",
        "Materiella tillgångar",
        "Tangible assets",
        ["BS.A.2"],
    ),
    _i("VA.A.III", 1, "line", "Sijoitukset", "Placeringar", "Investments", ["BS.A.3"]),
    _i("VA.B", 0, "line", "VAIHTUVAT VASTAAVAT", "RÖRLIGA AKTIVA", "CURRENT ASSETS", ["BS.B"]),
    _i(
        "VA.B.I",
        1,
        "line",
        "Vaihto-omaisuus",
        "Omsättningstillgångar",
        "Inventories",
        ["BS.B.1"],
    ),
    _i("VA.B.II", 1, "line", "Saamiset", "Fordringar", "Receivables", ["BS.B.2"]),
    _i(
        "VA.B.II.L",
        2,
        "line",
        "Pitkäaikaiset saamiset",
        "Långfristiga fordringar",
        "Non-current receivables",
        ["BS.B.2.L"],
        SMALL_UP,
    ),
    _i(
        "VA.B.II.S",
        2,
        "line",
        "Lyhytaikaiset saamiset",
        "Kortfristiga fordringar",
        "Current receivables",
        _SHORT_RECEIVABLES,
        SMALL_UP,
    ),
    _i(
        "VA.B.II.S.1",
        3,
        "line",
        "Myyntisaamiset",
        "Kundfordringar",
        "Trade receivables",
        ["BS.B.2.a"],
        FULL,
    ),
    _i(
        "VA.B.II.S.5",
        3,
        "line",
        "Muut saamiset",
        "Övriga fordringar",
        "Other receivables",
        ["BS.B.2.b"],
        FULL,
    ),
    _i(
        "VA.B.II.S.7",
        3,
        "line",
        "Siirtosaamiset",
        "Resultatregleringar",
        "Prepayments and accrued income",
        ["BS.B.2.c"],
        FULL,
    ),
    _i(
        "VA.B.III",
        1,
        "line",
        "Rahoitusarvopaperit",
        "Finansiella värdepapper",
        "Financial securities",
        ["BS.B.3"],
    ),
    _i(
        "VA.B.IV",
        1,
        "line",
        "Rahat ja pankkisaamiset",
        "Kassa och bank",
        "Cash and cash equivalents",
        ["BS.B.4"],
    ),
    _i("VA.T", 0, "total", "VASTAAVAA YHTEENSÄ", "AKTIVA SAMMANLAGT", "TOTAL ASSETS", ASSET_LINES),
    _i("VT", 0, "heading", "VASTATTAVAA", "PASSIVA", "EQUITY AND LIABILITIES"),
    _i("VT.A", 0, "line", "OMA PÄÄOMA", "EGET KAPITAL", "EQUITY", ["BS.C"]),
    _i(
        "VT.A.I",
        1,
        "line",
        "Osake-, osuus- tai muu vastaava pääoma",
        "Aktie- eller andelskapital eller annat motsvarande kapital",
        "Share capital or equivalent capital",
        ["BS.C.1"],
    ),
    _i(
        "VT.A.II",
        1,
        "line",
        "Ylikurssirahasto",
        "Överkursfond",
        "Share premium account",
        ["BS.C.2"],
    ),
    _i("VT.A.IV", 1, "line", "Muut rahastot", "Övriga fonder", "Other reserves", ["BS.C.3"]),
    _i(
        "VT.A.V",
        1,
        "line",
        "Edellisten tilikausien voitto (tappio)",
        "Balanserad vinst (förlust) från tidigare räkenskapsperioder",
        "Retained earnings (loss)",
        ["BS.C.4"],
    ),
    _i(
        "VT.A.VI",
        1,
        "line",
        "Tilikauden voitto (tappio)",
        "Räkenskapsperiodens vinst (förlust)",
        "Profit (loss) for the financial year",
        [PROFIT_LINE],
    ),
    _i(
        "VT.B",
        0,
        "line",
        "TILINPÄÄTÖSSIIRTOJEN KERTYMÄ",
        "ACKUMULERADE BOKSLUTSDISPOSITIONER",
        "ACCUMULATED APPROPRIATIONS",
        ["BS.D"],
    ),
    _i(
        "VT.C",
        0,
        "line",
        "PAKOLLISET VARAUKSET",
        "AVSÄTTNINGAR",
        "PROVISIONS",
        ["BS.E"],
    ),
    _i("VT.D", 0, "line", "VIERAS PÄÄOMA", "FRÄMMANDE KAPITAL", "LIABILITIES", ["BS.F"]),
    _i("VT.D.L", 1, "line", "Pitkäaikainen", "Långfristigt", "Non-current", ["BS.F.1"], SMALL_UP),
    _i(
        "VT.D.L.3",
        2,
        "line",
        "Lainat rahoituslaitoksilta",
        "Skulder till kreditinstitut",
        "Loans from credit institutions",
        ["BS.F.1.a"],
        FULL,
    ),
    _i(
        "VT.D.L.M",
        2,
        "line",
        "Muut velat",
        "Övriga skulder",
        "Other liabilities",
        ["BS.F.1.b"],
        FULL,
    ),
    # Short-term debt: the micro company's one split of its liabilities (PMA 4 luku 2 § 3 mom.),
    # beside the long-term part in the small form (2 luku 4 § 4 mom.).
    _i("VT.D.S", 1, "line", "Lyhytaikainen", "Kortfristigt", "Current", ["BS.F.2"]),
    _i(
        "VT.D.S.3",
        2,
        "line",
        "Lainat rahoituslaitoksilta",
        "Skulder till kreditinstitut",
        "Loans from credit institutions",
        ["BS.F.2.a"],
        FULL,
    ),
    _i(
        "VT.D.S.5",
        2,
        "line",
        "Saadut ennakot",
        "Erhållna förskott",
        "Advances received",
        ["BS.F.2.b"],
        FULL,
    ),
    _i(
        "VT.D.S.6",
        2,
        "line",
        "Ostovelat",
        "Leverantörsskulder",
        "Trade payables",
        ["BS.F.2.c"],
        FULL,
    ),
    _i(
        "VT.D.S.M",
        2,
        "line",
        "Muut velat",
        "Övriga skulder",
        "Other liabilities",
        ["BS.F.2.d"],
        FULL,
    ),
    _i(
        "VT.D.S.S",
        2,
        "line",
        "Siirtovelat",
        "Resultatregleringar",
        "Accruals and deferred income",
        ["BS.F.2.e"],
        FULL,
    ),
    _i(
        "VT.T",
        0,
        "total",
        "VASTATTAVAA YHTEENSÄ",
        "PASSIVA SAMMANLAGT",
        "TOTAL EQUITY AND LIABILITIES",
        EQUITY_AND_LIABILITY_LINES,
    ),
)

LAYOUTS = {
    "income_statement": INCOME_STATEMENT,
    "income_statement_by_function": INCOME_STATEMENT_BY_FUNCTION,
    "balance_sheet": BALANCE_SHEET,
}


def matches(line: str, prefix: str) -> bool:
    """True when the chart's ``line`` code falls under ``prefix`` (``IS.5.a`` under ``IS.5``)."""
    return line == prefix or line.startswith(prefix + ".")


def presentation_sign(line: str) -> int:
    """The sign that turns a line's net (debit - credit) into the printed amount: income,
    equity and liabilities are credits, shown positive; assets and expenses as they are
    (expenses then show negative after the income-statement sign)."""
    if line.startswith(("IS", FUNCTION_PREFIX)):
        return -1
    return 1 if any(matches(line, prefix) for prefix in ASSET_LINES) else -1


@dataclass
class Row:
    code: str
    label: str
    level: int
    kind: str
    amounts: list[int | None] = field(default_factory=list)


def sum_lines(amounts: dict[str, list[int]], prefixes, columns: int) -> list[int]:
    total = [0] * columns
    for line, values in amounts.items():
        if any(matches(line, prefix) for prefix in prefixes):
            for index, value in enumerate(values):
                total[index] += value
    return total


def always_shown(item: Item) -> bool:
    """True for the items shown even with nothing in them: headings and the subtotals the
    formulas write in capitals (PMA 1753/2015 2 luku 7 §: "on kuitenkin esitettävä
    liikevaihto ja tilikauden voitto (tappio) sekä kaavaan isoin kirjaimin kirjoitetut
    välisummat"). Bruttokate, a subtotal in ordinary case, is left out when empty like the
    lines (2 luku 8 §)."""
    return item.kind == "heading" or (item.kind == "total" and item.fi == item.fi.upper())


def layout(statement: str, form: str) -> tuple[Item, ...]:
    if statement not in LAYOUTS:
        raise KeyError(statement)
    if form not in FORMS:
        raise KeyError(form)
    return tuple(item for item in LAYOUTS[statement] if form in item.forms)


def fill(
    statement: str,
    form: str,
    amounts: dict[str, list[int]],
    *,
    columns: int,
    language: str = "fi",
    keep_empty: bool = False,
) -> list[Row]:
    """The rows of ``statement`` in ``form`` from presentation-signed cents per chart line
    per column (this year first, then the previous). Empty items are left out unless
    ``keep_empty``."""
    rows = []
    for item in layout(statement, form):
        if item.kind == "heading":
            rows.append(
                Row(item.code, item.label(language), item.level, item.kind, [None] * columns)
            )
            continue
        values = sum_lines(amounts, item.lines, columns)
        if not always_shown(item) and not keep_empty and not any(values):
            continue
        rows.append(Row(item.code, item.label(language), item.level, item.kind, values))
    return rows


def unmapped(amounts: dict[str, list[int]], statement: str) -> list[str]:
    """Chart lines with an amount that no main item of ``statement`` takes (a chart whose
    line codes this layout does not know): reported, never silently dropped."""
    prefixes = [
        p
        for item in LAYOUTS[statement]
        if item.level == 0 and item.kind == "line"
        for p in item.lines
    ]
    return sorted(
        line
        for line, values in amounts.items()
        if any(values) and not any(matches(line, p) for p in prefixes)
    )
