"""Browser tests: Playwright drives Debian's Chromium against a live server."""

import os
import shutil

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("TASE_CHROMIUM", "/usr/bin/chromium")
os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop

# CI runs the browser tests beside the PostgreSQL suite on two cores: a page that answers in
# 0.1 s on a quiet machine can take seconds there. Playwright's 5 s default made one such step
# fail at random (stop 26), so assertions wait up to 20 s; a real failure still fails.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)
            if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
                item.add_marker(
                    pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def login(page, live_server, password):
    def sign_in(user):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Sähköposti").fill(user.email)
        page.get_by_label("Salasana").fill(password)
        page.get_by_role("button", name="Kirjaudu sisään").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in


@pytest.fixture
def start_project(world, page, live_server, login):
    """``start_project(kickoff=…, title=…)``: the contract and the project the lead creates
    from it on the pages (tests/e2e/delivery_steps.py), the lead signed in on the project."""
    from .delivery_steps import start_project as start

    return lambda **given: start(world, page, live_server, login, **given)
