"""Tax at source (lähdevero): the employee's health insurance contributions are withheld
separately beside the tax when the employee is insured in Finland (income type 412), and are
paid to the Tax Administration with it."""

import datetime as dt
from decimal import Decimal

from tase.core.roles import Role
from tase.payroll import selectors, services
from tase.payroll.postings import voucher_lines

from .factories import employee, pay_run


def _source_employee(clerk, world, insured=True, **extra):
    worker = employee(clerk, world.company, card=None, **extra)
    services.add_tax_card(clerk, worker, year=2026, valid_from=dt.date(2026, 1, 1), kind="source",
                          source_rate="35", monthly_deduction="510",
                          source_health_insurance=insured)  # fmt: skip
    return worker


def test_insured_employee_has_both_contributions_withheld_and_due_with_the_tax(world, clerk):
    _source_employee(clerk, world)
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    (slip,) = run.payslips.all()
    health = {line["code"]: line for line in slip.lines if line["section"] == "contribution"}
    # 3500.00 x 1.10 % = 38.50 and x 0.88 % = 30.80 (2026)
    assert health["employee_medical_care"]["amount"] == "38.50"
    assert health["employee_daily_allowance"]["amount"] == "30.80"
    assert health["employee_daily_allowance"]["source"].startswith("https://")
    assert slip.employee_health_cents == 6930
    # (3500 - 510) x 35 % = 1046.50; 3500 - 1046.50 - 255.50 - 31.15 - 69.30 = 2097.55
    assert slip.net_cents == 209755
    assert slip.tax_card["health_insurance"] is True
    # Posted to the same liability as withholding; the voucher still balances.
    lines = voucher_lines([slip])
    assert sum(line["credit"] or 0 for line in lines if line["account"] == "2930") == Decimal(
        "1115.80"
    )
    assert sum(line["debit"] or 0 for line in lines) == sum(line["credit"] or 0 for line in lines)
    services.approve_pay_run(clerk, run)
    (month,) = selectors.monthly_summary(world.company, 2026)
    # withholding 1046.50 + employee health 69.30 + employer health 66.85
    assert month["due_cents"] == 104650 + 6930 + 6685
    client = world.client(Role.PAYROLL_CLERK)
    csv_text = client.get(f"/payroll/c/{world.company.pk}/summary.csv?year=2026").content.decode()
    assert "2026-03;1;3500.00;1046.50;66.85;1182.65;2026-04-13;69.30" in csv_text
    page = client.get(f"/payroll/c/{world.company.pk}/summary/?year=2026").content.decode()
    assert "69,30" in page


def test_not_insured_in_finland_no_contributions(world, clerk):
    _source_employee(clerk, world, insured=False)
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    (slip,) = run.payslips.all()
    assert slip.employee_health_cents == 0
    assert not [line for line in slip.lines if line["code"].startswith("employee_medical")]


def test_api_tax_card_and_calculator_take_the_flag(world, clerk):
    worker = employee(clerk, world.company, card=None)
    client = world.client(Role.PAYROLL_CLERK)
    created = client.post(
        f"/api/v1/payroll/employees/{worker.pk}/tax-cards",
        {"year": 2026, "kind": "source", "source_rate": "35", "monthly_deduction": "510",
         "source_health_insurance": False},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201
    assert worker.tax_cards.get().source_health_insurance is False
    body = {
        "payment_date": "2026-03-31",
        "birth_date": "1986-01-15",
        "tax_card": {"tax_at_source": True, "rate": "35", "monthly_deduction": "510"},
        "items": [{"wage_type": "monthly_salary", "amount": "3500.00"}],
    }
    insured = client.post("/api/v1/payroll/calculate", body, content_type="application/json")
    assert insured.json()["employee_health_insurance"] == "69.30"
    body["tax_card"]["health_insurance"] = False
    other = client.post("/api/v1/payroll/calculate", body, content_type="application/json")
    assert other.json()["employee_health_insurance"] == "0.00"
    assert other.json()["net_pay"] == "2166.85"
