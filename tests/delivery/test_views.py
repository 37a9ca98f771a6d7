import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from tase.core.roles import Role
from tase.delivery import services
from tase.delivery.models import Document, Meeting, SpecVersion, Task

from .factories import KICKOFF, aware, project

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(world):
    p = project(world)
    lead = world.actor(Role.PROJECT_LEAD)
    services.set_account_manager(
        world.actor(Role.ACCOUNT_MANAGER), world.org, world.users[Role.ACCOUNT_MANAGER]
    )
    services.add_key_person(lead, p, user=world.users[Role.MAIN_USER], role="Talouspäällikkö")
    m = services.create_meeting(
        lead,
        p,
        kind=Meeting.Kind.KICKOFF,
        starts_at=aware(KICKOFF),
        place="Tampere",
        participants=[world.users[Role.MAIN_USER]],
    )
    services.write_minutes(lead, m, "Sovittiin aikataulu.")
    spec = p.specs.first()
    services.save_spec_version(lead, spec, "a\nb")
    v = services.save_spec_version(lead, spec, "a\nc")
    services.send_spec_for_review(lead, v)
    services.plan_two_part_training(
        lead, p, first_at=aware(KICKOFF + dt.timedelta(weeks=8)), hours_each=3
    )
    services.create_change_request(
        world.actor(Role.ACCOUNT_MANAGER),
        world.org,
        project=p,
        title="Lisäraportti",
        description="Uusi raportti",
    )
    return p


def urls(p):
    task = p.tasks.first()
    meeting = p.meetings.first()
    spec = p.specs.first()
    version = spec.versions.first()
    return [
        reverse("delivery:project", args=[p.pk]),
        reverse("delivery:task", args=[task.pk]),
        reverse("delivery:meeting", args=[meeting.pk]),
        reverse("delivery:spec", args=[spec.pk]),
        reverse("delivery:spec_pdf", args=[version.pk]),
        reverse("delivery:document", args=[meeting.agenda_id]),
        reverse("delivery:contract", args=[p.contract_id]),
    ]


