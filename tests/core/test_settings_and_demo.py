"""Production settings, `check --deploy`, and the demo command."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tase.core.demo import CUSTOMERS
from tase.core.models import Company, Membership, Organization, User
from tase.core.roles import CUSTOMER_ROLES, STAFF_ROLES

PRODUCTION_ENV = {
    "TASE_ENV": "production",
    "SECRET_KEY": "x" * 64 + "-production-secret-for-the-check-only",
    "ALLOWED_HOSTS": "tase.example.com",
    "DATABASE_URL": "sqlite:////tmp/tase-deploy-check.sqlite3",
    "TASE_FIELD_KEYS": "Q2hlY2stb25seSBrZXksIG5ldmVyIGZvciByZWFsISE=",
}


def run_tase(*args, env):
    inherited = {
        "DATABASE_URL",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }  # the browser tests set the last
    full_env = {k: v for k, v in os.environ.items() if k not in inherited} | env
    return subprocess.run(
        [sys.executable, "-m", "tase.cli", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_tase("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = PRODUCTION_ENV | {"SECRET_KEY": ""}
    result = run_tase("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_field_keys():
    env = PRODUCTION_ENV | {"TASE_FIELD_KEYS": ""}
    result = run_tase("check", env=env)
    assert result.returncode != 0 and "TASE_FIELD_KEYS" in result.stderr


def test_development_warns_about_the_development_field_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "TASE_ENV"} | {"TASE_FIELD_KEYS": ""}
    result = run_tase("check", env=env)
    assert result.returncode == 0 and "tase.W010" in result.stderr + result.stdout


def test_a_malformed_field_key_is_an_error():
    result = run_tase("check", env=PRODUCTION_ENV | {"TASE_FIELD_KEYS": "not-a-key"})
    assert result.returncode != 0 and "tase.E010" in result.stderr + result.stdout


def test_production_refuses_demo_users():
    result = run_tase("demo", env=PRODUCTION_ENV)
    assert result.returncode != 0 and "production" in result.stderr


def test_production_requires_staff_two_factor_and_secure_cookies():
    result = run_tase(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.TASE_REQUIRE_STAFF_2FA, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.DEBUG, bool(s.SECURE_CSP))",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.split() == ["True", "True", "True", "False", "True"], result.stderr


def test_demo_is_idempotent_and_complete(db, capsys, settings):
    settings.PRODUCTION = False
    call_command("demo")
    first = capsys.readouterr().out
    counts = (
        User.objects.count(),
        Organization.objects.count(),
        Company.objects.count(),
        Membership.objects.count(),
    )
    call_command("demo")
    second = capsys.readouterr().out
    assert (
        User.objects.count(),
        Organization.objects.count(),
        Company.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert "admin@vendor.example" in first and "demo-" in first
    assert "demo-" not in second  # passwords are printed once
    vendor = Organization.objects.get(kind=Organization.Kind.VENDOR, name="Tase Demo Vendor")
    assert {m.role for m in vendor.memberships.all()} == set(STAFF_ROLES)
    customers = Organization.objects.filter(vendor=vendor, name__in=[c["name"] for c in CUSTOMERS])
    assert customers.count() == 2
    for customer in customers:
        assert customer.companies.exists()
        assert {m.role for m in customer.memberships.all()} >= set(CUSTOMER_ROLES)
    # One table at the end lists every demo user who can sign in, with every customer's.
    table = first[first.index("Demo logins") :]
    for customer in Organization.objects.filter(vendor=vendor):
        users = User.objects.filter(memberships__organization=customer, is_active=True)
        assert users and all(u.has_usable_password() for u in users), customer
        for user in users:
            row = next(line for line in table.splitlines() if f" {user.email} " in line)
            assert row.startswith(customer.name), row
            password = row.split()[-1]
            assert user.check_password(password), user.email
    assert first.rstrip().endswith("makes new ones.")
    assert "admin@vendor.example" in second[second.index("Demo logins") :]


def test_demo_refused_under_production_flag(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo")


def test_security_headers_and_csp(client):
    response = client.get("/login/")
    csp = response.headers["Content-Security-Policy"]
    assert (
        "default-src 'self'" in csp
        and "script-src 'self' 'nonce-" in csp
        and "frame-ancestors 'none'" in csp
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_permissions_policy_header(client):
    policy = client.get("/login/").headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "payment=()" in policy
