"""The tenant wall, generated rather than remembered.

The demo's two customers of one vendor, and a rival vendor with a customer of its own, are
loaded once. Every role of each customer, and the vendor's staff, crawl the pages by their
links from the start page; the API is walked from its OpenAPI schema, filling each path
parameter with the ids the same users were shown. Then every page and API operation with an
id that one organization's users reached is requested by every role of the other customer
and by the rival vendor's staff and customer: each must answer 404. Writes across the wall
(every POST, PUT, PATCH and DELETE operation of the API, and every page that takes a POST)
must never succeed, and the audit trail proves that nothing was written.

A URL pattern with an id that no crawl reaches is a test failure unless it is listed in
:data:`UNREACHED` with the reason, so a new page is covered or explained, never forgotten.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tase.core.demo import CUSTOMERS
from tase.core.models import AuditEvent, Company, Organization, User
from tase.core.roles import Role
from tests.crawl import crawl as crawl_as
from tests.factories import CompanyFactory, OrganizationFactory, VendorFactory, member

pytestmark = pytest.mark.django_db

# Views that anyone may open (their ids are no secret): the published guides.
PUBLIC = {"support:guide_list", "support:guide_detail", "support:guide_vote", "support:guide_image"}

# API paths anyone signed in may read: the published guides (their pages are public too).
PUBLIC_API = ("/api/v1/support/guides",)

# Patterns with an id that no link of the demo leads to, with the reason; every other one must
# be reached. Each is a page the demo's data does not put in front of a user today.
UNREACHED: dict[str, str] = {
    "delivery:document_file": "the demo's documents have no uploaded file",
    "delivery:go_live_sign": "posted only when every go-live item holds; no demo project is ready",
    "delivery:spec_approve": "posted by the main user on a version sent for approval; none is",
    "delivery:spec_send": "posted on a draft specification version; the demo has none",
    "delivery:task_override": "posted on an unmet self-checking item; shown to the lead only",
    "delivery:test_environment_reset": "posted with a confirmation on the test company",
    "delivery:training_action": "posted on a planned or confirmed training part",
    "ledger:import_progress": "polled by the import page while an import runs",
    "payroll:absence_delete": "offered only for an absence no approved run or sent report has "
    "used; the demo's absences are all paid (its wall: tests/payroll/test_absences.py)",
    "payroll:absence_remove_with_correction": "offered only for an absence an approved run "
    "used (its wall: tests/payroll/test_correction_absences.py)",
    "payroll:absence_change": "offered only for an absence no approved run has used; the "
    "demo's absences are all paid (its wall: tests/payroll/test_absence_change_corrections.py)",
    "payroll:item_delete": "posted on an item of a draft pay run; the demo's runs are approved",
    "payroll:postponement_delete": "posted on a holiday postponed for incapacity; the demo "
    "records none (its wall: tests/payroll/test_holiday_postponement.py)",
    "payroll:run_grid": "the mass-entry grid of a draft pay run; the demo's runs are approved",
    "payroll:run_import": "the item import of a draft pay run; the demo's runs are approved",
    "payroll:run_progress": "polled by the pay run page while a calculation runs",
    "payroll:run_sepa": "the payment file of an approved run, linked from its page's form",
    "payroll:retro_pay_add": "posted on an employment with retro pay due; no demo salary change "
    "reaches back to paid months",
    "payroll:personal_data_erase": "posted once an employee's employment has ended and every "
    "run is paid; the demo's employees are employed",
    "support:attachment_download": "the demo's service requests have no attachments",
    "support:request_rate": "posted on a resolved request by its customer",
    "support:request_reopen": "posted on a resolved request by its customer",
    "support:statement": "the phone statement of a month with calls; the demo logs none",
    "support:statement_csv": "the phone statement of a month with calls; the demo logs none",
    "support:statement_pdf": "the phone statement of a month with calls; the demo logs none",
    "token_revoke": "posted on a personal API token; the demo users have none",
    "member_reset_two_factor": "linked from a member with an authenticator; the demo's users "
    "have none",
    "delivery:go_live_approve_overrides": "posted by the account manager on too many overrides",
    "sales:invoice_detail": "the demo has no sales invoices yet",
    "sales:invoice_pdf": "the demo has no sales invoices yet",
    "sales:finvoice": "the demo has no sales invoices yet",
    "ledger:attachment": "the demo's purchase vouchers carry receipts, but the crawl's sample of "
    "voucher pages (latest first) lands on pay-run and sales vouchers, which have none",
    "sales:finvoice_batch": "a form's GET target on the sales settings page (no link)",
    "sales:invoices_print": "a form's GET target on the sales settings page (no link)",
    "ledger:archive_download": "linked once a year's package has been built in the background; "
    "the demo builds none (its wall: tests/ledger/test_archive_builds.py)",
    "ledger:archive_state": "polled by the archive page while a build runs (its wall: "
    "tests/ledger/test_archive_builds.py)",
    "sales:hand_over": "posted on a reminded, long overdue invoice; the demo has none",
    "sales:reminder_email": "posted on a payment reminder; the demo has none",
    "sales:reminder_pdf": "a payment reminder's PDF; the demo has none",
    "sales:vendor_billing": "the vendor's own company's page; the demo's vendor has no company",
    "delivery:proposal_convert": "shown to staff on a customer's open proposal; the demo has none",
    "delivery:proposal_decline": "shown to staff on a customer's open proposal; the demo has none",
    "delivery:training_minutes": "linked from the questions page of a held training session",
    "delivery:training_questions": "linked from a project's training rows; the crawl's two "
    "project pages per role may hold no training",
}

PER_VIEW = 2  # URLs kept per view and role: enough to cover a view, small enough to be quick


@dataclass
class Installation:
    customers: tuple[Organization, Organization]
    staff: list[User]
    users: dict[Organization, list[User]]  # customer -> its users, one of every role
    rivals: list[User]  # the rival vendor's admin and its customer's main user


@pytest.fixture(scope="module")
def installation(django_db_setup, django_db_blocker):
    """The demo and a rival vendor, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=io.StringIO())
        vendor = Organization.objects.get(name="Tase Demo Vendor")
        customers = tuple(
            Organization.objects.get(vendor=vendor, name=spec["name"]) for spec in CUSTOMERS
        )
        rival = VendorFactory(name="Kilpailija Oy")
        rival_customer = OrganizationFactory(name="Kilpailijan asiakas", vendor=rival)
        CompanyFactory(organization=rival_customer, name="Kilpailijan asiakas Oy")
        yield Installation(
            customers=customers,
            staff=list(User.objects.filter(memberships__organization=vendor).order_by("email")),
            users={
                customer: list(
                    User.objects.filter(memberships__organization=customer).order_by("email")
                )
                for customer in customers
            },
            rivals=[member(rival, Role.ADMIN), member(rival_customer, Role.MAIN_USER)],
        )
        transaction.set_rollback(True)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def crawl(user: User) -> tuple[dict[str, str], dict[str, str]]:
    """What ``user`` reaches from the start page: the pages and files that answer 200 to a
    GET, and the targets of the forms that post, each as {path: view name}."""
    return crawl_as(_client(user), per_view=PER_VIEW)


