"""Deny by default: every page asks an anonymous visitor to sign in, except the few that are
public by design. A view that forgets its decorator stays closed (LoginRequiredMiddleware);
this test walks every URL pattern so that a new public page is a decision, not an accident."""

import pytest
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

pytestmark = pytest.mark.django_db

PUBLIC = {
    "health",  # probes of load balancers: nothing but "ok" or which check failed
    "ready",
    "login",
    "login_verify",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "support:guide_list",
    "support:guide_detail",
    "support:guide_vote",
    "support:guide_image",
}
SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x"}


def _pages(resolver=None, prefix="", namespace=""):
    """(view name, URL) of every page pattern, with sample values for its parameters."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("api/", "admin/")):
                continue  # the API answers 401 itself; the admin has its own sign-in
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _pages(entry, route, inner)
        elif isinstance(entry, URLPattern):
            converters = entry.pattern.converters
            url = route
            for name, converter in converters.items():
                kind = type(converter).__name__.removesuffix("Converter").lower()
                url = url.replace(f"<{kind}:{name}>", SAMPLE.get(kind, "1")).replace(
                    f"<{name}>", "x"
                )
            yield f"{namespace}{entry.name}", "/" + url


def test_every_page_but_the_public_ones_sends_an_anonymous_visitor_to_sign_in(client):
    pages = list(_pages())
    assert len(pages) > 100  # the walk found the apps' pages
    for name, url in pages:
        response = client.get(url)
        if name in PUBLIC:
            continue
        assert response.status_code == 302, (name, url, response.status_code)
        assert response.headers["Location"].startswith(reverse("login") + "?next="), (name, url)


def test_the_public_pages_answer_without_a_session(client):
    assert client.get("/login/").status_code == 200
    assert client.post("/i18n/language/", {"language": "en", "next": "/"}).status_code == 302
    assert client.get("/support/guides/").status_code in (200, 404)


def _forgot_its_decorator(request):
    return HttpResponse("customer data")


urlpatterns = [
    path("login/", _forgot_its_decorator, name="login"),
    path("forgotten/", _forgot_its_decorator, name="forgotten"),
    path("api/v1/forgotten/", _forgot_its_decorator, name="api_forgotten"),
]


@pytest.mark.urls(__name__)
def test_a_view_without_a_decorator_is_closed_the_api_left_to_its_own_checks(client):
    response = client.get("/forgotten/")
    assert response.status_code == 302 and b"customer data" not in response.content
    assert client.get("/api/v1/forgotten/").status_code == 200  # Ninja's auth answers there
