"""A project on hold or cancelled: a reason always, resume from hold, cancelled is read-only."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.delivery import services
from tase.delivery.models import Meeting, Project, Task

from .factories import KICKOFF, aware, project
from .test_api import API, client_for

pytestmark = pytest.mark.django_db


def says_cancelled(text: str) -> bool:
    return "cancelled" in text or "peruttu" in text


def test_hold_needs_a_reason_resume_and_audit(world):
    p = project(world)
    lead = world.actor(Role.PROJECT_LEAD)
    with pytest.raises(ValidationError) as error:
        services.set_project_status(lead, p, Project.Status.ON_HOLD, "  ")
    assert "reason" in error.value.message_dict
    p.refresh_from_db()
    assert p.status == Project.Status.RUNNING
    services.set_project_status(lead, p, Project.Status.ON_HOLD, "Asiakkaan organisaatiomuutos")
    p.refresh_from_db()
    assert p.status == "on_hold" and p.status_reason == "Asiakkaan organisaatiomuutos"
    assert p.status_changed_by == world.users[Role.PROJECT_LEAD] and p.status_changed_at
    # on hold the work can still be recorded
    services.set_task_status(lead, p.tasks.first(), Task.Status.DOING)
    services.set_project_status(lead, p, Project.Status.RUNNING, "Jatketaan")
    p.refresh_from_db()
    assert p.status == Project.Status.RUNNING
    actions = list(
        AuditEvent.objects.filter(object_type="delivery.project", object_id=str(p.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["hold", "resume"]
    event = AuditEvent.objects.filter(action="hold", object_id=str(p.pk)).get()
    assert event.changes["reason"] == ["", "Asiakkaan organisaatiomuutos"]


def test_only_lead_or_admin_side_and_no_maintenance(world):
    p = project(world)
    with pytest.raises(PermissionDenied):
        services.set_project_status(world.actor(Role.MAIN_USER), p, "on_hold", "x")
    with pytest.raises(PermissionDenied):
        services.set_project_status(world.actor(Role.CONSULTANT), p, "on_hold", "x")
    with pytest.raises(ValidationError) as error:
        services.set_project_status(world.actor(Role.ADMIN), p, "maintenance", "x")
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError):  # already running
        services.set_project_status(world.actor(Role.ADMIN), p, "running", "x")


def test_cancelled_project_is_read_only(world):
    p = project(world)
    lead = world.actor(Role.PROJECT_LEAD)
    services.set_project_status(lead, p, Project.Status.CANCELLED, "Asiakas perui hankinnan")
    p.refresh_from_db()
    task = p.tasks.first()
    attempts = [
        lambda: services.set_task_status(lead, task, Task.Status.DONE),
        lambda: services.comment_task(lead, task, "kommentti"),
        lambda: services.save_task(lead, p, phase=task.phase, title="Uusi"),
        lambda: services.create_meeting(
            lead, p, kind=Meeting.Kind.STATUS, starts_at=aware(KICKOFF + dt.timedelta(days=7))
        ),
        lambda: services.save_spec_version(lead, p.specs.first(), "teksti"),
        lambda: services.plan_training(
            lead, p, part=1, starts_at=aware(KICKOFF + dt.timedelta(weeks=8)), hours=2
        ),
        lambda: services.reschedule(lead, p, {}, set_baseline=True),
        lambda: services.add_key_person(
            lead, p, user=world.users[Role.MAIN_USER], role="Pääkäyttäjä"
        ),
        lambda: services.set_project_status(lead, p, Project.Status.RUNNING, "Takaisin"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert says_cancelled(" ".join(error.value.messages))
    task.refresh_from_db()
    assert task.status == Task.Status.TODO and not task.comments.exists()


def test_status_page_project_page_and_overview(world):
    p = project(world)
    client = world.client(Role.PROJECT_LEAD)
    url = reverse("delivery:project_status", args=[p.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "on_hold", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    p.refresh_from_db()
    assert p.status == "running"
    response = client.post(url, {"status": "on_hold", "reason": "Odotetaan aineistoa"})
    assert response.status_code == 302
    page = client.get(reverse("delivery:project", args=[p.pk])).content.decode()
    assert "Odotetaan aineistoa" in page and 'data-testid="status-reason"' in page
    overview = reverse("delivery:overview")
    assert "Odotetaan aineistoa" in client.get(overview).content.decode()
    assert p.name in client.get(overview + "?status=on_hold").content.decode()
    assert p.name not in client.get(overview + "?status=running").content.decode()
    # the customer sees the reason but gets no status page
    customer = world.client(Role.MAIN_USER)
    assert (
        "Odotetaan aineistoa"
        in customer.get(reverse("delivery:project", args=[p.pk])).content.decode()
    )
    assert customer.get(url).status_code == 403
    # cancel; then the page offers no write buttons and a write is refused with a message
    client.post(url, {"status": "cancelled", "reason": "Peruttu"})
    page = client.get(reverse("delivery:project", args=[p.pk])).content.decode()
    assert reverse("delivery:task_create", args=[p.pk]) not in page
    task = p.tasks.first()
    response = client.post(
        reverse("delivery:task_status", args=[task.pk]), {"status": "done"}, follow=True
    )
    assert says_cancelled(response.content.decode())
    task.refresh_from_db()
    assert task.status == "todo"
    assert client.get(url).status_code == 302  # no more status changes


def test_status_through_the_api(world):
    p = project(world)
    lead = client_for(world.users[Role.PROJECT_LEAD])
    bad = lead.post(
        f"{API}/projects/{p.pk}/status", {"status": "on_hold"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "reason" in bad.content.decode()
    ok = lead.post(
        f"{API}/projects/{p.pk}/status",
        {"status": "on_hold", "reason": "Tauko"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "on_hold" and ok.json()["status_reason"] == "Tauko"
    listed = lead.get(f"{API}/projects?status=on_hold").json()
    assert [row["id"] for row in listed["items"]] == [p.pk]
    customer = client_for(world.users[Role.MAIN_USER])
    assert (
        customer.post(
            f"{API}/projects/{p.pk}/status",
            {"status": "running", "reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    lead.post(
        f"{API}/projects/{p.pk}/status",
        {"status": "cancelled", "reason": "Peruttu"},
        content_type="application/json",
    )
    task = p.tasks.first()
    refused = lead.post(
        f"{API}/tasks/{task.pk}/status", {"status": "done"}, content_type="application/json"
    )
    assert refused.status_code == 422 and says_cancelled(refused.content.decode())


def test_no_go_live_sign_off_while_on_hold(world):
    p = project(world)
    services.set_project_status(world.actor(Role.PROJECT_LEAD), p, Project.Status.ON_HOLD, "Tauko")
    p.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.sign_go_live(world.actor(Role.PROJECT_LEAD), p)
    assert "project" in error.value.message_dict
