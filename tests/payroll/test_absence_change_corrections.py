"""An absence a settled run used, changed or removed with correction runs (issue 11): one
correction per pay run concerned, created together; each calculated and reported with the
absence as changed in its own period (replacement reports valid against the XSD); the
absence changes when the last of them is approved, and deleting a draft keeps it as it is.
Also: the lines from absences of a correction run are differences (nothing paid twice), and
the absence data a delivery carried is on its row (a correction reads no XML)."""

import datetime as dt
import importlib
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import (
    Absence,
    AbsenceChange,
    IncomesRegisterReport,
    PayItem,
    PayRun,
    Payslip,
)
from tase.payroll.services import corrections
from tase.payroll.services import incomes_register as ir

from .factories import employee, pay_run

Report = IncomesRegisterReport
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))


def _record(clerk, worker, kind, start, end):
    return services.record_absence(clerk, worker, kind=kind, start_date=start, end_date=end)


def _approved(clerk, company, workers, payment_date=dt.date(2026, 3, 31)):
    run = pay_run(clerk, company, payment_date, employees=workers)
    services.absence_lines(clerk, run)
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    for row in Report.objects.filter(state=Report.State.PRODUCED, kind=Report.Kind.EARNINGS):
        services.mark_sent(clerk, row, sent_on=timezone.localdate(), register_id="IR-1")
    return run


def _approve(clerk, run):
    """Calculate and approve ``run``; its replacement report (validated against the XSD), or
    None when it made no delivery."""
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    row = Report.objects.filter(pay_run=run, kind=Report.Kind.EARNINGS).first()
    if row is None:
        return None
    irf.validate(row.document, irf.WAGE_REPORTS)
    (report,) = irf.read(row.document).reports
    return report


def _sick(start, end, days, amount=None):
    return irf.AbsencePeriod(start, end, irf.ABSENCE_SICKNESS, days, amount)


