"""The messages of the pure formats in the reader's language, without importing Django.

A format writes each message in English, as a msgid: ``_("Unknown column(s): %(names)s.")
% {"names": ...}``. Alone (a script, the format's own tests) ``_`` returns the msgid, so the
message is English. The application installs its translator once at start-up with
:func:`install` (``tase.core`` installs Django's ``gettext``); from then on the same call gives
the message in the language active when the file is read (the page's or the API caller's).
The Finnish texts live in core's catalogue (``tase/core/locale/fi/LC_MESSAGES/django.po``),
beside the other messages every app shares. Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Callable


def _identity(message: str) -> str:
    return message


_translate: Callable[[str], str] = _identity


def install(translate: Callable[[str], str] | None) -> None:
    """Translate the formats' messages with ``translate`` (None: English msgids again)."""
    global _translate
    _translate = translate or _identity


def _(message: str) -> str:
    """``message`` (an English msgid) in the installed translator's active language."""
    return _translate(message)
