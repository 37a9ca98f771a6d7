"""Retro pay (issue 11, item 4): a salary change with an effective date in the past; the
difference per past payment is paid in the next run as its own line per original period, and
that run's Incomes Register report carries those lines with their original earnings periods."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import Employment, IncomesRegisterReport, PayItem

from .factories import employee, pay_run

Report = IncomesRegisterReport


def _month(clerk, company, workers, day, items=()):
    run = pay_run(clerk, company, day, employees=workers)
    for worker, code, fields in items:
        services.add_item(clerk, run, worker, wage_type=code, **fields)
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def _raised(clerk, company):
    worker = employee(clerk, company, salary="3000.00")
    jan = _month(clerk, company, [worker], dt.date(2026, 1, 31))
    feb = _month(
        clerk,
        company,
        [worker],
        dt.date(2026, 2, 28),
        items=[(worker, "overtime_50", {"quantity": "4"})],
    )
    job = Employment.objects.get(employee=worker)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 1, 1), amount=D("3160.00"))
    return worker, job, jan, feb


def test_differences_per_past_payment_and_wage_type(world, clerk):
    _worker, job, _jan, _feb = _raised(clerk, world.company)
    lines = services.retro_differences(clerk, job)
    by = {(line.payment_date, line.wage_type): line for line in lines}
    assert by[(dt.date(2026, 1, 31), "retro_pay")].amount == D("160.00")
    assert by[(dt.date(2026, 2, 28), "retro_pay")].amount == D("160.00")
    # 4 h overtime 50 %, divisor 37.5 h x 52 / 12 = 162.5: 3000 → 18.46 €/h, paid 110.76;
    # 3160 → 19.45 €/h, due 110.76 x 19.45 / 18.46 = 116.70
    overtime = by[(dt.date(2026, 2, 28), "retro_overtime")]
    assert overtime.paid == D("110.76") and overtime.amount == D("5.94")
    assert by[(dt.date(2026, 1, 31), "retro_pay")].period_start == dt.date(2026, 1, 1)
    assert len(lines) == 3


def test_retro_pay_in_the_next_run_reported_with_the_original_earnings_periods(world, clerk):
    worker, job, _jan, _feb = _raised(clerk, world.company)
    march = pay_run(clerk, world.company, dt.date(2026, 3, 31), employees=[worker])
    assert services.next_draft_run(job) == march
    items = services.add_retro_pay(clerk, job)
    assert {(i.wage_type, i.earning_start, i.earning_end) for i in items} == {
        ("retro_pay", dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        ("retro_pay", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("retro_overtime", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    }
    # Nothing more is due once added: adding again is refused, nothing written.
    assert services.retro_differences(clerk, job) == []
    with pytest.raises(ValidationError):
        services.add_retro_pay(clerk, job, march)
    assert PayItem.objects.filter(pay_run=march).count() == 3

    services.calculate_pay_run(clerk, march)
    (slip,) = march.payslips.all()
    assert slip.gross_cents == 316000 + 16000 + 16000 + 594
    services.approve_pay_run(clerk, march)
    row = Report.objects.get(pay_run=march, kind=Report.Kind.EARNINGS)
    irf.validate(row.xml.encode(), irf.WAGE_REPORTS)
    (report,) = irf.read(row.xml.encode()).reports
    assert report.total(201) == D("3480.00")
    assert sorted(report.earning_periods) == [
        (201, D("160.00"), ((dt.date(2026, 1, 1), dt.date(2026, 1, 31)),)),
        (201, D("160.00"), ((dt.date(2026, 2, 1), dt.date(2026, 2, 28)),)),
        (235, D("5.94"), ((dt.date(2026, 2, 1), dt.date(2026, 2, 28)),)),
    ]


def test_without_a_draft_run_adding_is_refused(world, clerk):
    _worker, job, _jan, _feb = _raised(clerk, world.company)
    with pytest.raises(ValidationError) as error:
        services.add_retro_pay(clerk, job)
    assert "keskeneräistä palkka-ajoa" in error.value.message_dict["run"][0]
    assert not PayItem.objects.filter(wage_type="retro_pay").exists()


def test_a_cancelled_run_gives_the_difference_back(world, clerk):
    worker, job, _jan, _feb = _raised(clerk, world.company)
    march = pay_run(clerk, world.company, dt.date(2026, 3, 31), employees=[worker])
    services.add_retro_pay(clerk, job, march)
    services.cancel_pay_run(clerk, march)
    assert len(services.retro_differences(clerk, job)) == 3
