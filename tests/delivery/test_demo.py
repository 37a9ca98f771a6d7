import pytest
from django.core.management import call_command

from tase.core.access import Actor
from tase.core.models import Organization, User
from tase.delivery import selectors
from tase.delivery.models import GoLive, Meeting, PhaseKind, Project, SpecVersion, TrainingSession

pytestmark = pytest.mark.django_db


def test_demo_has_every_phase_ahead_behind_and_signed_go_live(capsys):
    call_command("demo")
    call_command("demo")  # idempotent
    assert Project.objects.count() == 6
    lead = Actor.of(User.objects.get(email="project.lead@vendor.example"))
    rows = selectors.overview(lead)
    phases = {r["phase"].kind for r in rows}
    assert phases == set(PhaseKind.values)
    slips = [r["slip"] for r in rows if r["slip"] is not None]
    assert any(s > 0 for s in slips) and any(s < 0 for s in slips)
    go_live = GoLive.objects.get()
    assert go_live.is_signed and go_live.handover_at
    assert Organization.objects.get(name="Rakennus Virtanen").in_support
    assert Meeting.objects.filter(minutes__isnull=False).exists()
    assert SpecVersion.objects.filter(status="approved").exists()
    assert TrainingSession.objects.filter(status="held").exists()


def test_the_demo_tells_a_consistent_story():
    """On the day it is loaded: each project's phases start in order and end after they
    start, nothing happens before the kickoff, the go-live comes after the first training part
    was held, and support's requests and calls come from customers with a contract, after the
    signing (after the go-live for a customer in support), never from the future; only a
    customer in support orders extra training."""
    from django.utils import timezone

    from tase.delivery.models import Contract
    from tase.support.models import PhoneCall, ServiceRequest, TrainingOrder

    call_command("demo")
    now, today = timezone.now(), timezone.localdate()
    went_live = {}
    for project in Project.objects.all():
        phases = list(project.phases.order_by("kind"))
        started = [p.actual_start for p in phases if p.actual_start]
        assert started == sorted(started), project
        for p in phases:
            assert not (p.actual_end and p.actual_start and p.actual_end < p.actual_start), p
            assert not (p.actual_end and p.actual_end > today), p
        assert all(m.starts_at.date() >= project.kickoff_on for m in project.meetings.all())
        held = TrainingSession.objects.filter(project=project, part=1, status="held").first()
        go_live = next(p for p in phases if p.kind == PhaseKind.GO_LIVE)
        if go_live.actual_end:
            assert held and timezone.localtime(held.starts_at).date() <= go_live.actual_end
            went_live[project.organization_id] = go_live.actual_end
    assert went_live  # the signed-off customer
    signed = dict(Contract.objects.values_list("organization_id", "signed_on"))
    requests = ServiceRequest.objects.all()
    assert requests.exists()
    for item in requests:
        assert item.organization_id in signed, item
        day = timezone.localtime(item.created_at).date()
        assert signed[item.organization_id] < day and item.created_at <= now
        if item.organization.in_support:
            assert went_live[item.organization_id] < day
    for call in PhoneCall.objects.all():
        assert call.organization_id in signed and signed[call.organization_id] < (
            timezone.localtime(call.started_at).date()
        )
        assert call.started_at <= now
    orders = TrainingOrder.objects.all()
    assert orders.exists() and all(order.organization.in_support for order in orders)
    assert max(signed.values()) <= today  # no contract signed in the future


def test_the_go_live_was_signed_on_its_day_not_when_the_demo_was_loaded():
    """The signatures and the hand-over are dated on the go-live day, after the closing
    meeting and after the training and test phases ended, before the demo was loaded."""
    from django.utils import timezone

    call_command("demo")
    go_live = GoLive.objects.select_related("project", "meeting").get()
    phases = {p.kind: p for p in go_live.project.phases.all()}
    day = phases[PhaseKind.GO_LIVE].actual_end
    loaded = timezone.now()
    for stamp in (go_live.customer_signed_at, go_live.lead_signed_at, go_live.handover_at):
        assert timezone.localtime(stamp).date() == day < loaded.date()
        assert go_live.meeting.starts_at < stamp
        assert phases[PhaseKind.TRAINING].actual_end <= day
    assert go_live.customer_signed_at <= go_live.lead_signed_at <= go_live.handover_at
