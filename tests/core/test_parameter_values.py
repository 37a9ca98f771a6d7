"""The vendor's admin enters the new year's parameter values with their sources (issue 11,
item 6): page, API, data file; who and when shown; customers and other staff refused."""

import datetime as dt
from decimal import Decimal

import pytest

from tase.core.models import AuditEvent, ParameterValue
from tase.core.roles import Role
from tase.rules import parameters as params

NAME = "payroll.unemployment.employee_rate"
SOURCE = "https://example.org/unemployment-insurance-2027"
JAN_2027 = dt.date(2027, 1, 15)


@pytest.fixture(autouse=True)
def fresh_parameters():
    """Entered values live in the test's transaction: forget them after it."""
    params.reload()
    yield
    params.reload()


def test_the_admin_enters_a_value_on_the_page_and_it_shows_who_and_when(world):
    client = world.client(Role.ADMIN)
    page = client.get("/parameters/")
    assert 'action="/parameters/enter/"' in page.content.decode()
    with pytest.raises(params.NotConfirmed):
        params.value_at(NAME, JAN_2027)
    response = client.post(
        "/parameters/enter/",
        {"name": NAME, "effective_from": "2027-01-01", "value": "0,95", "source": SOURCE,
         "note": "Government decree"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    row = ParameterValue.objects.get()
    assert (row.value, row.confirmed_until) == ("0.95", dt.date(2027, 12, 31))
    assert params.value_at(NAME, JAN_2027) == Decimal("0.95")
    html = client.get("/parameters/").content.decode()
    assert world.users[Role.ADMIN].email in html and SOURCE in html
    event = AuditEvent.objects.get(object_type="core.parametervalue")
    assert event.actor == world.users[Role.ADMIN] and event.changes["source"] == [None, SOURCE]


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.MAIN_USER, Role.PAYROLL_CLERK])
def test_others_cannot_enter_values(world, role):
    client = world.client(role)
    assert 'action="/parameters/enter/"' not in client.get("/parameters/").content.decode()
    response = client.post(
        "/parameters/enter/",
        {"name": NAME, "effective_from": "2027-01-01", "value": "1", "source": SOURCE},
    )
    assert response.status_code == 403
    api = client.post(
        f"/api/v1/parameters/{NAME}/values",
        {"effective_from": "2027-01-01", "value": "1", "source": SOURCE},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert not ParameterValue.objects.exists()


def test_the_api_enters_a_value_and_lists_who_entered_it(world):
    client = world.client(Role.ADMIN)
    response = client.post(
        f"/api/v1/parameters/{NAME}/values",
        {"effective_from": "2027-01-01", "value": "0.95", "source": SOURCE,
         "confirmed_until": "2027-12-31"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["confirmed_until"] == "2027-12-31"
    latest = body["values"][-1]
    assert latest["entered_by"] == world.users[Role.ADMIN].email and latest["entered_at"]
    value = client.get(f"/api/v1/parameters/{NAME}/value?on=2027-01-15").json()
    assert (value["value"], value["source"]) == ("0.95", SOURCE)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "not a url"}, "source"),
        ({"value": "NaN"}, "value"),
        ({"value": "[1, 2]"}, "value"),  # a list where the rate is a number
        ({"confirmed_until": "2026-06-30"}, "confirmed_until"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, change, field):
    body = {"effective_from": "2027-01-01", "value": "0.95", "source": SOURCE} | change
    response = world.client(Role.ADMIN).post(
        f"/api/v1/parameters/{NAME}/values", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert not ParameterValue.objects.exists()


def test_an_unknown_parameter_is_404(world):
    response = world.client(Role.ADMIN).post(
        "/api/v1/parameters/payroll.no_such/values",
        {"effective_from": "2027-01-01", "value": "1", "source": SOURCE},
        content_type="application/json",
    )
    assert response.status_code == 404


DATA_FILE = f"""
payroll.unemployment.employee_rate:
  confirmed_until: 2027-12-31
  values:
    - {{from: 2027-01-01, value: "0.95", source: "{SOURCE}"}}
payroll.tyel.employee_rate_bands:
  values:
    - from: 2027-01-01
      value:
        - {{from_age: 17, rate: "7.30"}}
      source: {SOURCE}
"""


def test_a_reviewed_data_file_loads_all_or_nothing(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client(Role.ADMIN)
    broken = DATA_FILE.replace(f"source: {SOURCE}\n", "source: nowhere\n")
    response = client.post(
        "/parameters/load/", {"file": SimpleUploadedFile("2027.yaml", broken.encode())}
    )
    assert response.status_code == 422
    assert "payroll.tyel.employee_rate_bands.values[1].source" in response.content.decode()
    assert not ParameterValue.objects.exists()
    response = client.post(
        "/parameters/load/", {"file": SimpleUploadedFile("2027.yaml", DATA_FILE.encode())}
    )
    assert response.status_code == 302
    assert ParameterValue.objects.count() == 2
    bands = params.value_at("payroll.tyel.employee_rate_bands", JAN_2027)
    assert bands == [{"from_age": Decimal("17"), "rate": Decimal("7.30")}]
