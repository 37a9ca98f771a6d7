"""Operations: health and readiness probes, request ids, JSON logs."""

import json
import logging

import pytest
from django.test import Client

from tase.core import health
from tase.core.logs import JsonFormatter, RequestIdFilter


@pytest.mark.django_db
def test_health_is_public_and_touches_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_checks_database_cache_and_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = Client().get("/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "tasks": "ok"},
    }


@pytest.mark.django_db
def test_ready_answers_503_naming_what_failed(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        }
    }
    response = Client().get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed" and body["checks"]["cache"] == "failed"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_ready_fails_when_the_queue_table_is_unreachable(monkeypatch):
    def unreachable():
        raise ConnectionError("queue down")

    monkeypatch.setitem(health.CHECKS, "tasks", unreachable)
    response = Client().get("/ready")
    assert response.status_code == 503 and response.json()["checks"]["tasks"] == "failed"
    assert "queue down" not in response.text  # no error detail to the outside


def test_every_response_carries_a_request_id(caplog):
    with caplog.at_level(logging.INFO, logger="tase.request"):
        first = Client().get("/health")
        echoed = Client().get("/health", HTTP_X_REQUEST_ID="proxy-id-12345678")
        forged = Client().get("/health", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert len(first["X-Request-ID"]) == 32
    assert echoed["X-Request-ID"] == "proxy-id-12345678"
    assert forged["X-Request-ID"] != "bad id\nwith newline"
    record = next(r for r in caplog.records if r.name == "tase.request")
    assert record.status == 200 and record.path == "/health" and record.duration_ms >= 0


def test_json_log_lines_carry_the_request_id_and_extras():
    from tase.core.logs import request_id

    token = request_id.set("abc12345")
    try:
        record = logging.makeLogRecord(
            {"name": "tase.x", "levelname": "WARNING", "msg": "hei %s", "args": ("maailma",)}
        )
        record.status = 503
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hei maailma" and line["request_id"] == "abc12345"
    assert line["level"] == "WARNING" and line["status"] == 503 and line["time"].endswith("Z")


def test_production_logs_are_json():
    import subprocess
    import sys

    code = (
        "import django, logging; django.setup(); "
        "h = logging.getLogger().handlers[0]; print(type(h.formatter).__name__)"
    )
    env = {
        "TASE_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "TASE_FIELD_KEYS": "Q2hlY2stb25seSBrZXksIG5ldmVyIGZvciByZWFsISE=",
        "ALLOWED_HOSTS": "tase.example.com",
        "DJANGO_SETTINGS_MODULE": "tase.settings",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "JsonFormatter"


def test_compose_starts_the_documented_production_setup():
    from pathlib import Path

    import yaml
    from django.conf import settings

    compose = yaml.safe_load((Path(settings.PROJECT_DIR) / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "migrate"} <= services.keys()
    assert services["web"]["command"][0] == "gunicorn"
    assert "tase.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"] == ["tase", "db_worker"]
    environment = services["web"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert (
        environment["REDIS_URL"].startswith("redis://") and environment["TASE_ENV"] == "production"
    )
    assert "/ready" in " ".join(services["web"]["healthcheck"]["test"])
