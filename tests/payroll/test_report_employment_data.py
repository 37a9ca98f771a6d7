"""Employment and benefit data on the earnings payment report (issue 11, item 1): full or part
time from the employment record (Employment/EmploymentCode), the car benefit's data
(CarBenefit: type, age group, kilometres) and the daily allowance's type
(DailyAllowance/AllowanceCode); entered on the employment page and through the API, and
validated against the official XSD of shared/reference/xsd/tulorekisteri/."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from lxml import etree

from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import Employment, IncomesRegisterReport, PayRun, Payslip

from .factories import employee, pay_run

D = Decimal
Report = IncomesRegisterReport
OFFICIAL_XSD = Path("/work/shared/reference/xsd/tulorekisteri/WageReportsToIR.xsd")


def _official_valid(document: bytes) -> None:
    """Valid against the official XSD as shared/reference holds it (and the bundled copy)."""
    irf.validate(document, irf.WAGE_REPORTS)
    if OFFICIAL_XSD.exists():
        schema = etree.XMLSchema(etree.parse(str(OFFICIAL_XSD)))
        schema.assertValid(etree.fromstring(document))


def _employ(clerk, company, **fields):
    worker = employee(clerk, company, start=dt.date(2026, 1, 1))
    job = worker.employments.get()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    return worker


def _approve(clerk, company, items):
    run = pay_run(clerk, company)
    for worker, wage_type, fields in items:
        services.add_item(clerk, run, employee=worker, wage_type=wage_type, **fields)
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def test_report_carries_working_time_car_benefit_and_daily_allowance_types(world, clerk):
    full = _employ(
        clerk, world.company, working_time="full_time", car_benefit_type="full", car_age_group="B"
    )
    part = _employ(clerk, world.company, working_time="part_time")
    unknown = _employ(clerk, world.company)
    run = _approve(
        clerk,
        world.company,
        [
            # A car benefit valued by the kilometre: 1 200 km at 0,21 €/km.
            (full, "car_benefit", {"quantity": "1200", "unit_price": "0.21"}),
            (full, "car_benefit", {"amount": "315"}),
            (part, "daily_allowance_full", {"quantity": "2"}),
            (part, "daily_allowance_partial", {"quantity": "1"}),
            (unknown, "daily_allowance_partial", {"quantity": "1"}),
        ],
    )
    row = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    _official_valid(row.document)
    by_id = {r.report_id: r for r in irf.read(row.document).reports}
    car = by_id[services.employee_report_id(run, full.pk)]
    assert car.employment_code == irf.FULL_TIME
    # Vapaa autoetu 2, age group B, the kilometres of the line priced by the kilometre.
    assert car.car_benefits == ((304, irf.CAR_FULL, irf.CAR_AGE_GROUPS["B"], 1200),)
    slip = Payslip.objects.get(pay_run=run, employee=full)
    assert car.total(304) == sum(
        (D(line["amount"]) for line in slip.lines if line["code"] == "car_benefit"), D(0)
    )
    assert car.total(304) == D("567.00")
    allowances = by_id[services.employee_report_id(run, part.pk)]
    assert allowances.employment_code == irf.PART_TIME
    # Official example: osapäiväraha = 2, kokopäiväraha = 3.
    assert allowances.daily_allowances == ((331, (2, 3)),)
    other = by_id[services.employee_report_id(run, unknown.pk)]
    assert other.employment_code is None  # not given: not reported
    assert other.daily_allowances == ((331, (2,)),)


def test_a_car_benefit_without_its_data_is_refused_naming_the_employee(world, clerk):
    worker = _employ(clerk, world.company)
    run = pay_run(clerk, world.company)
    services.add_item(clerk, run, employee=worker, wage_type="car_benefit", amount="500")
    services.calculate_pay_run(clerk, run)
    with pytest.raises(ValidationError) as error:
        services.approve_pay_run(clerk, run)
    message = error.value.message_dict["car_benefit_type"][0]
    assert worker.first_name in message and "Autoetu" in message
    run.refresh_from_db()
    assert run.status == PayRun.Status.DRAFT and not Report.objects.exists()


def test_page_adds_an_employment_with_working_time_and_car_data(world, clerk):
    worker = employee(clerk, world.company, card=None)
    client = world.client(Role.PAYROLL_CLERK)
    response = client.post(
        f"/payroll/employees/{worker.pk}/employments/",
        {
            f"employment-{name}": value
            for name, value in {
                "start_date": "2026-02-01",
                "pay_basis": "monthly",
                "weekly_hours": "30",
                "union_dues_rate": "0",
                "salary": "2500",
                "working_time": "part_time",
                "car_benefit_type": "limited",
                "car_age_group": "C",
            }.items()
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Employment.objects.get(employee=worker, start_date=dt.date(2026, 2, 1))
    assert (job.working_time, job.car_benefit_type, job.car_age_group) == (
        "part_time",
        "limited",
        "C",
    )
    page = client.get(f"/payroll/employees/{worker.pk}/").content.decode()
    assert "Osa-aikainen" in page and "Käyttöetu" in page


def test_api_sets_and_returns_working_time_and_car_data(world, clerk):
    worker = employee(clerk, world.company, card=None)
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/employees/{worker.pk}/employments"
    body = {
        "start_date": "2026-02-01",
        "pay_basis": "hourly",
        "salary": "18.50",
        "working_time": "full_time",
        "car_benefit_type": "full",
        "car_age_group": "A",
    }
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["working_time"], data["car_benefit_type"], data["car_age_group"]) == (
        "full_time",
        "full",
        "A",
    )
    bad = client.post(url, body | {"working_time": "sometimes"}, content_type="application/json")
    assert bad.status_code == 422 and "working_time" in bad.content.decode()
    half = client.post(url, body | {"car_age_group": ""}, content_type="application/json")
    assert half.status_code == 422 and "car_age_group" in half.content.decode()


def test_an_existing_employment_gets_its_report_data_on_the_page_and_then_reports_it(world, clerk):
    worker = _employ(clerk, world.company)
    job = worker.employments.get()
    client = world.client(Role.PAYROLL_CLERK)
    page = client.get(f"/payroll/employees/{worker.pk}/").content.decode()
    assert 'data-testid="report-data"' in page and "Tulorekisterin tiedot" in page
    prefix = f"ir{job.pk}"
    response = client.post(
        f"/payroll/employments/{job.pk}/report-data/",
        {
            f"{prefix}-working_time": "full_time",
            f"{prefix}-car_benefit_type": "limited",
            f"{prefix}-car_age_group": "U",
        },
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.working_time, job.car_benefit_type, job.car_age_group) == (
        "full_time",
        "limited",
        "U",
    )
    run = _approve(clerk, world.company, [(worker, "car_benefit", {"amount": "400"})])
    row = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    _official_valid(row.document)
    (report,) = irf.read(row.document).reports
    assert report.employment_code == irf.FULL_TIME
    assert report.car_benefits == ((304, irf.CAR_LIMITED, irf.CAR_AGE_GROUPS["U"], None),)


def test_api_patches_the_report_data_and_keeps_other_tenants_out(world, clerk):
    worker = _employ(clerk, world.company, working_time="part_time")
    job = worker.employments.get()
    url = f"/api/v1/payroll/employments/{job.pk}"
    client = world.client(Role.PAYROLL_CLERK)
    body = {"car_benefit_type": "full", "car_age_group": "C"}
    response = client.patch(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    # Left out: kept.
    assert (data["working_time"], data["car_benefit_type"], data["car_age_group"]) == (
        "part_time",
        "full",
        "C",
    )
    half = client.patch(url, {"car_age_group": ""}, content_type="application/json")
    assert half.status_code == 422 and "car_age_group" in half.content.decode()
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert (
        other.patch(url, {"working_time": "full_time"}, content_type="application/json").status_code
        == 404
    )
    job.refresh_from_db()
    assert (job.working_time, job.car_age_group) == ("part_time", "C")


def test_the_form_of_pay_is_reported_only_where_its_code_is_known(world, clerk):
    """PaymentType 1 for a monthly salary and 2 for an hourly wage; a weekly salary and
    performance pay have no code Tase knows, so their reports leave the optional PaymentTypes
    out rather than calling them a monthly salary."""
    monthly = _employ(clerk, world.company, pay_basis=Employment.Basis.MONTHLY)
    hourly = _employ(clerk, world.company, pay_basis=Employment.Basis.HOURLY)
    weekly = _employ(clerk, world.company, pay_basis=Employment.Basis.WEEKLY)
    piece = _employ(clerk, world.company, pay_basis=Employment.Basis.PERFORMANCE)
    run = _approve(
        clerk,
        world.company,
        [
            (person, "pay_correction", {"amount": "900"})
            for person in (monthly, hourly, weekly, piece)
        ],
    )
    row = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    _official_valid(row.document)
    tree = etree.fromstring(row.document)

    def payment_types(person) -> list[str]:
        report_id = services.employee_report_id(run, person.pk)
        (report,) = [
            element
            for element in tree.iter("{*}Report")
            if element.findtext(".//{*}ReportId") == report_id
        ]
        return [element.text for element in report.iter("{*}PaymentType")]

    assert payment_types(monthly) == [str(irf.PAYMENT_MONTHLY)]
    assert payment_types(hourly) == [str(irf.PAYMENT_HOURLY)]
    assert payment_types(weekly) == []
    assert payment_types(piece) == []