# -- 1. changing a reported absence in place with one correction ---------------------------
def test_a_sick_leave_is_changed_with_one_correction(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    sick = _record(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    original = _approved(clerk, world.company, [worker])
    client = world.client(Role.PAYROLL_CLERK)
    page = client.get(f"/payroll/employees/{worker.pk}/absences/").content.decode()
    assert 'data-testid="absence-change-with-correction"' in page
    form = client.get(f"/payroll/absences/{sick.pk}/change-with-correction/").content.decode()
    assert 'value="2026-03-04"' in form  # the form holds the absence as it is

    answer = client.post(
        f"/api/v1/payroll/absences/{sick.pk}/change-with-correction",
        {"kind": "sick", "start_date": "2026-03-02", "end_date": "2026-03-06"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    (run,) = PayRun.objects.filter(kind=PayRun.Kind.CORRECTION)
    assert run.corrects == original and run.is_draft
    assert body["pending_change"]["correction_run_ids"] == [run.pk]
    assert body["pending_change"]["end_date"] == "2026-03-06"
    assert body["end_date"] == "2026-03-04"  # in force as recorded until the approval
    assert AuditEvent.objects.filter(action="change_with_correction").exists()
    # The correction run's page says what it changes.
    shown = client.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert "muutetaan tällä korjausajolla" in shown
    # The page says what waits, and offers no second change.
    page = client.get(f"/payroll/employees/{worker.pk}/absences/").content.decode()
    assert "korjausajoilla" in page
    assert 'data-testid="absence-change-with-correction"' not in page

    report = _approve(clerk, run)
    # 2.-6.3.: five working days of 3 500 / 22 paid in full (TSL 2:11), no pay changes.
    assert report.action == irf.ACTION_REPLACEMENT and report.version == 2
    assert report.absence == irf.Absences(
        *MARCH, (_sick(dt.date(2026, 3, 2), dt.date(2026, 3, 6), 5, D("795.45")),)
    )
    assert report.total(201) == D("3500.00")
    sick.refresh_from_db()
    assert (sick.start_date, sick.end_date) == (dt.date(2026, 3, 2), dt.date(2026, 3, 6))
    assert not AbsenceChange.objects.exists()


def test_an_unpaid_leave_made_shorter_pays_back_only_the_difference(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    original = _approved(clerk, world.company, [worker])
    assert Payslip.objects.get(pay_run=original).gross_cents == 340000  # 5 of 22 days off
    client = world.client(Role.PAYROLL_CLERK)
    done = client.post(
        f"/payroll/absences/{unpaid.pk}/change-with-correction/",
        {"kind": "unpaid", "start_date": "2026-03-09", "end_date": "2026-03-11", "note": "3 pv"},
        follow=True,
    )
    assert "korjausajoilla" in done.content.decode()
    (run,) = PayRun.objects.filter(kind=PayRun.Kind.CORRECTION)
    assert run.payment_date == max(timezone.localdate(), original.payment_date)
    # The correction's line from the absence is the difference: two days paid back.
    (line,) = PayItem.objects.filter(pay_run=run)
    assert (line.wage_type, line.amount_cents, line.source) == (
        "pay_correction",
        40000,
        f"absence:{unpaid.pk}",
    )
    report = _approve(clerk, run)
    (slip,) = Payslip.objects.filter(pay_run=run)
    assert slip.gross_cents == 40000
    assert report.total(201) == D("3800.00")  # 3 days off now
    unpaid.refresh_from_db()
    assert (unpaid.end_date, unpaid.note) == (dt.date(2026, 3, 11), "3 pv")


def test_deleting_the_draft_correction_keeps_the_absence_as_it_was(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    _approved(clerk, world.company, [worker])
    (run,) = services.change_with_correction(
        clerk, unpaid, kind="unpaid", start_date="2026-03-09", end_date="2026-03-10"
    )
    services.delete_pay_run(clerk, run)
    unpaid.refresh_from_db()
    assert (unpaid.start_date, unpaid.end_date) == (dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    assert not AbsenceChange.objects.exists()
    # It can be changed again.
    assert len(services.change_with_correction(clerk, unpaid, **_fields(unpaid, note="x"))) == 1


def _fields(absence, **changed):
    data = {
        "kind": absence.kind,
        "start_date": absence.start_date,
        "end_date": absence.end_date,
        "paid": absence.paid,
        "note": absence.note,
    }
    return data | changed


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"start_date": "2026-03-13", "end_date": "2026-03-09"}, "end_date", "ennen ensimmäistä"),
        ({"start_date": "2026-03-09", "end_date": "2026-03-20"}, "start_date", "päällekkäin"),
        ({"kind": "holiday"}, "kind", "sick"),
        ({}, "absence", "mikään ei muutu"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, clerk, fields, field, text):
    worker = employee(clerk, world.company, salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    _approved(clerk, world.company, [worker])
    _record(clerk, worker, "family", dt.date(2026, 3, 18), dt.date(2026, 3, 20))
    client = world.client(Role.PAYROLL_CLERK)
    payload = {
        "kind": "unpaid",
        "start_date": "2026-03-09",
        "end_date": "2026-03-13",
        "paid": False,
        "note": "",
    }
    answer = client.post(
        f"/api/v1/payroll/absences/{unpaid.pk}/change-with-correction",
        payload | fields,
        content_type="application/json",
    )
    assert answer.status_code == 422, answer.content
    detail = answer.json()["detail"][0]
    assert field in detail["loc"] and text in detail["msg"]
    assert not PayRun.objects.filter(kind=PayRun.Kind.CORRECTION).exists()
    assert not AbsenceChange.objects.exists()


def test_an_absence_no_settled_run_used_is_changed_directly(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    run = pay_run(clerk, world.company, employees=[worker])
    services.absence_lines(clerk, run)
    client = world.client(Role.PAYROLL_CLERK)
    answer = client.post(
        f"/api/v1/payroll/absences/{unpaid.pk}/change-with-correction",
        _fields(unpaid, end_date="2026-03-10"),
        content_type="application/json",
    )
    assert answer.status_code == 422 and "suoraan" in answer.content.decode()
    answer = client.patch(
        f"/api/v1/payroll/absences/{unpaid.pk}",
        {"end_date": "2026-03-10"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["end_date"] == "2026-03-10"
    # The draft's lines from it went: the run is to be calculated again.
    assert not PayItem.objects.filter(pay_run=run).exists()
    run.refresh_from_db()
    assert run.stale
    page = client.post(
        f"/payroll/absences/{unpaid.pk}/change/",
        _fields(unpaid, end_date="2026-03-11"),
        follow=True,
    )
    assert "Poissaolo muutettu" in page.content.decode()
    unpaid.refresh_from_db()
    assert unpaid.end_date == dt.date(2026, 3, 11)
    # Once a settled run used it, the direct change is refused naming the run.
    services.absence_lines(clerk, run)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    answer = client.patch(
        f"/api/v1/payroll/absences/{unpaid.pk}",
        {"end_date": "2026-03-12"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "31.3.2026" in answer.content.decode()


def test_another_organization_cannot_change_it(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    _approved(clerk, world.company, [worker])
    other = world.client(Role.PAYROLL_CLERK, other=True)
    fields = _fields(unpaid, end_date="2026-03-10")
    url = f"/api/v1/payroll/absences/{unpaid.pk}"
    assert (
        other.post(f"{url}/change-with-correction", fields, content_type="application/json")
    ).status_code == 404
    assert other.patch(url, {"note": "x"}, content_type="application/json").status_code == 404
    page = f"/payroll/absences/{unpaid.pk}"
    assert other.get(f"{page}/change-with-correction/").status_code == 404
    assert other.post(f"{page}/change-with-correction/", fields).status_code == 404
    assert other.post(f"{page}/change/", fields).status_code == 404
    assert not PayRun.objects.filter(kind=PayRun.Kind.CORRECTION).exists()
    unpaid.refresh_from_db()
    assert unpaid.end_date == dt.date(2026, 3, 13)


# -- 2. an absence over two pay periods ----------------------------------------------------
def _two_months(clerk, world):
    """A monthly-paid employee sick 23.3.-10.4.: the March report carries it, the April run
    deducts the unpaid days after the TSL 2:11 period and its report carries it too."""
    worker = employee(clerk, world.company, salary="4400.00")
    sick = _record(clerk, worker, "sick", dt.date(2026, 3, 23), dt.date(2026, 4, 10))
    march = _approved(clerk, world.company, [worker])
    april = _approved(clerk, world.company, [worker], dt.date(2026, 4, 30))
    assert PayItem.objects.filter(pay_run=april, source=f"absence:{sick.pk}").exists()
    return worker, sick, march, april


def test_an_absence_over_two_pay_periods_is_removed_with_a_correction_of_each(world, clerk):
    _worker, sick, march, april = _two_months(clerk, world)
    client = world.client(Role.PAYROLL_CLERK)
    answer = client.post(f"/api/v1/payroll/absences/{sick.pk}/remove-with-correction")
    assert answer.status_code == 200, answer.content
    runs = list(PayRun.objects.filter(kind=PayRun.Kind.CORRECTION).order_by("corrects__pk"))
    assert [run.corrects for run in runs] == [march, april]
    assert answer.json()["pending_change"]["correction_run_ids"] == [run.pk for run in runs]
    first = _approve(clerk, runs[0])
    # The March report: the reporting period with no absence left; the absence stays until
    # the last correction is approved.
    assert first.absence == irf.Absences(*MARCH)
    assert Absence.objects.filter(pk=sick.pk).exists()
    # Now the April draft cannot be deleted: the message names the approved March one.
    with pytest.raises(ValidationError) as error:
        services.delete_pay_run(clerk, runs[1])
    assert "1.3.-31.3.2026" in error.value.message_dict["status"][0]
    second = _approve(clerk, runs[1])
    assert second.absence == irf.Absences(*APRIL)
    assert second.total(201) == D("4400.00")  # the unpaid days' deduction paid back
    assert not Absence.objects.filter(pk=sick.pk).exists()


def test_an_absence_over_two_pay_periods_is_changed_each_period_with_its_own_data(world, clerk):
    _worker, sick, march, april = _two_months(clerk, world)
    runs = services.change_with_correction(
        clerk, sick, kind="sick", start_date=dt.date(2026, 3, 23), end_date=dt.date(2026, 4, 3)
    )
    assert [run.corrects for run in runs] == [march, april]
    # March's data does not change (23.-31.3. paid as before): approvable all the same, no
    # replacement report needed.
    assert _approve(clerk, runs[0]) is None
    sick.refresh_from_db()
    assert sick.end_date == dt.date(2026, 4, 10)  # the April correction is still a draft
    report = _approve(clerk, runs[1])
    # April carries its own period: 1.-2.4. paid (the day of falling ill and 9 weekdays,
    # Saturdays counted, TSL 2:11); 3.4. is Good Friday, no working day: no unpaid part.
    (period,) = report.absence.periods
    assert (report.absence.start, report.absence.end) == APRIL
    assert (period.start, period.end, period.days, period.paid) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 2),
        2,
        True,
    )
    assert report.total(201) == D("4400.00")
    sick.refresh_from_db()
    assert sick.end_date == dt.date(2026, 4, 3)


def test_deleting_one_draft_releases_the_change_from_the_others(world, clerk):
    _worker, sick, _march, _april = _two_months(clerk, world)
    runs = services.remove_with_correction(clerk, sick)
    assert PayItem.objects.filter(pay_run=runs[1], source=f"absence:{sick.pk}").exists()
    services.delete_pay_run(clerk, runs[0])
    assert not AbsenceChange.objects.exists()
    # The April draft lost its lines from the absence and is to be calculated again.
    runs[1].refresh_from_db()
    assert runs[1].stale
    assert not PayItem.objects.filter(pay_run=runs[1]).exists()
    assert Absence.objects.filter(pk=sick.pk).exists()
    assert AuditEvent.objects.filter(action="release_absence_change").exists()


# -- 3. lines from absences on a correction run --------------------------------------------
def test_lines_from_absences_on_a_correction_are_only_differences(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    original = _approved(clerk, world.company, [worker])
    run = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )
    services.add_item(clerk, run, worker, wage_type="bonus", amount=D("300"))
    # Already deducted by the original: nothing again.
    assert services.absence_lines(clerk, run) == 0
    # One recorded late (after the approval): only its deduction.
    late = _record(clerk, worker, "unpaid", dt.date(2026, 3, 23), dt.date(2026, 3, 23))
    assert services.absence_lines(clerk, run) == 1
    line = PayItem.objects.get(pay_run=run, source__startswith="absence:")
    assert (line.source, line.amount_cents) == (f"absence:{late.pk}", -20000)
    # Again: the same line, not doubled.
    assert services.absence_lines(clerk, run) == 1
    report = _approve(clerk, run)
    (slip,) = Payslip.objects.filter(pay_run=run)
    assert slip.gross_cents == 30000 - 20000
    assert report.total(201) == D("4400.00") - D("1000.00") - D("200.00")


def test_sick_pay_of_an_hourly_paid_on_a_correction_is_a_difference_in_hours(world, clerk):
    worker = employee(clerk, world.company, basis="hourly", salary="20.00")
    sick = _record(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    original = _approved(clerk, world.company, [worker])
    original_line = PayItem.objects.get(pay_run=original, source=f"absence:{sick.pk}")
    assert original_line.quantity == D("22.50")  # 3 days x 7.5 h
    run = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )
    assert services.absence_lines(clerk, run) == 0
    # Made a day shorter with this correction: a day's hours taken back.
    services.change_with_correction(clerk, sick, **_fields(sick, end_date=dt.date(2026, 3, 3)))
    line = PayItem.objects.get(pay_run=run, source=f"absence:{sick.pk}")
    assert (line.wage_type, line.quantity, line.unit_price) == ("sick_pay", D("-7.50"), D("20"))
    report = _approve(clerk, run)
    (slip,) = Payslip.objects.filter(pay_run=run)
    assert slip.gross_cents == -15000
    # The replacement report gives the sick pay the payslips paid together: 2 x 150.
    (period,) = report.absence.periods
    assert (period.days, period.amount) == (2, D("300.00"))


# -- 4. the absence data a delivery carried, on its row ------------------------------------
def test_the_delivery_row_keeps_the_absence_data_and_a_correction_reads_no_xml(
    world, clerk, monkeypatch
):
    sick_one = employee(clerk, world.company, first_name="Sari", salary="3500.00")
    present = employee(clerk, world.company, first_name="Pekka", salary="3500.00")
    sick = _record(clerk, sick_one, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    original = _approved(clerk, world.company, [sick_one, present])
    row = Report.objects.get(pay_run=original, kind=Report.Kind.EARNINGS)
    sari = ir.employee_report_id(original, sick_one.pk)
    assert list(row.absences) == [sari]  # the run's own delivery: only those with data
    assert irf.absences_from_data(row.absences[sari]) == irf.Absences(
        *MARCH, (_sick(dt.date(2026, 3, 2), dt.date(2026, 3, 4), 3, D("477.27")),)
    )

    def no_xml(*args, **kwargs):
        raise AssertionError("a correction read a delivery's XML for its absence data")

    monkeypatch.setattr(irf, "report_absences", no_xml)
    run = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[sick_one, present]
    )
    services.add_item(clerk, run, present, wage_type="bonus", amount=D("100"))
    services.remove_with_correction(clerk, sick)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    delivery = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    irf.validate(delivery.document, irf.WAGE_REPORTS)
    pekka = ir.employee_report_id(original, present.pk)
    # A correction's delivery lists each of its reports, null without absence data.
    assert delivery.absences == {
        sari: irf.absences_data(irf.Absences(*MARCH)),
        pekka: None,
    }


def test_the_migration_fills_the_row_from_the_stored_xml(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    _record(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    original = _approved(clerk, world.company, [worker])
    row = Report.objects.get(pay_run=original, kind=Report.Kind.EARNINGS)
    kept = row.absences
    Report.objects.filter(pk=row.pk).update(absences={})
    migration = importlib.import_module("tase.payroll.migrations.0031_ir2_absence_changes")
    from django.apps import apps

    migration.fill_absences(apps, None)
    row.refresh_from_db()
    assert row.absences == kept and kept
