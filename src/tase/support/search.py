"""Finnish search of guides: the same stemmer on what is stored and on what is asked.

Finnish inflects: a guide about *palkanlaskenta* is looked for as *palkanlaskennan* or
*palkanlaskentaa*, one about *verokortti* as *verokorttia*. Snowball's Finnish stemmer
(snowballstemmer, the algorithm PostgreSQL's `finnish` configuration also uses) cuts the
endings, so a guide's title and text are stored as stems (``Guide.search_title`` and
``search_body``, written by the service that saves a guide) and a query is stemmed the same
way. The stemmer leaves consonant gradation alone (*laskenta* → ``laskent``, *laskennan* →
``lasken``), so a query stem of five or more letters matches as a prefix without its last
letter. Compound words written with a hyphen (*palkka-ajo*) are two words. No Django here:
the selectors use it on SQLite (FTS5) and on PostgreSQL (full text, `simple` configuration
over the stems) alike.
"""

from __future__ import annotations

import re

import snowballstemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_QUERY_WORD = 3  # shorter words (ja, on, ei) say little and match everything
GRADATION_FROM = 5  # stems at least this long match without their last letter


def words(text: str) -> list[str]:
    return WORD.findall((text or "").lower())


def stem_text(text: str) -> str:
    """The text as space-separated Finnish stems (what the search index stores)."""
    stemmer = snowballstemmer.stemmer("finnish")  # one per call: a stemmer keeps state
    return " ".join(stemmer.stemWords(words(text)))


def query_prefixes(text: str, limit: int = 12) -> list[str]:
    """The prefixes a query looks for: each distinct word of three or more letters, stemmed,
    less its last letter when the stem has five or more (consonant gradation)."""
    stemmer = snowballstemmer.stemmer("finnish")
    out: list[str] = []
    for word in words(text):
        if len(word) < MIN_QUERY_WORD:
            continue
        stem = stemmer.stemWord(word)
        prefix = stem[:-1] if len(stem) >= GRADATION_FROM else stem
        if prefix not in out:
            out.append(prefix)
    return out[:limit]
