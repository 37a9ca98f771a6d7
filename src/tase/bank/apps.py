from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankConfig(AppConfig):
    name = "tase.bank"
    label = "bank"
    verbose_name = _("Bank")

    def ready(self):
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

        from . import closing, demo
        from .links import line_url, statement_url

        register_demo(DemoLoader("bank", demo.load, order=35))
        register_nav(NavItem("bank", _("Bank"), "bank:index", "bank.view", order=27))
        register_source_link(SourceLink("bank.line", line_url))
        register_source_link(SourceLink("bank.statement", statement_url))
        register_closing_check(
            ClosingCheck(
                "bank.statements",
                _("The bank accounts equal their statements"),
                closing.statements,
                closing.statements_many,
                other_label=_("Bank statements"),
                order=10,
            )
        )
        from tase.core.registry import SpecificationSource, register_specification_source

        from .specification import statement_balances

        register_specification_source(
            SpecificationSource(
                "bank.statements", _("Bank statements"), statement_balances, order=10
            )
        )
