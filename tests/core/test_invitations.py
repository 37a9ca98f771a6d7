"""Sending an invitation again, and the invitation's links pointing where Tase is served."""

import pytest
from django.core import mail

from tase.core import services, tasks
from tase.core.models import AuditEvent, Membership
from tase.core.roles import Role

HOST = "tase.test:8123"


@pytest.fixture
def invitee(world, django_capture_on_commit_callbacks) -> Membership:
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.invite_user(
            world.actor(Role.MAIN_USER),
            world.org,
            email="uusi@example.com",
            full_name="Uusi Henkilö",
            role="accountant",
        )
    mail.outbox.clear()
    return membership


@pytest.fixture
def served(settings):
    settings.ALLOWED_HOSTS = ["tase.test", "testserver"]
    settings.TASE_BASE_URL = ""


def test_the_main_user_sends_an_invitation_again_from_the_page(
    world, invitee, served, django_capture_on_commit_callbacks
):
    client = world.client(Role.MAIN_USER)
    page = client.get(f"/organizations/{world.org.pk}/", HTTP_HOST=HOST).text
    assert f"/memberships/{invitee.pk}/invitation/" in page and "ei ole vielä kirjautunut" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/memberships/{invitee.pk}/invitation/", HTTP_HOST=HOST)
    assert response.status_code == 302
    assert "Kutsu lähetettiin uudelleen" in client.get(response.url, HTTP_HOST=HOST).text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["uusi@example.com"]
    # A person who never signed in gets a new link to set a password, at the served address.
    assert f"http://{HOST}/password/reset/" in mail.outbox[0].body
    event = AuditEvent.objects.filter(action="resend_invitation").get()
    assert event.object_id == str(invitee.pk)


def test_a_member_who_has_signed_in_is_sent_a_sign_in_link(
    world, django_capture_on_commit_callbacks
):
    member = Membership.objects.get(user=world.users[Role.VIEWER], organization=world.org)
    member.user.last_login = member.created_at
    member.user.save(update_fields=["last_login"])
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(world.actor(Role.MAIN_USER), member)
    assert "/login/" in mail.outbox[0].body and "/password/reset/" not in mail.outbox[0].body


def test_the_api_sends_an_invitation_again(
    world, invitee, served, django_capture_on_commit_callbacks
):
    url = f"/api/v1/members/{invitee.pk}/resend-invitation"
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client(Role.MAIN_USER).post(url, HTTP_HOST=HOST)
    assert response.status_code == 200 and response.json()["id"] == invitee.pk
    assert len(mail.outbox) == 1 and f"http://{HOST}/" in mail.outbox[0].body


def test_only_who_manages_users_resends_and_the_wall_holds(world, invitee):
    url = f"/api/v1/members/{invitee.pk}/resend-invitation"
    assert world.client(Role.VIEWER).post(url).status_code == 403
    assert world.client(Role.MAIN_USER, other=True).post(url).status_code == 404
    assert (
        world.client(Role.MAIN_USER, other=True)
        .post(f"/memberships/{invitee.pk}/invitation/")
        .status_code
        == 404
    )
    assert not mail.outbox and not AuditEvent.objects.filter(action="resend_invitation").exists()


def test_a_deactivated_member_is_not_invited_again(world, invitee):
    services.set_membership_active(world.actor(Role.MAIN_USER), invitee, False)
    response = world.client(Role.MAIN_USER).post(f"/api/v1/members/{invitee.pk}/resend-invitation")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "membership"
    assert not mail.outbox and not AuditEvent.objects.filter(action="resend_invitation").exists()


def test_the_worker_sends_links_to_the_inviting_requests_host(world, invitee, settings):
    """A worker serves no request: the task carries the base address it was enqueued from."""
    settings.TASE_BASE_URL = ""
    tasks.send_invitation.call(invitee.user.pk, world.org.pk, True, f"http://{HOST}")
    assert f"http://{HOST}/password/reset/" in mail.outbox[0].body
    settings.TASE_BASE_URL = "https://tase.example.com"
    tasks.send_invitation.call(invitee.user.pk, world.org.pk, True, f"http://{HOST}")
    assert "https://tase.example.com/password/reset/" in mail.outbox[1].body
