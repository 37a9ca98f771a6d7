from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "tase.ledger"
    label = "ledger"
    verbose_name = _("Bookkeeping")

    def ready(self):
        from tase.core.registry import (
            ClosingCheck,
            CompanyCopier,
            DemoLoader,
            NavItem,
            StartPanel,
            StateCheck,
            register_closing_check,
            register_company_copier,
            register_demo,
            register_nav,
            register_start_panel,
            register_state_check,
        )

        from . import closing, demo, services, views, year_end_checks

        register_nav(NavItem("ledger", _("Bookkeeping"), "ledger:index", "ledger.view", order=20))
        register_start_panel(
            StartPanel("ledger", "ledger/_panel.html", "ledger.view", views.start_panel, order=20)
        )
        register_demo(DemoLoader("ledger", demo.load, order=20))
        register_company_copier(CompanyCopier("ledger", services.copy_configuration, order=20))
        register_closing_check(
            ClosingCheck(
                "ledger.vat",
                _("The VAT accounts equal the VAT returns"),
                closing.vat_values,
                closing.vat_values_many,
                other_label=_("VAT returns"),
                order=30,
            )
        )
        register_closing_check(
            ClosingCheck(
                "ledger.depreciation",
                _("The planned depreciation is posted"),
                year_end_checks.depreciation_value,
                other_label=_("Depreciation plans"),
                year_end=True,
                order=80,
            )
        )
        register_closing_check(
            ClosingCheck(
                "ledger.accruals",
                _("The accruals due are reversed"),
                year_end_checks.accrual_reversals_value,
                other_label=_("Due for reversal"),
                year_end=True,
                order=81,
            )
        )
        register_closing_check(
            ClosingCheck(
                "ledger.vat_settled",
                _("The VAT of every period is settled"),
                year_end_checks.vat_settled_value,
                other_label=_("Settled"),
                year_end=True,
                order=82,
            )
        )
        register_closing_check(
            ClosingCheck(
                "ledger.income_tax",
                _("The income tax for the year is booked"),
                year_end_checks.income_tax_value,
                other_label=_("Proposal at the tax rate"),
                year_end=True,
                order=83,
            )
        )
        register_state_check(
            StateCheck(
                "ledger.chart_chosen",
                _("Chart of accounts chosen"),
                lambda organization: organization.companies.filter(accounts__isnull=False).exists(),
            )
        )
        register_state_check(
            StateCheck(
                "ledger.earlier_books_imported",
                _("Earlier books imported and reconciled"),
                lambda organization: organization.companies.filter(
                    vouchers__source__in=["tilitin", "kitsas", "opening-balances"]
                ).exists(),
            )
        )
        register_state_check(
            StateCheck(
                "ledger.first_voucher_posted",
                _("First voucher posted"),
                lambda organization: organization.companies.filter(
                    vouchers__state="posted"
                ).exists(),
            )
        )
