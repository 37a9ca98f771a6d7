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
1053/2023). PMA as first published was rectified (Finlex: "Säädöstä oikaistu"); the
rectification notice, read in its Swedish text (Rättelser till Finlands författningssamling nr
1753/2015), corrects only cross-references to the Accounting Act in 1 luku 3 §, 2 luku 6 § and
3 luku 1 § (notes), not the layouts used here. No amending statute of PMA was found in the
sources searchable here (searched 8.12.2026 in Finnish and Swedish); HE 76/2024 amends the
Accounting Act's size limits of 1 luku, not PMA's layouts. The Swedish labels are those of the
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

from .balance_sheet import BALANCE_SHEET
from .fill import (
    LAYOUTS,
    Row,
    always_shown,
    fill,
    layout,
    presentation_sign,
    sum_lines,
    unmapped,
)
from .income_statement import (
    DEFAULT_FUNCTIONS,
    GROSS_COMBINES,
    GROSS_FORMS,
    GROSS_ITEMS,
    INCOME_STATEMENT,
    INCOME_STATEMENT_BY_FUNCTION,
    default_function,
    function_line,
    needs_function,
)
from .items import (
    ASSET_LINES,
    BASES,
    EQUITY_AND_LIABILITY_LINES,
    FORMS,
    FULL,
    FUNCTION_LINES,
    FUNCTION_PREFIX,
    FUNCTIONS,
    PROFIT_LINE,
    SMALL_UP,
    STATEMENTS,
    Item,
    matches,
)

__all__ = [
    "ASSET_LINES",
    "BALANCE_SHEET",
    "BASES",
    "DEFAULT_FUNCTIONS",
    "EQUITY_AND_LIABILITY_LINES",
    "FORMS",
    "FULL",
    "FUNCTIONS",
    "FUNCTION_LINES",
    "FUNCTION_PREFIX",
    "GROSS_COMBINES",
    "GROSS_FORMS",
    "GROSS_ITEMS",
    "INCOME_STATEMENT",
    "INCOME_STATEMENT_BY_FUNCTION",
    "LAYOUTS",
    "PROFIT_LINE",
    "SMALL_UP",
    "STATEMENTS",
    "Item",
    "Row",
    "always_shown",
    "default_function",
    "fill",
    "function_line",
    "layout",
    "matches",
    "needs_function",
    "presentation_sign",
    "sum_lines",
    "unmapped",
]
