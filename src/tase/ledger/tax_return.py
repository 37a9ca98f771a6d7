"""The income tax return's key figures (form 6B, Elinkeinotoiminnan veroilmoitus, yhteisö)
of a limited company's or cooperative's fiscal year: what the accountant types into OmaVero
from what the books know, each figure with the accounts it sums and its legal basis.

**No field codes**: the Tax Administration's record description of 6B (tietuekuvaus) was not
available, so the export names its figures and never a form field number (:data:`NO_CODES`).

The year's figures are one grouped query per account over the balance table (the same
rows as :func:`tase.ledger.financial_statements.line_totals`), the tax pools of the
fixed-asset register four more (:func:`tase.ledger.tax_depreciation.pools`) and the average
personnel what the personnel sources ask. The calculation of taxable income is the pure
rule :func:`tase.rules.tax_return.taxable_income`.

Which accounts: the lines of the chart (``income_statement_line``, ``balance_sheet_line``)
for the statement items, and each account's tax treatment (``Account.tax_treatment``) for
the calculation: representation (the shipped charts' 7600 Edustuskulut carries it),
non-deductible expenses (fines, tax increases, penalty interest on taxes; none in the
shipped charts: 9450 Viivästyskorot is late-payment interest, deductible when it is
commercial), tax-exempt income and dividends taxable in part (EVL 6 a §: which case applies
depends on facts the books do not hold, the listing of the payer and the holding, so the
account's treatment carries it). The confirmed losses of earlier years are the company's
:class:`~tase.ledger.models.ConfirmedLoss` rows (one more query).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tase.core.models import Company
from tase.rules import tax_return as rules
from tase.rules.financial_statements import ASSET_LINES
from tase.rules.parameters import value_at

from . import tax_depreciation
from .financial_statements import period_rows, statement_book_of
from .models import Account, ConfirmedLoss, FiscalYear
from .services import cents_to_decimal, fmt_date
from .services.depreciation_difference import DIFFERENCE_ACCOUNT
from .services.income_tax import pays_corporate_income_tax

TREATMENT = Account.TaxTreatment
APPROPRIATIONS, TAXES = ("IS.10",), ("IS.11", "IS.12")
FREE_EQUITY = ("BS.C.3", "BS.C.4", "BS.C.5")
NO_CODES = gettext_lazy(
    "No field codes: the Tax Administration's record description was not available"
)


def _under(line: str, prefixes) -> bool:
    return any(line == p or line.startswith(p + ".") for p in prefixes)


@dataclass
class Figure:
    """One key figure: ``amount`` in cents (None when the books do not know it), the
    accounts or items it sums (``source``) and its legal basis."""

    key: str
    label: str
    amount: int | None
    source: str
    basis: str


@dataclass
class TaxReturnFigures:
    company: Company
    year: FiscalYear
    key_figures: list[Figure]
    calculation: list[Figure]
    taxable: rules.TaxableIncome
    personnel: Decimal | None = None  # the average of the year (PMA 3:11 §), when known
    losses: list[LossRow] = field(default_factory=list)


@dataclass
class LossRow:
    """A confirmed loss of an earlier tax year in the year's calculation: ``confirmed`` and
    ``used_before`` as recorded, ``used`` this year and ``left`` after it, in cents;
    ``last_year`` the last tax year it may be deducted in."""

    tax_year: int
    confirmed: int
    used_before: int
    used: int
    left: int
    last_year: int
    expired: bool
    forfeited: bool

    @property
    def available(self) -> int:
        return self.used + self.left

    @property
    def state(self) -> str:
        return _loss_state(self)


@dataclass
class _Sum:
    cents: int = 0
    accounts: list[str] = field(default_factory=list)

    def add(self, number: str, cents: int) -> None:
        self.cents += cents
        self.accounts.append(number)

    def source(self, what: str) -> str:
        listed = ", ".join(sorted(set(self.accounts))) or _("no account with a balance")
        return f"{what}: {listed}"


def _check(company: Company, year: FiscalYear) -> None:
    if year.company_id != company.pk:
        raise ValidationError({"fiscal_year": _("Choose a fiscal year of the company.")})
    if not pays_corporate_income_tax(company):
        raise ValidationError(
            {
                "fiscal_year": _(
                    "Only limited companies and cooperatives file the income tax return 6B; "
                    "%(company)s is a %(form)s."
                )
                % {"company": company.name, "form": company.get_form_display()}
            }
        )
    if not year.is_open:
        return
    from . import closing

    gate = closing.closing_gate(company, year.end, year_end=True)
    if not gate.ok:
        raise ValidationError(
            {
                "year_end": _(
                    "The year %(year)s is open and its closing gate fails (%(failing)s): close "
                    "the year or fix the gate before the tax return figures."
                )
                % {
                    "year": f"{fmt_date(year.start)}\u2013{fmt_date(year.end)}",
                    "failing": ", ".join(str(row.label) for row in gate.failing),
                }
            }
        )


def _depreciation(company: Company, year: FiscalYear) -> tuple[int, str]:
    pools = tax_depreciation.pools(company, year)
    adjustment = rules.depreciation_adjustment(
        [
            (row.year.planned, row.year.change if row.booked else 0, row.year.maximum)
            for row in pools
        ]
    )
    if not pools:
        return 0, _("the fixed-asset register has no tax pool this year")
    names = ", ".join(row.label for row in pools)
    return adjustment, _("fixed-asset register, tax pools: %(pools)s") % {"pools": names}


def _skipped_years(company: Company, year: FiscalYear) -> list[int]:
    """The calendar years, between the company's first fiscal year in Tase and the year's
    end, in which none of its fiscal years ended: no tax years (the tax year is the calendar
    year in which the fiscal year ends). Years before Tase's first fiscal year are counted."""
    ends = set(
        FiscalYear.objects.filter(company=company, end__lte=year.end).values_list(
            "end__year", flat=True
        )
    )
    if not ends:
        return []
    return [y for y in range(min(ends), year.end.year) if y not in ends]


