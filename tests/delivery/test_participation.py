"""Customers take part (issue 13, item 3): customer users own tasks; a specification version
is commented on, sent back for changes or rejected with a reason; questions for a coming
training session, answered in its minutes; only staff create change requests, customers
propose a need that staff turn into one."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.delivery import services
from tase.delivery.models import (
    ChangeRequest,
    Document,
    ScopeProposal,
    SpecReview,
    SpecVersion,
    Task,
    TrainingQuestion,
    TrainingSession,
)

from .factories import project
from .test_api import API, client_for

pytestmark = pytest.mark.django_db


def _in_review(world, p):
    lead = world.actor(Role.PROJECT_LEAD)
    spec = p.specs.first()
    version = services.save_spec_version(lead, spec, "Tilikartta\nAlv-kausi kuukausi")
    return services.send_spec_for_review(lead, version)


def _session(world, p, *, days=7, confirm=True):
    lead = world.actor(Role.PROJECT_LEAD)
    session = services.plan_training(
        lead,
        p,
        part=1,
        starts_at=timezone.now() + dt.timedelta(days=days),
        hours="3",
        participants=[world.users[Role.ACCOUNTANT]],
    )
    if confirm:
        services.confirm_training(lead, session)
    return session


def test_customer_user_owns_a_task_and_moves_it(world):
    p = project(world)
    lead = world.actor(Role.PROJECT_LEAD)
    phase = p.phases.first()
    accountant = world.users[Role.ACCOUNTANT]
    with pytest.raises(ValidationError) as error:
        services.save_task(
            lead, p, phase=phase, title="Tarkista saldot", owner=accountant, customer_visible=False
        )
    assert "customer_visible" in error.value.message_dict
    task = services.save_task(lead, p, phase=phase, title="Tarkista saldot", owner=accountant)
    assert task.owner == accountant
    response = world.client(Role.ACCOUNTANT).get(reverse("delivery:my_tasks"))
    assert "Tarkista saldot" in response.content.decode()
    page = world.client(Role.ACCOUNTANT).get(reverse("delivery:project", args=[p.pk]))
    assert 'data-testid="my-tasks"' in page.content.decode()
    services.set_task_status(world.actor(Role.ACCOUNTANT), task, Task.Status.DONE)
    other = Task.objects.filter(project=p).exclude(pk=task.pk).first()
    with pytest.raises(PermissionDenied):
        services.set_task_status(world.actor(Role.ACCOUNTANT), other, Task.Status.DONE)
    with pytest.raises(ValidationError):  # the other customer's user owns nothing here
        services.save_task(lead, p, phase=phase, title="x", owner=world.other_users[Role.VIEWER])


def test_spec_request_changes_and_reject_with_reason(world):
    p = project(world)
    version = _in_review(world, p)
    main = world.actor(Role.MAIN_USER)
    services.review_spec_version(world.actor(Role.ACCOUNTANT), version, kind="comment", body="Hyvä")
    with pytest.raises(PermissionDenied):  # only the main user decides
        services.review_spec_version(
            world.actor(Role.ACCOUNTANT), version, kind="changes", body="Muuta"
        )
    with pytest.raises(ValidationError):  # staff never decide for the customer
        services.review_spec_version(
            world.actor(Role.PROJECT_LEAD), version, kind="rejected", body="x"
        )
    with pytest.raises(ValidationError) as error:  # a reason is required
        services.review_spec_version(main, version, kind="changes", body=" ")
    assert "body" in error.value.message_dict
    services.review_spec_version(main, version, kind="changes", body="Alv-kausi on neljännes")
    version.refresh_from_db()
    assert version.status == SpecVersion.Status.CHANGES_REQUESTED
    with pytest.raises(ValidationError):
        services.approve_spec_version(main, version)
    lead = world.actor(Role.PROJECT_LEAD)
    v2 = services.save_spec_version(lead, version.spec, "Tilikartta\nAlv-kausi neljännes")
    services.send_spec_for_review(lead, v2)
    services.review_spec_version(main, v2, kind="rejected", body="Ei vastaa tarjousta")
    v2.refresh_from_db()
    assert v2.status == SpecVersion.Status.REJECTED
    assert SpecReview.objects.filter(version__spec=version.spec).count() == 3


def test_spec_review_page_and_api(world):
    p = project(world)
    version = _in_review(world, p)
    client = world.client(Role.MAIN_USER)
    url = reverse("delivery:spec_review", args=[version.pk])
    assert (
        "Hylkää" in client.get(url).content.decode()
        or "rejected" in client.get(url).content.decode()
    )
    response = client.post(url, {"kind": "changes", "body": "Lisää kustannuspaikat"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == "changes"
    page = client.get(reverse("delivery:spec", args=[version.spec_id])).content.decode()
    assert "Lisää kustannuspaikat" in page
    # an accountant only comments: the page offers no decision
    form_page = world.client(Role.ACCOUNTANT).get(url).content.decode()
    assert 'value="rejected"' not in form_page
    api = client_for(world.users[Role.MAIN_USER])
    response = api.post(
        f"{API}/spec-versions/{version.pk}/reviews",
        {"kind": "comment", "body": "Kiitos"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert len(api.get(f"{API}/spec-versions/{version.pk}/reviews").json()) == 2
    other = client_for(world.other_users[Role.MAIN_USER])
    assert other.get(f"{API}/spec-versions/{version.pk}/reviews").status_code == 404
    assert (
        other.post(
            f"{API}/spec-versions/{version.pk}/reviews",
            {"kind": "comment", "body": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert world.client(Role.MAIN_USER, other=True).get(url).status_code == 404


def test_training_questions_gathered_and_answered_in_minutes(
    world, django_capture_on_commit_callbacks
):
    p = project(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session = _session(world, p)
    assert f"/delivery/trainings/{session.pk}/questions/" in mail.outbox[-1].body
    q = services.ask_training_question(
        world.actor(Role.ACCOUNTANT), session, "Miten alv-ilmoitus lähetetään?"
    )
    page = world.client(Role.CONSULTANT).get(
        reverse("delivery:training_questions", args=[session.pk])
    )
    assert "Miten alv-ilmoitus lähetetään?" in page.content.decode()
    lead = world.actor(Role.PROJECT_LEAD)
    with pytest.raises(ValidationError):  # not held yet
        services.write_training_minutes(lead, session, body="x", answers={q.pk: "y"})
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=4)
    )
    session.refresh_from_db()
    services.mark_training_held(lead, session)
    with pytest.raises(ValidationError) as error:  # every question needs its answer
        services.write_training_minutes(lead, session, body="Käytiin läpi")
    assert f"answer_{q.pk}" in error.value.message_dict
    document = services.write_training_minutes(
        lead, session, body="Käytiin läpi", answers={q.pk: "Verohallinnon rajapinnan kautta."}
    )
    assert document.kind == Document.Kind.MINUTES and document.published_at
    assert "Miten alv-ilmoitus" in document.body and "rajapinnan kautta" in document.body
    customer = world.client(Role.ACCOUNTANT).get(reverse("delivery:document", args=[document.pk]))
    assert customer.status_code == 200


def test_question_for_a_session_already_held_refused(world):
    p = project(world)
    session = _session(world, p)
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=1), status=TrainingSession.Status.HELD
    )
    session.refresh_from_db()
    page_client, api = world.client(Role.ACCOUNTANT), client_for(world.users[Role.ACCOUNTANT])
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        services.ask_training_question(world.actor(Role.ACCOUNTANT), session, "Myöhässä?")
    assert "body" in error.value.message_dict
    response = page_client.post(
        reverse("delivery:training_questions", args=[session.pk]), {"body": "Myöhässä?"}
    )
    assert response.status_code == 200 and "seuraavalle osalle" in response.content.decode()
    response = api.post(
        f"{API}/trainings/{session.pk}/questions",
        {"body": "Myöhässä?"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not TrainingQuestion.objects.exists() and AuditEvent.objects.count() == before


def test_training_questions_api_and_tenant_wall(world):
    p = project(world)
    session = _session(world, p)
    api = client_for(world.users[Role.ACCOUNTANT])
    response = api.post(
        f"{API}/trainings/{session.pk}/questions",
        {"body": "Kysymys"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (
        len(
            client_for(world.users[Role.CONSULTANT])
            .get(f"{API}/trainings/{session.pk}/questions")
            .json()
        )
        == 1
    )
    other = client_for(world.other_users[Role.MAIN_USER])
    assert other.get(f"{API}/trainings/{session.pk}/questions").status_code == 404
    assert (
        other.post(
            f"{API}/trainings/{session.pk}/questions",
            {"body": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        world.client(Role.MAIN_USER, other=True)
        .get(reverse("delivery:training_questions", args=[session.pk]))
        .status_code
        == 404
    )
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=4), status=TrainingSession.Status.HELD
    )
    q = TrainingQuestion.objects.get()
    lead = client_for(world.users[Role.PROJECT_LEAD])
    response = lead.post(
        f"{API}/trainings/{session.pk}/minutes",
        {"body": "Muistio", "answers": {str(q.pk): "Vastaus"}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert "Vastaus" in response.json()["body"]
    assert (
        api.post(
            f"{API}/trainings/{session.pk}/minutes", {}, content_type="application/json"
        ).status_code
        == 403
    )


def test_only_staff_create_change_requests_customers_propose(world):
    p = project(world)
    main = world.actor(Role.MAIN_USER)
    api = client_for(world.users[Role.MAIN_USER])
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        services.create_change_request(main, p.organization, project=p, title="x", description="y")
    assert "title" in error.value.message_dict
    response = api.post(
        f"{API}/projects/{p.pk}/change-requests",
        {"title": "Raportti", "description": "Uusi"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not ChangeRequest.objects.exists() and AuditEvent.objects.count() == before
    # the page sends the customer to the proposal form
    response = world.client(Role.MAIN_USER).get(
        reverse("delivery:change_request_create", args=[p.pk])
    )
    assert response.status_code == 302 and response.url.endswith("/proposals/new/")
    proposal = services.propose_need(
        world.actor(Role.ACCOUNTANT), p, title="Kustannuspaikkaraportti", description="Tarvitaan"
    )
    with pytest.raises(PermissionDenied):
        services.convert_proposal(main, proposal)
    cr = services.convert_proposal(world.actor(Role.PROJECT_LEAD), proposal, estimate_hours="6")
    proposal.refresh_from_db()
    assert proposal.status == ScopeProposal.Status.CONVERTED and proposal.change_request == cr
    assert cr.asked_by == world.users[Role.ACCOUNTANT] and cr.estimate_hours == 6
    with pytest.raises(ValidationError):
        services.convert_proposal(world.actor(Role.PROJECT_LEAD), proposal)
    second = services.propose_need(main, p, title="Toinen", description="z")
    with pytest.raises(ValidationError):
        services.decline_proposal(world.actor(Role.PROJECT_LEAD), second, reason="")
    services.decline_proposal(world.actor(Role.PROJECT_LEAD), second, reason="Kuuluu sopimukseen")
    with pytest.raises(ValidationError):  # staff do not propose, they record
        services.propose_need(world.actor(Role.PROJECT_LEAD), p, title="x", description="y")


def test_proposal_pages_and_api(world):
    p = project(world)
    client = world.client(Role.MAIN_USER)
    response = client.post(
        reverse("delivery:proposal_create", args=[p.pk]),
        {"title": "Integraatio", "description": "Kassajärjestelmä"},
    )
    assert response.status_code == 302
    proposal = ScopeProposal.objects.get()
    page = world.client(Role.PROJECT_LEAD).get(reverse("delivery:project", args=[p.pk]))
    assert 'data-testid="proposals"' in page.content.decode()
    response = world.client(Role.PROJECT_LEAD).post(
        reverse("delivery:proposal_convert", args=[proposal.pk]), {"estimate_hours": "4"}
    )
    assert response.status_code == 302 and ChangeRequest.objects.count() == 1
    assert (
        world.client(Role.MAIN_USER)
        .get(reverse("delivery:proposal_decline", args=[proposal.pk]))
        .status_code
        == 403
    )
    api = client_for(world.users[Role.MAIN_USER])
    response = api.post(
        f"{API}/projects/{p.pk}/proposals",
        {"title": "Toinen", "description": "Tarve"},
        content_type="application/json",
    )
    assert response.status_code == 201
    second = response.json()["id"]
    assert len(api.get(f"{API}/projects/{p.pk}/proposals").json()) == 2
    lead = client_for(world.users[Role.PROJECT_LEAD])
    response = lead.post(
        f"{API}/proposals/{second}/decline", {"reason": "Ei nyt"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "declined"
    other = client_for(world.other_users[Role.MAIN_USER])
    assert other.get(f"{API}/projects/{p.pk}/proposals").status_code == 404
    assert (
        other.post(
            f"{API}/projects/{p.pk}/proposals",
            {"title": "x", "description": "y"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        world.client(Role.MAIN_USER, other=True)
        .get(reverse("delivery:proposal_create", args=[p.pk]))
        .status_code
        == 404
    )