def _with_id(pages: dict[str, str]) -> dict[str, str]:
    return {path: name for path, name in pages.items() if re.search(r"/\d+/", path)}


@dataclass
class Reach:
    pages: dict[str, str]  # path with an id -> view name
    forms: dict[str, str]  # form targets with an id -> view name


def _reach(users) -> Reach:
    pages: dict[str, str] = {}
    forms: dict[str, str] = {}
    for user in users:
        found, posted = crawl(user)
        pages |= found
        forms |= posted
    return Reach(_with_id(pages), _with_id(forms))


@pytest.fixture(scope="module")
def crawls(installation, django_db_blocker):
    """Each customer's reach (all its users together) and the vendor staff's."""
    with django_db_blocker.unblock():
        by_customer = {customer: _reach(users) for customer, users in installation.users.items()}
        staff = _reach(installation.staff)
    return by_customer, staff


def _id_patterns(resolver=None, prefix="", namespace=""):
    """(view name, route) of every page pattern that takes an integer id."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("api/", "admin/")):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _id_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern) and "<int:" in route:
            yield f"{namespace}{entry.name}", route


def _status_of_every(users: list[User], paths, method: str = "get") -> list[tuple]:
    """(user, path, status) of every request whose status is not 404."""
    leaks = []
    for user in users:
        client = _client(user)
        for path in sorted(paths):
            status = getattr(client, method)(path).status_code
            if status != 404:
                leaks.append((user.email, path, status))
    return leaks


def test_every_page_with_an_id_is_reached_by_the_crawl_or_explained(crawls):
    by_customer, staff = crawls
    reached = {
        name
        for reach in [*by_customer.values(), staff]
        for name in [*reach.pages.values(), *reach.forms.values()]
    }
    missing = sorted(
        name
        for name, _route in _id_patterns()
        if name not in reached and name not in UNREACHED and name not in PUBLIC
    )
    assert len(reached) > 30, reached  # the crawl found the apps' pages
    assert not missing, f"pages with an id that no link reaches (cover or explain): {missing}"


def test_another_customer_of_the_same_vendor_gets_404_on_every_page(installation, crawls):
    by_customer, _staff = crawls
    first, second = installation.customers
    leaks = []
    for owner, intruder in ((first, second), (second, first)):
        own = by_customer[owner].pages
        # Pages the intruder reaches with its own links are shared by design (the vendor's).
        private = {
            p
            for p, name in own.items()
            if p not in by_customer[intruder].pages and name not in PUBLIC
        }
        assert private, owner
        leaks += _status_of_every(installation.users[intruder], private)
    assert not leaks, leaks


def test_a_rival_vendor_gets_404_on_every_page(installation, crawls):
    by_customer, staff = crawls
    pages = {
        path
        for reach in [*by_customer.values(), staff]
        for path, name in reach.pages.items()
        if name not in PUBLIC
    }
    assert not _status_of_every(installation.rivals, pages)


# -- API ---------------------------------------------------------------------------------------

PARAM = re.compile(r"\{(\w+)\}")


def _operations(client: Client) -> list[tuple[str, str]]:
    schema = client.get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _ids(value, pool: dict[str, set[int]], key: str = "") -> None:
    """Every integer in a JSON answer under a key named ``id`` or ``*_id``, by key."""
    if isinstance(value, dict):
        for name, inner in value.items():
            _ids(inner, pool, name)
    elif isinstance(value, list):
        for inner in value:
            _ids(inner, pool, key)
    elif isinstance(value, int) and not isinstance(value, bool) and key.endswith("id"):
        pool[key].add(value)


def _item_ids(answer) -> set[int]:
    """The ids of the items of a collection's answer (a list, or a page with ``items``)."""
    items = answer.get("items") if isinstance(answer, dict) else answer
    if not isinstance(items, list):
        return set()
    return {
        item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), int)
    }