def test_staff_pages_render(world, p, django_assert_max_num_queries):
    client = world.client(Role.PROJECT_LEAD)
    for url in [
        *urls(p),
        reverse("delivery:overview"),
        reverse("delivery:my_tasks"),
        reverse("delivery:workload"),
        reverse("delivery:accounts"),
        reverse("delivery:account", args=[world.org.pk]),
        reverse("delivery:project_schedule", args=[p.pk]),
        reverse("delivery:task_create", args=[p.pk]),
        reverse("delivery:meeting_create", args=[p.pk]),
        reverse("delivery:training_create", args=[p.pk]),
        reverse("delivery:training_create", args=[p.pk]) + "?two=1",
        reverse("delivery:document_create", args=[p.pk]),
        reverse("delivery:change_request_create", args=[p.pk]),
        reverse("delivery:document_pdf", args=[p.meetings.first().agenda_id]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("delivery:project", args=[p.pk])).content.decode()
    assert "<svg" in page and world.users[Role.MAIN_USER].email in page
    assert world.users[Role.ACCOUNT_MANAGER].email in page


def test_overview_query_count_and_filters(world, p, django_assert_max_num_queries):
    project(world)
    client = world.client(Role.ADMIN)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("delivery:overview"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/delivery/projects/') == 2
    behind = client.get(reverse("delivery:overview") + "?behind=1").content.decode()
    assert 'href="/delivery/projects/' not in behind
    lead = client.get(
        reverse("delivery:overview") + f"?lead={world.users[Role.PROJECT_LEAD].pk}&module=payroll"
    ).content.decode()
    assert lead.count('href="/delivery/projects/') == 2


def test_customer_pages_render_and_hide_internal(world, p):
    client = world.client(Role.VIEWER)
    internal = p.tasks.filter(customer_visible=False).first()
    page = client.get(reverse("delivery:project", args=[p.pk])).content.decode()
    assert internal.title not in page
    assert "Sovittiin aikataulu" not in page  # minutes not published
    assert client.get(reverse("delivery:task", args=[internal.pk])).status_code == 404
    meeting = p.meetings.first()
    assert client.get(reverse("delivery:document", args=[meeting.minutes_id])).status_code == 404
    assert client.get(reverse("delivery:overview")).status_code == 302  # straight to their project


def test_tenant_wall_pages_404(world, p):
    client = world.client(Role.MAIN_USER, other=True)
    for url in [*urls(p), reverse("delivery:account", args=[world.org.pk])]:
        assert client.get(url).status_code == 404, url
    v = SpecVersion.objects.filter(status="in_review").first()
    assert client.post(reverse("delivery:spec_approve", args=[v.pk])).status_code == 404


def test_main_user_approves_spec_in_ui_others_cannot(world, p):
    v = SpecVersion.objects.get(status="in_review")
    assert (
        world.client(Role.ACCOUNTANT)
        .post(reverse("delivery:spec_approve", args=[v.pk]))
        .status_code
        == 403
    )
    assert (
        world.client(Role.PROJECT_LEAD)
        .post(reverse("delivery:spec_approve", args=[v.pk]))
        .status_code
        == 403
    )
    response = world.client(Role.MAIN_USER).post(reverse("delivery:spec_approve", args=[v.pk]))
    assert response.status_code == 302
    v.refresh_from_db()
    assert v.status == "approved" and v.approved_by == world.users[Role.MAIN_USER]


def test_schedule_form_shows_field_errors(world, p):
    client = world.client(Role.PROJECT_LEAD)
    phases = {ph.kind: ph for ph in p.phases.all()}
    data = {f"phase_{k}_start": ph.planned_start.isoformat() for k, ph in phases.items()}
    data |= {
        f"phase_{k}_end": ph.planned_end.isoformat() if ph.planned_end else ""
        for k, ph in phases.items()
    }
    data["phase_3_end"] = (phases[3].planned_start - dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("delivery:project_schedule", args=[p.pk]), data)
    assert response.status_code == 200
    assert 'id="id_phase_3_end_error"' in response.content.decode()
    data["phase_3_end"] = phases[3].planned_end.isoformat()
    data["set_baseline"] = "on"
    assert client.post(reverse("delivery:project_schedule", args=[p.pk]), data).status_code == 302
    p.refresh_from_db()
    assert p.baseline_set_at


def test_publish_status_report_in_ui_emails(world, p, django_capture_on_commit_callbacks):
    client = world.client(Role.PROJECT_LEAD)
    response = client.post(
        reverse("delivery:document_create", args=[p.pk]),
        {"doc-kind": "status_report", "doc-title": "Tilanne vko 4", "doc-body": "Hyvin menee"},
    )
    doc = Document.objects.get(title="Tilanne vko 4")
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("delivery:document_publish", args=[doc.pk]))
    assert any("Tilanne vko 4" in m.subject for m in mail.outbox)
    page = world.client(Role.VIEWER).get(reverse("delivery:project", args=[p.pk])).content.decode()
    assert "Tilanne vko 4" in page


def test_consultant_my_tasks(world, p):
    t = p.tasks.first()
    services.save_task(
        world.actor(Role.PROJECT_LEAD),
        p,
        task=t,
        phase=t.phase,
        title=t.title,
        owner=world.users[Role.CONSULTANT],
        due_on=KICKOFF,
        status=Task.Status.TODO,
    )
    page = world.client(Role.CONSULTANT).get(reverse("delivery:my_tasks")).content.decode()
    assert t.title in page and "badge-danger" in page


def test_template_editor_admin_only(world):
    assert world.client(Role.PROJECT_LEAD).get(reverse("delivery:templates")).status_code == 404
    client = world.client(Role.ADMIN)
    assert client.get(reverse("delivery:templates")).status_code == 200
    from tase.delivery.models import ProjectTemplate

    t = ProjectTemplate.objects.get()
    assert client.get(reverse("delivery:template", args=[t.pk])).status_code == 200
    response = client.post(
        reverse("delivery:template", args=[t.pk]),
        {
            "task-phase": "3",
            "task-title": "Avaustase tuotu",
            "task-customer_visible": "on",
            "task-is_active": "on",
        },
    )
    assert response.status_code == 302
    assert t.tasks.filter(title="Avaustase tuotu").exists()


def test_start_panel_shows_running_project(world, p):
    page = world.client(Role.MAIN_USER).get("/").content.decode()
    assert 'data-testid="delivery-panel"' in page and p.name in page


def test_list_pages_query_counts(world, p, django_assert_max_num_queries):
    for _i in range(3):
        project(world)
    client = world.client(Role.ADMIN)
    for name, args, limit in (
        ("delivery:overview", [], 25),
        ("delivery:my_tasks", [], 12),
        ("delivery:accounts", [], 12),
        ("delivery:workload", [], 12),
    ):
        with django_assert_max_num_queries(limit):
            assert client.get(reverse(name, args=args)).status_code == 200


def test_project_page_query_count_does_not_grow_with_tasks(world, p, django_assert_max_num_queries):
    client = world.client(Role.PROJECT_LEAD)
    url = reverse("delivery:project", args=[p.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    lead = world.actor(Role.PROJECT_LEAD)
    phase = p.phases.get(kind=3)
    for i in range(10):
        services.save_task(
            lead, p, phase=phase, title=f"Lisätehtävä {i}", owner=world.users[Role.CONSULTANT]
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) <= len(before) + 2


def test_pdf_exports_of_agenda_and_spec(world, p):
    client = world.client(Role.PROJECT_LEAD)
    meeting = p.meetings.first()
    response = client.get(reverse("delivery:document_pdf", args=[meeting.agenda_id]))
    assert response["Content-Type"] == "application/pdf" and response.content[:4] == b"%PDF"
    version = p.specs.first().versions.first()
    response = client.get(reverse("delivery:spec_pdf", args=[version.pk]))
    assert response.content[:4] == b"%PDF"
    # the customer reaches the PDF of a version sent for review, not of a draft
    draft = p.specs.first().versions.get(number=1)
    assert (
        world.client(Role.MAIN_USER).get(reverse("delivery:spec_pdf", args=[draft.pk])).status_code
        == 404
    )


def test_account_page_records_contacts_and_flags_overdue(world, p):
    client = world.client(Role.ACCOUNT_MANAGER)
    url = reverse("delivery:account", args=[world.org.pk])
    response = client.post(
        url,
        {
            "contact-on": "2026-01-02",
            "contact-channel": "phone",
            "contact-note": "Soitto",
            "contact-next_contact_on": "2026-01-10",
        },
    )
    assert response.status_code == 302
    accounts = client.get(reverse("delivery:accounts")).content.decode()
    assert "badge-danger" in accounts  # 10.1.2026 has passed
    future = client.post(url, {"contact-on": "2999-01-01", "contact-channel": "phone"})
    assert future.status_code == 200  # refused, the form is shown again with the error


def test_attached_files_are_served_only_through_the_access_check(world, p, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    lead = world.actor(Role.PROJECT_LEAD)
    doc = services.add_document(
        lead,
        organization=world.org,
        project=p,
        kind="other",
        title="Liite",
        file=SimpleUploadedFile("suunnitelma.txt", b"salainen"),
    )
    url = reverse("delivery:document_file", args=[doc.pk])
    response = world.client(Role.PROJECT_LEAD).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"salainen"
    assert world.client(Role.VIEWER).get(url).status_code == 404  # not published to the customer
    assert world.client(Role.MAIN_USER, other=True).get(url).status_code == 404
    services.publish_document(lead, doc)
    assert world.client(Role.VIEWER).get(url).status_code == 200
