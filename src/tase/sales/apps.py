from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "tase.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from tase.core.registry import NavItem, register_nav

        register_nav(NavItem("sales", _("Sales"), "sales:index", "sales.view", order=25))
