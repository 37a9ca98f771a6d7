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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    action: str
    order: int = 100


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


def ordered(registry: dict) -> list:
    return sorted(registry.values(), key=lambda entry: (entry.order, entry.key))
