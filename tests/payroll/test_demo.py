"""The demo loader: the second customer's company gets employees and approved pay runs."""

import datetime as dt

import time_machine

from tase.core.demo import DemoContext, load_platform
from tase.payroll.demo import load_demo
from tase.payroll.models import Employee, PayRun, Payslip


@time_machine.travel(dt.datetime(2026, 5, 20, 12, 0), tick=False)
def test_demo_loads_employees_and_approved_runs_idempotently(db):
    ctx = DemoContext()
    load_platform(ctx)
    load_demo(ctx)
    company = ctx.customers[1].companies.get()
    employees = Employee.objects.filter(company=company)
    assert employees.count() == 5
    assert {e.employments.get().pay_basis for e in employees} == {"monthly", "hourly"}
    runs = PayRun.objects.filter(company=company)
    assert runs.count() == 4  # January to April of 2026
    assert set(runs.values_list("status", flat=True)) <= {"approved", "paid"}
    assert Payslip.objects.filter(company=company, number__isnull=False).count() == 20
    assert Employee.objects.filter(company=company, user__isnull=False).exists()
    assert runs.filter(voucher_id__isnull=False).count() == 4  # posted to the books
    load_demo(ctx)
    assert PayRun.objects.filter(company=company).count() == 4
