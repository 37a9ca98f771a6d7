"""The main support pages ask the database the same number of times however many rows they show
(no query per request, reply, guide or announcement): counted with N rows and with 3N."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tase.core.roles import Role
from tase.support import services

from .factories import make_guide, make_request, phone_price, specialist

pytestmark = pytest.mark.django_db
MAX_QUERIES = 25


def _grow(world, n, start):
    """``n`` more requests (with a reply each, half of them assigned), guides and announcements."""
    staff = specialist(world)
    for i in range(start, start + n):
        request = make_request(world, subject=f"Kysymys {i}")
        services.add_reply(staff, request, body=f"Vastaus {i}")
        if i % 2:
            services.assign(staff, [request], world.users[Role.SUPPORT_SPECIALIST])
        make_request(world, other=True, subject=f"Toinen {i}")
        make_guide(world, title=f"Ohje {i}", body=f"Ohjeen {i} teksti.")
        services.create_announcement(
            staff, title=f"Tiedote {i}", body="Teksti", kind="info", audience="everyone"
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


PAGES = [
    (Role.MAIN_USER, "start"),
    (Role.MAIN_USER, "support:request_list"),
    (Role.MAIN_USER, "support:guide_list"),
    (Role.MAIN_USER, "support:announcement_list"),
    (Role.SUPPORT_SPECIALIST, "start"),
    (Role.SUPPORT_SPECIALIST, "support:queue"),
    (Role.SUPPORT_SPECIALIST, "support:request_list"),
    (Role.SUPPORT_SPECIALIST, "support:dashboard"),
    (Role.SUPPORT_SPECIALIST, "support:guide_list"),
    (Role.SUPPORT_SPECIALIST, "support:announcement_list"),
]


def test_support_pages_do_not_query_per_row(world, django_assert_max_num_queries):
    phone_price(world)
    _grow(world, 2, 0)
    clients = {role: world.client(role) for role, _name in PAGES}
    before = {}
    for role, name in PAGES:
        url = reverse(name)
        clients[role].get(url)
        with django_assert_max_num_queries(MAX_QUERIES):
            before[role, name] = _queries(clients[role], url)
        assert before[role, name] > 3  # counted: the session, the user, the page's own rows
    _grow(world, 4, 2)
    for role, name in PAGES:
        assert _queries(clients[role], reverse(name)) == before[role, name], (role, name)
