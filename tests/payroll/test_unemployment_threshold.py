"""Pay runs of a company above the unemployment insurance wage-sum threshold: the year's wage
sum (approved runs this year, then this run's earlier payslips in the run's order) decides
where the higher employer rate starts; the crossing payslip is split."""

import datetime as dt
from decimal import Decimal

from tase.payroll import services
from tase.payroll.models import PayrollSettings
from tase.payroll.postings import voucher_lines

from .factories import employee, pay_run

# 2026: threshold 2,509,500 €, employer rates 0.31 % (up to it) and 1.23 % (above it).


def _unemployment(slip):
    return [
        (line["code"], line["base"], line["rate"], line["amount"])
        for line in slip.lines
        if line["code"].startswith("employer_unemployment")
    ]


def _above(world):
    PayrollSettings.objects.filter(company=world.company).update(above_unemployment_threshold=True)


def test_the_run_splits_the_payslip_that_crosses_the_threshold(world, clerk):
    _above(world)
    big = employee(clerk, world.company, last_name="Iso", salary="2000000.00")
    january = pay_run(clerk, world.company, dt.date(2026, 1, 31), employees=[big])
    services.calculate_pay_run(clerk, january)
    services.approve_pay_run(clerk, january)
    draft = pay_run(clerk, world.company, dt.date(2026, 2, 28), employees=[big])
    services.calculate_pay_run(clerk, draft)  # a draft run does not count
    employee(clerk, world.company, last_name="Ahola", salary="3500.00")
    employee(clerk, world.company, last_name="Virtanen", salary="3500.00")
    employee(
        clerk, world.company, last_name="Vanha", salary="3500.00", birth_date=dt.date(1955, 1, 1)
    )
    march = pay_run(clerk, world.company, dt.date(2026, 3, 31))
    services.calculate_pay_run(clerk, march)
    slips = {s.employee.last_name: s for s in march.payslips.select_related("employee")}
    # Order: Ahola, Iso, Vanha, Virtanen. Before Ahola: 2,000,000 (January).
    assert _unemployment(slips["Ahola"]) == [
        ("employer_unemployment", "3500.00", "0.31", "10.85"),
    ]
    # Before Iso: 2,003,500; room 506,000 at 0.31 % = 1568.60; 1,494,000 at 1.23 % = 18376.20.
    assert _unemployment(slips["Iso"]) == [
        ("employer_unemployment", "506000.00", "0.31", "1568.60"),
        ("employer_unemployment_above", "1494000.00", "1.23", "18376.20"),
    ]
    assert slips["Iso"].employer_unemployment_cents == 1994480
    # Vanha (aged 71) is outside the age range: no contribution, nothing added to the sum.
    assert _unemployment(slips["Vanha"]) == [] and slips["Vanha"].unemployment_wage_sum_cents == 0
    assert _unemployment(slips["Virtanen"]) == [
        ("employer_unemployment_above", "3500.00", "1.23", "43.05"),
    ]
    assert any("2003500.00" in note for note in slips["Iso"].notes)
    # Both parts are posted to the unemployment insurance expense and liability.
    lines = voucher_lines([slips["Iso"]])
    expense = sum(line["debit"] or 0 for line in lines if line["account"] == "6410")
    assert expense == Decimal("19944.80")


def test_a_company_below_the_threshold_pays_the_lower_rate_on_everything(world, clerk):
    big = employee(clerk, world.company, last_name="Iso", salary="3000000.00")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    (slip,) = run.payslips.all()
    assert _unemployment(slip) == [("employer_unemployment", "3000000.00", "0.31", "9300.00")]
    assert slip.unemployment_wage_sum_cents == 300000000
    assert big


def test_cancelled_and_last_years_runs_do_not_count(world, clerk):
    _above(world)
    big = employee(clerk, world.company, last_name="Iso", salary="2600000.00", card_year=2025)
    services.add_tax_card(clerk, big, year=2026, valid_from=dt.date(2026, 1, 1), kind="card",
                          base_rate="20", additional_rate="40", income_limit="40000")  # fmt: skip
    december = pay_run(clerk, world.company, dt.date(2025, 12, 31))
    services.calculate_pay_run(clerk, december)
    services.approve_pay_run(clerk, december)
    january = pay_run(clerk, world.company, dt.date(2026, 1, 31))
    services.calculate_pay_run(clerk, january)
    services.approve_pay_run(clerk, january)
    services.cancel_pay_run(clerk, january)
    february = pay_run(clerk, world.company, dt.date(2026, 2, 28))
    services.calculate_pay_run(clerk, february)
    (slip,) = february.payslips.all()
    # Nothing before in 2026: 2,509,500 at 0.31 % = 7779.45; 90,500 at 1.23 % = 1113.15.
    assert _unemployment(slip) == [
        ("employer_unemployment", "2509500.00", "0.31", "7779.45"),
        ("employer_unemployment_above", "90500.00", "1.23", "1113.15"),
    ]
    assert Decimal(slip.lines[0]["amount"]) == Decimal("2600000.00")
