"""Downloads of an Incomes Register file stored in parts are streamed part by part, never
joined in memory: the page, the API and ``tase incomes-register export`` (issue 11)."""

import datetime as dt

from django.core.management import call_command
from django.http import StreamingHttpResponse

from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import IncomesRegisterReport

from .factories import employee, pay_run

Report = IncomesRegisterReport


def _stored_in_parts(clerk, company, monkeypatch):
    from tase.payroll.services import incomes_register as service

    monkeypatch.setattr(service, "PART_BYTES", 1500)
    monkeypatch.setattr(irf, "FLUSH_EVERY", 1)
    for name in ("Sari", "Olli", "Jönssi", "Åsa"):
        employee(clerk, company, first_name=name, last_name="Äijälä")
    run = pay_run(clerk, company)
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    row = Report.objects.get(pay_run=run, kind=Report.Kind.EARNINGS)
    assert row.xml == "" and row.parts.count() > 2
    return run, row


def _streamed(response, row) -> bytes:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/xml"
    assert row.filename in response["Content-Disposition"]
    pieces = list(response.streaming_content)
    assert len(pieces) == row.parts.count()  # one piece a part: not joined
    return b"".join(pieces)


def test_page_and_api_stream_the_parts(world, clerk, monkeypatch):
    run, row = _stored_in_parts(clerk, world.company, monkeypatch)
    client = world.client(Role.PAYROLL_CLERK)
    page = _streamed(client.get(f"/payroll/incomes-register/{row.pk}/download/"), row)
    assert page == row.document
    irf.validate(page, irf.WAGE_REPORTS)
    row.refresh_from_db()
    assert row.state == Report.State.DOWNLOADED
    api = _streamed(client.get(f"/api/v1/payroll/pay-runs/{run.pk}/incomes-register"), row)
    assert api == page


def test_export_writes_the_parts_to_the_file(world, clerk, monkeypatch, tmp_path):
    _run, row = _stored_in_parts(clerk, world.company, monkeypatch)
    call_command(
        "incomes-register",
        "export",
        "--company",
        str(world.company.pk),
        "--month",
        "2026-03",
        "--dir",
        str(tmp_path),
    )
    assert (tmp_path / row.filename).read_bytes() == row.document


def test_a_small_file_streams_whole(world, clerk):
    employee(clerk, world.company)
    run = pay_run(clerk, world.company, payment_date=dt.date(2026, 3, 31))
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    separate = Report.objects.get(kind=Report.Kind.SEPARATE)
    response = world.client(Role.PAYROLL_CLERK).get(
        f"/payroll/incomes-register/{separate.pk}/download/"
    )
    assert b"".join(response.streaming_content) == separate.document
