"""Markdown is rendered and sanitized: no script, no event handlers, no javascript: links."""

import pytest

from tase.support import markup


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[klikkaa](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<div onclick="alert(1)">x</div>',
        "<svg onload=alert(1)></svg>",
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
        "![x](javascript:alert(1))",
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    ],
)
def test_dangerous_markup_is_removed(text):
    html = str(markup.render(text)).lower()
    assert "<script" not in html
    assert "onerror" not in html and "onclick" not in html and "onload" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html and "<style" not in html and "<svg" not in html
    assert "data:text/html" not in html


def test_markdown_features_survive():
    html = str(
        markup.render(
            "## Otsikko\n\n**lihava** ja [linkki](https://tase.example/ohje)\n\n"
            "![kuva](/support/guides/images/1/)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
        )
    )
    assert "<h2>Otsikko</h2>" in html
    assert "<strong>lihava</strong>" in html
    assert (
        'href="https://tase.example/ohje"' in html and 'rel="noopener noreferrer nofollow"' in html
    )
    assert '<img alt="kuva" src="/support/guides/images/1/">' in html
    assert "<table>" in html


def test_plain_preview():
    assert markup.plain("**Hei** <b>maailma</b>", limit=50) == "Hei maailma"
