"""A recovery (takaisinperintä) of an overpaid amount in a correction run, entered through
the pages and through the API side by side: both produce the same correction payslip and the
same replacement earnings payment report (issue 11, corrections).

The case, computed by hand from the 2026 parameters (employee TyEL 7.30 %, unemployment
0.89 %, tax card 20 % up to 40,000 €; every line to the cent, half up):

- paid 31.3.2026: salary 3,200.00; withholding 640.00, TyEL 233.60, unemployment 28.48,
  net 2,297.92; the report is marked sent;
- 200.00 of it was overpaid (two days of unpaid absence noticed later); a correction run paid
  15.4.2026 recovers it with a pay correction of -200.00 (wage type ``pay_correction``,
  income type 201, which allows a negative line);
- the payment as it should have been: 201 = 3,200.00 - 200.00 = 3,000.00; withholding
  20 % x 3,000.00 = 600.00 (402); TyEL 7.30 % x 3,000.00 = 219.00 (413); unemployment
  0.89 % x 3,000.00 = 26.70 (414); net 3,000.00 - 600.00 - 219.00 - 26.70 = 2,154.30;
- the correction payslip holds the differences: gross -200.00, withholding -40.00, net
  2,154.30 - 2,297.92 = -143.62 (recovered from the employee);
- the replacement report (ActionCode 2, the original ReportId, version 2) carries the whole
  corrected payment of 31.3.2026: the amounts above.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import IncomesRegisterReport, PayRun, Payslip

from .factories import employee, pay_run

Report = IncomesRegisterReport


def _original(clerk, company, worker) -> PayRun:
    run = pay_run(clerk, company, dt.date(2026, 3, 31), employees=[worker])
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    for row in Report.objects.filter(state=Report.State.PRODUCED):
        services.mark_sent(clerk, row, sent_on=timezone.localdate(), register_id="IR-1")
    return run


def _through_page(client, original, worker) -> tuple[PayRun, bytes]:
    response = client.post(
        f"/payroll/runs/{original.pk}/correct/",
        {"payment_date": "2026-04-15", "description": "", "employees": [worker.pk]},
    )
    run = PayRun.objects.get(kind=PayRun.Kind.CORRECTION)
    assert response.status_code == 302
    added = client.post(
        f"/payroll/runs/{run.pk}/",
        {
            "item-employee": worker.pk,
            "item-wage_type": "pay_correction",
            "item-amount": "-200,00",  # as typed in the Finnish form
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    client.post(f"/payroll/runs/{run.pk}/calculate/")
    client.post(f"/payroll/runs/{run.pk}/approve/")
    run.refresh_from_db()
    assert run.status == PayRun.Status.APPROVED
    report = Report.objects.get(pay_run=run)
    page = client.get(f"/payroll/c/{run.company_id}/incomes-register/").content.decode()
    assert f"/payroll/incomes-register/{report.pk}/download/" in page
    download = client.get(f"/payroll/incomes-register/{report.pk}/download/")
    assert download.status_code == 200
    return run, b"".join(download.streaming_content)


def _through_api(client, original, worker) -> tuple[PayRun, bytes]:
    created = client.post(
        f"/api/v1/payroll/pay-runs/{original.pk}/corrections",
        {"payment_date": "2026-04-15", "employee_ids": [worker.pk]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    run_id = created.json()["id"]
    added = client.post(
        f"/api/v1/payroll/pay-runs/{run_id}/items",
        {"employee_id": worker.pk, "wage_type": "pay_correction", "amount": "-200.00"},
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    calculated = client.post(f"/api/v1/payroll/pay-runs/{run_id}/calculate")
    assert calculated.status_code == 200, calculated.content
    (summary,) = calculated.json()
    assert (summary["gross_pay"], summary["net_pay"]) == ("-200.00", "-143.62")
    approved = client.post(f"/api/v1/payroll/pay-runs/{run_id}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    xml = client.get(f"/api/v1/payroll/pay-runs/{run_id}/incomes-register")
    assert xml.status_code == 200
    return PayRun.objects.get(pk=run_id), b"".join(xml.streaming_content)


@pytest.mark.parametrize("channel", [_through_page, _through_api], ids=["page", "api"])
def test_a_recovery_in_a_correction_run_replaces_the_report(world, clerk, channel):
    worker = employee(clerk, world.company, salary="3200.00")
    original = _original(clerk, world.company, worker)
    run, document = channel(world.client(Role.PAYROLL_CLERK), original, worker)

    slip = Payslip.objects.get(pay_run=run)
    assert (slip.gross_cents, slip.withholding_cents, slip.net_cents) == (-20000, -4000, -14362)
    assert (slip.employee_tyel_cents, slip.employee_unemployment_cents) == (-1460, -178)

    irf.validate(document)
    (report,) = irf.read(document).reports
    assert report.report_id == services.employee_report_id(original, worker.pk)
    assert (report.action, report.version) == (irf.ACTION_REPLACEMENT, 2)
    assert {code: report.total(code) for code, _amount in report.transactions} == {
        201: D("3000.00"),
        402: D("600.00"),
        413: D("219.00"),
        414: D("26.70"),
    }
    # The file downloaded is the stored replacement of the original delivery's report.
    replacement = Report.objects.get(pay_run=run)
    assert document == replacement.document
    assert replacement.corrects == Report.objects.get(pay_run=original, kind=Report.Kind.EARNINGS)
