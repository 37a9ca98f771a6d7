"""The app's own error pages, in Finnish, in production and in development alike."""

import pytest
from django.urls import path

from tase.core.roles import Role
from tase.urls import urlpatterns as app_patterns


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [*app_patterns, path("boom/", _boom)]


@pytest.fixture
def with_boom(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_address_shows_the_apps_404_page(world, settings, debug):
    settings.DEBUG = debug
    for address in ("/no/such/page/", "/ledger/companies/999999/"):
        response = world.client(Role.ACCOUNTANT).get(address)
        assert response.status_code == 404
        assert 'data-testid="error-page"' in response.text, address
        assert "Sivua ei löydy" in response.text and "Etusivulle" in response.text


@pytest.mark.parametrize("debug", [False, True])
def test_a_refused_action_shows_the_apps_403_page_in_finnish(world, settings, debug):
    settings.DEBUG = debug
    response = world.client(Role.VIEWER).get(f"/payroll/c/{world.company.pk}/settings/")
    assert response.status_code == 403
    assert "Ei käyttöoikeutta" in response.text and "Forbidden" not in response.text


@pytest.mark.parametrize("debug", [False, True])
def test_an_error_shows_the_apps_500_page_and_is_logged(world, settings, with_boom, debug, caplog):
    settings.DEBUG = debug
    client = world.client(Role.ACCOUNTANT)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Jokin meni vikaan" in response.text and "Traceback" not in response.text
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_the_technical_pages_come_back_on_request(world, settings, with_boom):
    settings.DEBUG = True
    settings.TASE_TECHNICAL_ERRORS = True
    client = world.client(Role.ACCOUNTANT)
    client.raise_request_exception = False
    assert "Sivua ei löydy" not in client.get("/no/such/page/").text
    assert "RuntimeError" in client.get("/boom/").text


def test_the_api_is_left_alone(world, settings):
    settings.DEBUG = True
    response = world.client(Role.ACCOUNTANT).get("/api/v1/no-such-thing")
    assert response.status_code == 404 and 'data-testid="error-page"' not in response.text
