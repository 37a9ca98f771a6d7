"""Markdown to safe HTML: rendered with `markdown`, then cleaned with `nh3` (Ammonia).

Only a fixed set of tags and attributes survives; `<script>`, `<style>`, event
handlers (`onclick`, `onerror`, …) and `javascript:`/`data:` links are removed;
links get ``rel="noopener noreferrer nofollow"``. Images may point to our own
paths (`/support/…`) or https addresses (the CSP then decides whether they load).
"""

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
    "kbd",
    "sup",
    "sub",
    "del",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render(text: str) -> SafeString:
    """Markdown → sanitized HTML, safe to put in a template."""
    html = md.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"])
    return mark_safe(clean_html(html))


def plain(text: str, limit: int = 200) -> str:
    """The text of the Markdown without tags, for previews and search snippets."""
    stripped = nh3.clean(md.markdown(text or ""), tags=set())
    stripped = " ".join(stripped.split())
    return stripped if len(stripped) <= limit else stripped[: limit - 1].rstrip() + "…"
