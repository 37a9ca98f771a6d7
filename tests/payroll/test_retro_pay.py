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
    irf.validate(row.document, irf.WAGE_REPORTS)
    (report,) = irf.read(row.document).reports
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


# -- supplements and hours added by corrections (issue 11, item 4) -------------------------


def test_supplements_are_recomputed_and_reported_with_their_earnings_period(world, clerk):
    """Evening, night, Saturday and Sunday supplements priced at the hourly wage get the
    retro difference as their own income type (206, 236, 211, 221), each with the original
    earnings period on the Incomes Register report, valid against the XSD."""
    worker = employee(clerk, world.company, salary="3000.00")
    supplements = ("evening_supplement", "night_supplement", "saturday_supplement")
    _month(
        clerk,
        world.company,
        [worker],
        dt.date(2026, 2, 28),
        items=[
            *((worker, code, {"quantity": "10"}) for code in supplements),
            (worker, "sunday_supplement", {"quantity": "5"}),
            # A fixed supplement in euros per hour does not follow the salary.
            (worker, "evening_supplement", {"quantity": "4", "unit_price": "1.50"}),
        ],
    )
    job = Employment.objects.get(employee=worker)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 2, 1), amount=D("3160.00"))
    by = {line.wage_type: line for line in services.retro_differences(clerk, job)}
    # 3000 / 162.5 = 18.46 €/h → 3160 / 162.5 = 19.45 €/h: 10 h 184.60 → 194.50 (+9.90),
    # 5 h 92.30 → 97.25 (+4.95); the 4 h at 1.50 €/h are left as they were.
    assert by["retro_evening_supplement"].paid == D("184.60")
    assert by["retro_evening_supplement"].amount == D("9.90")
    assert by["retro_night_supplement"].amount == D("9.90")
    assert by["retro_saturday_supplement"].amount == D("9.90")
    assert by["retro_sunday_supplement"].amount == D("4.95")
    assert by["retro_pay"].amount == D("160.00")

    march = pay_run(clerk, world.company, dt.date(2026, 3, 31), employees=[worker])
    services.add_retro_pay(clerk, job, march)
    services.calculate_pay_run(clerk, march)
    services.approve_pay_run(clerk, march)
    row = Report.objects.get(pay_run=march, kind=Report.Kind.EARNINGS)
    irf.validate(row.document, irf.WAGE_REPORTS)
    (report,) = irf.read(row.document).reports
    february = ((dt.date(2026, 2, 1), dt.date(2026, 2, 28)),)
    assert sorted(report.earning_periods) == [
        (201, D("160.00"), february),
        (206, D("9.90"), february),
        (211, D("9.90"), february),
        (221, D("4.95"), february),
        (236, D("9.90"), february),
    ]
    assert services.retro_differences(clerk, job) == []


def test_hours_added_by_a_correction_are_recomputed(world, clerk):
    """A correction run that adds overtime to a past payment prices it at that payment's
    hourly wage; a later retro salary change recomputes those hours too, once."""
    from tase.payroll.services import corrections

    worker = employee(clerk, world.company, salary="3000.00")
    feb = _month(clerk, world.company, [worker], dt.date(2026, 2, 28))
    fix = corrections.create_correction_run(
        clerk, feb, payment_date=dt.date(2026, 3, 10), employees=[worker]
    )
    services.add_item(clerk, fix, worker, wage_type="overtime_50", quantity="4")
    services.add_item(clerk, fix, worker, wage_type="night_supplement", quantity="2")
    services.calculate_pay_run(clerk, fix)
    (slip,) = fix.payslips.all()
    overtime = next(line for line in slip.lines if line["code"] == "overtime_50")
    # Priced at February's hourly wage (3000 / 162.5 = 18.46 €/h), which the line records.
    assert overtime["amount"] == "110.76" and overtime["hourly"]["hourly_wage"] == "18.46"
    services.approve_pay_run(clerk, fix)

    job = Employment.objects.get(employee=worker)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 1, 1), amount=D("3160.00"))
    by = {line.wage_type: line for line in services.retro_differences(clerk, job)}
    assert by["retro_overtime"].paid == D("110.76") and by["retro_overtime"].amount == D("5.94")
    # 2 h night supplement: 36.92 → 38.90
    assert by["retro_night_supplement"].amount == D("1.98")
    assert by["retro_pay"].amount == D("160.00")
    assert {line.payment_date for line in by.values()} == {dt.date(2026, 2, 28)}

    march = pay_run(clerk, world.company, dt.date(2026, 3, 31), employees=[worker])
    items = services.add_retro_pay(clerk, job, march)
    assert {(i.wage_type, i.earning_start) for i in items} == {
        ("retro_pay", dt.date(2026, 2, 1)),
        ("retro_overtime", dt.date(2026, 2, 1)),
        ("retro_night_supplement", dt.date(2026, 2, 1)),
    }
    assert services.retro_differences(clerk, job) == []


def test_a_second_correction_keeps_the_original_hourly_wage(world, clerk):
    """Hours of an earlier correction are not re-priced by a later one after a salary change
    (the retro pay pays that difference, once)."""
    from tase.payroll.services import corrections

    worker = employee(clerk, world.company, salary="3000.00")
    feb = _month(clerk, world.company, [worker], dt.date(2026, 2, 28))
    first = corrections.create_correction_run(
        clerk, feb, payment_date=dt.date(2026, 3, 10), employees=[worker]
    )
    services.add_item(clerk, first, worker, wage_type="overtime_50", quantity="4")
    services.calculate_pay_run(clerk, first)
    services.approve_pay_run(clerk, first)
    job = Employment.objects.get(employee=worker)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 1, 1), amount=D("3160.00"))
    second = corrections.create_correction_run(
        clerk, feb, payment_date=dt.date(2026, 3, 20), employees=[worker]
    )
    services.add_item(clerk, second, worker, wage_type="bonus", amount=D("50"))
    services.calculate_pay_run(clerk, second)
    (slip,) = second.payslips.all()
    assert [line["code"] for line in slip.lines if line["section"] == "pay"] == ["bonus"]
