"""Schemathesis walks every operation of the OpenAPI schema with generated input:
whatever it sends, the API answers without a server error, only with a status code its
schema documents (tase.apiutil.TaseAPI lists 400/401/403/404/422 on every operation), with
the documented content type (JSON, also for a 404 of the URL resolver), and with a body and
headers that match the documented response schema.

Not checked: ``positive_data_acceptance`` and ``negative_data_rejection``. A schema-valid
request is rightly refused when it breaks a rule the schema cannot state (a wrong one-time
code, a business ID's check digit, an account that does not exist, a company id of another
organization), and the schema states no rule it does not also enforce."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tase.core import services
from tase.core.roles import Role

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI app directly, not through Django's test client, so the
    end of each request would close the database connection and with it the test's
    transaction (PostgreSQL). Keep it open, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(world):
    _token, raw = services.create_api_token(world.users[Role.ADMIN], "fuzz")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_server_errors(case, auth_headers):
    case.call_and_validate(
        headers=auth_headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            response_headers_conformance,
        ],
    )
