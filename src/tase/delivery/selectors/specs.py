"""Specifications: the difference between two versions."""

from __future__ import annotations

import difflib

from django.utils.translation import gettext as _

from ..models import (
    SpecVersion,
)


def spec_diff(old: SpecVersion, new: SpecVersion) -> list[dict]:
    """A readable line diff between two versions: [{kind: same|add|remove|hunk, text}]."""
    lines = []
    for line in difflib.unified_diff(
        old.body.splitlines(),
        new.body.splitlines(),
        fromfile=f"v{old.number}",
        tofile=f"v{new.number}",
        lineterm="",
        n=2,
    ):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append({"kind": "hunk", "text": line})
        elif line.startswith("+"):
            lines.append({"kind": "add", "text": line[1:]})
        elif line.startswith("-"):
            lines.append({"kind": "remove", "text": line[1:]})
        else:
            lines.append({"kind": "same", "text": line[1:]})
    if not lines:
        lines.append({"kind": "same", "text": _("No differences.")})
    return lines