def _losses(company: Company, year: FiscalYear):
    """The confirmed losses of earlier tax years, their term and the years not counted."""
    recorded = {loss.tax_year: loss for loss in ConfirmedLoss.objects.filter(company=company)}
    tax_year = year.end.year
    earlier = [loss for loss in recorded.values() if loss.tax_year < tax_year]
    years = int(value_at("income_tax.loss_carryforward_years", year.end))
    skipped = _skipped_years(company, year) if earlier else []
    return [(loss.tax_year, loss.available) for loss in earlier], years, skipped, recorded


def tax_return_figures(company: Company, year: FiscalYear) -> TaxReturnFigures:
    """The key figures and the calculation of taxable income of ``year``: refused, naming
    the field, for a company that does not file 6B (only a limited company or a cooperative
    pays the corporate income tax, TVL 124 § 2 mom.) and for an open year whose closing gate
    with the year-end items fails (as the statement book is).

    The figures, their source and basis (Kirjanpitolaki KPL 1336/1997, Kirjanpitoasetus KPA
    1339/1997, Osakeyhtiölaki OYL 624/2006):

    * turnover: income-statement item 1 (lines ``IS.1``; KPL 4:1 §);
    * result before appropriations and taxes: items 1-9 (every income-statement line but
      ``IS.10``-``IS.12``; KPA 1:1 §); appropriations: item 10 (KPL 5:5 §, EVL 54 §);
    * income taxes and other direct taxes booked: items 11-12 (TVL 124 § 2 mom.);
    * the result: every revenue and expense account (KPA 1:1 §);
    * balance sheet total: the accounts of the lines ``BS.A`` and ``BS.B`` at the year's
      end, as the statements' total of assets (KPA 1:6 §); equity: the
      ``BS.C`` lines and the year's result; share capital: ``BS.C.1`` (OYL 1:3 §);
      distributable free equity: ``BS.C.3``-``BS.C.5`` and the year's result (OYL 13:5 §;
      the capitalised development costs 13:5 § deducts are not looked at);
    * accumulated depreciation difference: account 2400 (KPL 5:5 §, EVL 54 §);
    * average personnel: the personnel sources (payroll; PMA 3:11 §);
    * dividend proposed: no amount, the statement book keeps the proposal as text (OYL 13:6 §);
    * the calculation of taxable income: :mod:`tase.rules.tax_return`."""
    _check(company, year)
    qs, net = period_rows(company, year.start, year.end)
    rows = (
        qs.values(
            "account__number",
            "account__type",
            "account__income_statement_line",
            "account__balance_sheet_line",
            "account__tax_treatment",
        )
        .order_by()
        .annotate(net=Coalesce(net, 0))
    )
    income, assets, sums = _Sum(), _Sum(), defaultdict(_Sum)
    for row in rows:
        value, number = int(row["net"]), row["account__number"]
        if not value:
            continue
        kind = row["account__type"]
        if kind in (Account.Type.REVENUE, Account.Type.EXPENSE):
            line = row["account__income_statement_line"] or ""
            income.add(number, -value)
            if _under(line, APPROPRIATIONS):
                sums["appropriations"].add(number, -value)
            elif _under(line, TAXES):
                sums["taxes"].add(number, value)
            else:
                sums["before"].add(number, -value)
            if _under(line, ("IS.1",)):
                sums["turnover"].add(number, -value)
            treatment = row["account__tax_treatment"] or ""
            if treatment == TREATMENT.REPRESENTATION:
                sums["representation"].add(number, value)
            elif treatment == TREATMENT.NON_DEDUCTIBLE:
                sums["fines"].add(number, value)
            elif treatment == TREATMENT.TAX_EXEMPT:
                sums["exempt"].add(number, -value)
            elif treatment == TREATMENT.PARTLY_EXEMPT:
                sums["partly_exempt"].add(number, -value)
            continue
        line = row["account__balance_sheet_line"] or ""
        if _under(line, ASSET_LINES):  # as the statements' total of assets
            assets.add(number, value)
        if _under(line, ("BS.C",)):
            sums["equity"].add(number, -value)
        if _under(line, ("BS.C.1",)):
            sums["share_capital"].add(number, -value)
        if _under(line, FREE_EQUITY):
            sums["free_equity"].add(number, -value)
        if number == DIFFERENCE_ACCOUNT:
            sums["difference"].add(number, -value)
    profit = income.cents
    depreciation, depreciation_source = _depreciation(company, year)
    taxable_percent = value_at("income_tax.dividend_taxable_percent", year.end)
    exempt = sums["exempt"].cents + rules.exempt_part(sums["partly_exempt"].cents, taxable_percent)
    losses, loss_years, skipped, recorded = _losses(company, year)
    taxable = rules.taxable_income(
        profit,
        income_taxes=sums["taxes"].cents,
        representation=sums["representation"].cents,
        fines=sums["fines"].cents,
        depreciation_adjustment=depreciation,
        tax_exempt_income=exempt,
        tax_year=year.end.year,
        losses=losses,
        loss_years=loss_years,
        skipped_years=skipped,
    )
    from tase.core.registry import average_personnel

    personnel = average_personnel(company, year.start, year.end)
    book = statement_book_of(year)
    key_figures = [
        Figure(
            "turnover",
            _("Turnover"),
            sums["turnover"].cents,
            sums["turnover"].source(_("income statement item 1")),
            "KPL 1336/1997 4:1 §; KPA 1339/1997 1:1 §",
        ),
        Figure(
            "result_before_appropriations_and_taxes",
            _("Profit (loss) before appropriations and taxes"),
            sums["before"].cents,
            sums["before"].source(_("income statement items 1-9")),
            "KPA 1339/1997 1:1 §",
        ),
        Figure(
            "appropriations",
            _("Appropriations"),
            sums["appropriations"].cents,
            sums["appropriations"].source(_("income statement item 10")),
            "KPL 1336/1997 5:5 §; EVL 54 §",
        ),
        Figure(
            "income_taxes",
            _("Income taxes and other direct taxes booked"),
            sums["taxes"].cents,
            sums["taxes"].source(_("income statement items 11-12")),
            "TVL 1535/1992 124 § 2 mom.",
        ),
        Figure(
            "result",
            _("Profit (loss) for the financial year"),
            profit,
            income.source(_("every income statement account")),
            "KPA 1339/1997 1:1 §",
        ),
        Figure(
            "balance_sheet_total",
            _("Balance sheet total"),
            assets.cents,
            assets.source(_("balance sheet items Non-current and Current assets")),
            "KPA 1339/1997 1:6 §",
        ),
        Figure(
            "equity",
            _("Equity"),
            sums["equity"].cents + profit,
            sums["equity"].source(_("balance sheet item Equity and the year's result")),
            "KPA 1339/1997 1:6 §",
        ),
        Figure(
            "share_capital",
            _("Share capital or equivalent capital"),
            sums["share_capital"].cents,
            sums["share_capital"].source(_("balance sheet item Equity I")),
            "OYL 624/2006 1:3 §",
        ),
        Figure(
            "distributable_free_equity",
            _("Distributable free equity"),
            sums["free_equity"].cents + profit,
            sums["free_equity"].source(
                _("other reserves, retained earnings and the year's result")
            ),
            "OYL 624/2006 13:5 §",
        ),
        Figure(
            "depreciation_difference",
            _("Accumulated depreciation difference"),
            sums["difference"].cents,
            sums["difference"].source(_("account %(number)s") % {"number": DIFFERENCE_ACCOUNT}),
            "KPL 1336/1997 5:5 §; EVL 54 §",
        ),
        Figure(
            "personnel",
            _("Average number of personnel"),
            None,
            _("payroll employments")
            if personnel is not None
            else _("no employments recorded in Tase"),
            "PMA 1753/2015 3:11 §",
        ),
        Figure(
            "dividend_proposed",
            _("Dividend proposed by the board"),
            None,
            _("the statement book keeps the board's proposal as text only: %(text)s")
            % {"text": (book.board_proposal if book and book.board_proposal else "—")},
            "OYL 624/2006 13:6 §",
        ),
    ]
    steps = {step.key: step.amount for step in taxable.steps}
    calculation = [
        Figure(
            "result",
            _("Profit (loss) for the financial year"),
            profit,
            income.source(_("every income statement account")),
            "EVL 360/1968",
        ),
        Figure(
            "income_taxes",
            _("+ Income taxes booked (not deductible)"),
            steps["income_taxes"],
            sums["taxes"].source(_("income statement items 11-12")),
            "EVL 360/1968 16 § 4 kohta",
        ),
        Figure(
            "representation",
            _("+ Non-deductible half of representation expenses"),
            steps["representation"],
            sums["representation"].source(_("accounts with the representation treatment")),
            "EVL 360/1968 8 § 1 mom. 8 kohta",
        ),
        Figure(
            "fines",
            _("+ Non-deductible expenses: fines, tax increases and penalty interest on taxes"),
            steps["fines"],
            sums["fines"].source(_("accounts with the non-deductible treatment")),
            "EVL 360/1968 16 §",
        ),
        Figure(
            "depreciation",
            _("+/- Book depreciation over the EVL maximum"),
            steps["depreciation"],
            depreciation_source,
            "EVL 360/1968 24, 30, 34, 54 §",
        ),
        Figure(
            "tax_exempt_income",
            _("- Tax-exempt income (dividends)"),
            steps["tax_exempt_income"],
            _(
                "%(exempt)s; %(partly)s, of which %(percent)s %% is taxable. Whether a "
                "dividend is exempt depends on the payer's listing and the holding, which "
                "the books do not know: the account's tax treatment tells it"
            )
            % {
                "exempt": sums["exempt"].source(_("tax-exempt accounts")),
                "partly": sums["partly_exempt"].source(_("dividends taxable in part")),
                "percent": taxable_percent,
            },
            "EVL 360/1968 6 a §",
        ),
        Figure(
            "taxable_before_losses",
            _("= Taxable income before the losses of earlier years"),
            taxable.before_losses,
            _("the result plus additions less deductions, never below zero"),
            "TVL 1535/1992 119 §",
        ),
        Figure(
            "losses_of_earlier_years",
            _("- Confirmed losses of earlier years"),
            -taxable.losses_used,
            _(
                "the confirmed losses recorded, oldest first, as the income allows, within "
                "%(years)s tax years; an ownership change can forfeit them (TVL 122 §), "
                "which the books do not know"
            )
            % {"years": loss_years},
            "TVL 1535/1992 119 § 1 mom., 120 §, 122 §",
        ),
        Figure(
            "taxable_income",
            _("= Taxable income"),
            taxable.taxable_income,
            _("the taxable income before the losses less the losses deducted"),
            "TVL 1535/1992 124 § 2 mom.",
        ),
        Figure(
            "loss",
            _("Loss for the year"),
            taxable.loss,
            _("the negative sum, shown apart"),
            "TVL 1535/1992 119 §",
        ),
    ]
    loss_rows = []
    for use in taxable.loss_uses:
        loss = recorded[use.tax_year]
        loss_rows.append(
            LossRow(
                use.tax_year,
                loss.amount,
                loss.used_before,
                use.used,
                use.left,
                use.last_year,
                use.expired,
                loss.forfeited,
            )
        )
    return TaxReturnFigures(company, year, key_figures, calculation, taxable, personnel, loss_rows)


