import datetime as dt

import pytest

from tase.core.demo import DemoContext, load_platform
from tase.ledger import demo, selectors
from tase.ledger.models import FiscalYear, Voucher

pytestmark = pytest.mark.django_db


def test_demo_books_are_complete_and_idempotent():
    ctx = DemoContext()
    load_platform(ctx)
    demo.load(ctx)
    company = ctx.customers[0].companies.first()
    count = Voucher.objects.filter(company=company).count()
    assert count > 100
    last = dt.date.today().year - 1
    assert FiscalYear.objects.get(company=company, start=dt.date(last, 1, 1)).state == "closed"
    assert Voucher.objects.filter(company=company, source="year-end").count() == 1
    assert Voucher.objects.filter(company=company, source="vat-settlement").count() >= 12
    assert Voucher.objects.filter(company=company, attachments__isnull=False).exists()
    sheet = selectors.balance_sheet(company, dt.date(last, 12, 31))
    totals = {line.code: line.amounts[0] for line in sheet.lines}
    assert totals["BS.AT"] == totals["BS.LT"] != 0
    demo.load(ctx)
    assert Voucher.objects.filter(company=company).count() == count


def test_demo_payroll_vouchers_are_the_pay_runs_postings_and_the_debts_are_paid():
    from collections import Counter

    from django.db.models import Sum

    from tase.ledger.models import Entry
    from tase.payroll import postings
    from tase.payroll.models import PayRun

    ctx = DemoContext()
    load_platform(ctx)
    demo.load(ctx)
    company = ctx.customers[0].companies.first()
    runs = list(PayRun.objects.filter(company=company).order_by("payment_date"))
    assert len(runs) >= 12 and {r.status for r in runs} == {"paid"}
    # Every wage voucher is a run's own voucher or its salary payment: no made-up rates. The
    # holiday-pay liability of each month end (and its reversal) is posted in the same series,
    # as the month's lock asks (docs/holidays.md).
    liability = Voucher.objects.filter(company=company, source="payroll-holiday-liability")
    assert sorted(liability.values_list("date", flat=True)) == [r.period_end for r in runs]
    payroll = Voucher.objects.filter(company=company, series__code="PA").exclude(
        pk__in=[
            *liability.values_list("pk", flat=True),
            *Voucher.objects.filter(reverses__in=liability).values_list("pk", flat=True),
        ]
    )
    assert set(payroll.values_list("source", flat=True)) == {"payroll"}
    assert payroll.count() == 2 * len(runs)
    assert not Entry.objects.filter(
        company=company, voucher__source="demo", account__number__in=["5000", "6100", "6300"]
    ).exists()
    for run in runs:
        expected = Counter()
        for line in postings.voucher_lines(list(run.payslips.all())):
            cents = round((line["debit"] or 0) * 100 - (line["credit"] or 0) * 100)
            expected[(line["account"], line["cost_centre"])] += cents
        posted = Counter()
        for number, centre, cents in Entry.objects.filter(voucher_id=run.voucher_id).values_list(
            "account__number", "cost_centre", "amount_cents"
        ):
            posted[(number, centre)] += cents
        assert +posted == +expected, run
    # The employer's unemployment insurance is in the books (the made-up vouchers lacked it).
    assert Entry.objects.filter(company=company, account__number="6410").exists()
    # Each month's withholding and health insurance are paid on their due date, in full.
    month = runs[0].payment_date
    tax = Voucher.objects.get(
        company=company, source="demo", source_ref=f"{month.year}-payroll-tax-{month.month}"
    )
    assert tax.date.day >= 12 and tax.date.month == month.month % 12 + 1
    owed = Entry.objects.filter(
        voucher__source="payroll",
        voucher__company=company,
        date__year=month.year,
        date__month=month.month,
        account__number__in=["2930", "2935"],
    ).aggregate(s=Sum("amount_cents"))["s"]
    paid = Entry.objects.filter(voucher=tax, account__number="1910").get().amount_cents
    assert paid == owed < 0
    assert (
        Voucher.objects.filter(
            company=company, source="demo", source_ref__contains="payroll-tyel"
        ).count()
        >= len(runs) - 2
    )
    demo.load(ctx)
    assert PayRun.objects.filter(company=company).count() == len(runs)
