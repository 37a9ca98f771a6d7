"""Registries the product apps fill in their ``AppConfig.ready``, so core knows no product.

- navigation entries (shown when the user's roles allow the action),
- start-page panels (a template and a function that gives its context),
- demo-data loaders run by ``tase demo``,
- state checks that implementation tasks can be tied to ("chart of accounts chosen"),
- banner sources: notices shown on top of every page (a service break, a test environment),
- company pages: pages whose URL names an object rather than its company, with the way to find
  that company (so a page can say which company it is about),
- company copiers: each app copies its configuration into a new test-environment company,
- billable sources: what the vendor sells beyond the contract (agreed change requests, accepted
  training orders, phone support) offered for invoicing, so sales bills it without importing
  the apps that sold it,
- EU sales sources: each customer VAT number's sales of goods and services to other member
  states in a period, which the books' recapitulative statement (VSRALVYV) lists without
  knowing invoices.
- closing checks: the assertions of the closing gate (the receivables ledger equals the
  receivables accounts, …) that must tie before a period is locked or a fiscal year closed.
- personnel sources: the average number of a company's personnel in a period, which the books'
  notes to the financial statements show without knowing employments.
- specification sources: the items behind a balance-sheet account (open invoices, bank
  statements, the holiday-pay liability) that the books' balance-sheet specifications list
  without knowing invoices, statements or employments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .links import fixed_url


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    action: str
    order: int = 100

    @property
    def url(self) -> str:
        return fixed_url(self.url_name)


@dataclass(frozen=True)
class StartPanel:
    key: str
    template: str
    action: str
    context: Callable[[Any], dict]  # (request) -> template context
    order: int = 100


@dataclass(frozen=True)
class DemoLoader:
    key: str
    load: Callable[[Any], None]  # (DemoContext) -> None; must be idempotent
    order: int = 100


@dataclass(frozen=True)
class StateCheck:
    code: str
    label: Any
    check: Callable[[Any], bool]  # (Organization) -> bool


@dataclass(frozen=True)
class BannerSource:
    key: str
    banners: Callable[
        [Any], list[dict]
    ]  # (request) -> [{"kind": "service_break"|"test"|"warn", "text": str}]


@dataclass(frozen=True)
class CompanyPage:
    view_name: str  # "payroll:run_detail"
    model: Any  # the model the URL's ``pk`` names; it has a ``company`` foreign key


@dataclass(frozen=True)
class SourceLink:
    """Where a posted voucher came from: the app that posted it with ``source`` gives the URL
    of the originating document (an invoice, a pay run), so the books drill down to it."""

    source: str  # Voucher.source, "sales.invoice"
    url: Callable[[Any], str | None]  # (voucher) -> URL or None


@dataclass(frozen=True)
class CompanyCopier:
    key: str
    copy: Callable[[Any, Any, Any], None]  # (actor, source Company, target Company) -> None
    order: int = 100


@dataclass(frozen=True)
class BillableItem:
    """One thing a vendor may invoice a customer organization for. ``ref`` is unique and
    stable (``"delivery.change_request:12"``), so it is billed once."""

    ref: str
    customer_id: int  # the customer Organization's id
    date: Any  # datetime.date: when it was delivered or agreed
    description: str
    quantity: Any  # Decimal
    unit: str
    unit_price: Any  # Decimal, euros
    price_includes_vat: bool = False
    vat_code: str = "S"


@dataclass(frozen=True)
class BillableSource:
    key: str
    label: Any
    # (vendor Organization, first day, last day) -> the items delivered or agreed in the period
    items: Callable[[Any, Any, Any], list[BillableItem]]


BILLABLE_SOURCES: dict[str, BillableSource] = {}


def register_billable_source(source: BillableSource) -> None:
    BILLABLE_SOURCES[source.key] = source


def billable_items(vendor, start, end) -> list[BillableItem]:
    """Every registered source's items for ``vendor``'s customers in ``start`` … ``end``."""
    return [
        item
        for source in sorted(BILLABLE_SOURCES.values(), key=lambda s: s.key)
        for item in source.items(vendor, start, end)
    ]


@dataclass(frozen=True)
class EuSales:
    """One customer's sales to another member state in a period, in cents (net, 0 % VAT)."""

    vat_number: str  # the customer's VAT number with its country code
    goods: int = 0
    services: int = 0
    triangular: int = 0


@dataclass(frozen=True)
class EuSalesSource:
    key: str
    # (Company, first day, last day) -> the period's EU sales per customer VAT number
    sales: Callable[[Any, Any, Any], list[EuSales]]


EU_SALES_SOURCES: dict[str, EuSalesSource] = {}


def register_eu_sales_source(source: EuSalesSource) -> None:
    EU_SALES_SOURCES[source.key] = source


def eu_sales(company, start, end) -> list[EuSales]:
    """Every registered source's EU sales of ``company`` in ``start`` … ``end``."""
    return [
        row
        for source in sorted(EU_SALES_SOURCES.values(), key=lambda s: s.key)
        for row in source.sales(company, start, end)
    ]


@dataclass(frozen=True)
class ClosingValue:
    """One assertion's two sides in cents: what the books say and what the other ledger (the
    open invoices, the VAT return, the pay runs, the bank statement) says; they must be equal.
    ``detail`` names the part when a check gives several (a VAT period, a bank account);
    ``url`` drills down to where the difference can be looked into."""

    book_cents: int
    other_cents: int
    url: str = ""
    detail: str = ""

    @property
    def difference_cents(self) -> int:
        return self.book_cents - self.other_cents


