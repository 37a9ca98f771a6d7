"""Status reports from the project's own data (issue 13, item 4): a weekly draft (a task) or
one on demand, with phases and slip, tasks done and due, hours, risks, decisions and the next
meetings, which the lead edits and publishes; a health indicator on the vendor's project list."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tase.core.roles import Role
from tase.delivery import services, status, tasks
from tase.delivery.models import Document, Project, Task

from .factories import project
from .test_api import API, client_for

pytestmark = pytest.mark.django_db


def test_health_rules():
    assert status.health(slip=0, overdue_tasks=0, hours_over=False, hours_warn=False) == "on_time"
    assert (
        status.health(slip=None, overdue_tasks=0, hours_over=False, hours_warn=False) == "on_time"
    )
    assert status.health(slip=3, overdue_tasks=0, hours_over=False, hours_warn=False) == "at_risk"
    assert status.health(slip=0, overdue_tasks=1, hours_over=False, hours_warn=False) == "at_risk"
    assert status.health(slip=0, overdue_tasks=0, hours_over=False, hours_warn=True) == "at_risk"
    assert status.health(slip=15, overdue_tasks=0, hours_over=False, hours_warn=False) == "late"
    assert status.health(slip=-3, overdue_tasks=0, hours_over=True, hours_warn=False) == "late"


def _late_task(world, p):
    lead = world.actor(Role.PROJECT_LEAD)
    return services.save_task(
        lead,
        p,
        phase=p.phases.first(),
        title="Avaava tase",
        due_on=timezone.localdate() - dt.timedelta(days=2),
        owner=world.users[Role.MAIN_USER],
    )


def test_draft_from_the_projects_data_edited_and_published(world):
    p = project(world)
    _late_task(world, p)
    lead = world.actor(Role.PROJECT_LEAD)
    spec = p.specs.first()
    version = services.save_spec_version(lead, spec, "Määrittely")
    services.send_spec_for_review(lead, version)
    draft = services.draft_status_report(lead, p)
    assert draft.kind == Document.Kind.STATUS_REPORT and draft.published_at is None
    assert not draft.customer_visible
    body = draft.body
    assert "Avaava tase" in body  # an overdue task is a risk
    assert spec.title in body  # the spec awaiting approval is a decision
    assert "Kirjanpito" in body  # hours per module
    with pytest.raises(ValidationError):  # one draft a week: the lead's edits are kept
        services.draft_status_report(lead, p)
    services.update_document_text(lead, draft, body + "\nLisätty kommentti")
    services.publish_document(lead, draft)
    draft.refresh_from_db()
    assert draft.published_at and draft.customer_visible and "Lisätty kommentti" in draft.body
    customer = world.client(Role.MAIN_USER)
    customer_page = customer.get(reverse("delivery:project", args=[p.pk])).content.decode()
    assert draft.title in customer_page  # the latest status report
    document = customer.get(reverse("delivery:document", args=[draft.pk])).content.decode()
    assert "Lisätty kommentti" in document
    with pytest.raises(PermissionDenied):
        services.draft_status_report(world.actor(Role.MAIN_USER), p)


def test_weekly_task_drafts_running_projects_once(world):
    p = project(world)
    ended = project(world)
    Project.objects.filter(pk=ended.pk).update(status=Project.Status.MAINTENANCE)
    assert tasks.draft_weekly_status_reports.call() == 1
    assert tasks.draft_weekly_status_reports.call() == 0
    assert p.documents.filter(kind=Document.Kind.STATUS_REPORT).count() == 1
    assert not ended.documents.filter(kind=Document.Kind.STATUS_REPORT).exists()


def test_project_list_shows_health_without_a_query_per_project(
    world, django_assert_max_num_queries
):
    p = project(world)
    client = world.client(Role.ADMIN)
    page = client.get(reverse("delivery:overview")).content.decode()
    assert 'data-testid="health"' in page
    _late_task(world, p)
    services.log_hours(
        world.actor(Role.CONSULTANT), p, on=timezone.localdate(), hours="2", module="payroll"
    )
    page = client.get(reverse("delivery:overview")).content.decode()
    assert "Riskissä" in page  # at risk
    for _ in range(3):
        project(world)
    with django_assert_max_num_queries(25):
        client.get(reverse("delivery:overview"))
    customer = world.client(Role.MAIN_USER).get(reverse("delivery:overview"))
    assert 'data-testid="health"' not in customer.content.decode() or customer.status_code == 302


def test_draft_page_and_api_and_tenant_wall(world):
    p = project(world)
    client = world.client(Role.PROJECT_LEAD)
    response = client.post(reverse("delivery:status_report_draft", args=[p.pk]))
    draft = Document.objects.get(kind=Document.Kind.STATUS_REPORT)
    assert response.status_code == 302 and response.url == reverse(
        "delivery:document", args=[draft.pk]
    )
    response = client.post(reverse("delivery:status_report_draft", args=[p.pk]))
    assert response.url == reverse("delivery:project", args=[p.pk])  # refused: back with a message
    assert Document.objects.filter(kind=Document.Kind.STATUS_REPORT).count() == 1
    draft.archived_at = timezone.now()
    draft.save()
    api = client_for(world.users[Role.PROJECT_LEAD])
    response = api.post(f"{API}/projects/{p.pk}/status-reports")
    assert response.status_code == 201, response.content
    doc_id = response.json()["id"]
    response = api.post(
        f"{API}/documents/{doc_id}/text", {"body": "Muokattu"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["body"] == "Muokattu"
    assert api.post(f"{API}/documents/{doc_id}/publish").status_code == 200
    facts = api.get(f"{API}/projects/{p.pk}/status-facts").json()
    assert facts["health"] in {"on_time", "at_risk", "late"} and "hours" in facts
    other = client_for(world.other_users[Role.MAIN_USER])
    assert other.get(f"{API}/projects/{p.pk}/status-facts").status_code == 404
    assert other.post(f"{API}/projects/{p.pk}/status-reports").status_code == 404
    assert (
        world.client(Role.MAIN_USER, other=True)
        .post(reverse("delivery:status_report_draft", args=[p.pk]))
        .status_code
        == 404
    )
    customer = client_for(world.users[Role.MAIN_USER])
    assert customer.post(f"{API}/projects/{p.pk}/status-reports").status_code == 403
    assert Task.objects.filter(project=p).exists()