def api_reach(users: list[User], operations) -> set[str]:
    """The GET paths with ids that ``users`` answer 200 for, the operations walked until no new
    path opens. A parameter is filled as a client would: after a collection the users reached
    (``…/fiscal-years/{year_id}`` after ``…/fiscal-years``) with that collection's items, else
    with the ids the users' answers showed under its name (``run_id``), else with the items of
    collections named like it, else with any id seen;
    nothing inside a collection they were refused. Parameters that are not ids (``{kind}``, ``{month}``) are not guessed."""
    reached: set[str] = set()
    tried: set[str] = set()  # a path every user was refused stays refused: nothing is written
    listed: dict[str, set[int]] = {}  # a reached collection path -> its items' ids
    pool: dict[str, set[int]] = defaultdict(set)
    clients = [_client(user) for user in users]
    gets = [path for method, path in operations if method == "GET"]

    def ask(path: str) -> bool:
        """Whether a user reaches ``path``; what its answer shows joins the pools."""
        for client in clients:
            response = client.get(path)
            if response.status_code == 200:
                if "json" in response.get("Content-Type", ""):
                    answer = response.json()
                    _ids(answer, pool)
                    listed[path] = _item_ids(answer)
                return True
        return False

    def seen() -> int:
        return sum(len(v) for v in pool.values()) + len(listed)

    for path in [p for p in gets if not PARAM.search(p)]:
        ask(path)
    templates = sorted(
        (p for p in gets if PARAM.search(p) and all(n.endswith("id") for n in PARAM.findall(p))),
        key=lambda p: len(PARAM.findall(p)),  # collections before the items inside them
    )
    for _round in range(3):
        candidates = sorted({value for values in pool.values() for value in values})
        before = seen()
        for template in templates:
            for path in _fillings(template, pool, candidates, listed, tried - reached):
                if path not in tried:
                    tried.add(path)
                    if ask(path):
                        reached.add(path)
        if seen() == before:
            break
    return reached


def _fillings(template: str, pool, candidates, listed, refused, limit: int = 20) -> list[str]:
    """The paths to try for ``template``, its parameters filled left to right (see
    :func:`api_reach`); a first parameter of two takes fewer values than the last. Nothing is
    tried inside a collection the users were refused."""
    names = PARAM.findall(template)
    if len(names) > 2:
        return []
    paths = [template]
    for position, name in enumerate(names):
        cap = limit if position == len(names) - 1 else 8
        filled = []
        for path in paths:
            head = path.split("{" + name + "}")[0].rstrip("/")
            if head in refused:
                continue
            options = listed.get(head) or pool.get(name) or _listed_as(name, listed) or candidates
            filled += [path.replace("{" + name + "}", str(v), 1) for v in sorted(options)[:cap]]
        paths = filled
    return paths


