"""Fixtures shared by every test: a vendor with two customers, one user per role."""

import math
from dataclasses import dataclass

import pytest
from django.test import Client
from hypothesis import settings

from tase.core.access import Actor
from tase.core.roles import CUSTOMER_ROLES, STAFF_ROLES, Role
from tests.factories import PASSWORD, CompanyFactory, OrganizationFactory, VendorFactory, member

# Hypothesis checks invariants, not speed: its 200 ms deadline per example failed tests on a CI
# machine running the SQLite and PostgreSQL suites side by side. Speed lives in `make bench`.
settings.register_profile("tase", deadline=None)
settings.load_profile("tase")


@pytest.fixture(autouse=True, scope="session")
def _no_shared_cache_from_the_environment():
    """A developer's REDIS_URL (exported for `make run`) turns on the shared cache when the
    settings load; in tests it would carry sessions, unread counts and memberships from one
    test to the next, whose rows reuse the same ids, and between the SQLite and PostgreSQL
    runs side by side. Tests read the database unless they ask for the shared cache
    (tests/core/test_shared_cache.py, against Redis under a prefix of their own)."""
    from django.test.utils import override_settings

    with override_settings(
        TASE_SHARED_CACHE=False,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        SESSION_ENGINE="django.contrib.sessions.backends.db",
    ):
        yield


@dataclass
class World:
    vendor: object
    org: object  # customer A
    company: object
    other_org: object  # customer B: the other side of the tenant wall
    other_company: object
    users: dict  # Role -> User in the vendor (staff) or in customer A
    other_users: dict  # Role -> User in customer B

    def actor(self, role: Role) -> Actor:
        return Actor.of(self.users[role])

    def client(self, role: Role, *, other: bool = False) -> Client:
        client = Client()
        user = (self.other_users if other else self.users)[role]
        client.force_login(user)
        return client


@pytest.fixture
def world(db) -> World:
    vendor = VendorFactory(name="Tase Test Vendor")
    org = OrganizationFactory(name="Asiakas A", vendor=vendor)
    other_org = OrganizationFactory(name="Asiakas B", vendor=vendor)
    company = CompanyFactory(organization=org, name="Alpha Oy")
    other_company = CompanyFactory(organization=other_org, name="Beta Oy")
    users = {role: member(vendor, role) for role in STAFF_ROLES}
    users |= {role: member(org, role) for role in CUSTOMER_ROLES}
    other_users = {role: member(other_org, role) for role in CUSTOMER_ROLES}
    return World(vendor, org, company, other_org, other_company, users, other_users)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Argon2 in production; a fast hasher in tests (the choice itself is tested)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pdf_texts(monkeypatch) -> list[str]:
    """The text of every page of every PDF rendered during the test (tase.core.pdf), in order.
    Many documents print in this process then: a pool's workers would lay them out unseen."""
    from tase.core import pdf

    texts: list[str] = []
    real_layout = pdf.layout

    def capturing(html, **kwargs):
        document = real_layout(html, **kwargs)
        texts.extend(pdf.page_texts(document))
        return document

    monkeypatch.setattr(pdf, "layout", capturing)
    monkeypatch.setattr(pdf, "pool_size", lambda count=None: 0)
    return texts


@pytest.fixture
def steady_parameters(monkeypatch):
    """The parameters' overlay asks the database for its version every 30 s
    (tase.rules.parameters); a test that counts the queries of a long run holds that off, or on
    a loaded machine the run outlasts the interval and counts one query more."""
    from tase.rules import parameters

    monkeypatch.setattr(parameters._State, "check_every", math.inf)


@pytest.fixture(autouse=True)
def _parameters_as_the_database_holds_them():
    """A test that enters a parameter value (tase.core.parameter_values) reloads the merged
    set inside its transaction; the rollback at its end does not, and the overlay only asks for
    its version every 30 s (tase.rules.parameters), so the next tests would read the value
    that was never committed. After a test that rebuilt the set, put back the one it started
    with (what the database holds again after the rollback), without asking the database."""
    from tase.rules import parameters

    state = parameters._State
    before = (state.current, state.version, state.checked, state.generation)
    yield
    if state.generation != before[3]:
        state.current, state.version, state.checked, _ = before
        state.generation += 1  # callers' caches keyed on it are rebuilt


@pytest.fixture(autouse=True, scope="session")
def _flush_may_truncate():
    """Transactional tests empty the test database with TRUNCATE after each test; on
    PostgreSQL the books' and the audit trail's tables refuse it unless the transaction
    sets ``tase.allow_truncate`` (tase.core.truncate_guard)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    real = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return real(self, ["SET LOCAL tase.allow_truncate = on", *sql_list])

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = real
