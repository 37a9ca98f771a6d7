"""The JSON API: authentication, the platform endpoints, and what bad input gets."""

import pytest
from django.test import Client

from tase.core import services
from tase.core.models import Company
from tase.core.roles import Role


@pytest.fixture
def token_client(world):
    _token, raw = services.create_api_token(world.users[Role.MAIN_USER], "script")
    return Client(headers={"authorization": f"Bearer {raw}"})


def test_anonymous_is_refused():
    assert Client().get("/api/v1/me").status_code == 401


def test_bearer_token_authenticates(world, token_client):
    me = token_client.get("/api/v1/me").json()
    assert me["email"] == world.users[Role.MAIN_USER].email
    assert [m["role"] for m in me["memberships"]] == ["main_user"]


def test_revoked_token_is_refused(world):
    user = world.users[Role.MAIN_USER]
    token, raw = services.create_api_token(user, "old")
    services.revoke_api_token(user, token)
    assert Client(headers={"authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 401


def test_session_writes_need_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.MAIN_USER])
    response = client.post(
        f"/api/v1/organizations/{world.org.pk}/companies",
        {"name": "X Oy", "business_id": "2345678-0"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_create_company_through_the_api(world, token_client):
    response = token_client.post(
        f"/api/v1/organizations/{world.org.pk}/companies",
        {"name": "Api Oy", "business_id": "2345678-0", "city": "Lahti"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["business_id"] == "2345678-0"


def test_invalid_business_id_is_422_naming_the_field(world, token_client):
    response = token_client.post(
        f"/api/v1/organizations/{world.org.pk}/companies",
        {"name": "Api Oy", "business_id": "1234567-8"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "business_id"]
    assert not Company.objects.filter(name="Api Oy").exists()


@pytest.mark.parametrize(
    "body",
    [
        '{"name": ',
        '{"name": 5}',
        "[]",
        '{"business_id": "2345678-0"}',
        '{"name": "X", "business_id": "2345678-0", "form": "plc"}',
    ],
)
def test_malformed_bodies_are_4xx(world, token_client, body):
    response = token_client.post(
        f"/api/v1/organizations/{world.org.pk}/companies", body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_invite_unknown_role_and_duplicate(world, token_client):
    url = f"/api/v1/organizations/{world.org.pk}/members"
    bad_role = token_client.post(
        url,
        {"email": "n@x.fi", "full_name": "N", "role": "wizard"},
        content_type="application/json",
    )
    assert bad_role.status_code == 422 and bad_role.json()["detail"][0]["loc"] == ["body", "role"]
    ok = token_client.post(
        url,
        {"email": "n@x.fi", "full_name": "N", "role": "viewer"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    again = token_client.post(
        url,
        {"email": "N@X.fi", "full_name": "N", "role": "viewer"},
        content_type="application/json",
    )
    assert again.status_code == 422 and again.json()["detail"][0]["loc"] == ["body", "email"]


def test_viewer_gets_403_inside_own_organization(world):
    client = world.client(Role.VIEWER)
    response = client.patch(
        f"/api/v1/companies/{world.company.pk}", {"city": "X"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_parameters_api(world, token_client):
    assert (
        token_client.get("/api/v1/parameters/vat.general_rate/value?on=2024-08-31").json()["value"]
        == "24"
    )
    body = token_client.get("/api/v1/parameters/vat.general_rate/value?on=2024-09-01").json()
    assert body["value"] == "25.5" and body["source"].startswith("https://")
    unknown = token_client.get("/api/v1/parameters/vat.nope/value?on=2024-09-01")
    assert unknown.status_code == 404 and "vat.nope" in unknown.json()["detail"]
    early = token_client.get("/api/v1/parameters/vat.general_rate/value?on=1990-01-01")
    assert early.status_code == 404 and "2013-01-01" in early.json()["detail"]
    assert (
        token_client.get("/api/v1/parameters/vat.general_rate/value?on=31.12.2026").status_code
        == 422
    )
    names = [p["name"] for p in token_client.get("/api/v1/parameters").json()]
    assert "vat.general_rate" in names


def test_openapi_schema_is_served():
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Tase API" and "/api/v1/companies" in schema["paths"]


def test_api_docs_use_no_cdn():
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200 and "cdn." not in page.text and "/static/" in page.text


def test_every_operation_documents_its_error_answers():
    schema = Client().get("/api/v1/openapi.json").json()
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert len(operations) > 50
    for operation in operations:
        assert {"400", "401", "403", "404", "422"} <= operation["responses"].keys(), operation[
            "operationId"
        ]


def test_schema_and_docs_need_sign_in_unless_public(settings, world):
    settings.TASE_API_DOCS_PUBLIC = False
    for url in ("/api/v1/openapi.json", "/api/v1/docs"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
        assert world.client(Role.VIEWER).get(url).status_code == 200
    settings.TASE_API_DOCS_PUBLIC = True
    assert Client().get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize("body", ["null", "[]", '"x"', "1"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("patch", "/api/v1/companies/{company}"),
        ("post", "/api/v1/organizations/{org}/companies"),
        ("put", "/api/v1/notifications/preferences"),
    ],
)
def test_a_body_that_is_not_an_object_is_refused_as_invalid(world, body, method, path):
    """JSON that is not an object is an invalid body (422 naming the body, as every other
    invalid value), for PATCH, POST and PUT alike, and changes nothing."""
    client = world.client(Role.MAIN_USER)
    url = path.format(company=world.company.pk, org=world.org.pk)
    companies = Company.objects.count()
    response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body"],
                "msg": "The request body must be a JSON object.",
                "type": "type_error",
            }
        ]
    }
    assert Company.objects.count() == companies
    world.company.refresh_from_db()
    assert world.company.name == "Alpha Oy"


def test_a_body_that_is_not_json_is_unreadable(world):
    client = world.client(Role.MAIN_USER)
    url = f"/api/v1/companies/{world.company.pk}"
    response = client.patch(url, "{name", content_type="application/json")
    assert response.status_code == 400 and response.json() == {
        "detail": "Cannot parse request body"
    }


def test_an_api_path_that_names_nothing_answers_json_404(world):
    """The URL resolver refuses an id that is not a number before the API sees it; the answer
    is still the API's JSON, as the schema documents (schemathesis: content_type_conformance)."""
    client = world.client(Role.MAIN_USER)
    for path in ("/api/v1/companies/null,null", "/api/v1/no-such-thing"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not Found"}
    page = client.get("/companies/abc/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI schema names its components by class name: two schemas of one name (a
    sales LineOut and a payroll LineOut) would document one operation with the other's
    body — schemathesis found a payslip answer checked against the invoice line's schema."""
    from collections import defaultdict

    from ninja import Schema

    import tase.api  # noqa: F401  (imports every router)

    modules = defaultdict(set)
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("tase."):
            modules[cls.__name__].add(cls.__module__)
    assert {name: m for name, m in modules.items() if len(m) > 1} == {}
