"""The employee API checks the language and the email addresses as the page form does: the
same message, naming the field, 422, nothing written (issue 11, interfaces)."""

import pytest
from django.utils.html import escape

from tase.core.roles import Role
from tase.payroll.models import Employee

from .factories import employee

BASE = {
    "first_name": "Eeva",
    "last_name": "Esimerkki",
    "birth_date": "1990-05-01",
    "language": "fi",
    "email": "",
}
# (field, bad value) of the page's fields, each refused by the form.
BAD = [("language", "sv"), ("email", "eeva.example.fi"), ("user_email", "not an address")]


def _page_form(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None} | {"is_active": "on"}


def _api_error(response, field: str) -> str:
    assert response.status_code == 422, response.content
    (error,) = [e for e in response.json()["detail"] if e["loc"][-1] == field]
    return error["msg"]


@pytest.mark.parametrize("field,value", BAD, ids=[field for field, _v in BAD])
def test_create_refuses_the_field_in_the_page_and_the_api_alike(world, clerk, field, value):
    client = world.client(Role.PAYROLL_CLERK)
    data = BASE | {field: value}
    page = client.post(f"/payroll/c/{world.company.pk}/employees/new/", _page_form(data))
    assert page.status_code == 200  # the form again, with the error
    api = client.post(
        f"/api/v1/payroll/companies/{world.company.pk}/employees",
        data,
        content_type="application/json",
    )
    message = _api_error(api, field)
    assert escape(message) in page.content.decode()
    assert not Employee.objects.filter(first_name="Eeva").exists()


@pytest.mark.parametrize("field,value", BAD, ids=[field for field, _v in BAD])
def test_update_refuses_the_field_in_the_page_and_the_api_alike(world, clerk, field, value):
    worker = employee(clerk, world.company, first_name="Eeva", email="eeva@example.fi")
    client = world.client(Role.PAYROLL_CLERK)
    form = {
        "number": worker.number,
        "first_name": "Eeva",
        "last_name": worker.last_name,
        "birth_date": "1990-05-01",
        "language": "fi",
        "email": "eeva@example.fi",
        field: value,
    }
    page = client.post(f"/payroll/employees/{worker.pk}/edit/", _page_form(form))
    assert page.status_code == 200
    api = client.patch(
        f"/api/v1/payroll/employees/{worker.pk}", {field: value}, content_type="application/json"
    )
    message = _api_error(api, field)
    assert escape(message) in page.content.decode()
    worker.refresh_from_db()
    assert (worker.language, worker.email) == ("fi", "eeva@example.fi")


def test_valid_values_are_kept_through_the_api(world, clerk):
    client = world.client(Role.PAYROLL_CLERK)
    created = client.post(
        f"/api/v1/payroll/companies/{world.company.pk}/employees",
        BASE | {"language": "en", "email": " eeva@example.fi "},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    row = Employee.objects.get(first_name="Eeva")
    assert (row.language, row.email) == ("en", "eeva@example.fi")
