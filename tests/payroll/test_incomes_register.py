"""Incomes Register reports from pay runs: produced at approval, validated, agreeing with the
payslips to the cent; the separate report; invalidation at cancellation; download and sent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import (
    CompanyWageType,
    IncomesRegisterPart,
    IncomesRegisterReport,
    PayrollSettings,
    PayRun,
    Payslip,
)

from .factories import employee, pay_run, valid_code

Report = IncomesRegisterReport
D = Decimal


def _approved(clerk, company, employees, items=(), payment_date=dt.date(2026, 3, 31)):
    run = pay_run(clerk, company, payment_date=payment_date)
    for row, wage_type, fields in items:
        services.add_item(clerk, run, employee=row, wage_type=wage_type, **fields)
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def _people(clerk, company):
    code = valid_code("150675-123")
    first = employee(clerk, company, first_name="Sari", identity_code=code, birth_date=None)
    second = employee(
        clerk, company, first_name="Olli", last_name="Ilmanhetua", salary="2800.00", card=None
    )
    return first, second


def test_approval_produces_one_delivery_with_a_report_per_employee(world, clerk):
    first, second = _people(clerk, world.company)
    run = _approved(
        clerk,
        world.company,
        [first, second],
        items=[
            (first, "overtime_50", {"quantity": "4", "unit_price": "20"}),
            (first, "meal_benefit", {"quantity": "10"}),
            (first, "mileage_allowance", {"quantity": "100"}),
            (second, "phone_benefit", {"quantity": "1"}),
        ],
    )
    row = Report.objects.get(kind=Report.Kind.EARNINGS)
    assert row.pay_run == run and row.reports == 2 and row.state == Report.State.PRODUCED
    assert row.deadline == dt.date(2026, 4, 7)  # 31.3. + 5 = Easter Sunday; Monday off too
    irf.validate(row.document, irf.WAGE_REPORTS)
    delivery = irf.read(row.document)
    assert delivery.payer_business_id == world.company.business_id
    assert delivery.payment_date == dt.date(2026, 3, 31)
    by_id = {report.report_id: report for report in delivery.reports}
    catalogue = services.engine_catalogue(world.company)
    money = {w.income_type for w in catalogue.values() if w.kind == "money"}
    for slip in Payslip.objects.filter(pay_run=run).select_related("employee"):
        report = by_id[services.employee_report_id(run, slip.employee_id)]
        money_total = sum((a for c, a in report.transactions if c in money), D(0))
        assert money_total == services.euros(slip.gross_cents)
        assert report.total(402) == services.euros(slip.withholding_cents)
        assert report.total(413) == services.euros(slip.employee_tyel_cents)
        assert report.total(414) == services.euros(slip.employee_unemployment_cents)
    sari = by_id[services.employee_report_id(run, first.pk)]
    assert sari.identity_code == first.identity_code
    assert sari.total(235) == D("120.00") and sari.total(334) > 0 and sari.total(311) > 0
    olli = by_id[services.employee_report_id(run, second.pk)]
    assert olli.identity_code == "" and olli.birth_date == second.birth_date
    assert olli.total(330) > 0
    assert b"<PensionPolicyNo>46-1234567</PensionPolicyNo>" in row.document
    assert b"<PensionProvIdCode>46</PensionProvIdCode>" in row.document
    assert AuditEvent.objects.filter(action="incomes_register_produce").count() == 2
    separate = Report.objects.get(kind=Report.Kind.SEPARATE)
    assert separate.deadline == dt.date(2026, 4, 7)
    health = Payslip.objects.filter(pay_run=run).values_list("employer_health_cents", flat=True)
    assert irf.read(separate.document).summary == (
        (irf.SUMMARY_HEALTH_INSURANCE, services.euros(sum(health))),
    )


def _refused(clerk, company, field):
    run = pay_run(clerk, company)
    services.calculate_pay_run(clerk, run)
    with pytest.raises(ValidationError) as error:
        services.approve_pay_run(clerk, run)
    run.refresh_from_db()
    assert run.status == PayRun.Status.DRAFT
    assert not Payslip.objects.filter(number__isnull=False).exists()
    assert not Report.objects.exists() and not IncomesRegisterPart.objects.exists()
    return error.value.message_dict[field][0]


def test_company_without_a_tyel_policy_is_refused(world, clerk):
    employee(clerk, world.company)
    PayrollSettings.objects.filter(company=world.company).update(tyel_policy_number="")
    assert "eläkejärjestelynumero" in _refused(clerk, world.company, "tyel_policy_number")


def test_wage_type_without_an_income_type_is_refused_naming_it(world, clerk):
    employee(clerk, world.company, first_name="Ville", last_name="Virta")
    CompanyWageType.objects.filter(company=world.company, code="monthly_salary").update(
        income_type=None
    )
    message = _refused(clerk, world.company, "income_type")
    assert "monthly_salary" in message and "Ville Virta" in message


def test_company_without_a_contact_phone_is_refused(world, clerk):
    employee(clerk, world.company)
    world.company.contact_phone = ""
    world.company.save()
    assert "puhelinnumero" in _refused(clerk, world.company, "contact_phone")


def test_separate_report_without_wages_and_future_month_refused(world, clerk):
    row = services.produce_separate_report(clerk, world.company, 2026, 2)
    assert irf.read(row.document).summary == ((irf.SUMMARY_NO_WAGES, None),)
    assert row.deadline == dt.date(2026, 3, 5)
    assert services.produce_separate_report(clerk, world.company, 2026, 2) == row  # unchanged
    with pytest.raises(ValidationError) as error:
        services.produce_separate_report(clerk, world.company, 2027, 1)
    assert "tulevaisuudessa" in error.value.message_dict["month"][0]
    assert Report.objects.count() == 1


def test_a_second_run_replaces_the_separate_report_after_it_was_sent(world, clerk):
    worker = employee(clerk, world.company)
    _approved(clerk, world.company, [worker], payment_date=dt.date(2026, 3, 15))
    first = Report.objects.get(kind=Report.Kind.SEPARATE)
    services.download_report(clerk, first)
    services.mark_sent(clerk, first, sent_on=dt.date.today(), register_id="IR-1")
    _approved(clerk, world.company, [worker], payment_date=dt.date(2026, 3, 31))
    first.refresh_from_db()
    second = Report.objects.get(kind=Report.Kind.SEPARATE, version=2)
    assert first.state == Report.State.REPLACED and first.replaced_by == second
    read = irf.read(second.document)
    assert read.reports[0].action == irf.ACTION_REPLACEMENT
    assert read.reports[0].report_id == first.report_id
    total = sum(Payslip.objects.values_list("employer_health_cents", flat=True))
    assert read.summary == ((irf.SUMMARY_HEALTH_INSURANCE, services.euros(total)),)


def test_cancelling_invalidates_and_replaces_the_separate_report(world, clerk):
    worker = employee(clerk, world.company)
    run = _approved(clerk, world.company, [worker])
    delivery = Report.objects.get(kind=Report.Kind.EARNINGS)
    assert services.download_report(clerk, delivery).startswith(b"<?xml")
    services.cancel_pay_run(clerk, run)
    delivery.refresh_from_db()
    assert delivery.state == Report.State.INVALIDATED
    invalidation = Report.objects.get(kind=Report.Kind.INVALIDATION)
    read = irf.read(invalidation.document)
    assert read.invalidated == ((services.employee_report_id(run, worker.pk), None),)
    separate = Report.objects.filter(kind=Report.Kind.SEPARATE).order_by("version").last()
    assert irf.read(separate.document).summary == ((irf.SUMMARY_NO_WAGES, None),)


def test_cancelling_before_download_needs_no_invalidation_file(world, clerk):
    worker = employee(clerk, world.company)
    run = _approved(clerk, world.company, [worker])
    services.cancel_pay_run(clerk, run)
    assert Report.objects.get(kind=Report.Kind.EARNINGS).state == Report.State.INVALIDATED
    assert not Report.objects.filter(kind=Report.Kind.INVALIDATION).exists()


def test_download_and_mark_sent(world, clerk):
    run = _approved(clerk, world.company, [employee(clerk, world.company)])
    row = services.run_delivery(clerk, run)
    services.download_report(clerk, row)
    row.refresh_from_db()
    assert row.state == Report.State.DOWNLOADED and row.downloaded_at is not None
    with pytest.raises(ValidationError) as error:
        services.mark_sent(clerk, row, sent_on=dt.date(2099, 1, 1))
    assert "sent_on" in error.value.message_dict
    services.mark_sent(clerk, row, sent_on=dt.date.today(), register_id="abc123")
    row.refresh_from_db()
    assert (row.state, row.register_id) == (Report.State.SENT, "abc123")
    with pytest.raises(ValidationError):
        services.mark_sent(clerk, row, sent_on=dt.date.today())
    assert row.is_late(dt.date(2026, 12, 31)) is False


def test_direct_interface_is_a_documented_stub(world, clerk):
    run = _approved(clerk, world.company, [employee(clerk, world.company)])
    with pytest.raises(services.NotConfigured, match="varmenteen"):
        services.DirectInterface().send(services.run_delivery(clerk, run))


def test_page_lists_reports_with_deadline_late_and_marks_sent(world, clerk):
    run = _approved(clerk, world.company, [employee(clerk, world.company)])
    client = world.client(Role.PAYROLL_CLERK)
    html = client.get(f"/payroll/c/{world.company.pk}/incomes-register/").content.decode()
    assert html.count('data-testid="register-report"') == 2
    run_page = client.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert 'data-testid="incomes-register-link"' in run_page
    assert 'data-testid="late"' in html  # 7.4.2026 has passed
    delivery = services.run_delivery(clerk, run)
    response = client.get(f"/payroll/incomes-register/{delivery.pk}/download/")
    assert response["Content-Type"] == "application/xml"
    assert delivery.filename in response["Content-Disposition"]
    irf.validate(b"".join(response.streaming_content), irf.WAGE_REPORTS)
    delivery.refresh_from_db()
    assert delivery.state == Report.State.DOWNLOADED
    client.post(
        f"/payroll/incomes-register/{delivery.pk}/sent/",
        {"sent_on": dt.date.today().isoformat(), "register_id": "IR-778"},
    )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.register_id) == (Report.State.SENT, "IR-778")
    bad = client.post(
        f"/payroll/c/{world.company.pk}/incomes-register/separate/",
        {"month": "2099-01"},
        follow=True,
    )
    assert "2099" in bad.content.decode()
    for typed in ("kesäkuu", "2026-13"):  # the form's own check, then the service's
        bad = client.post(
            f"/payroll/c/{world.company.pk}/incomes-register/separate/",
            {"month": typed},
            follow=True,
        )
        assert "Anna kuukausi muodossa VVVV-KK." in bad.content.decode()


def test_start_page_warns_before_a_deadline(world, clerk):
    _approved(clerk, world.company, [employee(clerk, world.company)])
    html = world.client(Role.PAYROLL_CLERK).get("/").content.decode()
    assert 'data-testid="register-due"' in html


def test_another_organizations_reports_answer_404(world, clerk):
    run = _approved(clerk, world.company, [employee(clerk, world.company)])
    delivery = services.run_delivery(clerk, run)
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.get(f"/payroll/incomes-register/{delivery.pk}/download/").status_code == 404
    assert other.post(f"/payroll/incomes-register/{delivery.pk}/sent/", {}).status_code == 404
    page = other.get(f"/payroll/c/{world.company.pk}/incomes-register/")
    assert page.status_code == 404
    delivery.refresh_from_db()
    assert delivery.state == Report.State.PRODUCED


def test_list_page_query_count(world, clerk, django_assert_max_num_queries):
    worker = employee(clerk, world.company)
    for day in (10, 20, 31):
        _approved(clerk, world.company, [worker], payment_date=dt.date(2026, 3, day))
    client = world.client(Role.PAYROLL_CLERK)
    with django_assert_max_num_queries(15):
        assert client.get(f"/payroll/c/{world.company.pk}/incomes-register/").status_code == 200


def test_api_delivery_separate_report_list_and_sent(world, clerk):
    run = _approved(clerk, world.company, [employee(clerk, world.company)])
    client = world.client(Role.PAYROLL_CLERK)
    xml = client.get(f"/api/v1/payroll/pay-runs/{run.pk}/incomes-register")
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
    irf.validate(b"".join(xml.streaming_content), irf.WAGE_REPORTS)
    base = f"/api/v1/payroll/companies/{world.company.pk}/incomes-register"
    separate = client.get(f"{base}/separate-reports/2026-03")
    assert irf.read(b"".join(separate.streaming_content)).month == (2026, 3)
    for month in ("0000-01", "2026-13", "2026-3"):
        assert client.get(f"{base}/separate-reports/{month}").status_code == 422
    future = client.get(f"{base}/separate-reports/2099-01")
    assert future.status_code == 422 and future.json()["detail"][0]["loc"] == ["path", "month"]
    listed = client.get(f"{base}/reports").json()["items"]
    assert {row["kind"] for row in listed} == {"earnings", "separate"}
    earnings = next(row for row in listed if row["kind"] == "earnings")
    assert earnings["state"] == "downloaded" and earnings["deadline"] == "2026-04-07"
    assert earnings["late"] is True
    sent = client.post(
        f"{base}/reports/{earnings['id']}/sent",
        {"sent_on": dt.date.today().isoformat(), "register_id": "IR-1"},
        content_type="application/json",
    )
    assert sent.status_code == 200 and sent.json()["state"] == "sent"
    assert sent.json()["late"] is False


def test_api_of_another_organization_answers_404(world, clerk):
    run = _approved(clerk, world.company, [employee(clerk, world.company)])
    report = services.run_delivery(clerk, run)
    other = world.client(Role.PAYROLL_CLERK, other=True)
    base = f"/api/v1/payroll/companies/{world.company.pk}/incomes-register"
    assert other.get(f"/api/v1/payroll/pay-runs/{run.pk}/incomes-register").status_code == 404
    assert other.get(f"{base}/reports").status_code == 404
    assert other.get(f"{base}/separate-reports/2026-03").status_code == 404
    own = f"/api/v1/payroll/companies/{world.other_company.pk}/incomes-register"
    response = other.post(
        f"{own}/reports/{report.pk}/sent",
        {"sent_on": dt.date.today().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.state == Report.State.PRODUCED


def test_cli_exports_a_months_files(world, clerk, tmp_path):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    run = _approved(clerk, world.company, [employee(clerk, world.company)])
    out = io.StringIO()
    call_command(
        "incomes-register",
        "export",
        "--company",
        str(world.company.pk),
        "--month",
        "2026-03",
        "--dir",
        str(tmp_path),
        stdout=out,
    )
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2 and len(out.getvalue().splitlines()) == 2
    for path in tmp_path.iterdir():
        irf.validate(path.read_bytes())
    assert services.run_delivery(clerk, run).state == Report.State.DOWNLOADED
    with pytest.raises(CommandError, match="tulevaisuudessa"):
        call_command("incomes-register", "export", "--company", str(world.company.pk),
                     "--month", "2099-01", "--dir", str(tmp_path))  # fmt: skip
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("incomes-register", "export", "--company", str(world.company.pk),
                     "--month", "March", "--dir", str(tmp_path))  # fmt: skip


def test_a_delivery_is_stored_in_parts_that_make_the_validated_file(world, clerk, monkeypatch):
    """An earnings payment delivery is written, validated and stored part by part (flat
    memory); the parts in order are the whole file, no character split between parts."""
    from tase.payroll.services import incomes_register as service

    monkeypatch.setattr(service, "PART_BYTES", 1500)
    monkeypatch.setattr(irf, "FLUSH_EVERY", 1)
    people = [
        employee(clerk, world.company, first_name=name, last_name="Äijälä")
        for name in ("Sari", "Olli", "Jönssi", "Åsa")
    ]
    run = _approved(clerk, world.company, people)
    row = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    assert row.xml == "" and row.reports == 4
    parts = list(row.parts.order_by("number"))
    assert len(parts) > 2 and [p.number for p in parts] == list(range(len(parts)))
    document = row.document
    assert document == b"".join(row.chunks())
    irf.validate(document, irf.WAGE_REPORTS)
    read = irf.read(document)
    assert {r.first_name for r in read.reports} == {"Sari", "Olli", "Jönssi", "Åsa"}
    assert {r.last_name for r in read.reports} == {"Äijälä"}
    assert services.download_report(clerk, row) == document


def test_the_employees_payment_for_a_car_benefit_is_reported_as_401(world, clerk):
    """401 Autoedusta peritty korvaus; 407 is the payment for the other benefits in kind
    (vero.fi, "Palkkojen tulolajit: 400-sarja")."""
    worker = employee(clerk, world.company)
    # The car benefit's data the report needs with 304 (CarBenefit).
    worker.employments.update(car_benefit_type="limited", car_age_group="A")
    run = _approved(
        clerk,
        world.company,
        [worker],
        items=[
            (worker, "car_benefit", {"amount": D("500")}),
            (worker, "car_benefit_charge", {"amount": D("150")}),
            (worker, "meal_benefit", {"quantity": D("10")}),
            (worker, "meal_benefit_charge", {"amount": D("20")}),
        ],
    )
    row = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    (report,) = irf.read(row.document).reports
    assert report.total(304) == D("500") and report.total(401) == D("150")
    assert report.total(407) == D("20")
