"""The demo walked as each role: every page in Finnish, and each start page telling the role
what it has to do today.

The demo is loaded once; each staff role and each role of one customer signs in (in Finnish,
the default) and crawls the pages by their links from the start page, as the tenant matrix does
(tests/crawl.py). The visible text of every page, and of every PDF's HTML, must hold:

- no English text of the apps' own catalogues: a text whose whole is the msgid of an entry
  translated to something else (the msgstr) means that text was shown untranslated;
- no Django defaults in English: "---------" or "- Select an option -" as an empty choice;
- no dot decimals in numbers with a unit ("14.00 h", "12.50 €"): Finnish writes 14,00;
- no English month or weekday names, and no Python values (True, False, None).
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from tase.core import pdf
from tase.core.demo import CUSTOMERS
from tase.core.models import Organization, User
from tests.crawl import crawl

pytestmark = pytest.mark.django_db

PER_VIEW = 1  # pages of one view per user: each view's text is read, not each row's

# -- what the user sees ------------------------------------------------------------------------

HIDDEN = {"script", "style", "template", "head", "title"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class VisibleText(HTMLParser):
    """The texts a reader sees: each text node, and the attributes shown as tooltips,
    placeholders or to screen readers, whitespace-normalized."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0
        self._english: list[str] = []  # open elements marked lang="en": English on purpose

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self._hidden += 1
        if ("lang", "en") in attrs and tag != "html":
            self._english.append(tag)
        if self._english:
            return
        for name, value in attrs:
            if value and (
                name in SHOWN_ATTRIBUTES
                or (tag == "input" and name == "value" and ("type", "submit") in attrs)
                or name == "data-confirm"
            ):
                self._add(value)

    def handle_endtag(self, tag):
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1
        if self._english and self._english[-1] == tag:
            self._english.pop()

    def handle_data(self, data):
        if not self._hidden and not self._english:
            self._add(data)

    def _add(self, text):
        text = " ".join(text.split())
        if text:
            self.texts.append(text)


def visible_texts(markup: str) -> list[str]:
    parser = VisibleText()
    parser.feed(markup)
    parser.close()
    return parser.texts


# -- what would be wrong -----------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _catalogue_entries() -> tuple[set[str], re.Pattern | None]:
    """The msgids of the apps' catalogues translated to a different Finnish text: the plain
    ones as a set, the ones with placeholders as one pattern (a placeholder matches any text)."""
    plain: set[str] = set()
    patterns: list[str] = []
    for po in sorted(Path(settings.BASE_DIR).glob("*/locale/fi/LC_MESSAGES/django.po")):
        for message in read_po(po.open("rb")):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                msgid = " ".join(msgid.split())
                if not msgid or msgid in strings or not any(strings):
                    continue
                if PLACEHOLDER.search(msgid):
                    parts = PLACEHOLDER.split(msgid)
                    if sum(len(p.strip()) for p in parts) >= 8:  # enough words to be English
                        patterns.append(".+?".join(re.escape(p) for p in parts))
                else:
                    plain.add(msgid)
    return plain, re.compile("|".join(patterns)) if patterns else None


UNIT = r"(?:\s|\xa0)*(?:€|%|h\b|t\b|tunti|tuntia|tuntiin|tuntia|pv\b|päivä|kpl\b|km\b|EUR\b)"
MARKERS = [
    ("Django's empty choice", re.compile(r"^-{5,}$|Select an option")),
    ("a dot decimal", re.compile(r"(?<![\d.,])\d+\.\d+(?![\d.])" + UNIT)),
    (
        "an English month or weekday",
        re.compile(
            r"\b(?:January|February|March|April|June|July|August|September|October|November|"
            r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        ),
    ),
    ("a Python value", re.compile(r"\b(?:True|False|None)\b")),
    # English that no catalogue holds (a text never marked for translation): its small words.
    ("English words", re.compile(r"\b(?:the|and|of|with|for|is|are|this|your|not|has)\b")),
]

# Texts that are the same word in both languages or a name, though a catalogue translates them
# in another sense: the language switcher names each language in its own language.
ALLOWED = {"English"}


def problems(texts: list[str], plain: set[str], pattern: re.Pattern | None) -> list[str]:
    found = []
    for text in texts:
        if text in ALLOWED or text.startswith(("http://", "https://")):
            continue
        if text in plain or (pattern is not None and pattern.fullmatch(text)):
            found.append(f"untranslated: {text!r}")
            continue
        for what, marker in MARKERS:
            if marker.search(text):
                found.append(f"{what}: {text!r}")
    return found