def _euros(cents: int | None) -> str | None:
    return None if cents is None else f"{cents_to_decimal(cents):.2f}"


def _figure_data(figure: Figure) -> dict:
    return {
        "key": figure.key,
        "label": str(figure.label),
        "amount": _euros(figure.amount),
        "source": str(figure.source),
        "basis": figure.basis,
    }


def to_data(figures: TaxReturnFigures) -> dict:
    """The JSON shape: figures as ``{key, label, amount, source, basis}``, euros as decimal
    strings (null when the books do not know the figure), and ``field_codes`` null."""
    year = figures.year
    personnel = figures.personnel
    return {
        "company": figures.company.name,
        "business_id": figures.company.business_id,
        "fiscal_year": {"start": year.start.isoformat(), "end": year.end.isoformat()},
        "field_codes": None,
        "field_codes_note": str(NO_CODES),
        "key_figures": [_figure_data(f) for f in figures.key_figures],
        "average_personnel": None if personnel is None else str(personnel),
        "calculation": [_figure_data(f) for f in figures.calculation],
        "taxable_income": _euros(figures.taxable.taxable_income),
        "loss": _euros(figures.taxable.loss),
        "losses_of_earlier_years": [
            {
                "tax_year": row.tax_year,
                "confirmed": _euros(row.confirmed),
                "used_before": _euros(row.used_before),
                "used": _euros(row.used),
                "left": _euros(row.left),
                "last_tax_year": row.last_year,
                "expired": row.expired,
                "forfeited": row.forfeited,
            }
            for row in figures.losses
        ],
    }


