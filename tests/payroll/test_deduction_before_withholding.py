"""A deduction before withholding (vähennys ennen ennakonpidätystä, Incomes Register income
type 419): it lowers the withholding base and the TyEL, unemployment and health insurance
bases (the Register counts 419 in every social insurance base by default), is not taken from net pay, shows on the payslip, leaves the voucher balanced and is reported
as transaction 419 equal to its payslip line."""

import datetime as dt
from decimal import Decimal

from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import CompanyWageType, IncomesRegisterReport, Payslip
from tase.rules import payroll as engine
from tase.rules.payroll_catalogue import BY_CODE, PRE_TAX

from .factories import books, employee, pay_run

D = Decimal
CODE = "deduction_before_withholding"


CARD = engine.TaxCard(D("20"), D("40"), D("80000"))


def _slip(items, card=CARD):
    return engine.calculate(
        engine.PayslipInput(
            payment_date=dt.date(2026, 3, 31),
            birth_date=dt.date(1990, 5, 1),
            tax_card=card,
            items=tuple(items),
        )
    )


def test_the_wage_type_is_a_pre_tax_deduction_reported_as_419():
    wage = BY_CODE[CODE]
    assert wage.kind == PRE_TAX and wage.income_type == 419
    assert wage.taxable and wage.tyel and wage.unemployment and wage.health


def test_it_lowers_the_withholding_base_but_not_net_pay():
    salary = engine.PayItem("monthly_salary", amount=D("3500"))
    without = _slip([salary])
    slip = _slip([salary, engine.PayItem(CODE, amount=D("500"))])
    assert slip.gross_pay == D("3500.00")
    assert slip.taxable_income == D("3000.00")
    assert slip.withholding == D("600.00")  # 20 % of 3 000, not of 3 500
    assert slip.unemployment_base == D("3000.00") and slip.health_base == D("3000.00")
    # TyEL too: the employee's and the employer's TyEL are charged on 3 000, not 3 500.
    assert slip.tyel_base == D("3000.00") and without.tyel_base == D("3500.00")
    assert slip.employee_tyel < without.employee_tyel
    assert slip.employer_tyel < without.employer_tyel
    assert slip.pre_tax_deductions == D("500.00") and slip.other_deductions == 0
    # Net pay: the deduction is not taken from it; only the withholding and the unemployment
    # insurance contribution it lowered change.
    assert slip.net_pay == (
        slip.gross_pay - slip.withholding - slip.employee_tyel - slip.employee_unemployment
    )
    assert slip.net_pay - without.net_pay == D("100.00") + (
        without.employee_unemployment - slip.employee_unemployment
    ) + (without.employee_tyel - slip.employee_tyel)
    (line,) = slip.section("pre_tax")
    assert line.amount == D("500.00") and line.income_type == 419
    assert slip.to_dict()["deductions_before_withholding"] == "500.00"


def test_a_deduction_larger_than_the_pay_leaves_the_bases_at_zero():
    slip = _slip(
        [engine.PayItem("monthly_salary", amount=D("300")), engine.PayItem(CODE, amount=D("400"))]
    )
    assert slip.taxable_income == 0 and slip.withholding == 0
    assert slip.tyel_base == 0 and slip.employee_tyel == 0
    assert slip.net_pay == D("300.00")


def test_pay_run_payslip_voucher_and_report_419(world, clerk):
    from tase.ledger.models import Voucher

    books(world.company)
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    services.add_item(clerk, run, employee=worker, wage_type=CODE, amount=D("500"))
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    slip = Payslip.objects.get(pay_run=run)
    assert slip.gross_cents == 350000 and slip.taxable_cents == 300000
    assert slip.withholding_cents == 60000
    assert slip.net_cents == 350000 - 60000 - slip.employee_tyel_cents - (
        slip.employee_unemployment_cents
    )
    (line,) = [line for line in slip.lines if line["code"] == CODE]
    assert line["section"] == "pre_tax" and line["amount"] == "500.00"

    voucher = Voucher.objects.get(pk=run.voucher_id)
    entries = list(voucher.entries.select_related("account"))
    assert sum(e.amount_cents for e in entries) == 0
    by_account = {}
    for e in entries:
        by_account[e.account.number] = by_account.get(e.account.number, 0) + e.amount_cents
    assert by_account["5000"] == 350000  # the pay is gross pay, paid out
    assert by_account["2930"] == -60000  # the lower withholding
    assert by_account["2940"] == -slip.net_cents

    row = IncomesRegisterReport.objects.get(pay_run=run, kind=IncomesRegisterReport.Kind.EARNINGS)
    irf.validate(row.document, irf.WAGE_REPORTS)
    (report,) = irf.read(row.document).reports
    assert report.total(419) == D(line["amount"])
    assert report.total(201) == D("3500.00") and report.total(402) == D("600.00")

    page = world.client(Role.PAYROLL_CLERK).get(f"/payroll/payslips/{slip.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vähennykset ennen ennakonpidätystä" in html
    assert "Vähennys ennen ennakonpidätystä" in html


def test_existing_companies_get_the_wage_type_and_its_kind_is_named_in_finnish(world, clerk):
    services.ensure_setup(world.company)
    row = CompanyWageType.objects.get(company=world.company, code=CODE)
    assert row.kind == PRE_TAX and row.income_type == 419 and row.tyel
    from django.utils import translation

    with translation.override("fi"):
        assert row.get_kind_display() == "Vähennys ennen ennakonpidätystä"


def test_existing_companies_copies_follow_unless_changed(world, clerk):
    """The data migration: a copy with the flags Tase shipped before gets the TyEL base; a
    copy the company changed itself (here: out of the health base too) is left alone."""
    import importlib

    from django.apps import apps

    services.ensure_setup(world.company)
    row = CompanyWageType.objects.get(company=world.company, code=CODE)
    row.tyel = False
    row.save(update_fields=["tyel"])
    migration = importlib.import_module("tase.payroll.migrations.0023_ir_pre_tax_lowers_tyel")
    migration.forwards(apps, None)
    row.refresh_from_db()
    assert row.tyel
    row.tyel, row.health = False, False
    row.save(update_fields=["tyel", "health"])
    migration.forwards(apps, None)
    row.refresh_from_db()
    assert not row.tyel and not row.health
