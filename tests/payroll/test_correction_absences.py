"""Absences and corrections (issue 11): a correction run's replacement report carries the
absence data as it stands after the correction, by the rules of a normal run's report; an
absence a settled run used is removed *with a correction* of that run (page and API side by
side): the correction is calculated and reported without it, and approving it deletes the
absence; deleting the draft correction keeps it."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import Absence, IncomesRegisterReport, PayRun, Payslip
from tase.payroll.services import corrections

from .factories import employee, pay_run

Report = IncomesRegisterReport
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
MARCH_RUN = "1.3.-31.3.2026 (31.3.2026)"


def _record(clerk, worker, kind, start, end):
    return services.record_absence(clerk, worker, kind=kind, start_date=start, end_date=end)


def _approved(clerk, company, workers):
    run = pay_run(clerk, company, employees=workers)
    services.absence_lines(clerk, run)
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    for row in Report.objects.filter(state=Report.State.PRODUCED):
        services.mark_sent(clerk, row, sent_on=timezone.localdate(), register_id="IR-1")
    return run


def _correction(clerk, original, worker):
    return corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )


def _approve(clerk, run):
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    row = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    irf.validate(row.document, irf.WAGE_REPORTS)
    (report,) = irf.read(row.document).reports
    return report


# -- 1. the replacement report carries the absence data ------------------------------------
def test_the_replacement_report_carries_the_absence_data_as_it_stands(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    # Monday 2. - Wednesday 4.3.: paid in full (TSL 2:11), no line; the report carries it.
    _record(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    original = _approved(clerk, world.company, [worker])
    run = _correction(clerk, original, worker)
    services.add_item(clerk, run, worker, wage_type="bonus", amount=D("300"))
    report = _approve(clerk, run)
    assert report.action == irf.ACTION_REPLACEMENT and report.version == 2
    # 3 working days of 3 500 / 22 = 477.27, as the original report gave it.
    paid = irf.AbsencePeriod(dt.date(2026, 3, 2), dt.date(2026, 3, 4), 1, 3, D("477.27"))
    assert report.absence == irf.Absences(*MARCH, (paid,))


def test_an_absence_recorded_late_is_reported_by_a_correction_that_changes_no_pay(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    original = _approved(clerk, world.company, [worker])
    (first,) = irf.read(Report.objects.get(pay_run=original).document).reports
    assert first.absence is None
    # Recorded after the approval: a fully paid sick leave changes no pay, only the data.
    _record(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    run = _correction(clerk, original, worker)
    report = _approve(clerk, run)
    assert report.absence == irf.Absences(
        *MARCH, (irf.AbsencePeriod(dt.date(2026, 3, 2), dt.date(2026, 3, 4), 1, 3, D("477.27")),)
    )
    assert report.total(201) == D("3500.00")
    # Now the Register has it: it stays, naming the replacement delivery.
    late = Absence.objects.get(employee=worker)
    delivery = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    with pytest.raises(ValidationError) as error:
        services.delete_absence(clerk, late)
    assert f"{delivery.report_id} v1" in error.value.message_dict["absence"][0]


def test_a_correction_changing_neither_pay_nor_absences_is_still_refused(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    _record(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    original = _approved(clerk, world.company, [worker])
    run = _correction(clerk, original, worker)
    services.calculate_pay_run(clerk, run)
    with pytest.raises(ValidationError) as error:
        services.approve_pay_run(clerk, run)
    assert "items" in error.value.message_dict


# -- 2. removing a used absence with a correction ----------------------------------------
def test_a_wrong_fully_paid_sick_leave_leaves_the_register_with_a_correction(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    sick = _record(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    original = _approved(clerk, world.company, [worker])
    client = world.client(Role.PAYROLL_CLERK)
    page = client.get(f"/payroll/employees/{worker.pk}/absences/").content.decode()
    # The lock says how: with a correction, naming the pay run.
    assert "korjausajo" in page and MARCH_RUN in page
    assert 'data-testid="absence-remove-with-correction"' in page
    assert f"/payroll/absences/{sick.pk}/delete/" not in page

    # An existing draft correction of the run for the employee is used.
    run = _correction(clerk, original, worker)
    services.calculate_pay_run(clerk, run)
    done = client.post(f"/payroll/absences/{sick.pk}/remove-with-correction/", follow=True)
    assert "korjausajolla" in done.content.decode()
    sick.refresh_from_db()
    assert sick.removed_with == run
    assert PayRun.objects.filter(kind=PayRun.Kind.CORRECTION).count() == 1
    run.refresh_from_db()
    assert run.stale  # to be calculated again
    # Marked: still in force for everything else, and not removable twice or directly.
    assert client.delete(f"/api/v1/payroll/absences/{sick.pk}").status_code == 422
    again = client.post(f"/api/v1/payroll/absences/{sick.pk}/remove-with-correction")
    assert again.status_code == 422

    report = _approve(clerk, run)
    assert not Absence.objects.filter(pk=sick.pk).exists()
    # The pay did not change; the replacement gives the reporting period with no absence.
    assert report.absence == irf.Absences(*MARCH)
    assert report.total(201) == D("3500.00")
    (slip,) = Payslip.objects.filter(pay_run=run)
    assert slip.gross_cents == 0


def test_a_deducted_unpaid_leave_is_paid_back_by_the_correction_that_removes_it(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    original = _approved(clerk, world.company, [worker])
    deducted = Payslip.objects.get(pay_run=original).gross_cents
    assert deducted == 440000 - 100000  # 5 of 22 working days
    run = _correction(clerk, original, worker)
    # The API does what the page does.
    client = world.client(Role.PAYROLL_CLERK)
    answer = client.post(f"/api/v1/payroll/absences/{unpaid.pk}/remove-with-correction")
    assert answer.status_code == 200 and answer.json()["removed_with_id"] == run.pk
    services.calculate_pay_run(clerk, run)
    (slip,) = Payslip.objects.filter(pay_run=run)
    assert slip.gross_cents == 100000  # the deduction paid back
    report = _approve(clerk, run)
    assert report.total(201) == D("4400.00")
    assert not Absence.objects.filter(pk=unpaid.pk).exists()


def test_deleting_the_draft_correction_keeps_the_absence(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    original = _approved(clerk, world.company, [worker])
    run = _correction(clerk, original, worker)
    assert services.remove_with_correction(clerk, unpaid) == [run]
    services.delete_pay_run(clerk, run)
    unpaid.refresh_from_db()
    assert unpaid.removed_with is None
    assert "korjausajo" in services.removal_locks([unpaid])[unpaid.pk]
    assert PayRun.objects.filter(pk=original.pk).exists()


def test_another_organization_cannot_remove_it(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    original = _approved(clerk, world.company, [worker])
    _correction(clerk, original, worker)
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert (
        other.post(f"/api/v1/payroll/absences/{unpaid.pk}/remove-with-correction").status_code
        == 404
    )
    assert other.post(f"/payroll/absences/{unpaid.pk}/remove-with-correction/").status_code == 404
    unpaid.refresh_from_db()
    assert unpaid.removed_with is None
