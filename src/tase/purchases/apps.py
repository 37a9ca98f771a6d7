from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasesConfig(AppConfig):
    name = "tase.purchases"
    label = "purchases"
    verbose_name = _("Purchases")

    def ready(self):
        from tase.bank.matching import register_matcher
        from tase.core.registry import (
            ClosingCheck,
            DemoLoader,
            NavItem,
            SourceLink,
            register_closing_check,
            register_demo,
            register_nav,
            register_source_link,
        )

        from . import bank_matching, closing, demo, notices
        from .links import invoice_url, payment_url

        register_demo(DemoLoader("purchases", demo.load, order=35))
        register_nav(
            NavItem("purchases", _("Purchases"), "purchases:index", "purchases.view", order=27)
        )
        register_source_link(SourceLink("purchases.invoice", invoice_url))
        register_source_link(SourceLink("purchases.payment", payment_url))
        register_matcher(bank_matching.MATCHER)
        register_closing_check(
            ClosingCheck(
                "purchases.payables",
                _("The payables ledger equals the payables accounts"),
                closing.payables,
                closing.payables_many,
                other_label=_("Open purchase invoices"),
                order=25,
            )
        )
        notices.register()
        from tase.core.registry import SpecificationSource, register_specification_source

        from .specification import open_invoices

        register_specification_source(
            SpecificationSource(
                "purchases.payables", _("Open purchase invoices"), open_invoices, order=25
            )
        )