def _listed_as(name: str, listed) -> set[int]:
    """The items of the reached collections named like the parameter (``canned_id``: the items
    of ``…/canned-replies``)."""
    word = name.removesuffix("_id").replace("_", "-")
    return {i for path, ids in listed.items() if word in path.rsplit("/", 1)[-1] for i in ids}


@dataclass
class ApiReach:
    operations: list[tuple[str, str]]
    by_customer: dict[Organization, set[str]]
    staff: set[str]


@pytest.fixture(scope="module")
def api(installation, django_db_blocker) -> ApiReach:
    """The GET paths with ids each customer's users and the vendor's staff answer 200 for."""
    with django_db_blocker.unblock():
        operations = _operations(_client(installation.staff[0]))
        by_customer = {
            customer: {p for p in api_reach(users, operations) if not p.startswith(PUBLIC_API)}
            for customer, users in installation.users.items()
        }
        staff = {
            p for p in api_reach(installation.staff, operations) if not p.startswith(PUBLIC_API)
        }
    return ApiReach(operations, by_customer, staff)


def test_the_api_answers_404_across_the_wall(installation, api):
    first, second = installation.customers
    assert len(api.operations) > 80, len(api.operations)
    assert api.by_customer[first] and api.by_customer[second]
    leaks = []
    for owner, intruder in ((first, second), (second, first)):
        private = api.by_customer[owner] - api.by_customer[intruder]
        leaks += _status_of_every(installation.users[intruder], private)
    everything = api.by_customer[first] | api.by_customer[second] | api.staff
    leaks += _status_of_every(installation.rivals, everything)
    assert not leaks, leaks


def test_writes_across_the_wall_never_succeed_and_write_nothing(installation, crawls, api):
    """Every API write with the first customer's ids, and every form of its pages, sent by
    the rival vendor's staff and customer and by the second customer (where the object is not
    the second customer's to see too): never a success, and the audit trail (every service
    write records an event) stays as it was."""
    first, second = installation.customers
    pool: dict[str, set[int]] = defaultdict(set)
    for path in api.by_customer[first]:
        template = _template_of(path, api.operations)
        for name, value in zip(PARAM.findall(template), re.findall(r"/(\d+)", path), strict=False):
            pool[name].add(int(value))
    writes = AuditEvent.objects.exclude(action="login")  # each test client signs in
    events = writes.count()
    failures = []
    for method, template in api.operations:
        names = PARAM.findall(template)
        if method == "GET" or template.startswith(PUBLIC_API) or not names:
            continue
        if not all(pool.get(name) for name in names):
            continue
        path = template
        for name in names:
            path = path.replace("{" + name + "}", str(min(pool[name])), 1)
        shared = any(path.startswith(seen) for seen in api.by_customer[second])
        intruders = installation.rivals + ([] if shared else installation.users[second])
        for user in intruders:
            response = _client(user).generic(method, path, "{}", content_type="application/json")
            if response.status_code < 400:
                failures.append((user.email, method, path, response.status_code))
    by_customer, staff = crawls
    # The staff's forms hold both customers' objects: a rival may post to none of them, the
    # second customer to none of the first customer's own (those it does not reach itself).
    theirs = {path for path, name in by_customer[first].forms.items() if name not in PUBLIC}
    everyone = theirs | {path for path, name in staff.forms.items() if name not in PUBLIC}
    for users, paths in (
        (installation.rivals, everyone),
        (installation.users[second], theirs - set(by_customer[second].forms)),
    ):
        for path in sorted(paths):
            for user in users:
                status = _client(user).post(path, {}).status_code
                if status not in (403, 404, 405):
                    failures.append((user.email, "POST", path, status))
    assert not failures, "\n".join(map(str, failures))
    assert writes.count() == events
    assert Company.objects.filter(organization=first).exists()


def _template_of(path: str, operations) -> str:
    """The GET operation's path template that ``path`` fills."""
    for method, template in operations:
        parts = PARAM.split(template)  # text, name, text, name, …, text
        pattern = "".join(re.escape(p) if i % 2 == 0 else r"\d+" for i, p in enumerate(parts))
        if method == "GET" and re.fullmatch(pattern, path):
            return template
    return path
