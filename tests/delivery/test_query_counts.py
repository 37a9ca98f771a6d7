"""The main delivery pages ask the database the same number of times however many rows they show
(no query per task, meeting, change request or project): counted with N rows and with 3N."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tase.core.roles import Role
from tase.delivery import services
from tase.delivery.models import Meeting

from .factories import KICKOFF, aware, project

pytestmark = pytest.mark.django_db
MAX_QUERIES = 70  # the project page's checklist reads each product state once: keep it so


def _grow(world, p, n):
    """``n`` more tasks (with a comment each), meetings and change requests in the project."""
    lead = world.actor(Role.PROJECT_LEAD)
    phase = p.phases.order_by("kind").first()
    for i in range(n):
        task = services.save_task(
            lead,
            p,
            phase=phase,
            title=f"Tehtävä {i}",
            owner=world.users[Role.PROJECT_LEAD],
            due_on=KICKOFF + dt.timedelta(days=10 + i),
        )
        services.comment_task(lead, task, f"Kommentti {i}")
        services.create_meeting(
            lead,
            p,
            kind=Meeting.Kind.STATUS,
            starts_at=aware(KICKOFF + dt.timedelta(days=7 * (i + 1))),
            place="Teams",
            participants=[world.users[Role.MAIN_USER]],
        )
        services.create_change_request(
            world.actor(Role.ACCOUNT_MANAGER),
            world.org,
            project=p,
            title=f"Muutos {i}",
            description="Uusi raportti",
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _pages(world, p):
    return [
        (Role.PROJECT_LEAD, reverse("delivery:overview")),
        (Role.PROJECT_LEAD, reverse("delivery:my_tasks")),
        (Role.PROJECT_LEAD, reverse("delivery:workload")),
        (Role.PROJECT_LEAD, reverse("delivery:accounts")),
        (Role.PROJECT_LEAD, reverse("delivery:project", args=[p.pk])),
        (Role.PROJECT_LEAD, reverse("delivery:project_schedule", args=[p.pk])),
        (Role.MAIN_USER, reverse("delivery:project", args=[p.pk])),
        (Role.MAIN_USER, reverse("delivery:my_tasks")),
    ]


def test_delivery_pages_do_not_query_per_row(world, django_assert_max_num_queries):
    p = project(world)
    services.set_account_manager(
        world.actor(Role.ACCOUNT_MANAGER), world.org, world.users[Role.ACCOUNT_MANAGER]
    )
    _grow(world, p, 2)
    clients = {role: world.client(role) for role in (Role.PROJECT_LEAD, Role.MAIN_USER)}
    before = {}
    for role, url in _pages(world, p):
        clients[role].get(url)  # a first read may sync self-checks and infer phase dates
        with django_assert_max_num_queries(MAX_QUERIES):
            before[role, url] = _queries(clients[role], url)
        assert before[role, url] > 3  # counted: the session, the user, the page's own rows
    _grow(world, p, 4)
    for role, url in _pages(world, p):
        clients[role].get(url)
        assert _queries(clients[role], url) == before[role, url], (role, url)


def test_the_overview_does_not_query_per_project(world):
    first = project(world)
    client = world.client(Role.PROJECT_LEAD)
    url = reverse("delivery:overview")
    client.get(url)
    one = _queries(client, url)
    for _ in range(2):
        project(world)
    client.get(url)
    assert _queries(client, url) == one
    assert first.pk  # the first project is still listed among three


def test_my_tasks_asks_the_same_number_of_queries_however_many_projects(world):
    """The lead owns open self-checking tasks in every project, and the list syncs them first:
    the tasks of all projects are read in one query, delivery's own checks (specification
    approved, first training held, closing meeting) for all projects at once, and a check about
    the organization or its companies (business ID, users, chart, pay run) once per
    organization; no phase dates are inferred."""
    client = world.client(Role.PROJECT_LEAD)
    url = reverse("delivery:my_tasks")
    project(world)
    client.get(url)
    one = _queries(client, url)
    for _ in range(3):
        project(world)
    client.get(url)
    assert _queries(client, url) == one <= 20


def test_my_tasks_syncs_each_project_by_its_own_state(world):
    """Checks answered for all projects at once still answer per project: approving one
    project's specifications completes its task on the list, not the other project's."""
    from tase.delivery.models import Task

    from .factories import approve_specs

    first, second = project(world), project(world)
    approve_specs(world, first)
    tasks = Task.objects.filter(state_check="delivery.spec_approved", project__in=[first, second])
    tasks.update(owner=world.users[Role.PROJECT_LEAD], status=Task.Status.TODO)
    world.client(Role.PROJECT_LEAD).get(reverse("delivery:my_tasks"))
    status = dict(tasks.values_list("project_id", "status"))
    assert status == {first.pk: Task.Status.DONE, second.pk: Task.Status.TODO}


def _customer(world, n: int):
    """Customer organization ``n`` of the vendor with a company, a main user and a project led
    by the world's project lead."""
    import dataclasses

    from tests.factories import CompanyFactory, OrganizationFactory, member

    org = OrganizationFactory(name=f"Asiakas {n}", vendor=world.vendor)
    CompanyFactory(organization=org, name=f"Yritys {n} Oy")
    users = world.users | {Role.MAIN_USER: member(org, Role.MAIN_USER)}
    return project(dataclasses.replace(world, org=org, users=users))


def test_my_tasks_asks_the_same_number_of_queries_however_many_customers(world):
    """The lead's self-checking tasks in projects of five customer organizations are synced
    with as many queries as in one: a check about the organization or its production
    companies (business ID, users invited, chart, voucher, pay run) is answered for all the
    organizations at once, not once per organization."""
    client = world.client(Role.PROJECT_LEAD)
    url = reverse("delivery:my_tasks")
    project(world)
    client.get(url)
    one = _queries(client, url)
    for n in range(4):
        _customer(world, n)
    client.get(url)
    assert _queries(client, url) == one <= 20


def test_my_tasks_answers_organization_checks_per_organization(world):
    """Answered for all organizations at once, a check still answers per organization: the
    customer whose only company has no business ID keeps its task open."""
    from tase.delivery.models import Task

    first, second = project(world), _customer(world, 1)
    world.org.companies.update(business_id="1234567-1")
    second.organization.companies.update(business_id="")
    tasks = Task.objects.filter(state_check="core.company_business_id", project__in=[first, second])
    assert tasks.count() == 2
    tasks.update(owner=world.users[Role.PROJECT_LEAD], status=Task.Status.TODO)
    world.client(Role.PROJECT_LEAD).get(reverse("delivery:my_tasks"))
    status = dict(tasks.values_list("project_id", "status"))
    assert status == {first.pk: Task.Status.DONE, second.pk: Task.Status.TODO}
