"""A phase's actual dates come from the work: first task started or meeting held, last task done.
The lead may still correct them by hand; a date set by hand wins and says so."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.delivery import services
from tase.delivery.models import Meeting, Phase, PhaseKind, Task

from .factories import KICKOFF, approve_specs, aware, project
from .test_api import API, client_for

pytestmark = pytest.mark.django_db

MARCH_2 = aware(dt.date(2026, 3, 2), 10)
MARCH_20 = aware(dt.date(2026, 3, 20), 10)


def phase(p, kind) -> Phase:
    return p.phases.get(kind=kind)


def complete(world, task):
    """Done by hand; a self-checking task by its state (the specification approved by the main
    user) or, where its state does not hold, overridden with a reason."""
    lead = world.actor(Role.PROJECT_LEAD)
    if task.state_check == "delivery.spec_approved":
        approve_specs(world, task.project)
    elif task.state_check:
        services.override_check(lead, task, "Agreed with the customer")
    else:
        services.set_task_status(lead, task, Task.Status.DONE)


def test_start_from_first_task_end_from_last_task_done(world):
    p = project(world)
    lead = world.actor(Role.PROJECT_LEAD)
    tasks = list(p.tasks.filter(phase__kind=PhaseKind.IMPLEMENTATION))
    assert phase(p, PhaseKind.IMPLEMENTATION).actual_start is None
    with time_machine.travel(MARCH_2, tick=False):
        services.set_task_status(lead, tasks[0], Task.Status.DOING)
    impl = phase(p, PhaseKind.IMPLEMENTATION)
    assert (impl.actual_start, impl.actual_end) == (dt.date(2026, 3, 2), None)
    with time_machine.travel(MARCH_20, tick=False):
        for t in tasks:
            complete(world, t)
    impl = phase(p, PhaseKind.IMPLEMENTATION)
    assert (impl.actual_start, impl.actual_end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 20))
    assert not impl.actual_start_manual and not impl.actual_end_manual
    events = AuditEvent.objects.filter(action="infer_dates", object_id=str(impl.pk))
    assert events.exists()
    # the audit trail names the dates that moved in Finnish, by the phase's own fields
    from django.utils import translation

    from tase.core.audit_display import change_rows

    with translation.override("fi"):
        labels = {label for event in events for label, _before, _after in change_rows(event)}
    assert labels == {"Toteutunut alku", "Toteutunut loppu"}
    # a task reopened: the phase is not over any more
    services.set_task_status(lead, tasks[-1], Task.Status.DOING)
    assert phase(p, PhaseKind.IMPLEMENTATION).actual_end is None


def test_first_meeting_held_starts_the_phase(world):
    p = project(world)
    lead = world.actor(Role.PROJECT_LEAD)
    services.create_meeting(lead, p, kind=Meeting.Kind.KICKOFF, starts_at=aware(KICKOFF), place="A")
    services.create_meeting(
        lead,
        p,
        kind=Meeting.Kind.WORKSHOP,
        starts_at=aware(KICKOFF + dt.timedelta(days=9)),
        place="Tampere",
    )
    assert phase(p, PhaseKind.KICKOFF).actual_start == KICKOFF
    assert phase(p, PhaseKind.SPECIFICATION).actual_start == KICKOFF + dt.timedelta(days=9)
    # a meeting still to come starts nothing
    services.create_meeting(
        lead,
        p,
        kind=Meeting.Kind.CLOSING,
        starts_at=timezone.now() + dt.timedelta(days=30),
        place="Tampere",
    )
    assert phase(p, PhaseKind.GO_LIVE).actual_start is None


def test_manual_dates_win_and_clearing_goes_back_to_inferred(world):
    p = project(world)
    lead = world.actor(Role.PROJECT_LEAD)
    impl = phase(p, PhaseKind.IMPLEMENTATION)
    services.record_phase_progress(lead, impl, actual_start=dt.date(2026, 2, 1), actual_end=None)
    task = p.tasks.filter(phase=impl).first()
    with time_machine.travel(MARCH_2, tick=False):
        services.set_task_status(lead, task, Task.Status.DOING)
    impl.refresh_from_db()
    assert impl.actual_start == dt.date(2026, 2, 1) and impl.actual_start_manual
    page = world.client(Role.PROJECT_LEAD).get(reverse("delivery:project", args=[p.pk]))
    cell = page.content.decode().split(f'data-testid="actual-{PhaseKind.IMPLEMENTATION}"')[1]
    assert "set by hand" in cell.split("</td>")[0] or "käsin" in cell.split("</td>")[0]
    services.record_phase_progress(lead, impl, actual_start=None, actual_end=None)
    impl.refresh_from_db()
    assert impl.actual_start == dt.date(2026, 3, 2) and not impl.actual_start_manual


def test_slip_against_the_baseline_from_the_inferred_end(world):
    p = project(world)
    lead = world.actor(Role.PROJECT_LEAD)
    services.reschedule(lead, p, {}, set_baseline=True)
    spec = phase(p, PhaseKind.SPECIFICATION)
    late = spec.baseline_end + dt.timedelta(days=5)
    with time_machine.travel(aware(late, 12), tick=False):
        for t in p.tasks.filter(phase=spec):
            complete(world, t)
    spec.refresh_from_db()
    assert spec.actual_end == late and spec.slip_days(late + dt.timedelta(days=30)) == 5


def test_phase_dates_through_the_api(world):
    p = project(world)
    lead = client_for(world.users[Role.PROJECT_LEAD])
    impl = phase(p, PhaseKind.IMPLEMENTATION)
    response = lead.post(
        f"{API}/phases/{impl.pk}/actual",
        {"actual_start": "2026-02-02", "actual_end": "2026-02-01"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "actual_end" in response.content.decode()
    response = lead.post(
        f"{API}/phases/{impl.pk}/actual",
        {"actual_start": "2026-02-02"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["actual_start_manual"] is True
    assert response.json()["actual_end_manual"] is False
    detail = lead.get(f"{API}/projects/{p.pk}").json()
    row = next(ph for ph in detail["phases"] if ph["kind"] == PhaseKind.IMPLEMENTATION)
    assert row["actual_start"] == "2026-02-02" and row["actual_start_manual"]
    customer = client_for(world.users[Role.MAIN_USER])
    assert (
        customer.post(
            f"{API}/phases/{impl.pk}/actual", {}, content_type="application/json"
        ).status_code
        == 403
    )
    other = client_for(world.other_users[Role.MAIN_USER])
    assert (
        other.post(
            f"{API}/phases/{impl.pk}/actual", {}, content_type="application/json"
        ).status_code
        == 404
    )


def test_closing_meeting_page_shows_the_live_readiness_checklist(world):
    p = project(world)
    lead = world.actor(Role.PROJECT_LEAD)
    closing = services.create_meeting(
        lead,
        p,
        kind=Meeting.Kind.CLOSING,
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="Tampere",
        participants=[world.users[Role.PROJECT_LEAD], world.users[Role.MAIN_USER]],
    )
    kickoff = services.create_meeting(
        lead, p, kind=Meeting.Kind.KICKOFF, starts_at=aware(KICKOFF), place="A"
    )
    client = world.client(Role.PROJECT_LEAD)
    page = client.get(reverse("delivery:meeting", args=[closing.pk])).text
    assert 'data-testid="checklist"' in page and 'data-testid="to-sign-off"' in page
    assert (
        'data-testid="checklist"'
        not in client.get(reverse("delivery:meeting", args=[kickoff.pk])).text
    )
