"""Schemathesis walks every operation of the OpenAPI schema with generated input:
whatever it sends, the API answers without a server error."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tase.core import services
from tase.core.roles import Role

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def auth_headers(world):
    _token, raw = services.create_api_token(world.users[Role.ADMIN], "fuzz")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors(case, auth_headers):
    case.call_and_validate(headers=auth_headers, checks=[not_a_server_error])
