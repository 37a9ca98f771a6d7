"""GDPR for user accounts: one's own export, an organization's export of its member, and
pseudonymisation refused while the account is active or belongs to another organization; the
audit trail keeps the person's events; another customer gets 404."""

import pytest
from django.core.exceptions import ValidationError

from tase.core import services
from tase.core.access import Actor
from tase.core.models import ApiToken, AuditEvent, Membership, User
from tase.core.personal_data import erase_user
from tase.core.roles import Role

from ..factories import member


def _membership(world, role):
    return Membership.objects.get(user=world.users[role], organization=world.org)


def test_own_export_as_json_pdf_and_api(world):
    user = world.users[Role.VIEWER]
    services.create_api_token(user, "robot")
    client = world.client(Role.VIEWER)
    data = client.get("/account/personal-data.json").json()
    assert data["user"]["email"] == user.email
    assert [m["organization"] for m in data["memberships"]] == [world.org.name]
    token = data["api_tokens"][0]
    assert token["name"] == "robot" and "digest" not in token
    assert any(row["law"].startswith("Kirjanpitolaki") for row in data["kept_after_erasure"])
    assert client.get("/account/personal-data.pdf").content.startswith(b"%PDF")
    assert client.get("/api/v1/me/personal-data").json()["user"]["email"] == user.email
    assert client.get("/account/").status_code == 200


def test_main_user_exports_a_member_and_the_export_is_audited(world):
    membership = _membership(world, Role.VIEWER)
    client = world.client(Role.MAIN_USER)
    assert client.get(f"/memberships/{membership.pk}/personal-data/").status_code == 200
    data = client.get(f"/memberships/{membership.pk}/personal-data.json").json()
    assert data["user"]["email"] == world.users[Role.VIEWER].email
    pdf = client.get(f"/memberships/{membership.pk}/personal-data.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    api = client.get(f"/api/v1/members/{membership.pk}/personal-data")
    assert api.status_code == 200
    assert AuditEvent.objects.filter(
        action="export_personal_data", object_id=str(world.users[Role.VIEWER].pk)
    ).exists()


def test_another_customer_gets_404_and_a_role_without_users_manage_403(world):
    membership = _membership(world, Role.VIEWER)
    other = world.client(Role.MAIN_USER, other=True)
    for url in (
        f"/memberships/{membership.pk}/personal-data/",
        f"/memberships/{membership.pk}/personal-data.json",
        f"/memberships/{membership.pk}/personal-data.pdf",
        f"/api/v1/members/{membership.pk}/personal-data",
    ):
        assert other.get(url).status_code == 404, url
    for url in (
        f"/memberships/{membership.pk}/personal-data/erase/",
        f"/api/v1/members/{membership.pk}/personal-data/erase",
    ):
        assert other.post(url, {"confirm": "1"}).status_code == 404, url
    accountant = world.client(Role.ACCOUNTANT)
    assert accountant.get(f"/memberships/{membership.pk}/personal-data.json").status_code == 403
    assert (
        accountant.post(f"/api/v1/members/{membership.pk}/personal-data/erase").status_code == 403
    )
    assert User.objects.get(pk=membership.user_id).is_active


def test_erasure_pseudonymises_once_deactivated_and_keeps_the_audit_trail(world):
    user = world.users[Role.VIEWER]
    email = user.email
    membership = _membership(world, Role.VIEWER)
    services.create_api_token(user, "robot")
    main = world.actor(Role.MAIN_USER)
    client = world.client(Role.MAIN_USER)
    url = f"/api/v1/members/{membership.pk}/personal-data/erase"
    assert client.post(url).status_code == 422  # still active
    services.set_membership_active(main, membership, False)
    events_before = AuditEvent.objects.filter(actor=user).count()
    response = client.post(url)
    assert response.status_code == 200, response.content
    assert response.json()["kept"]
    user.refresh_from_db()
    assert user.email != email and email not in user.full_name and not user.is_active
    assert not user.has_usable_password() and user.phone == ""
    assert not ApiToken.objects.filter(user=user).exists()
    # The audit trail is not rewritten: the person's events stay as written.
    assert AuditEvent.objects.filter(actor=user).count() == events_before
    assert AuditEvent.objects.filter(action="erase_personal_data", object_id=str(user.pk)).exists()


def test_the_page_asks_once_more(world):
    membership = _membership(world, Role.VIEWER)
    services.set_membership_active(world.actor(Role.MAIN_USER), membership, False)
    client = world.client(Role.MAIN_USER)
    url = f"/memberships/{membership.pk}/personal-data/erase/"
    client.post(url)
    assert User.objects.get(pk=membership.user_id).email == world.users[Role.VIEWER].email
    client.post(url, {"confirm": "1"})
    assert User.objects.get(pk=membership.user_id).email.startswith("erased-")


def test_a_user_of_another_organization_too_is_not_erased_by_one_of_them(world):
    shared = member(world.org, Role.VIEWER)
    Membership.objects.create(user=shared, organization=world.other_org, role=Role.VIEWER)
    Membership.objects.filter(user=shared).update(is_active=False)
    with pytest.raises(ValidationError, match="user"):
        erase_user(world.actor(Role.MAIN_USER), shared)
    with pytest.raises(ValidationError, match="user"):
        erase_user(Actor.of(world.users[Role.MAIN_USER]), world.users[Role.MAIN_USER])
    assert User.objects.get(pk=shared.pk).email == shared.email
