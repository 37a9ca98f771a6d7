"""The platform's pages: each renders for those allowed, and forms report errors on their fields."""

import pytest
from django.core import mail

from tase.core.models import Company, Membership
from tase.core.roles import Role


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        (Role.ADMIN, "/organizations/", 200),
        (Role.ADMIN, "/organizations/new/", 200),
        (Role.ACCOUNT_MANAGER, "/organizations/new/", 200),
        (Role.CONSULTANT, "/organizations/new/", 404),
        (Role.MAIN_USER, "/organizations/new/", 404),
        (Role.EMPLOYEE, "/organizations/", 404),
        (Role.VIEWER, "/parameters/", 200),
        (Role.EMPLOYEE, "/parameters/", 404),
        (Role.MAIN_USER, "/audit/", 200),
        (Role.MAIN_USER, "/account/", 200),
        (Role.EMPLOYEE, "/account/", 200),
    ],
)
def test_page_access(world, role, url, status):
    assert world.client(role).get(url).status_code == status


def test_pages_ask_anonymous_users_to_sign_in(client):
    for url in ["/", "/organizations/", "/parameters/", "/audit/", "/account/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_organization_page_lists_companies_and_users(world):
    page = world.client(Role.MAIN_USER).get(f"/organizations/{world.org.pk}/")
    assert world.company.name in page.text
    assert world.users[Role.VIEWER].email in page.text
    assert "Kutsu käyttäjä" in page.text  # the main user manages users


def test_viewer_sees_no_user_management(world):
    page = world.client(Role.VIEWER).get(f"/organizations/{world.org.pk}/")
    assert page.status_code == 200 and "Kutsu käyttäjä" not in page.text
    assert (
        world.client(Role.VIEWER).get(f"/organizations/{world.org.pk}/users/invite/").status_code
        == 403
    )


def test_invite_through_the_form(world, django_capture_on_commit_callbacks):
    client = world.client(Role.MAIN_USER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organizations/{world.org.pk}/users/invite/",
            {
                "email": "uusi@example.com",
                "full_name": "Uusi Käyttäjä",
                "role": "payroll_clerk",
                "language": "fi",
            },
        )
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="uusi@example.com", role="payroll_clerk").exists()
    assert mail.outbox[0].subject.startswith("Sinut on kutsuttu")


def test_invite_form_keeps_input_and_names_the_field(world):
    existing = world.users[Role.VIEWER].email
    response = world.client(Role.MAIN_USER).post(
        f"/organizations/{world.org.pk}/users/invite/",
        {"email": existing, "full_name": "Tupla", "role": "viewer", "language": "fi"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert 'value="Tupla"' in response.text


def test_company_form_rejects_a_bad_business_id(world):
    response = world.client(Role.MAIN_USER).post(
        f"/organizations/{world.org.pk}/companies/new/",
        {"name": "Huono Oy", "business_id": "1234567-8", "form": "oy", "country": "FI"},
    )
    assert response.status_code == 200 and "business_id" in response.context["form"].errors
    assert "ei ole kelvollinen Y-tunnus" in response.text
    assert not Company.objects.filter(name="Huono Oy").exists()


def test_company_created_and_edited_through_pages(world):
    client = world.client(Role.CONSULTANT)
    response = client.post(
        f"/organizations/{world.org.pk}/companies/new/",
        {
            "name": "Uusi Oy",
            "business_id": "2345678-0",
            "form": "oy",
            "country": "FI",
            "vat_registered": "on",
        },
    )
    company = Company.objects.get(name="Uusi Oy")
    assert response.url == f"/companies/{company.pk}/"
    client.post(
        f"/companies/{company.pk}/edit/",
        {
            "name": "Uusi Oy",
            "business_id": "2345678-0",
            "form": "oy",
            "country": "FI",
            "city": "Vaasa",
        },
    )
    company.refresh_from_db()
    assert company.city == "Vaasa" and not company.vat_registered


def test_deactivate_and_reactivate_a_user(world):
    membership = Membership.objects.get(user=world.users[Role.VIEWER])
    client = world.client(Role.MAIN_USER)
    client.post(f"/memberships/{membership.pk}/active/", {"active": "0"})
    membership.refresh_from_db()
    assert not membership.is_active
    client.post(f"/memberships/{membership.pk}/active/", {"active": "1"})
    membership.refresh_from_db()
    assert membership.is_active


def test_membership_of_another_organization_is_404(world):
    other = Membership.objects.filter(organization=world.other_org).first()
    client = world.client(Role.MAIN_USER)
    assert client.get(f"/memberships/{other.pk}/").status_code == 404
    assert client.post(f"/memberships/{other.pk}/active/", {"active": "0"}).status_code == 404


def test_parameters_page_shows_history_and_sources(world):
    page = world.client(Role.ACCOUNTANT).get("/parameters/")
    assert "Arvonlisäveron yleinen verokanta" in page.text
    assert "1.9.2024" in page.text and "25,5" in page.text and "https://" in page.text


def test_api_token_is_shown_once(world):
    client = world.client(Role.ACCOUNTANT)
    response = client.post(
        "/account/tokens/",
        {"name": "skripti", "scopes": ["ledger:read"], "expires_at": "31.12.2027"},
    )
    assert response.status_code == 200 and "tase_" in response.text
    assert "tase_" not in client.get("/account/").text.split("<code>")[0]
