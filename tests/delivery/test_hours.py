"""Hours against the contract (issue 13, item 5): consultants log hours on modules, tasks and
training; the project shows used and left per module and training and warns at 80 %; hours
outside the contract become a change request; a closed project takes no hours; the workload
page counts hours."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.delivery import selectors, services
from tase.delivery.models import Project, TimeEntry

from .factories import aware, project
from .test_api import API, client_for

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _setup(world):
    p = project(world, training_hours="10")
    services.set_module_hours(
        world.actor(Role.ACCOUNT_MANAGER), p.contract, {"bookkeeping": "10", "payroll": "20,5"}
    )
    p.refresh_from_db()
    p.contract.refresh_from_db()
    return p


@translation.override("en")
def test_hours_used_and_left_per_module_and_training_with_warning(world):
    p = _setup(world)
    consultant = world.actor(Role.CONSULTANT)
    task = p.tasks.first()
    services.log_hours(consultant, p, on=TODAY, hours="8,5", module="bookkeeping", task=task)
    session = services.plan_training(
        world.actor(Role.PROJECT_LEAD),
        p,
        part=1,
        starts_at=aware(TODAY + dt.timedelta(days=3)),
        hours="4",
    )
    services.log_hours(consultant, p, on=TODAY, hours="3", training=session)
    summary = selectors.hours_summary(p)
    rows = {r["key"]: r for r in summary["rows"]}
    assert rows["bookkeeping"]["contracted"] == Decimal("10.00")
    assert rows["bookkeeping"]["used"] == Decimal("8.50")
    assert rows["bookkeeping"]["left"] == Decimal("1.50")
    assert rows["bookkeeping"]["warn"] and not rows["bookkeeping"]["over"]
    assert rows["payroll"]["left"] == Decimal("20.50") and not rows["payroll"]["warn"]
    assert rows["training"]["used"] == Decimal("3.00") and rows["training"]["left"] == Decimal(
        "7.00"
    )
    assert len(summary["warnings"]) == 1 and "Bookkeeping" in summary["warnings"][0]
    services.log_hours(consultant, p, on=TODAY, hours="2", module="bookkeeping")
    summary = selectors.hours_summary(p)
    assert {r["key"]: r for r in summary["rows"]}["bookkeeping"]["over"]
    assert "over by 0,50 h" in summary["warnings"][0]  # Finnish number format


def test_bad_hours_refused_nothing_written(world):
    p = _setup(world)
    consultant = world.actor(Role.CONSULTANT)
    cases = [
        ({"hours": "0", "module": "bookkeeping"}, "hours"),
        ({"hours": "25", "module": "bookkeeping"}, "hours"),
        ({"hours": "1", "module": "reporting"}, "module"),  # not in the contract
        ({"hours": "1", "kind": "out_of_scope"}, "note"),
        ({"hours": "1", "module": "bookkeeping", "on": TODAY + dt.timedelta(days=1)}, "on"),
    ]
    for kwargs, field in cases:
        kwargs = {"on": TODAY, **kwargs}
        with pytest.raises(ValidationError) as error:
            services.log_hours(consultant, p, **kwargs)
        assert field in error.value.message_dict, (kwargs, error.value)
    with pytest.raises(PermissionDenied):
        services.log_hours(world.actor(Role.MAIN_USER), p, on=TODAY, hours="1", module="payroll")
    assert not TimeEntry.objects.exists()


def test_hours_on_a_closed_project_refused(world):
    p = _setup(world)
    Project.objects.filter(pk=p.pk).update(status=Project.Status.MAINTENANCE)
    p.refresh_from_db()
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        services.log_hours(
            world.actor(Role.CONSULTANT), p, on=TODAY, hours="1", module="bookkeeping"
        )
    assert "päättynyt" in error.value.message_dict["project"][0]  # "is closed"
    assert not TimeEntry.objects.exists() and AuditEvent.objects.count() == before


def test_out_of_scope_hours_flow_to_a_change_request(world):
    p = _setup(world)
    consultant = world.actor(Role.CONSULTANT)
    services.log_hours(consultant, p, on=TODAY, hours="2", kind="out_of_scope", note="Raportti X")
    services.log_hours(consultant, p, on=TODAY, hours="1.5", kind="out_of_scope", note="Y")
    assert selectors.hours_summary(p)["out_of_scope_open"] == Decimal("3.50")
    with pytest.raises(PermissionDenied):
        services.change_request_from_hours(consultant, p, title="Raportit")
    cr = services.change_request_from_hours(world.actor(Role.PROJECT_LEAD), p, title="Raportit")
    assert cr.estimate_hours == Decimal("3.50") and "Raportti X" in cr.description
    assert cr.time_entries.count() == 2
    summary = selectors.hours_summary(p)
    assert summary["out_of_scope_open"] == 0
    assert summary["out_of_scope_on_change_requests"] == Decimal("3.50")
    with pytest.raises(ValidationError):  # nothing left to turn into one
        services.change_request_from_hours(world.actor(Role.PROJECT_LEAD), p, title="Again")


def test_module_hours_only_for_the_contracts_modules(world):
    p = project(world)
    with pytest.raises(ValidationError) as error:
        services.set_module_hours(world.actor(Role.ACCOUNT_MANAGER), p.contract, {"reporting": 5})
    assert "hours_reporting" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.set_module_hours(world.actor(Role.CONSULTANT), p.contract, {"payroll": 5})


def test_hours_page_logs_and_shows_and_customer_sees_summary_only(world):
    p = _setup(world)
    client = world.client(Role.CONSULTANT)
    url = reverse("delivery:project_hours", args=[p.pk])
    response = client.post(
        url,
        {
            "log-on": TODAY.isoformat(),
            "log-hours": "9",
            "log-kind": "module",
            "log-module": "bookkeeping",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TimeEntry.objects.get().hours == Decimal("9.00")
    page = client.get(url).content.decode()
    assert 'data-testid="hours-warning"' in page and 'data-testid="log-hours"' in page
    customer = world.client(Role.MAIN_USER).get(url).content.decode()
    assert 'data-testid="hours-summary"' in customer and 'data-testid="log-hours"' not in customer
    # the customer cannot log hours through the page either
    world.client(Role.MAIN_USER).post(
        url,
        {
            "log-on": TODAY.isoformat(),
            "log-hours": "1",
            "log-kind": "module",
            "log-module": "payroll",
        },
    )
    assert TimeEntry.objects.count() == 1
    project_page = client.get(reverse("delivery:project", args=[p.pk])).content.decode()
    assert 'data-testid="hours-used"' in project_page


def test_hours_page_bad_input_shows_the_error(world):
    p = _setup(world)
    response = world.client(Role.CONSULTANT).post(
        reverse("delivery:project_hours", args=[p.pk]),
        {"log-on": TODAY.isoformat(), "log-hours": "1", "log-kind": "out_of_scope"},
    )
    assert response.status_code == 200
    assert "Kerro, mitä sopimuksen ulkopuolinen työ oli." in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_contract_hours_page(world):
    p = project(world)
    response = world.client(Role.ACCOUNT_MANAGER).post(
        reverse("delivery:contract_hours", args=[p.contract_id]),
        {"hours_bookkeeping": "12", "hours_payroll": ""},
    )
    assert response.status_code == 302
    p.contract.refresh_from_db()
    assert p.contract.module_hours == {"bookkeeping": "12.00"}


def test_hours_api_and_tenant_wall(world):
    p = _setup(world)
    consultant = client_for(world.users[Role.CONSULTANT])
    response = consultant.post(
        f"{API}/projects/{p.pk}/time-entries",
        {"on": TODAY.isoformat(), "hours": "2.5", "module": "payroll"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    response = consultant.get(f"{API}/projects/{p.pk}/hours")
    body = response.json()
    assert response.status_code == 200 and body["used"] == "2.50"
    assert {r["key"]: r["left"] for r in body["modules"]}["payroll"] == "18.00"
    assert consultant.get(f"{API}/projects/{p.pk}/time-entries").json()["count"] == 1
    response = consultant.post(
        f"{API}/projects/{p.pk}/time-entries",
        {"on": TODAY.isoformat(), "hours": "1", "kind": "out_of_scope", "note": "Lisätyö"},
        content_type="application/json",
    )
    assert response.status_code == 201
    lead = client_for(world.users[Role.PROJECT_LEAD])
    response = lead.post(
        f"{API}/projects/{p.pk}/hours/change-request",
        {"title": "Lisätyö"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["estimate_hours"] == "1.00"
    response = lead.post(
        f"{API}/contracts/{p.contract_id}/module-hours",
        {"module_hours": {"payroll": 30}},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["module_hours"] == {"payroll": "30.00"}
    other = client_for(world.other_users[Role.MAIN_USER])
    assert other.get(f"{API}/projects/{p.pk}/hours").status_code == 404
    assert (
        world.client(Role.MAIN_USER, other=True)
        .get(reverse("delivery:project_hours", args=[p.pk]))
        .status_code
        == 404
    )
    Project.objects.filter(pk=p.pk).update(status=Project.Status.CANCELLED)
    response = consultant.post(
        f"{API}/projects/{p.pk}/time-entries",
        {"on": TODAY.isoformat(), "hours": "1", "module": "payroll"},
        content_type="application/json",
    )
    detail = response.json()["detail"][0]
    assert response.status_code == 422 and detail["loc"] == ["body", "project"]
    assert "päättynyt" in detail["msg"]
    assert TimeEntry.objects.count() == 2


def test_workload_counts_hours_not_tasks(world):
    p = _setup(world)
    consultant = world.actor(Role.CONSULTANT)
    services.log_hours(consultant, p, on=TODAY, hours="6", module="payroll")
    services.log_hours(consultant, p, on=TODAY, hours="1.5", module="bookkeeping")
    load = selectors.workload(world.actor(Role.ADMIN), today=TODAY)
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    index = load["weeks"].index(monday)
    row = next(r for r in load["rows"] if r["name"] == str(world.users[Role.CONSULTANT]))
    assert row["weeks"][index]["logged"] == Decimal("7.50")
    # the page's queries do not grow with the hours logged
    client = world.client(Role.ADMIN)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("delivery:workload"))
    for _ in range(5):
        services.log_hours(consultant, p, on=TODAY, hours="1", module="payroll")
    with CaptureQueriesContext(connection) as second:
        page = client.get(reverse("delivery:workload")).content.decode()
    assert len(second) == len(first)
    assert "12,50 h" in page or "12,5 h" in page, page[page.find("<tbody") :][:600]
