from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "tase.payroll"
    label = "payroll"
    verbose_name = _("Payroll")

    def ready(self):
        from tase.core.registry import DemoLoader, NavItem, register_demo, register_nav

        from .demo import load_demo

        register_nav(NavItem("payroll", _("Payroll"), "payroll:index", "payroll.view", order=30))
        register_nav(
            NavItem(
                "payroll_calculator",
                _("Salary calculator"),
                "payroll:calculator",
                "payslip.view_own",
                order=31,
            )
        )
        register_nav(
            NavItem(
                "my_payslips", _("My payslips"), "payroll:my_payslips", "payslip.view_own", order=32
            )
        )
        register_demo(DemoLoader("payroll", load_demo, order=40))
