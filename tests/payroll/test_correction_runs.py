"""Correction runs (issue 11, item 3): correcting the payslips of an approved run produces
replacement earnings payment reports for exactly the affected employees, whose amounts are
the original payment corrected; the separate report is produced again; the voucher posts only
the differences; a run that was never approved cannot be corrected."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import IncomesRegisterReport, PayRun, Payslip
from tase.payroll.services import corrections

from .factories import books, employee, pay_run

Report = IncomesRegisterReport


def _approved_run(clerk, company, workers, payment_date=dt.date(2026, 3, 31)):
    run = pay_run(clerk, company, payment_date, employees=workers)
    services.add_item(clerk, run, workers[0], wage_type="overtime_50", quantity="2")
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def _mark_all_sent(clerk):
    for row in Report.objects.filter(state=Report.State.PRODUCED):
        services.mark_sent(clerk, row, sent_on=timezone.localdate(), register_id="IR-1")


def test_correction_repays_and_replaces_only_the_affected_report(world, clerk):
    first = employee(clerk, world.company, first_name="Sari", salary="3200.00")
    second = employee(clerk, world.company, first_name="Olli", salary="2800.00")
    original = _approved_run(clerk, world.company, [first, second])
    _mark_all_sent(clerk)
    before = Payslip.objects.get(pay_run=original, employee=first)

    run = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[first]
    )
    assert run.kind == PayRun.Kind.CORRECTION and run.corrects == original
    services.add_item(clerk, run, first, wage_type="bonus", amount=D("300"))
    services.calculate_pay_run(clerk, run)
    (slip,) = run.payslips.all()
    assert slip.gross_cents == 30000
    assert slip.payment_date == original.payment_date
    assert [line["code"] for line in slip.lines if line["section"] == "pay"] == ["bonus"]
    assert slip.withholding_cents > 0
    assert slip.net_cents == (
        slip.gross_cents
        - slip.withholding_cents
        - slip.employee_tyel_cents
        - slip.employee_unemployment_cents
    )
    services.approve_pay_run(clerk, run)

    replacement = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    irf.validate(replacement.document, irf.WAGE_REPORTS)
    delivery = irf.read(replacement.document)
    assert delivery.payment_date == original.payment_date
    (report,) = delivery.reports
    assert report.report_id == services.employee_report_id(original, first.pk)
    assert report.action == irf.ACTION_REPLACEMENT and report.version == 2
    assert report.total(201) == D("3200.00")
    assert report.total(203) == D("300.00")
    corrected_withholding = services.euros(before.withholding_cents + slip.withholding_cents)
    assert report.total(402) == corrected_withholding
    # The separate report of March is produced again with the corrected contribution.
    separate = Report.objects.filter(kind=Report.Kind.SEPARATE).order_by("-version").first()
    assert separate.version == 2
    health = sum(
        Payslip.objects.filter(payment_date__month=3).values_list(
            "employer_health_cents", flat=True
        )
    )
    assert irf.read(separate.document).summary == (
        (irf.SUMMARY_HEALTH_INSURANCE, services.euros(health)),
    )


def test_a_recovery_is_a_negative_difference_and_a_second_correction_versions_on(world, clerk):
    worker = employee(clerk, world.company, salary="3000.00")
    original = _approved_run(clerk, world.company, [worker])
    _mark_all_sent(clerk)
    first = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )
    services.add_item(clerk, first, worker, wage_type="pay_correction", amount=D("-200"))
    services.calculate_pay_run(clerk, first)
    services.approve_pay_run(clerk, first)
    (slip,) = first.payslips.all()
    assert slip.gross_cents == -20000 and slip.net_cents < 0
    _mark_all_sent(clerk)
    second = corrections.create_correction_run(
        clerk, first, payment_date=dt.date(2026, 4, 20), employees=[worker]
    )
    assert second.corrects == original  # a correction of a correction corrects the original
    services.add_item(clerk, second, worker, wage_type="bonus", amount=D("50"))
    services.calculate_pay_run(clerk, second)
    (again,) = second.payslips.all()
    assert again.gross_cents == 5000  # the earlier recovery is not repeated
    services.approve_pay_run(clerk, second)
    (report,) = irf.read(Report.objects.get(pay_run=second).document).reports
    assert report.version == 3
    # 3000 + overtime - 200 (201 sums the salary and the recovery) and the bonus 50
    overtime = next(
        D(line["amount"])
        for line in Payslip.objects.get(pay_run=original).lines
        if line["code"] == "overtime_50"
    )
    assert report.total(201) == D("2800.00") and report.total(235) == overtime
    assert report.total(203) == D("50.00")


def test_correcting_a_run_that_was_never_approved_is_refused(world, clerk):
    worker = employee(clerk, world.company)
    draft = pay_run(clerk, world.company, employees=[worker])
    with pytest.raises(ValidationError) as error:
        corrections.create_correction_run(
            clerk, draft, payment_date=dt.date(2026, 4, 15), employees=[worker]
        )
    assert "ei ole hyväksytty" in error.value.message_dict["corrects"][0]
    assert PayRun.objects.count() == 1


def test_an_employee_not_in_the_run_is_refused(world, clerk):
    first = employee(clerk, world.company)
    other = employee(clerk, world.company, first_name="Ville")
    original = _approved_run(clerk, world.company, [first])
    with pytest.raises(ValidationError) as error:
        corrections.create_correction_run(
            clerk, original, payment_date=dt.date(2026, 4, 15), employees=[other]
        )
    assert "Ville" in error.value.message_dict["employees"][0]
    assert PayRun.objects.count() == 1


def test_a_correction_that_changes_nothing_is_not_approved(world, clerk):
    worker = employee(clerk, world.company)
    original = _approved_run(clerk, world.company, [worker])
    run = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )
    services.calculate_pay_run(clerk, run)
    with pytest.raises(ValidationError) as error:
        services.approve_pay_run(clerk, run)
    assert "items" in error.value.message_dict
    run.refresh_from_db()
    assert run.status == PayRun.Status.DRAFT
    assert not Report.objects.filter(pay_run=run).exists()


def test_cancelled_original_and_approved_correction_cannot_be_cancelled(world, clerk):
    worker = employee(clerk, world.company)
    original = _approved_run(clerk, world.company, [worker])
    run = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )
    services.add_item(clerk, run, worker, wage_type="bonus", amount=D("100"))
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    for target in (run, original):
        with pytest.raises(ValidationError):
            services.cancel_pay_run(clerk, target)
        target.refresh_from_db()
        assert target.status == PayRun.Status.APPROVED


def test_the_correction_voucher_posts_only_the_differences(world, clerk):
    from tase.ledger.models import Voucher

    books(world.company)
    worker = employee(clerk, world.company, salary="3000.00")
    original = _approved_run(clerk, world.company, [worker])
    run = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )
    services.add_item(clerk, run, worker, wage_type="bonus", amount=D("100"))
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    voucher = Voucher.objects.get(pk=run.voucher_id)
    assert voucher.date == dt.date(2026, 4, 15)
    wages = [
        entry.amount_cents for entry in voucher.entries.all() if entry.account.number == "5000"
    ]
    assert wages == [10000]


def test_a_later_salary_change_does_not_enter_the_correction(world, clerk):
    from tase.payroll.models import Employment

    worker = employee(clerk, world.company, salary="3000.00")
    original = _approved_run(clerk, world.company, [worker])  # 2 h overtime at 18.46 €/h
    job = Employment.objects.get(employee=worker)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 1, 1), amount=D("3300.00"))
    run = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )
    services.add_item(clerk, run, worker, wage_type="overtime_50", quantity="1")
    services.calculate_pay_run(clerk, run)
    (slip,) = run.payslips.all()
    # One more hour of overtime at the original hourly wage 18.46 x 1.5; no salary difference.
    assert [(line["code"], line["amount"]) for line in slip.lines if line["section"] == "pay"] == [
        ("overtime_50", "27.69")
    ]
    client = world.client(Role.PAYROLL_CLERK)
    assert client.get(f"/payroll/payslips/{slip.pk}/").status_code == 200
    assert client.get(f"/payroll/runs/{run.pk}/").status_code == 200


def test_a_recovery_marked_paid_posts_the_money_coming_back(world, clerk):
    from tase.ledger.models import Voucher

    books(world.company)
    worker = employee(clerk, world.company, salary="3000.00")
    original = _approved_run(clerk, world.company, [worker])
    run = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )
    services.add_item(clerk, run, worker, wage_type="pay_correction", amount=D("-300"))
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    run = services.mark_paid(clerk, run)
    (slip,) = run.payslips.all()
    assert slip.net_cents < 0
    entries = {
        entry.account.number: entry.amount_cents
        for entry in Voucher.objects.get(pk=run.payment_voucher_id).entries.all()
    }
    assert entries == {"1910": -slip.net_cents, "2940": slip.net_cents}


def test_replacement_delivery_is_stored_like_an_original_one_of_several(world, clerk):
    """A correction's delivery is stored in parts as it is written (as an original run's),
    produced with a deadline, names the original delivery it replaces reports of, and each
    correction of the same run is its own delivery; the API and the page show it."""
    first = employee(clerk, world.company, first_name="Sari", salary="3200.00")
    second = employee(clerk, world.company, first_name="Olli", salary="2800.00")
    original = _approved_run(clerk, world.company, [first, second])
    delivery = Report.objects.get(pay_run=original, kind=Report.Kind.EARNINGS)
    _mark_all_sent(clerk)
    rows = []
    for worker, day in ((first, 15), (second, 20)):
        run = corrections.create_correction_run(
            clerk, original, payment_date=dt.date(2026, 4, day), employees=[worker]
        )
        services.add_item(clerk, run, worker, wage_type="bonus", amount=D("100"))
        services.calculate_pay_run(clerk, run)
        services.approve_pay_run(clerk, run)
        rows.append(Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS))
    for row, worker in zip(rows, (first, second), strict=True):
        assert row.corrects == delivery and row.state == Report.State.PRODUCED
        assert row.xml == "" and row.parts.exists()  # streamed into parts, not one string
        assert row.reports == 1 and row.deadline >= row.created_at.date()
        (report,) = irf.read(row.document).reports
        assert report.report_id == services.employee_report_id(original, worker.pk)
        assert report.action == irf.ACTION_REPLACEMENT and report.version == 2
    delivery.refresh_from_db()
    assert delivery.state == Report.State.SENT  # still in force for the other reports

    client = world.client(Role.PAYROLL_CLERK)
    listed = client.get(f"/api/v1/payroll/companies/{world.company.pk}/incomes-register/reports")
    assert listed.status_code == 200
    by_id = {item["id"]: item for item in listed.json()["items"]}
    assert [by_id[row.pk]["corrects_id"] for row in rows] == [delivery.pk, delivery.pk]
    assert by_id[delivery.pk]["corrects_id"] is None
    run_file = client.get(f"/api/v1/payroll/pay-runs/{rows[1].pay_run_id}/incomes-register")
    assert run_file.status_code == 200
    assert b"".join(run_file.streaming_content) == rows[1].document
    page = client.get(f"/payroll/c/{world.company.pk}/incomes-register/")
    assert page.status_code == 200
    assert page.content.decode().count(f"korvaa tiedoston {delivery.report_id}") == 2
