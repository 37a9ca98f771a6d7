"""Crawling the app as a user: the pages reached by following links from the start page.

Shared by the tenant matrix (tests/test_tenant_matrix.py), which asks what each user reaches,
and the Finnish scan (tests/test_demo_walk.py), which reads what each page says.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict, deque
from collections.abc import Callable
from urllib.parse import urldefrag, urlsplit

from django.http import HttpResponse
from django.test import Client
from django.urls import resolve
from django.urls.exceptions import Resolver404

HREF = re.compile(r"""(?:href|hx-get)="([^"]+)\"""")
FORM = re.compile(r"<form\b([^>]*)>", re.IGNORECASE)
ACTION = re.compile(r"""\baction="([^"]*)\"""")
SKIP_PREFIXES = ("/static/", "/media/", "/api/", "/admin/", "/i18n/", "/logout")


def view_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def local(href: str) -> str | None:
    target = urlsplit(urldefrag(html.unescape(href))[0]).path
    if not target.startswith("/") or target.startswith(SKIP_PREFIXES):
        return None
    return target


def crawl(
    client: Client,
    *,
    per_view: int,
    visit: Callable[[str, HttpResponse], None] | None = None,
    seen_views: dict[str, int] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """What ``client``'s user reaches from the start page: the pages and files that answer 200
    to a GET, and the targets of the forms that post, each as {path: view name}. At most
    ``per_view`` URLs of one view are followed (counted in ``seen_views`` when given, so that
    several users can share the budget); ``visit`` is called with every 200 answer."""
    found: dict[str, str] = {}
    forms: dict[str, str] = {}
    counts: dict[str, int] = defaultdict(int) if seen_views is None else seen_views
    queue, seen = deque(["/"]), {"/"}
    while queue:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200:
            continue
        found[path] = view_name(path) or ""
        if visit is not None:
            visit(path, response)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        text = response.content.decode()
        for attributes in FORM.findall(text):
            if "post" in attributes.lower():
                action = ACTION.search(attributes)
                target = local(action.group(1)) if action and action.group(1) else path
                if target and (name := view_name(target)):
                    forms[target] = name
        for href in HREF.findall(text):
            target = local(href)
            if target is None or target in seen:
                continue
            name = view_name(target)
            if name is None or counts[name] >= per_view:
                continue
            seen.add(target)
            counts[name] += 1
            queue.append(target)
    return found, forms
