from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasesConfig(AppConfig):
    name = "tase.purchases"
    label = "purchases"
    verbose_name = _("Purchases")

    def ready(self):
        from tase.core.registry import (
            DemoLoader,
            NavItem,
            SourceLink,
            register_demo,
            register_nav,
            register_source_link,
        )

        from . import demo
        from .links import invoice_url, payment_url

        register_demo(DemoLoader("purchases", demo.load, order=35))
        register_nav(
            NavItem("purchases", _("Purchases"), "purchases:index", "purchases.view", order=27)
        )
        register_source_link(SourceLink("purchases.invoice", invoice_url))
        register_source_link(SourceLink("purchases.payment", payment_url))
