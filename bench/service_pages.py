"""The delivery and support pages with the demo data: server time and queries per page.

`python -m bench service_pages [--runs R]`: the demo (`tase demo`) in a scratch database, then
each main page of delivery and support asked for through Django's test client (in the bench's
process, DEBUG off: what the server spends on a request, without the network and the WSGI
server) by the user it is for (a redirect followed; the page it lands on is measured) — a customer's main user, and the vendor's project lead and
support specialist. The table shows, of R timed requests after one warm-up, the median CPU time
the process spent (the server's time, apart from the waiting a machine busy with other work
adds: on a shared 2-core machine the wall time is several times larger), the median and the
slowest wall time, and the queries the page made. The target (issue 13) is under 150 ms a page.
"""

from __future__ import annotations

import logging
import statistics
import time

from bench._scratch import Scratch

TARGET_MS = 150

# (who, path): who is a role in the vendor or the first demo customer with a project.
PAGES = [
    ("customer main user", "/delivery/"),
    ("customer main user", "/delivery/my-tasks/"),
    ("customer main user", "/support/"),
    ("customer main user", "/support/requests/"),
    ("customer main user", "project"),
    ("vendor project lead", "/delivery/"),
    ("vendor project lead", "/delivery/my-tasks/"),
    ("vendor project lead", "/delivery/workload/"),
    ("vendor project lead", "/delivery/accounts/"),
    ("vendor project lead", "project"),
    ("vendor support specialist", "/support/"),
    ("vendor support specialist", "/support/queue/"),
    ("vendor support specialist", "/support/requests/"),
    ("vendor support specialist", "/support/dashboard/"),
]


def _users() -> dict:
    from tase.core.models import Membership, Organization
    from tase.core.roles import Role
    from tase.delivery.models import Project

    project = Project.objects.order_by("pk").first()
    vendor = Organization.objects.filter(kind=Organization.Kind.VENDOR).first()

    def member(organization, role):
        return (
            Membership.objects.filter(organization=organization, role=role, is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
            .user
        )

    return {
        "customer main user": member(project.organization, Role.MAIN_USER),
        "vendor project lead": member(vendor, Role.PROJECT_LEAD),
        "vendor support specialist": member(vendor, Role.SUPPORT_SPECIALIST),
        "project": f"/delivery/projects/{project.pk}/",
    }


def _measure(client, path: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path, follow=True)  # warm-up (templates, caches)
    assert response.status_code == 200, (path, response.status_code)
    path = response.redirect_chain[-1][0] if response.redirect_chain else path
    times, cpu = [], []
    for _run in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    median_cpu = statistics.median(cpu)
    return {
        "page": path,
        "cpu ms": f"{median_cpu:.0f}",
        "wall ms": f"{statistics.median(times):.0f}",
        "max wall ms": f"{max(times):.0f}",
        "queries": len(queries),
        f"cpu < {TARGET_MS} ms": "yes" if median_cpu < TARGET_MS else "NO",
    }


def run(args) -> list[dict]:
    from django.core.management import call_command
    from django.test import Client

    logging.disable(logging.INFO)  # the demo's task log lines
    runs = max(args.runs, 5)
    rows = []
    with Scratch():
        call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        users = _users()
        for who, path in PAGES:
            path = users["project"] if path == "project" else path
            client = Client(HTTP_ACCEPT_LANGUAGE="fi")
            client.force_login(users[who])
            rows.append({"user": who, **_measure(client, path, runs)})
    return rows
