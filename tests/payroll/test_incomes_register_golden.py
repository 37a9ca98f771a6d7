"""Golden Incomes Register files (issue 11): a cancelled run's invalidation, a correction's
replacement report and a retro pay report with the original earnings periods. Each scenario
is run through the services, the file is validated against the Register's XSD and compared
with the file in tests/payroll/golden/ after the parts that change from run to run (the
timestamp, database ids, the payer's business id) are replaced by fixed values.

To write the files again after a deliberate change: TASE_UPDATE_GOLDEN=1 pytest this file."""

import datetime as dt
import os
import re
from decimal import Decimal as D
from pathlib import Path

from django.utils import timezone

from tase.core.models import Company
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import Employment, IncomesRegisterReport, PayRun

from .factories import employee, pay_run, valid_code

GOLDEN = Path(__file__).parent / "golden"
Report = IncomesRegisterReport


def _normalized(xml: str, runs: list[PayRun], employees: list) -> str:
    run_ids = {str(run.pk): str(101 + index) for index, run in enumerate(runs)}
    person_ids = {str(person.pk): str(1 + index) for index, person in enumerate(employees)}
    xml = re.sub(
        r"<Timestamp>[^<]+</Timestamp>", "<Timestamp>2026-04-01T12:00:00+03:00</Timestamp>", xml
    )
    xml = re.sub(r"\b(PR|IN|SR|-C)(\d+)", lambda m: m.group(1) + run_ids.get(m.group(2), "X"), xml)
    xml = re.sub(r"-E(\d+)", lambda m: "-E" + person_ids.get(m.group(1), "X"), xml)
    return xml


def _compare(name: str, report: Report, runs, employees) -> None:
    irf.validate(report.document)
    text = _normalized(report.document.decode(), runs, employees)
    irf.validate(text.encode())
    path = GOLDEN / name
    if os.environ.get("TASE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def _company(world):
    Company.objects.filter(pk=world.company.pk).update(business_id="0737546-2")
    world.company.refresh_from_db()
    return world.company


def _two(clerk, company):
    sari = employee(
        clerk,
        company,
        first_name="Sari",
        last_name="Esimerkki",
        identity_code=valid_code("150675-123"),
        birth_date=None,
        salary="3200.00",
    )
    olli = employee(
        clerk, company, first_name="Olli", last_name="Ilmanhetua", salary="2800.00", card=None
    )
    return [sari, olli]


def _approved(clerk, company, people, day, items=()):
    run = pay_run(clerk, company, day, employees=people)
    for person, code, fields in items:
        services.add_item(clerk, run, person, wage_type=code, **fields)
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def test_cancelled_run_invalidation(world, clerk):
    company = _company(world)
    people = _two(clerk, company)
    run = _approved(clerk, company, people, dt.date(2026, 3, 31))
    services.download_report(clerk, services.run_delivery(clerk, run))
    services.cancel_pay_run(clerk, run)
    invalidation = Report.objects.get(kind=Report.Kind.INVALIDATION)
    assert {item for item, _v in irf.read(invalidation.document).invalidated} == {
        services.employee_report_id(run, person.pk) for person in people
    }
    _compare("cancelled_run_invalidation.xml", invalidation, [run], people)


def test_correction_replacement_report(world, clerk):
    company = _company(world)
    people = _two(clerk, company)
    original = _approved(
        clerk,
        company,
        people,
        dt.date(2026, 3, 31),
        [(people[0], "overtime_50", {"quantity": "2"})],
    )
    for row in Report.objects.filter(state=Report.State.PRODUCED):
        services.mark_sent(clerk, row, sent_on=timezone.localdate(), register_id="IR-1")
    run = services.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[people[0]]
    )
    services.add_item(clerk, run, people[0], wage_type="bonus", amount=D("300"))
    services.add_item(clerk, run, people[0], wage_type="pay_correction", amount=D("-120"))
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    replacement = Report.objects.get(pay_run=run)
    (report,) = irf.read(replacement.document).reports
    assert report.action == irf.ACTION_REPLACEMENT and report.version == 2
    assert report.total(201) == D("3080.00") and report.total(203) == D("300.00")
    _compare("correction_replacement_report.xml", replacement, [original, run], people)


def test_retro_pay_report_with_original_earnings_periods(world, clerk):
    company = _company(world)
    people = _two(clerk, company)
    sari = people[0]
    january = _approved(clerk, company, [sari], dt.date(2026, 1, 31))
    february = _approved(
        clerk, company, [sari], dt.date(2026, 2, 28), [(sari, "overtime_50", {"quantity": "4"})]
    )
    job = Employment.objects.get(employee=sari)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 1, 1), amount=D("3360.00"))
    march = pay_run(clerk, company, dt.date(2026, 3, 31), employees=[sari])
    services.add_retro_pay(clerk, job, march)
    services.calculate_pay_run(clerk, march)
    services.approve_pay_run(clerk, march)
    delivery = services.run_delivery(clerk, march)
    (report,) = irf.read(delivery.document).reports
    assert [(code, amount) for code, amount, _periods in report.earning_periods] == [
        (201, D("160.00")),
        (201, D("160.00")),
        (235, D("5.94")),  # 4 h x 1.5 x (3360 - 3200) / 162.5, per cent: 124.08 - 118.14
    ]
    _compare("retro_pay_report.xml", delivery, [january, february, march], people)
