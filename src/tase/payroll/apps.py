from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "tase.payroll"
    label = "payroll"
    verbose_name = _("Payroll")

    def ready(self):
        from tase.core.registry import (
            CompanyCopier,
            DemoLoader,
            NavItem,
            StartPanel,
            StateCheck,
            register_company_copier,
            register_company_pages,
            register_demo,
            register_nav,
            register_start_panel,
            register_state_check,
        )

        from . import panels
        from .demo import load_demo
        from .models import (
            Absence,
            Employee,
            Employment,
            HolidayRecord,
            IncomesRegisterReport,
            PayRun,
            Payslip,
        )
        from .services import copy_company_setup

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
                "holiday_calculator",
                _("Holiday calculator"),
                "payroll:holiday_calculator",
                "payslip.view_own",
                order=31,
            )
        )
        register_nav(
            NavItem(
                "my_payslips", _("My payslips"), "payroll:my_payslips", "payslip.view_own", order=32
            )
        )
        register_nav(
            NavItem(
                "my_holidays", _("My holidays"), "payroll:my_holidays", "payslip.view_own", order=33
            )
        )
        register_demo(DemoLoader("payroll", load_demo, order=40))
        from tase.core.registry import PersonnelSource, register_personnel_source

        from .personnel import average_personnel

        register_personnel_source(PersonnelSource("payroll.employments", average_personnel))
        from tase.core.registry import ClosingCheck, register_closing_check

        from . import closing

        register_closing_check(
            ClosingCheck(
                "payroll.liabilities",
                _("Payroll liabilities equal the pay runs"),
                closing.payroll,
                closing.payroll_many,
                other_label=_("Pay runs"),
                order=40,
            )
        )
        register_closing_check(
            ClosingCheck(
                "payroll.holiday_liability",
                _("The holiday-pay liability is posted at the year end"),
                closing.holiday_liability,
                other_label=_("Holiday-pay liability"),
                year_end=True,
                order=84,
            )
        )
        register_closing_check(
            ClosingCheck(
                "payroll.holiday_liability_posted",
                _("The holiday-pay liability is posted at the month end"),
                closing.holiday_liability_posted,
                closing.holiday_liability_posted_many,
                other_label=_("Holiday-pay liability"),
                order=85,
            )
        )
        # Pages of one employee, employment, pay run or payslip: their company is the object's.
        register_company_pages(
            Employee,
            "payroll:employee_detail",
            "payroll:employee_edit",
            "payroll:employee_identity_code",
            "payroll:employment_add",
            "payroll:tax_card_add",
            "payroll:employee_absences",
            "payroll:employee_holidays",
            "payroll:saved_leave",
        )
        register_company_pages(Absence, "payroll:absence_delete", "payroll:absence_kela")
        register_company_pages(HolidayRecord, "payroll:holiday_action")
        register_company_pages(Employment, "payroll:salary_change")
        register_company_pages(
            PayRun,
            "payroll:run_detail",
            "payroll:run_grid",
            "payroll:run_import",
            "payroll:run_progress",
            "payroll:run_action",
        )
        register_company_pages(Payslip, "payroll:payslip")
        register_company_pages(
            IncomesRegisterReport,
            "payroll:incomes_register_download",
            "payroll:incomes_register_sent",
        )
        register_company_copier(CompanyCopier("payroll", copy_company_setup, order=40))
        register_start_panel(
            StartPanel(
                "payroll", "payroll/_panel.html", "payroll.view", panels.start_panel, order=40
            )
        )
        register_state_check(
            StateCheck(
                "payroll.first_pay_run_calculated",
                _("First pay run calculated"),
                panels.first_pay_run_calculated,
            )
        )
        register_state_check(
            StateCheck(
                "payroll.first_pay_run_approved",
                _("First pay run approved"),
                panels.first_pay_run_approved,
            )
        )
        from tase.core.registry import SpecificationSource, register_specification_source

        from .specification import holiday_liability

        register_specification_source(
            SpecificationSource(
                "payroll.holiday_liability", _("Holiday-pay liability"), holiday_liability, order=40
            )
        )
