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
