"""Probes for load balancers and orchestrators, public and cheap.

- ``/health``: the process is up and answers (liveness); touches nothing else.
- ``/ready``: the process can serve: the database answers a query, the cache stores and
  returns a value, and the task queue is reachable (with the database-backed queue: its table
  answers). 200 when all are, else 503 naming what failed; no detail of the error is shown.
"""

from __future__ import annotations

import logging
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.tasks import task_backends
from django.views.decorators.cache import never_cache

log = logging.getLogger("tase.health")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("unexpected answer")


def _cache() -> None:
    key, value = "tase:ready", uuid.uuid4().hex
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("the value did not come back")


def _tasks() -> None:
    """The database-backed queue is reachable when its table answers; the immediate
    backend (development) runs tasks in the request and has nothing to reach."""
    if type(task_backends["default"]).__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()


CHECKS = {"database": _database, "cache": _cache, "tasks": _tasks}


@login_not_required
@never_cache
def health(request):
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
def ready(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            log.exception("readiness check %s failed", name)
            results[name] = "failed"
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failed", "checks": results},
        status=200 if healthy else 503,
    )
