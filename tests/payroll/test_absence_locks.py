"""An absence that has had consequences cannot silently disappear: once an approved or paid
run paid or deducted it, or the run's Incomes Register report carries it, removing it is
refused naming the run or the report (page and API side by side); a draft run's lines from
it go with it and the draft is to be calculated again."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Absence, IncomesRegisterReport, PayItem, PayRun

from .factories import employee, pay_run

MARCH = "1.3.-31.3.2026 (31.3.2026)"  # the run's period and payment date, as named


def _record(clerk, worker, kind, start, end):
    return services.record_absence(clerk, worker, kind=kind, start_date=start, end_date=end)


def _approved(clerk, company, lines=True):
    run = pay_run(clerk, company)
    if lines:
        services.absence_lines(clerk, run)
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def _page(client, worker) -> str:
    return client.get(f"/payroll/employees/{worker.pk}/absences/").content.decode()


def _refused_on_page_and_api(world, absence, *words):
    """The page offers no remove button and shows the reason; posting anyway and the API
    are refused with it; the absence stays."""
    client = world.client(Role.PAYROLL_CLERK)
    page = _page(client, absence.employee)
    assert f"/payroll/absences/{absence.pk}/delete/" not in page
    assert 'data-testid="absence-lock"' in page
    for word in words:
        assert word in page
    posted = client.post(f"/payroll/absences/{absence.pk}/delete/", follow=True)
    assert all(word in posted.content.decode() for word in words)
    answer = client.delete(f"/api/v1/payroll/absences/{absence.pk}")
    assert answer.status_code == 422
    assert all(word in answer.content.decode() for word in words)
    assert "absence" in answer.json()["detail"][0]["loc"]
    assert Absence.objects.filter(pk=absence.pk).exists()


def test_an_absence_an_approved_run_deducted_stays(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    run = _approved(clerk, world.company)
    assert PayItem.objects.get(pay_run=run).source == f"absence:{unpaid.pk}"
    with pytest.raises(ValidationError) as error:
        services.delete_absence(clerk, unpaid)
    text = error.value.message_dict["absence"][0]
    assert MARCH in text and "korjausajolla" in text
    _refused_on_page_and_api(world, unpaid, MARCH)
    # Paid as well: still the same.
    services.mark_paid(clerk, run)
    _refused_on_page_and_api(world, unpaid, MARCH)


def test_a_sick_leave_the_report_carries_stays_naming_the_report(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    # Monday 2. - Wednesday 4.3.: paid in full (TSL 2:11), so no line; the report's absence
    # data carries it.
    sick = _record(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    run = _approved(clerk, world.company)
    assert not PayItem.objects.filter(pay_run=run).exists()
    report = IncomesRegisterReport.objects.get(pay_run=run, kind="earnings")
    with pytest.raises(ValidationError) as error:
        services.delete_absence(clerk, sick)
    text = error.value.message_dict["absence"][0]
    assert f"{report.report_id} v1" in text and MARCH in text and "ei vielä lähetetty" in text
    today = timezone.localdate()
    services.mark_sent(clerk, report, sent_on=today, register_id="IR-1")
    with pytest.raises(ValidationError) as error:
        services.delete_absence(clerk, sick)
    assert (
        f"lähetetty {today.day}.{today.month}.{today.year}"
        in error.value.message_dict["absence"][0]
    )
    _refused_on_page_and_api(world, sick, f"{report.report_id} v1")


def test_an_absence_recorded_after_the_approval_was_not_used(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    _approved(clerk, world.company, lines=False)
    # Recorded late: neither the payslip nor the report knew it, so it may go.
    late = _record(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    client = world.client(Role.PAYROLL_CLERK)
    assert f"/payroll/absences/{late.pk}/delete/" in _page(client, worker)
    assert client.delete(f"/api/v1/payroll/absences/{late.pk}").status_code == 204
    assert not Absence.objects.exists()


def test_an_absence_of_a_kind_the_report_leaves_out_and_no_line_may_go(world, clerk):
    # An hourly-paid employee's unpaid leave: no line (hours not worked are not paid) and
    # no absence data (its cause code is not confirmed).
    worker = employee(clerk, world.company, basis="hourly", salary="20.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    services.add_item(
        clerk, pay_run(clerk, world.company), worker, wage_type="hourly_wage", quantity=8
    )
    run = PayRun.objects.get()
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    assert services.removal_locks([unpaid]) == {}
    services.delete_absence(clerk, unpaid)
    assert not Absence.objects.exists()


def test_removing_an_absence_takes_its_lines_off_a_draft_run(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    other = employee(clerk, world.company, first_name="Toinen", salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    kept = _record(clerk, other, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 9))
    run = pay_run(clerk, world.company)
    assert services.absence_lines(clerk, run) == 2
    services.calculate_pay_run(clerk, run)
    run.refresh_from_db()
    revision = run.revision
    assert not run.stale
    client = world.client(Role.PAYROLL_CLERK)
    page = _page(client, worker)
    assert f"/payroll/absences/{unpaid.pk}/delete/" in page  # a draft does not lock it
    done = client.post(f"/payroll/absences/{unpaid.pk}/delete/", follow=True).content.decode()
    assert MARCH in done  # the draft named: calculate it again
    # The other absence's line stays; the run must be calculated again before approval.
    assert list(PayItem.objects.filter(pay_run=run).values_list("source", flat=True)) == [
        f"absence:{kept.pk}"
    ]
    run.refresh_from_db()
    assert run.stale and run.revision == revision + 1
    with pytest.raises(ValidationError):
        services.approve_pay_run(clerk, run)
    # The API does the same.
    assert client.delete(f"/api/v1/payroll/absences/{kept.pk}").status_code == 204
    assert not PayItem.objects.filter(pay_run=run).exists()


def test_a_cancelled_run_does_not_lock(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    unpaid = _record(clerk, worker, "unpaid", dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    run = _approved(clerk, world.company)
    services.cancel_pay_run(clerk, run)
    assert services.removal_locks([unpaid]) == {}
    services.delete_absence(clerk, unpaid)
    assert not Absence.objects.exists()


APRIL = "1.4.-30.4.2026 (30.4.2026)"


def test_a_sick_leave_two_runs_reported_names_both_runs(world, clerk):
    """A sick leave over the turn of the month is carried by the reports of the March and
    the April run: the lock names both (before 12/2026 only the newest was named)."""
    worker = employee(clerk, world.company, salary="3500.00")
    # Monday 23.3. - Friday 3.4.: the day of falling ill and 9 weekdays after it, paid in
    # full (TSL 2:11): no pay line, only the reports' absence data.
    sick = _record(clerk, worker, "sick", dt.date(2026, 3, 23), dt.date(2026, 4, 3))
    march = _approved(clerk, world.company)
    april = pay_run(clerk, world.company, payment_date=dt.date(2026, 4, 30))
    services.calculate_pay_run(clerk, april)
    april = services.approve_pay_run(clerk, april)
    assert not PayItem.objects.filter(pay_run__in=[march, april]).exists()
    reports = {
        row.pay_run_id: row
        for row in IncomesRegisterReport.objects.filter(kind="earnings", pay_run__in=[march, april])
    }
    with pytest.raises(ValidationError) as error:
        services.delete_absence(clerk, sick)
    text = error.value.message_dict["absence"][0]
    assert MARCH in text and APRIL in text
    assert text.index(MARCH) < text.index(APRIL)  # by payment date
    for run in (march, april):
        assert f"{reports[run.pk].report_id} v1" in text
    _refused_on_page_and_api(world, sick, MARCH, APRIL)
    # With a draft correction of each run for the employee, the message names both drafts,
    # and removing it with a correction uses them.
    drafts = [
        services.create_correction_run(
            clerk, run, payment_date=dt.date(2026, 5, 15), employees=[worker]
        )
        for run in (march, april)
    ]
    text = services.removal_locks([sick])[sick.pk]
    assert "korjausajojen luonnoksilla" in text
    runs = services.remove_with_correction(clerk, sick)
    assert [run.pk for run in runs] == [draft.pk for draft in drafts]
    assert [run.corrects_id for run in runs] == [march.pk, april.pk]


def test_a_lock_reads_what_the_report_kept_not_todays_records(world, clerk, monkeypatch):
    """Whether a report carries an absence is read from its delivery's row (the absence data
    kept as the file was written), not computed again from the absence records: no
    recomputation is made, and a row that kept no absence data for the employee locks
    nothing."""
    from tase.payroll.services import absence_locks, absence_reports

    worker = employee(clerk, world.company, salary="3500.00")
    sick = _record(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    run = _approved(clerk, world.company)
    report = IncomesRegisterReport.objects.get(pay_run=run, kind="earnings")
    assert list(report.absences) == [f"PR{run.pk}-E{worker.pk}"]

    def refused(*args, **kwargs):
        raise AssertionError("the absence data is not computed again for a lock")

    monkeypatch.setattr(absence_reports, "absence_data", refused)
    monkeypatch.setattr(absence_locks, "absence_data", refused, raising=False)
    assert f"{report.report_id} v1" in services.removal_locks([sick])[sick.pk]
    # The row says the report carried no absence data: nothing locks the absence.
    IncomesRegisterReport.objects.filter(pk=report.pk).update(absences={})
    assert services.removal_locks([sick]) == {}
