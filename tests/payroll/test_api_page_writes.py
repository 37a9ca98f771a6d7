"""The page writes that had no API operation (issue 11, Interfaces): editing an employee,
deleting a pay item, the mass-entry grid and deleting a draft run, each through the same
service as its page: success, a bad field answering 422 naming it with nothing written,
another organization's id answering 404, and an approved run refused."""

import datetime as dt
from decimal import Decimal as D

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Employee, PayItem, PayRun

from .factories import employee, pay_run, valid_code

JSON = "application/json"


def _approved(clerk, run):
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def _locs(response) -> list[list[str]]:
    return [error["loc"] for error in response.json()["detail"]]


# -- PATCH /employees/{id} -------------------------------------------------------------------
def test_patch_employee_changes_the_given_fields_and_keeps_the_identity_code(world, clerk):
    code = valid_code("150675-123")
    worker = employee(clerk, world.company, identity_code=code, birth_date=None)
    client = world.client(Role.PAYROLL_CLERK)
    response = client.patch(
        f"/api/v1/payroll/employees/{worker.pk}",
        {"last_name": "Virtanen", "city": "Tampere", "iban": "FI21 1234 5600 0007 85"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["last_name"], data["first_name"]) == ("Virtanen", "Matti")
    worker.refresh_from_db()
    assert (worker.city, worker.iban) == ("Tampere", "FI2112345600000785")
    assert worker.identity_code == code and worker.birth_date == dt.date(1975, 6, 15)
    event = AuditEvent.objects.filter(action="update").latest("pk")
    assert event.changes["iban"] == ["", "***"]  # the secret itself is not in the trail


def test_patch_employee_bad_fields_are_named_and_nothing_is_written(world, clerk):
    worker = employee(clerk, world.company, first_name="Sari", city="Oulu")
    other = employee(clerk, world.company, first_name="Olli", number="77")
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/employees/{worker.pk}"
    for body, field in [
        ({"city": "Turku", "iban": "FI00 1234"}, "iban"),
        ({"city": "Turku", "first_name": None}, "first_name"),
        ({"city": "Turku", "first_name": "  "}, "first_name"),
        ({"city": "Turku", "number": other.number}, "number"),
        ({"city": "Turku", "identity_code": "150675-1234"}, "identity_code"),
        ({"city": "Turku", "birth_date": "1990-02-30"}, "birth_date"),
    ]:
        response = client.patch(url, body, content_type=JSON)
        assert response.status_code == 422, (body, response.content)
        assert [loc[-1] for loc in _locs(response)] == [field], (body, response.json())
    worker.refresh_from_db()
    assert (worker.first_name, worker.city, worker.iban) == ("Sari", "Oulu", "")


def test_patch_employee_of_another_organization_answers_404(world, clerk):
    worker = employee(clerk, world.company, city="Oulu")
    other = world.client(Role.PAYROLL_CLERK, other=True)
    response = other.patch(
        f"/api/v1/payroll/employees/{worker.pk}", {"city": "Turku"}, content_type=JSON
    )
    assert response.status_code == 404
    viewer = world.client(Role.ACCOUNTANT)
    response = viewer.patch(
        f"/api/v1/payroll/employees/{worker.pk}", {"city": "Turku"}, content_type=JSON
    )
    assert response.status_code in (403, 404)
    worker.refresh_from_db()
    assert worker.city == "Oulu"


# -- DELETE /pay-items/{id} ------------------------------------------------------------------
def test_delete_pay_item_of_a_draft_run(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    item = services.add_item(clerk, run, worker, wage_type="bonus", amount="100")
    keep = services.add_item(clerk, run, worker, wage_type="bonus", amount="50")
    services.calculate_pay_run(clerk, run)
    client = world.client(Role.PAYROLL_CLERK)
    response = client.delete(f"/api/v1/payroll/pay-items/{item.pk}")
    assert response.status_code == 204, response.content
    assert list(PayItem.objects.values_list("pk", flat=True)) == [keep.pk]
    run.refresh_from_db()
    assert run.stale  # to be calculated again, as after the page's delete
    assert AuditEvent.objects.filter(action="delete_item").count() == 1
    assert client.delete(f"/api/v1/payroll/pay-items/{item.pk}").status_code == 404


def test_delete_pay_item_of_another_organization_or_an_approved_run_is_refused(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    item = services.add_item(clerk, run, worker, wage_type="bonus", amount="100")
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.delete(f"/api/v1/payroll/pay-items/{item.pk}").status_code == 404
    _approved(clerk, run)
    response = world.client(Role.PAYROLL_CLERK).delete(f"/api/v1/payroll/pay-items/{item.pk}")
    assert response.status_code == 422 and _locs(response) == [["body", "status"]]
    assert PayItem.objects.filter(pk=item.pk).exists()


# -- PUT /pay-runs/{id}/grid -----------------------------------------------------------------
def test_put_grid_replaces_the_grids_items_as_the_page_does(world, clerk):
    worker = employee(clerk, world.company, basis="hourly", salary="14.00")
    second = employee(clerk, world.company, first_name="Sari")
    run = pay_run(clerk, world.company)
    old = services.add_item(clerk, run, worker, wage_type="bonus", amount="999")
    kept = services.add_item(clerk, run, second, wage_type="holiday_bonus", amount="10")
    client = world.client(Role.PAYROLL_CLERK)
    response = client.put(
        f"/api/v1/payroll/pay-runs/{run.pk}/grid",
        {
            "cells": [
                {"employee_id": worker.pk, "wage_type": "hourly_wage", "value": "120"},
                {"employee_id": second.pk, "wage_type": "overtime_50", "value": "7,5"},
                {"employee_id": second.pk, "wage_type": "bonus", "value": "250.00"},
                {"employee_id": worker.pk, "wage_type": "overtime_100", "value": ""},
            ]
        },
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["saved"] == 3
    assert data["columns"] == services.grid_codes(world.company)
    assert "hourly_wage" in data["columns"] and "bonus" in data["columns"]
    rows = {
        (row.employee_id, row.wage_type): row
        for row in PayItem.objects.filter(pay_run=run).exclude(pk=kept.pk)
    }
    assert not PayItem.objects.filter(pk=old.pk).exists()  # the grid's wage types replaced
    assert PayItem.objects.filter(pk=kept.pk).exists()  # other wage types stay
    assert rows[(worker.pk, "hourly_wage")].quantity == D("120")
    assert rows[(second.pk, "overtime_50")].quantity == D("7.5")
    assert rows[(second.pk, "bonus")].amount_cents == 25000
    assert AuditEvent.objects.filter(action="mass_entry").count() == 1
    services.calculate_pay_run(clerk, run)
    slip = run.payslips.get(employee=worker)
    line = next(x for x in slip.lines if x["code"] == "hourly_wage")
    assert line["amount"] == "1680.00"


def test_put_grid_bad_cells_are_named_and_nothing_is_written(world, clerk):
    worker = employee(clerk, world.company, number="12")
    outsider = employee(clerk, world.company, first_name="Olli", start=dt.date(2027, 1, 1))
    run = pay_run(clerk, world.company)
    old = services.add_item(clerk, run, worker, wage_type="bonus", amount="100")
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/pay-runs/{run.pk}/grid"
    good = {"employee_id": worker.pk, "wage_type": "overtime_100", "value": "2"}
    for cell, loc in [
        ({"employee_id": worker.pk, "wage_type": "bonus", "value": "abc"}, "12.bonus.amount"),
        ({"employee_id": worker.pk, "wage_type": "overtime_50", "value": "-1"}, "12.overtime_50.quantity"),
        ({"employee_id": worker.pk, "wage_type": "meal_benefit", "value": "1"}, "wage_type"),
        ({"employee_id": outsider.pk, "wage_type": "bonus", "value": "1"}, "employee"),
        (good, "cells"),  # the same cell twice
    ]:  # fmt: skip
        response = client.put(url, {"cells": [good, cell]}, content_type=JSON)
        assert response.status_code == 422, (cell, response.content)
        assert _locs(response) == [["body", loc]], (cell, response.json())
    response = client.put(url, {"cells": [{"employee_id": worker.pk}]}, content_type=JSON)
    assert response.status_code == 422 and ["body", "payload", "cells", 0, "wage_type"] in _locs(
        response
    )
    assert list(PayItem.objects.values_list("pk", flat=True)) == [old.pk]
    assert not AuditEvent.objects.filter(action="mass_entry").exists()


def test_put_grid_of_another_organization_or_an_approved_run_is_refused(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    body = {"cells": [{"employee_id": worker.pk, "wage_type": "bonus", "value": "100"}]}
    other = world.client(Role.PAYROLL_CLERK, other=True)
    url = f"/api/v1/payroll/pay-runs/{run.pk}/grid"
    assert other.put(url, body, content_type=JSON).status_code == 404
    assert not PayItem.objects.exists()
    _approved(clerk, run)
    response = world.client(Role.PAYROLL_CLERK).put(url, body, content_type=JSON)
    assert response.status_code == 422 and _locs(response) == [["body", "status"]]
    assert not PayItem.objects.exists()


# -- DELETE /pay-runs/{id} -------------------------------------------------------------------
def test_delete_a_draft_run(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    services.add_item(clerk, run, worker, wage_type="bonus", amount="100")
    services.calculate_pay_run(clerk, run)
    client = world.client(Role.PAYROLL_CLERK)
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.delete(f"/api/v1/payroll/pay-runs/{run.pk}").status_code == 404
    assert PayRun.objects.filter(pk=run.pk).exists()
    response = client.delete(f"/api/v1/payroll/pay-runs/{run.pk}")
    assert response.status_code == 204, response.content
    assert not PayRun.objects.filter(pk=run.pk).exists() and not PayItem.objects.exists()
    assert AuditEvent.objects.filter(action="delete").count() == 1
    assert client.delete(f"/api/v1/payroll/pay-runs/{run.pk}").status_code == 404


def test_deleting_an_approved_run_is_refused(world, clerk):
    employee(clerk, world.company)
    run = _approved(clerk, pay_run(clerk, world.company))
    response = world.client(Role.PAYROLL_CLERK).delete(f"/api/v1/payroll/pay-runs/{run.pk}")
    assert response.status_code == 422 and _locs(response) == [["body", "status"]]
    run.refresh_from_db()
    assert run.status == PayRun.Status.APPROVED and run.payslips.exists()
    assert Employee.objects.count() == 1
