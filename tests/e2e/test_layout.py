"""Pages fit a 1,366-px screen (the commonest laptop width) without horizontal scrolling.

The demo is loaded; each role signs in at 1366 x 768 and opens the start page, every page of its
menu and the first detail page each of them links to. On each, the document must be no wider
than the window (``scrollWidth <= innerWidth``): a wide table scrolls inside its own box."""

import io
import re

from django.core.management import call_command

from tase.core.models import User

ROLES = [
    "admin@vendor.example",
    "project.lead@vendor.example",
    "support@vendor.example",
    "main.user@aurinko.example",
    "accountant@aurinko.example",
    "payroll.clerk@aurinko.example",
]
DETAIL = re.compile(r"/\d+/")

WIDTH = """() => ({
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  main: document.querySelector('main').scrollWidth - document.querySelector('main').clientWidth,
  widest: [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')),
})"""


def _pages(page, base: str) -> list[str]:
    """The start page, the menu's pages and the first detail page each of them links to."""
    menu = page.locator("nav.sidebar a[data-nav]").evaluate_all("els => els.map(e => e.pathname)")
    paths = ["/", *menu]
    for path in menu:
        page.goto(base + path)
        links = page.locator("main a[href^='/']").evaluate_all("els => els.map(e => e.pathname)")
        detail = next((link for link in links if DETAIL.search(link) and link not in paths), None)
        if detail and not detail.endswith((".pdf", ".csv", ".xml", ".json", ".xlsx")):
            paths.append(detail)
    return paths


def test_pages_fit_a_1366_px_screen(transactional_db, live_server, page, login, password):
    call_command("demo", stdout=io.StringIO())
    page.set_viewport_size({"width": 1366, "height": 768})
    too_wide = []
    seen = 0
    for email in ROLES:
        user = User.objects.get(email=email)
        user.set_password(password)
        user.save(update_fields=["password"])
        page.context.clear_cookies()
        login(user)
        for path in _pages(page, live_server.url):
            response = page.goto(live_server.url + path)
            if response is None or response.status != 200:
                continue
            seen += 1
            width = page.evaluate(WIDTH)
            if width["scroll"] > width["inner"] or width["main"] > 0:
                too_wide.append((email, path, width))
    assert seen > 30, seen
    assert not too_wide, "\n".join(map(str, too_wide))
