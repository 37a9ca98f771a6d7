"""Correction runs and retro pay in the pages and the API, and the tenant wall (404 across
it, nothing written)."""

import datetime as dt
from decimal import Decimal as D

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Employment, PayItem, PayRun

from .factories import employee, pay_run


def _approved(clerk, company, worker, day=dt.date(2026, 3, 31)):
    run = pay_run(clerk, company, day, employees=[worker])
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def test_correction_page_creates_a_correction_run_and_refuses_a_draft(world, clerk):
    worker = employee(clerk, world.company)
    original = _approved(clerk, world.company, worker)
    client = world.client(Role.PAYROLL_CLERK)
    run_page = client.get(f"/payroll/runs/{original.pk}/").content.decode()
    assert f"/payroll/runs/{original.pk}/correct/" in run_page
    form = client.get(f"/payroll/runs/{original.pk}/correct/")
    assert form.status_code == 200 and worker.last_name in form.content.decode()
    response = client.post(
        f"/payroll/runs/{original.pk}/correct/",
        {"payment_date": "2026-04-15", "description": "", "employees": [worker.pk]},
    )
    run = PayRun.objects.get(kind=PayRun.Kind.CORRECTION)
    assert response.status_code == 302 and response["Location"].endswith(f"/runs/{run.pk}/")
    page = client.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert 'data-testid="correction-of"' in page

    draft = pay_run(clerk, world.company, dt.date(2026, 4, 30), employees=[worker])
    refused = client.get(f"/payroll/runs/{draft.pk}/correct/").content.decode()
    assert 'data-testid="correction-refused"' in refused
    client.post(
        f"/payroll/runs/{draft.pk}/correct/",
        {"payment_date": "2026-05-15", "employees": [worker.pk]},
    )
    assert PayRun.objects.filter(kind=PayRun.Kind.CORRECTION).count() == 1


def test_api_correction_run_and_refusal(world, clerk):
    worker = employee(clerk, world.company)
    original = _approved(clerk, world.company, worker)
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/pay-runs/{original.pk}/corrections"
    created = client.post(
        url,
        {"payment_date": "2026-04-15", "employee_ids": [worker.pk]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "correction" and body["corrects_id"] == original.pk
    run_id = body["id"]
    added = client.post(
        f"/api/v1/payroll/pay-runs/{run_id}/items",
        {"employee_id": worker.pk, "wage_type": "bonus", "amount": "120.00"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert client.post(f"/api/v1/payroll/pay-runs/{run_id}/calculate").status_code == 200
    approved = client.post(f"/api/v1/payroll/pay-runs/{run_id}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["corrects_id"] == original.pk
    xml = client.get(f"/api/v1/payroll/pay-runs/{run_id}/incomes-register")
    assert xml.status_code == 200 and b"<ActionCode>" in b"".join(xml.streaming_content)

    draft = pay_run(clerk, world.company, dt.date(2026, 4, 30), employees=[worker])
    refused = client.post(
        f"/api/v1/payroll/pay-runs/{draft.pk}/corrections",
        {"payment_date": "2026-05-15", "employee_ids": [worker.pk]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "corrects"]
    assert PayRun.objects.filter(kind=PayRun.Kind.CORRECTION).count() == 1


def _raised(clerk, company):
    worker = employee(clerk, company, salary="3000.00")
    _approved(clerk, company, worker, dt.date(2026, 1, 31))
    job = Employment.objects.get(employee=worker)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 1, 1), amount=D("3100.00"))
    return worker, job


def test_employee_page_shows_retro_pay_and_adds_it_to_the_next_run(world, clerk):
    worker, job = _raised(clerk, world.company)
    march = pay_run(clerk, world.company, dt.date(2026, 3, 31), employees=[worker])
    client = world.client(Role.PAYROLL_CLERK)
    html = client.get(f"/payroll/employees/{worker.pk}/").content.decode()
    assert 'data-testid="retro-pay"' in html and "100,00\xa0€" in html
    response = client.post(f"/payroll/employments/{job.pk}/retro-pay/")
    assert response.status_code == 302
    (item,) = PayItem.objects.filter(pay_run=march)
    assert (item.wage_type, item.amount_cents) == ("retro_pay", 10000)
    assert item.earning_start == dt.date(2026, 1, 1)
    html = client.get(f"/payroll/employees/{worker.pk}/").content.decode()
    assert 'data-testid="retro-pay"' not in html


def test_api_retro_pay_preview_and_add(world, clerk):
    worker, job = _raised(clerk, world.company)
    march = pay_run(clerk, world.company, dt.date(2026, 3, 31), employees=[worker])
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/employments/{job.pk}/retro-pay"
    (line,) = client.get(url).json()
    assert line["amount"] == "100.00" and line["period_start"] == "2026-01-01"
    added = client.post(url, {}, content_type="application/json")
    assert added.status_code == 201
    (item,) = added.json()
    assert item["run_id"] == march.pk and item["earning_end"] == "2026-01-31"
    assert client.get(url).json() == []
    again = client.post(url, {"run_id": march.pk}, content_type="application/json")
    assert again.status_code == 422


def test_the_other_customer_gets_404_and_writes_nothing(world, clerk):
    worker, job = _raised(clerk, world.company)
    original = PayRun.objects.get()
    pay_run(clerk, world.company, dt.date(2026, 3, 31), employees=[worker])
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.get(f"/payroll/runs/{original.pk}/correct/").status_code == 404
    posted = other.post(
        f"/payroll/runs/{original.pk}/correct/",
        {"payment_date": "2026-04-15", "employees": [worker.pk]},
    )
    assert posted.status_code == 404
    assert other.post(f"/payroll/employments/{job.pk}/retro-pay/").status_code == 404
    api = other.post(
        f"/api/v1/payroll/pay-runs/{original.pk}/corrections",
        {"payment_date": "2026-04-15", "employee_ids": [worker.pk]},
        content_type="application/json",
    )
    assert api.status_code == 404
    url = f"/api/v1/payroll/employments/{job.pk}/retro-pay"
    assert other.get(url).status_code == 404
    assert other.post(url, {}, content_type="application/json").status_code == 404
    assert not PayRun.objects.filter(kind=PayRun.Kind.CORRECTION).exists()
    assert not PayItem.objects.exists()
