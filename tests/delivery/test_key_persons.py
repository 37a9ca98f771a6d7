"""Key persons: edited (role, name, contact details), removed as former (never deleted), and the
main user marker following the organization's main users."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tase.core import services as core_services
from tase.core.models import AuditEvent, Membership
from tase.core.roles import Role
from tase.delivery import selectors, services
from tase.delivery.models import KeyPerson

from .factories import project
from .test_api import API, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(world):
    return project(world)


def test_edit_remove_and_bring_back(world, p):
    lead = world.actor(Role.PROJECT_LEAD)
    accountant = world.users[Role.ACCOUNTANT]
    person = services.add_key_person(lead, p, user=accountant, role="Kirjanpitäjä")
    with pytest.raises(ValidationError) as error:
        services.update_key_person(lead, person, role="Kirjanpitäjä", email="ei-osoite")
    assert "email" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.update_key_person(lead, person, role=" ")
    assert "role" in error.value.message_dict
    services.update_key_person(
        lead, person, role="Talouspäällikkö", name="Anna Esimerkki", phone="+358 40 123 4567"
    )
    person.refresh_from_db()
    assert (person.role, person.display_name, person.contact_phone) == (
        "Talouspäällikkö",
        "Anna Esimerkki",
        "+358 40 123 4567",
    )
    assert person.contact_email == accountant.email  # empty: the user's own
    with pytest.raises(PermissionDenied):
        services.remove_key_person(world.actor(Role.MAIN_USER), person)
    services.remove_key_person(lead, person)
    person.refresh_from_db()
    assert not person.is_active and person.removed_by == world.users[Role.PROJECT_LEAD]
    assert KeyPerson.objects.filter(pk=person.pk).exists()  # kept
    with pytest.raises(ValidationError):
        services.update_key_person(lead, person, role="x")
    again = services.add_key_person(lead, p, user=accountant, role="Kirjanpitäjä")
    assert again.pk == person.pk and again.is_active and again.removed_at is None
    actions = set(
        AuditEvent.objects.filter(
            object_type="delivery.keyperson", object_id=str(person.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {"create", "update", "remove", "reactivate"}


def test_main_user_marker_follows_the_organization(world, p):
    lead = world.actor(Role.PROJECT_LEAD)
    main, accountant = world.users[Role.MAIN_USER], world.users[Role.ACCOUNTANT]
    services.add_key_person(lead, p, user=main, role="Pääkäyttäjä")
    services.add_key_person(lead, p, user=accountant, role="Kirjanpitäjä")
    marks = {kp.user_id: kp.is_main_user for kp in selectors.key_persons(p)}
    assert marks == {main.pk: True, accountant.pk: False}
    # the accountant becomes a main user, the old one an accountant: the markers follow
    admin = world.actor(Role.ADMIN)
    core_services.change_membership(
        admin,
        Membership.objects.get(user=accountant, organization=world.org),
        role=Role.MAIN_USER,
    )
    core_services.change_membership(
        admin, Membership.objects.get(user=main, organization=world.org), role=Role.ACCOUNTANT
    )
    marks = {kp.user_id: kp.is_main_user for kp in selectors.key_persons(p)}
    assert marks == {main.pk: False, accountant.pk: True}
    assert selectors.main_users_missing(p, selectors.key_persons(p)) == []


def test_key_person_pages(world, p):
    lead = world.actor(Role.PROJECT_LEAD)
    person = services.add_key_person(lead, p, user=world.users[Role.ACCOUNTANT], role="Kirjanpito")
    client = world.client(Role.PROJECT_LEAD)
    page = client.get(reverse("delivery:project", args=[p.pk])).content.decode()
    assert reverse("delivery:key_person_edit", args=[person.pk]) in page
    assert 'data-testid="main-user-missing"' in page  # the main user is not a key person yet
    url = reverse("delivery:key_person_edit", args=[person.pk])
    response = client.post(url, {"role": "Kirjanpito", "email": "huono"})
    assert response.status_code == 200 and "email" in response.context["form"].errors
    response = client.post(
        url, {"role": "Kirjanpidon vastuuhenkilö", "email": "kp@example.fi", "phone": "050 1"}
    )
    assert response.status_code == 302
    page = client.get(reverse("delivery:project", args=[p.pk])).content.decode()
    assert "Kirjanpidon vastuuhenkilö" in page and "kp@example.fi" in page
    client.post(reverse("delivery:key_person_remove", args=[person.pk]))
    page = client.get(reverse("delivery:project", args=[p.pk])).content.decode()
    former = page.split('data-testid="former-key-persons"')[1].split("</ul>")[0]
    assert "Kirjanpidon vastuuhenkilö" in former
    # customers cannot edit; another customer's staff cannot even see
    assert world.client(Role.MAIN_USER).get(url).status_code == 403
    assert world.client(Role.MAIN_USER, other=True).get(url).status_code == 404


def test_key_persons_through_the_api(world, p):
    lead = client_for(world.users[Role.PROJECT_LEAD])
    main = world.users[Role.MAIN_USER]
    response = lead.post(
        f"{API}/projects/{p.pk}/key-persons",
        {"user_id": main.pk, "role": "Pääkäyttäjä"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_main_user"] and body["is_active"] and body["email"] == main.email
    pid = body["id"]
    bad = lead.post(
        f"{API}/key-persons/{pid}", {"role": "", "email": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    ok = lead.post(
        f"{API}/key-persons/{pid}",
        {"role": "Pääkäyttäjä", "phone": "040 1"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["phone"] == "040 1"
    removed = lead.post(f"{API}/key-persons/{pid}/remove")
    assert removed.status_code == 200 and removed.json()["is_active"] is False
    listed = client_for(main).get(f"{API}/projects/{p.pk}/key-persons").json()
    assert [(row["id"], row["is_active"]) for row in listed] == [(pid, False)]
    other = client_for(world.other_users[Role.MAIN_USER])
    assert other.post(f"{API}/key-persons/{pid}/remove").status_code == 404
    assert client_for(main).post(f"{API}/key-persons/{pid}/remove").status_code == 403
