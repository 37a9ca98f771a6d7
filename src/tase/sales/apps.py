from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "tase.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from tase.bank.matching import register_matcher
        from tase.core.registry import (
            ClosingCheck,
            DemoLoader,
            EuSalesSource,
            NavItem,
            SourceLink,
            register_closing_check,
            register_demo,
            register_eu_sales_source,
            register_nav,
            register_source_link,
        )

        from . import bank_matching, closing, demo, selectors
        from .links import invoice_url, payment_url
        from .services import cash_vat

        register_demo(DemoLoader("sales", demo.load, order=30))
        register_nav(NavItem("sales", _("Sales"), "sales:index", "sales.view", order=25))
        register_source_link(SourceLink("sales.invoice", invoice_url))
        register_source_link(SourceLink("sales.payment", payment_url))
        register_matcher(bank_matching.MATCHER)
        register_eu_sales_source(EuSalesSource("sales.invoices", selectors.eu_sales))
        register_closing_check(
            ClosingCheck(
                "sales.receivables",
                _("The receivables ledger equals the receivables accounts"),
                closing.receivables,
                closing.receivables_many,
                other_label=_("Open invoices"),
                order=20,
            )
        )
        register_closing_check(
            ClosingCheck(
                "sales.cash_vat_unpaid",
                _("No cash-based VAT waits past 12 months from delivery"),
                cash_vat.unpaid_check,
                cash_vat.unpaid_many,
                other_label=_("Allowed to wait"),
                order=21,
            )
        )
        from tase.core.registry import SpecificationSource, register_specification_source

        from .specification import open_invoices

        register_specification_source(
            SpecificationSource("sales.receivables", _("Open invoices"), open_invoices, order=20)
        )