@dataclass(frozen=True)
class ClosingCheck:
    """An assertion of the closing gate. ``values`` answers for one company on a date (the
    end of that day): a :class:`ClosingValue`, a list of them, or None when the check does not
    apply to the company (no pay runs, no chart). ``many`` (optional) answers the same for
    many companies at once, ``{company_id: values}``, in a number of queries that does not
    grow with the companies (the accounting office's page); without it the page asks
    ``values`` once per company. ``year_end``: asked only when a fiscal year is closed (the
    year-end checklist's items), not when a month is locked. Registering one from a
    selector that already gives the differences takes three lines::

        register_closing_check(ClosingCheck("bank.statements", _("Bank accounts equal the
            statements"), lambda company, on: [ClosingValue(d.book_cents, d.statement_cents,
            d.url, d.iban) for d in statement_balance_differences(company, on)]))
    """

    code: str
    label: Any  # a lazy translation: "The receivables ledger equals the receivables accounts"
    values: Callable[[Any, Any], Any]  # (Company, date) -> ClosingValue | list | None
    many: Callable[[list, Any], dict] | None = None  # ([Company], date) -> {id: values}
    other_label: Any = (
        None  # what the other side is called ("Open invoices"); default "Other ledger"
    )
    year_end: bool = False
    order: int = 100

    @property
    def key(self) -> str:
        return self.code


CLOSING_CHECKS: dict[str, ClosingCheck] = {}


def register_closing_check(check: ClosingCheck) -> None:
    CLOSING_CHECKS[check.code] = check


NAV: dict[str, NavItem] = {}
BANNER_SOURCES: dict[str, BannerSource] = {}
COMPANY_PAGES: dict[str, CompanyPage] = {}
COMPANY_COPIERS: dict[str, CompanyCopier] = {}
SOURCE_LINKS: dict[str, SourceLink] = {}
START_PANELS: dict[str, StartPanel] = {}
DEMO_LOADERS: dict[str, DemoLoader] = {}
STATE_CHECKS: dict[str, StateCheck] = {}


def register_nav(item: NavItem) -> None:
    NAV[item.key] = item


def register_start_panel(panel: StartPanel) -> None:
    START_PANELS[panel.key] = panel


def register_demo(loader: DemoLoader) -> None:
    DEMO_LOADERS[loader.key] = loader


def register_state_check(check: StateCheck) -> None:
    STATE_CHECKS[check.code] = check


def register_banner_source(source: BannerSource) -> None:
    BANNER_SOURCES[source.key] = source


def register_company_pages(model, *view_names: str) -> None:
    for view_name in view_names:
        COMPANY_PAGES[view_name] = CompanyPage(view_name, model)


def register_source_link(link: SourceLink) -> None:
    SOURCE_LINKS[link.source] = link


def source_url(voucher) -> str | None:
    """The URL of the document ``voucher`` was posted from, if its app registered one."""
    link = SOURCE_LINKS.get(getattr(voucher, "source", ""))
    return link.url(voucher) if link else None


def register_company_copier(copier: CompanyCopier) -> None:
    COMPANY_COPIERS[copier.key] = copier


@dataclass(frozen=True)
class PersonnelSource:
    key: str
    # (Company, first day, last day) -> the average headcount of the period, None if unknown
    average: Callable[[Any, Any, Any], Any]


PERSONNEL_SOURCES: dict[str, PersonnelSource] = {}


def register_personnel_source(source: PersonnelSource) -> None:
    PERSONNEL_SOURCES[source.key] = source


def average_personnel(company, start, end):
    """The sum of every registered source's average personnel of ``company`` in ``start`` …
    ``end`` (a Decimal), or None when no source knows any."""
    found = [
        value
        for source in sorted(PERSONNEL_SOURCES.values(), key=lambda s: s.key)
        if (value := source.average(company, start, end)) is not None
    ]
    return sum(found) if found else None


def ordered(registry: dict) -> list:
    return sorted(registry.values(), key=lambda entry: (entry.order, entry.key))


@dataclass(frozen=True)
class SpecificationItem:
    """One item behind a balance-sheet account's balance (an open invoice, a bank statement's
    closing balance, an employee's holiday-pay liability), in cents with the balance sheet's
    sign (a receivable and a liability both positive). The account is named by ``number`` or,
    when the source knows only the kind of account, by its ``role``
    (:class:`tase.ledger.models.Account.Role`: the amount then belongs to the first account
    of that role)."""

    text: str
    amount_cents: int
    number: str = ""
    role: str = ""
    reference: str = ""  # an invoice or statement number, a date
    url: str = ""


@dataclass(frozen=True)
class SpecificationSource:
    """Where the balance-sheet specifications (tase-erittelyt, Kirjanpitolaki 1336/1997
    3:13 §) find the items of the accounts another app keeps a ledger of: sales the open
    invoices, purchases the open purchase invoices, bank the statements, payroll the
    holiday-pay liability. The books know none of them."""

    key: str
    label: Any  # a lazy translation: "Open invoices"
    items: Callable[[Any, Any], list[SpecificationItem]]  # (Company, date) -> items
    order: int = 100


SPECIFICATION_SOURCES: dict[str, SpecificationSource] = {}


def register_specification_source(source: SpecificationSource) -> None:
    SPECIFICATION_SOURCES[source.key] = source
