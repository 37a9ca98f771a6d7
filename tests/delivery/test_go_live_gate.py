"""A go-live gate that cannot be fooled (issue 13, item 1)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.delivery import hooks, selectors, services
from tase.delivery.models import GoLive, Meeting, PhaseKind, Task
from tase.ledger import services as ledger
from tase.ledger.system import SystemActor

from .factories import KICKOFF, aware, project
from .test_api import API, client_for


def item(p, code, **kwargs):
    return next(i for i in selectors.go_live_checklist(p, **kwargs) if i["code"] == code)


def task(p, code):
    return p.tasks.get(state_check=code)


@pytest.fixture
def p(world):
    return project(world)


def test_a_chart_chosen_in_the_test_company_ticks_nothing_in_production(world, p):
    lead = world.actor(Role.PROJECT_LEAD)
    test = services.create_project_test_environment(lead, p, world.company)
    ledger.apply_chart(SystemActor(), test, "limited-company")
    services.sync_state_checks(p)
    assert not item(p, "ledger.chart_chosen")["holds"]
    assert task(p, "ledger.chart_chosen").status == Task.Status.TODO
    ledger.apply_chart(SystemActor(), world.company, "limited-company")
    services.sync_state_checks(p)
    assert item(p, "ledger.chart_chosen")["holds"]
    assert task(p, "ledger.chart_chosen").status == Task.Status.DONE


def test_nothing_ticked_by_testing_stays_ticked_after_a_reset(world, p, monkeypatch):
    lead = world.actor(Role.PROJECT_LEAD)
    old = services.create_project_test_environment(lead, p, world.company)
    monkeypatch.setitem(
        hooks.TEST_ACTIVITY,
        "ledger.vouchers",
        hooks.TestActivity("ledger.vouchers", "Vouchers", lambda c: 2 if c.pk == old.pk else 0),
    )
    services.sync_state_checks(p)
    assert task(p, "delivery.customer_tested").status == Task.Status.DONE
    services.reset_test_environment(lead, p)
    tested = task(p, "delivery.customer_tested")
    assert tested.status == Task.Status.TODO and not tested.auto_completed
    assert AuditEvent.objects.filter(action="auto_reopen", object_id=str(tested.pk)).exists()


def _closing(world, p, starts_at):
    return services.create_meeting(
        world.actor(Role.PROJECT_LEAD),
        p,
        kind=Meeting.Kind.CLOSING,
        starts_at=starts_at,
        place="Tampere",
        participants=[
            world.users[Role.PROJECT_LEAD],
            world.users[Role.ACCOUNT_MANAGER],
            world.users[Role.MAIN_USER],
        ],
    )


def test_closing_meeting_is_held_when_its_time_passed_and_minutes_are_published(world, p):
    lead = world.actor(Role.PROJECT_LEAD)
    coming = _closing(world, p, timezone.now() + dt.timedelta(days=2))
    services.publish_document(lead, services.write_minutes(lead, coming, "Written early."))
    assert not item(p, "delivery.closing_meeting")["holds"]  # only scheduled
    held = _closing(world, p, aware(KICKOFF + dt.timedelta(weeks=10)))
    assert not item(p, "delivery.closing_meeting")["holds"]  # no minutes
    minutes = services.write_minutes(lead, held, "Production readiness stated.")
    assert not item(p, "delivery.closing_meeting")["holds"]  # minutes not published
    services.publish_document(lead, minutes)
    assert item(p, "delivery.closing_meeting")["holds"]
    assert task(p, "delivery.closing_meeting").status == Task.Status.DONE  # synced at publish


def test_customer_items_are_the_customers_and_the_first_training_no_ones(world, p):
    for role in (Role.CONSULTANT, Role.PROJECT_LEAD, Role.ADMIN):
        for code in ("delivery.spec_approved", "delivery.customer_tested"):
            with pytest.raises(ValidationError) as error:
                services.override_check(world.actor(role), task(p, code), "We tested it")
            assert "customer" in str(error.value.messages[0]) or "asiakkaan" in str(
                error.value.messages[0]
            )
    with pytest.raises(ValidationError):
        services.override_check(
            world.actor(Role.PROJECT_LEAD), task(p, "delivery.first_training_held"), "Soon"
        )
    with pytest.raises(PermissionDenied):
        services.override_check(world.actor(Role.VIEWER), task(p, "delivery.customer_tested"), "x")
    services.override_check(
        world.actor(Role.MAIN_USER), task(p, "delivery.customer_tested"), "Tested payroll on site"
    )
    tested = item(p, "delivery.customer_tested")
    assert tested["ok"] and tested["overridden"]
    assert tested["overridden_by"] == str(world.users[Role.MAIN_USER])


def test_an_override_names_who_why_and_when_on_the_sign_off_page_and_the_pdf(world, p, pdf_texts):
    services.override_check(
        world.actor(Role.CONSULTANT), task(p, "ledger.chart_chosen"), "Chart agreed on site"
    )
    shown = item(p, "ledger.chart_chosen")
    assert shown["overridden_by"] == str(world.users[Role.CONSULTANT]) and shown["overridden_at"]
    page = world.client(Role.MAIN_USER).get(reverse("delivery:project", args=[p.pk])).text
    cell = page.split('data-testid="override"')[1].split("</span>")[0]
    assert "Chart agreed on site" in cell and world.users[Role.CONSULTANT].full_name in cell
    today = timezone.localdate()
    assert f"{today.day}.{today.month}.{today.year}" in cell  # when, in Finnish format
    response = world.client(Role.MAIN_USER).get(reverse("delivery:go_live_pdf", args=[p.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    squeezed = lambda text: "".join(text.split())  # noqa: E731 - a table cell wraps its lines
    text = squeezed(" ".join(pdf_texts))
    assert squeezed("Chart agreed on site") in text
    assert squeezed(world.users[Role.CONSULTANT].full_name) in text


def test_overriding_more_than_the_set_share_needs_the_account_manager(world, p, settings):
    settings.TASE_GO_LIVE_OVERRIDE_SHARE = 0.1
    consultant = world.actor(Role.CONSULTANT)
    services.set_account_manager(
        world.actor(Role.ACCOUNT_MANAGER), p.organization, world.users[Role.ACCOUNT_MANAGER]
    )
    services.override_check(consultant, task(p, "ledger.chart_chosen"), "Agreed")
    assert not any(
        i["code"] == "delivery.overrides_approved" for i in selectors.go_live_checklist(p)
    )
    services.override_check(consultant, task(p, "payroll.first_pay_run_calculated"), "Agreed")
    assert not item(p, "delivery.overrides_approved")["ok"]
    with pytest.raises(PermissionDenied):
        services.approve_overrides(world.actor(Role.PROJECT_LEAD), p)
    services.approve_overrides(world.actor(Role.ACCOUNT_MANAGER), p)
    p.refresh_from_db()
    assert item(p, "delivery.overrides_approved")["ok"]
    assert p.overrides_approved_by == world.users[Role.ACCOUNT_MANAGER]
    # a later override is not covered by the approval given before it
    services.override_check(consultant, task(p, "delivery.closing_meeting"), "Held by phone")
    assert not item(p, "delivery.overrides_approved")["ok"]


def test_no_go_live_before_the_kickoff(world, p):
    assert not item(p, "delivery.kickoff_reached", today=KICKOFF - dt.timedelta(days=1))["ok"]
    assert item(p, "delivery.kickoff_reached", today=KICKOFF)["ok"]


def test_no_go_live_while_a_customer_visible_task_is_late_without_a_reason(world, p):
    late = p.tasks.filter(customer_visible=True, state_check="").first()
    services.save_task(
        world.actor(Role.PROJECT_LEAD),
        p,
        task=late,
        phase=late.phase,
        title=late.title,
        due_on=timezone.localdate() - dt.timedelta(days=1),
        customer_visible=True,
    )
    gate = item(p, "delivery.no_unexplained_overdue")
    assert not gate["ok"] and late.title in gate["detail"]
    with pytest.raises(ValidationError):
        services.explain_overdue(world.actor(Role.PROJECT_LEAD), late, " ")
    with pytest.raises(PermissionDenied):
        services.explain_overdue(world.actor(Role.MAIN_USER), late, "Because")
    services.explain_overdue(world.actor(Role.PROJECT_LEAD), late, "Waits for the bank's files")
    assert late.title not in item(p, "delivery.no_unexplained_overdue")["detail"]


def test_a_signature_with_an_unmet_item_is_refused_and_writes_nothing(world, p):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        services.sign_go_live(world.actor(Role.MAIN_USER), p)
    assert "checklist" in error.value.message_dict
    label = item(p, "delivery.first_training_held")["label"]
    assert label in error.value.message_dict["checklist"][0]
    assert not GoLive.objects.filter(project=p).exists()
    assert AuditEvent.objects.count() == events
    # the page says why and signs nothing; the API answers 400 with the same message
    response = world.client(Role.PROJECT_LEAD).post(
        reverse("delivery:go_live_sign", args=[p.pk]), follow=True
    )
    assert label in response.text
    api = client_for(world.users[Role.PROJECT_LEAD]).post(f"{API}/projects/{p.pk}/go-live/sign")
    assert api.status_code == 422 and label in api.json()["detail"][0]["msg"]
    assert not GoLive.objects.filter(project=p).exists()


def test_a_self_checking_tasks_state_is_the_same_in_the_api_and_lists(world, p):
    chart = task(p, "ledger.chart_chosen")
    services.save_task(
        world.actor(Role.PROJECT_LEAD),
        p,
        task=chart,
        phase=chart.phase,
        title=chart.title,
        owner=world.users[Role.PROJECT_LEAD],
        due_on=chart.due_on,
        customer_visible=True,
        state_check=chart.state_check,
    )
    lead_page = world.client(Role.PROJECT_LEAD)
    assert chart.title in lead_page.get(reverse("delivery:my_tasks")).text
    # the chart is chosen in the ledger; no one opens the project page
    ledger.apply_chart(SystemActor(), world.company, "limited-company")
    api = client_for(world.users[Role.PROJECT_LEAD])
    tasks = api.get(f"{API}/projects/{p.pk}/tasks", {"limit": 100}).json()["items"]
    assert next(t for t in tasks if t["id"] == chart.pk)["status"] == "done"
    assert chart.title not in lead_page.get(reverse("delivery:my_tasks")).text


def test_a_task_ticked_by_hand_cannot_pretend_its_check_holds(world, p):
    with pytest.raises(ValidationError) as error:
        services.set_task_status(
            world.actor(Role.PROJECT_LEAD), task(p, "ledger.chart_chosen"), Task.Status.DONE
        )
    assert "status" in error.value.message_dict


def test_self_checks_passing_at_creation_start_no_phase(world, p):
    # world.company has a business ID and the customer's users are invited: those tasks
    # completed themselves when the project was created, before any work
    assert task(p, "core.users_invited").status == Task.Status.DONE
    assert task(p, "core.users_invited").auto_completed
    for phase in p.phases.all():
        assert phase.actual_start is None, phase.get_kind_display()
    assert p.phases.get(kind=PhaseKind.IMPLEMENTATION).actual_start is None