def _fi(cents: int | None) -> str:
    if cents is None:
        return ""
    return f"{cents_to_decimal(cents):.2f}".replace(".", ",")


def to_csv(figures: TaxReturnFigures) -> str:
    """The figures as a semicolon CSV with a BOM (Excel opens it in Finnish): the first
    line says plainly that there are no field codes."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(NO_CODES)])
    writer.writerow(
        [
            figures.company.name,
            figures.company.business_id,
            f"{fmt_date(figures.year.start)}\u2013{fmt_date(figures.year.end)}",
        ]
    )
    writer.writerow(
        [_("Section"), _("Key"), _("Figure"), _("Amount (EUR)"), _("Source"), _("Legal basis")]
    )
    sections = [
        (_("Key figures"), figures.key_figures),
        (_("Calculation of taxable income"), figures.calculation),
    ]
    for section, rows in sections:
        for figure in rows:
            amount = _fi(figure.amount)
            if figure.key == "personnel" and figures.personnel is not None:
                amount = str(figures.personnel).replace(".", ",")
            writer.writerow(
                [section, figure.key, figure.label, amount, figure.source, figure.basis]
            )
    section = _("Confirmed losses of earlier years")
    basis = "TVL 1535/1992 119 § 1 mom., 122 §"
    for row in figures.losses:
        state = _loss_state(row)
        used = _("Loss of %(year)s used this year") % {"year": row.tax_year}
        left = _("Loss of %(year)s left") % {"year": row.tax_year}
        writer.writerow([section, f"loss_{row.tax_year}_used", used, _fi(row.used), state, basis])
        writer.writerow([section, f"loss_{row.tax_year}_left", left, _fi(row.left), state, basis])
    return out.getvalue()


def _loss_state(row: LossRow) -> str:
    if row.forfeited:
        return _("forfeited by an ownership change (TVL 122 §)")
    if row.expired:
        return _("expired: the last tax year was %(year)s") % {"year": row.last_year}
    return _("confirmed %(amount)s, deducted before %(before)s, deductible until %(year)s") % {
        "amount": _fi(row.confirmed),
        "before": _fi(row.used_before),
        "year": row.last_year,
    }


def csv_response(figures: TaxReturnFigures):
    from django.http import HttpResponse

    response = HttpResponse(to_csv(figures), content_type="text/csv; charset=utf-8")
    name = f"veroilmoitus-6b-{figures.company.business_id}-{figures.year.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
