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
    runs = PayRun.objects.filter(company=company).exclude(status="draft")
    assert runs.count() == 4  # January to April of 2026
    assert set(runs.values_list("status", flat=True)) <= {"approved", "paid"}
    # May's run is being prepared.
    assert PayRun.objects.get(company=company, status="draft").payment_date == dt.date(2026, 5, 31)
    assert Payslip.objects.filter(company=company, number__isnull=False).count() == 20
    assert Employee.objects.filter(company=company, user__isnull=False).exists()
    assert runs.filter(voucher_id__isnull=False).count() == 4  # posted to the books
    load_demo(ctx)
    assert PayRun.objects.filter(company=company).count() == 5


@time_machine.travel(dt.datetime(2026, 5, 20, 12, 0), tick=False)
def test_demo_pays_net_pay_and_the_liabilities_that_fell_due(db):
    """Rakennus Virtanen pays each run's net pay on its payment date and its payroll
    liabilities on their due dates, so the liability accounts hold only what is not yet due
    (on 20.5.2026: April's TyEL, due 31.5., and April's insurance contributions, invoiced after
    the quarter); everything else ties to zero."""
    from django.db.models import Sum

    from tase.ledger.models import Entry, Voucher

    ctx = DemoContext()
    load_platform(ctx)
    load_demo(ctx)
    company = ctx.customers[1].companies.get()
    runs = PayRun.objects.filter(company=company).exclude(status="draft")
    assert set(runs.values_list("status", flat=True)) == {"paid"}

    def balance(number, **filters):
        entries = Entry.objects.filter(company=company, account__number=number, **filters)
        return entries.aggregate(s=Sum("amount_cents"))["s"] or 0

    for number in ("2940", "2930", "2935", "2900"):
        assert balance(number) == 0, number
    for number in ("2950", "2955", "2980"):
        april = balance(number, voucher__source="payroll", date__month=4)
        assert april < 0 and balance(number) == april, number
    # The first quarter's unemployment insurance was paid at the end of April, in one payment.
    quarter = Voucher.objects.get(
        company=company, source="demo", source_ref="2026-payroll-unemployment-1"
    )
    assert quarter.date == dt.date(2026, 4, 30)
    load_demo(ctx)
    assert Voucher.objects.filter(company=company, source="demo").count() == (
        4 + 4 + 3 + 1 + 1  # tax Jan-Apr, union dues Jan-Apr, TyEL Jan-Mar, Q1 x 2
    )
