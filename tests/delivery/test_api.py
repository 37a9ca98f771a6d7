import datetime as dt

import pytest
from django.test import Client

from tase.core import services as core_services
from tase.core.roles import Role
from tase.delivery import services
from tase.delivery.models import SpecVersion

from .factories import KICKOFF, contract, project

pytestmark = pytest.mark.django_db
API = "/api/v1/delivery"


def client_for(user):
    _token, raw = core_services.create_api_token(user, "test")
    return Client(headers={"authorization": f"Bearer {raw}"})


def test_contract_and_project_through_the_api(world):
    lead = client_for(world.users[Role.PROJECT_LEAD])
    response = lead.post(
        f"{API}/contracts",
        {
            "organization_id": world.org.pk,
            "title": "Sopimus",
            "signed_on": "2026-01-01",
            "modules": ["bookkeeping"],
            "training_hours": "8.00",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    contract_id = response.json()["id"]
    assert response.json()["training_hours"] == "8.00"
    response = lead.post(
        f"{API}/projects",
        {
            "contract_id": contract_id,
            "lead_id": world.users[Role.PROJECT_LEAD].pk,
            "kickoff_on": "2026-01-05",
            "consultant_ids": [world.users[Role.CONSULTANT].pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["phases"]) == 6 and body["slip_days"] is None
    pid = body["id"]
    assert lead.get(f"{API}/projects").json()["count"] == 1
    tasks = lead.get(f"{API}/projects/{pid}/tasks?limit=500").json()
    assert tasks["count"] >= 15
    # dates out of order → 422 naming the field
    bad = lead.post(
        f"{API}/projects/{pid}/schedule",
        {"phases": [{"kind": 3, "start": "2026-03-01", "end": "2026-02-01"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "phase_3_end"]
    ok = lead.post(
        f"{API}/projects/{pid}/schedule",
        {"phases": [], "set_baseline": True},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["slip_days"] is not None


def test_customer_api_sees_only_visible_and_other_org_gets_404(world):
    p = project(world)
    viewer = client_for(world.users[Role.VIEWER])
    titles = {
        t["title"] for t in viewer.get(f"{API}/projects/{p.pk}/tasks?limit=500").json()["items"]
    }
    hidden = set(p.tasks.filter(customer_visible=False).values_list("title", flat=True))
    assert titles and not (titles & hidden)
    other = client_for(world.other_users[Role.MAIN_USER])
    for url in (
        f"/projects/{p.pk}",
        f"/projects/{p.pk}/tasks",
        f"/projects/{p.pk}/meetings",
        f"/projects/{p.pk}/specs",
        f"/projects/{p.pk}/trainings",
        f"/projects/{p.pk}/change-requests",
        f"/projects/{p.pk}/go-live",
        f"/contracts/{p.contract_id}",
    ):
        assert other.get(API + url).status_code == 404, url
    assert other.get(f"{API}/projects").json()["count"] == 0
    task = p.tasks.first()
    assert (
        other.post(
            f"{API}/tasks/{task.pk}/status", {"status": "done"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_only_main_user_approves_spec_via_api(world):
    p = project(world)
    lead = client_for(world.users[Role.PROJECT_LEAD])
    spec = p.specs.first()
    v = lead.post(
        f"{API}/specs/{spec.pk}/versions", {"body": "Tilikartta"}, content_type="application/json"
    ).json()
    assert lead.post(f"{API}/spec-versions/{v['id']}/send").status_code == 200
    assert lead.post(f"{API}/spec-versions/{v['id']}/approve").status_code == 403
    assert (
        client_for(world.users[Role.ACCOUNTANT])
        .post(f"{API}/spec-versions/{v['id']}/approve")
        .status_code
        == 403
    )
    assert (
        client_for(world.other_users[Role.MAIN_USER])
        .post(f"{API}/spec-versions/{v['id']}/approve")
        .status_code
        == 404
    )
    response = client_for(world.users[Role.MAIN_USER]).post(
        f"{API}/spec-versions/{v['id']}/approve"
    )
    assert (
        response.status_code == 200
        and response.json()["approved_by_id"] == world.users[Role.MAIN_USER].pk
    )
    assert SpecVersion.objects.get(pk=v["id"]).status == "approved"


def test_training_over_hours_refused_via_api(world):
    p = project(world, training_hours="2")
    lead = client_for(world.users[Role.PROJECT_LEAD])
    s = lead.post(
        f"{API}/projects/{p.pk}/trainings",
        {"part": 1, "starts_at": "2026-03-02T09:00:00+02:00", "hours": "3"},
        content_type="application/json",
    )
    assert s.status_code == 201, s.content
    r = lead.post(f"{API}/trainings/{s.json()['id']}/confirm")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "hours"]
    r2 = lead.post(
        f"{API}/projects/{p.pk}/trainings",
        {"part": 2, "starts_at": "2026-02-02T09:00:00+02:00", "hours": "1"},
        content_type="application/json",
    )
    assert r2.status_code == 422


def test_change_requests_and_meetings_via_api(world):
    p = project(world)
    am = client_for(world.users[Role.ACCOUNT_MANAGER])
    cr = am.post(
        f"{API}/projects/{p.pk}/change-requests",
        {"title": "Raportti", "description": "Uusi raportti"},
        content_type="application/json",
    )
    assert cr.status_code == 201
    q = am.post(
        f"{API}/change-requests/{cr.json()['id']}/status",
        {"status": "quoted", "estimate_hours": "4", "estimate_euros": "480.00"},
        content_type="application/json",
    )
    assert q.status_code == 200 and q.json()["estimate_euros"] == "480.00"
    main = client_for(world.users[Role.MAIN_USER])
    assert (
        main.post(
            f"{API}/change-requests/{cr.json()['id']}/status",
            {"status": "agreed"},
            content_type="application/json",
        ).status_code
        == 200
    )
    lead = client_for(world.users[Role.PROJECT_LEAD])
    m = lead.post(
        f"{API}/projects/{p.pk}/meetings",
        {
            "kind": "status",
            "starts_at": "2026-02-02T10:00:00+02:00",
            "place": "Teams",
            "participant_ids": [world.users[Role.MAIN_USER].pk],
        },
        content_type="application/json",
    )
    assert m.status_code == 201, m.content
    bad = lead.post(
        f"{API}/projects/{p.pk}/meetings",
        {"kind": "closing", "starts_at": "2025-12-01T10:00:00+02:00", "place": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_go_live_sign_via_api_refused_until_ready(world):
    p = project(world)
    r = client_for(world.users[Role.MAIN_USER]).post(f"{API}/projects/{p.pk}/go-live/sign")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "checklist"]
    assert (
        client_for(world.users[Role.ACCOUNTANT])
        .post(f"{API}/projects/{p.pk}/go-live/sign")
        .status_code
        == 403
    )
    g = client_for(world.users[Role.MAIN_USER]).get(f"{API}/projects/{p.pk}/go-live").json()
    assert any(i["code"] == "delivery.customer_tested" for i in g["checklist"])


def test_contracts_api_needs_contract_role(world):
    contract(world)
    assert client_for(world.users[Role.VIEWER]).get(f"{API}/contracts").json()["count"] == 0
    r = client_for(world.users[Role.CONSULTANT]).post(
        f"{API}/contracts",
        {
            "organization_id": world.org.pk,
            "title": "x",
            "signed_on": "2026-01-01",
            "modules": ["payroll"],
            "training_hours": "1",
        },
        content_type="application/json",
    )
    assert r.status_code == 403
    _ = (dt, KICKOFF, services)


def test_customer_contract_list_agrees_with_what_opens(world):
    signed = contract(world)
    main_user = client_for(world.users[Role.MAIN_USER])
    assert main_user.get(f"{API}/contracts/{signed.pk}").status_code == 200
    listed = main_user.get(f"{API}/contracts").json()
    assert [row["id"] for row in listed["items"]] == [signed.pk]
    other = client_for(world.other_users[Role.MAIN_USER])
    assert other.get(f"{API}/contracts").json()["count"] == 0
    assert other.get(f"{API}/contracts/{signed.pk}").status_code == 404


def test_documents_api_hides_unpublished_from_customers(world):
    p = project(world)
    lead_actor = world.actor(Role.PROJECT_LEAD)
    internal = services.add_document(
        lead_actor, organization=world.org, project=p, kind="other", title="Sisäinen", body="x"
    )
    report = services.add_document(
        lead_actor,
        organization=world.org,
        project=p,
        kind="status_report",
        title="Tilanne",
        body="y",
    )
    services.publish_document(lead_actor, report)
    lead = client_for(world.users[Role.PROJECT_LEAD])
    assert {d["title"] for d in lead.get(f"{API}/projects/{p.pk}/documents").json()["items"]} == {
        "Sisäinen",
        "Tilanne",
    }
    viewer = client_for(world.users[Role.VIEWER])
    assert [d["title"] for d in viewer.get(f"{API}/projects/{p.pk}/documents").json()["items"]] == [
        "Tilanne"
    ]
    assert (
        client_for(world.other_users[Role.MAIN_USER])
        .get(f"{API}/projects/{p.pk}/documents")
        .status_code
        == 404
    )
    assert viewer.post(f"{API}/documents/{internal.pk}/publish").status_code == 404