def test_the_checks_catch_what_they_are_for():
    plain, pattern = _catalogue_entries()
    assert "Save" in plain or "Cancel" in plain  # the catalogues are read
    html = (
        "<p>Tallenna</p><select><option>---------</option><option>- Select an option -</option>"
        "</select><td>14.00 h</td><td>12.50\xa0€</td><td>klo 14.00</td><td>6.12.2026</td>"
        '<p title="Monday">maanantai</p><td>None</td><script>var x = "Save";</script>'
        '<td lang="en">Monthly salary</td><button value="draft">Luonnos</button>'
        "<p>Check the address and try again.</p>"
    )
    found = problems(visible_texts(html), plain, pattern)
    assert found == [
        "Django's empty choice: '---------'",
        "Django's empty choice: '- Select an option -'",
        "a dot decimal: '14.00 h'",
        "a dot decimal: '12.50 €'",
        "an English month or weekday: 'Monday'",
        "a Python value: 'None'",
        "English words: 'Check the address and try again.'",
    ]
    some = next(iter(sorted(plain)))
    assert problems([some], plain, pattern) == [f"untranslated: {some!r}"]


# -- the scan ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> list[User]:
    """The demo, loaded once for the module and rolled back after it: the vendor's staff and
    the first customer's users, one of every role."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=io.StringIO())
        vendor = Organization.objects.get(name="Tase Demo Vendor")
        customer = Organization.objects.get(vendor=vendor, name=CUSTOMERS[0]["name"])
        users = [
            *User.objects.filter(memberships__organization=vendor).order_by("email"),
            *User.objects.filter(memberships__organization=customer).order_by("email"),
        ]
        yield users
        transaction.set_rollback(True)


def _start_page(demo, email: str) -> str:
    client = Client()
    client.force_login(next(user for user in demo if user.email == email))
    return client.get("/").text


def _running_projects() -> list[str]:
    from tase.delivery.models import Project

    return list(
        Project.objects.filter(status=Project.Status.RUNNING).values_list("name", flat=True)
    )


@pytest.mark.parametrize("email", ["admin@vendor.example", "account.manager@vendor.example"])
def test_the_admin_and_the_account_manager_see_every_running_project(demo, email):
    page = _start_page(demo, email)
    running = _running_projects()
    assert running and 'data-testid="delivery-panel"' in page
    assert "Käynnissä olevat projektit" in page
    assert all(name in page for name in running[:5]), running
    assert 'data-testid="queue-panel"' in page  # and the support queue they answer for


def test_the_project_lead_sees_the_projects_they_lead(demo):
    from tase.delivery.models import Project

    page = _start_page(demo, "project.lead@vendor.example")
    led = Project.objects.filter(
        status=Project.Status.RUNNING, lead__email="project.lead@vendor.example"
    )
    assert led and all(p.name in page for p in led[:5])


def test_the_accountant_sees_vat_deadlines_and_drafts(demo):
    page = _start_page(demo, "accountant@aurinko.example")
    assert 'data-testid="ledger-panel"' in page and 'data-testid="vat-deadline-' in page
    assert "Alv-ilmoitus" in page


def test_the_payroll_clerk_sees_the_next_pay_run(demo):
    page = _start_page(demo, "payroll.clerk@aurinko.example")
    assert 'data-panel="payroll"' in page and 'data-testid="next-pay-run"' in page
    assert "Seuraava palkka-ajo" in page or "Tulossa ei ole palkka-ajoja." in page


def test_the_support_specialist_sees_the_open_requests(demo):
    from tase.support.models import OPEN_STATUSES, ServiceRequest

    page = _start_page(demo, "support@vendor.example")
    assert 'data-testid="queue-panel"' in page
    open_count = ServiceRequest.objects.filter(status__in=OPEN_STATUSES).count()
    assert open_count and f'data-testid="queue-open">{open_count}<' in page


def test_the_customer_main_user_sees_their_project_and_requests(demo):
    page = _start_page(demo, "main.user@aurinko.example")
    assert 'data-testid="delivery-panel"' in page and 'data-testid="support-panel"' in page
    assert "Avoimet palvelupyynnöt" in page and "Käyttöönottoprojekti" in page


def test_every_page_of_the_demo_speaks_finnish(demo, monkeypatch):
    plain, pattern = _catalogue_entries()
    pdf_markup: list[str] = []

    def capturing(html, **kwargs):  # the PDF's HTML is read; laying it out would be slow
        pdf_markup.append(html)
        return b"%PDF-1.7"

    monkeypatch.setattr(pdf, "render", capturing)
    found: dict[str, set[str]] = {}
    pages: dict[str, str] = {}

    def visit(path, response):
        kind = response.get("Content-Type", "")
        if "text/html" in kind:
            markup = response.content.decode()
        elif "pdf" in kind and pdf_markup:
            markup = pdf_markup.pop()
        else:
            return
        pdf_markup.clear()
        pages[path] = kind
        for problem in problems(visible_texts(markup), plain, pattern):
            found.setdefault(problem, set()).add(path)

    for user in demo:
        assert user.language == "fi"
        client = Client()
        client.force_login(user)
        crawl(client, per_view=PER_VIEW, visit=visit)
    assert len(pages) > 100, sorted(pages)
    report = "\n".join(
        f"{problem}  ({', '.join(sorted(paths)[:3])})" for problem, paths in sorted(found.items())
    )
    assert not found, f"{len(found)} problems on {len(pages)} pages:\n{report}"
