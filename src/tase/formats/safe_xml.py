"""Reading XML that users upload, safely, and checking XML against the official schemas.

Everything read goes through defusedxml (expat): a DTD may be present but an entity
declaration is refused, which stops both the "billion laughs" bomb and external entities
(XXE). Large files that are streamed (:func:`pull`, bank statements and Finvoice files, a
document at a time, :func:`parts`) go through lxml's pull parser instead, set up the same way: a document type declaration (where entities are
declared) is refused before the parser sees it, and the parser neither resolves entities,
loads a DTD nor touches the network. The quirks of real files are smoothed first: a byte order mark or blank lines before
the XML declaration, and several XML documents in one file (operators put a SOAP envelope in
front of a Finvoice invoice). Encodings are the file's own declaration (UTF-8, UTF-16,
ISO-8859-1 and the single-byte Python codecs such as ISO-8859-15 through expat).

UTF-16 (little- or big-endian, with its byte order mark; a document after the first in the same
file has none) streams like the rest: the scanning for documents, declarations and the root
element looks for the characters as UTF-16 writes them (two bytes each, at even offsets), and
lxml's pull parser is fed the file's own bytes a megabyte at a time, each document led by the
byte order mark, so nothing is decoded or copied whole.

Schemas (``schemas/``): the ISO 20022 camt.053 and camt.054 schemas (.02 and .08, from
iso20022.org) in ``schemas/camt/`` and Finanssiala's Finvoice3.0.xsd in ``schemas/finvoice/``, as
copied into shared/reference/xsd/; documents are checked against them with lxml, whose parser here neither resolves entities nor touches the network.
Pure Python: no Django.
"""

from __future__ import annotations

import codecs
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

SCHEMA_DIR = Path(__file__).parent / "schemas"
_DECLARATION = re.compile(rb"<\?xml[\s?]")
MB = 1 << 20
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class Notice(str):
    """A message as English text (what ``str`` shows; tests and logs read it) that also keeps
    its ``code`` and ``params``, so that the Django edge can say it in Finnish: the pure
    formats know no translations. ``template % params`` is the English text."""

    code: str
    params: dict

    def __new__(cls, code: str, template: str, **params) -> Notice:
        notice = super().__new__(cls, template % params)
        notice.code, notice.params = code, params
        return notice

    def __reduce__(self):  # pickled (a cache) as the plain text
        return (str, (str(self),))


class XmlError(ValueError):
    """A file that cannot be read as XML, with the reason and, where known, the line."""

    def __init__(self, message: str):
        super().__init__(message)
        self.notice = message if isinstance(message, Notice) else None


def local(tag: str) -> str:
    """The element name without its namespace: ``{urn:…}Document`` → ``Document``."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


_BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
_BLANK = b" \t\r\n"


def _utf16(data, at: int = 0) -> str:
    """``"utf-16-le"`` or ``"utf-16-be"`` when the text at ``at`` is UTF-16: its byte order
    mark, or ``<`` or blank space as UTF-16 writes them (a zero byte beside it, which no other
    encoding an XML file uses has there); else ``""``."""
    head = bytes(data[at : at + 2])
    for codec, bom in _BOMS.items():
        if head == bom:
            return codec
    if len(head) == 2 and head[1] == 0 and head[0] in b"<" + _BLANK:
        return "utf-16-le"
    if len(head) == 2 and head[0] == 0 and head[1] in b"<" + _BLANK:
        return "utf-16-be"
    return ""


@cache
def _as(text: bytes, codec: str) -> bytes:
    """ASCII ``text`` as a document in ``codec`` writes it (``""``: one byte a character)."""
    return text.decode("ascii").encode(codec) if codec else text


def _find(data, text: bytes, at: int, end: int, codec: str = "") -> int:
    """``data.find`` of the ASCII ``text`` as ``codec`` writes it, at a character boundary."""
    pattern = _as(text, codec)
    while True:
        found = data.find(pattern, at, end)
        if found < 0 or not codec or (found - at) % 2 == 0:
            return found
        at = found + 1


def _start(data, at: int, end: int, codec: str = "") -> int:
    """Where the content of ``data[at:end]`` begins: past a byte order mark and blank space
    (in UTF-16: two bytes a character). Only the bytes looked at are read (``data`` may be an
    ``mmap``)."""
    if codec:
        if data[at : at + 2] == _BOMS[codec]:
            at += 2
        blanks = {_as(bytes([c]), codec) for c in _BLANK}
        while at < end and data[at : at + 2] in blanks:
            at += 2
        return at
    if data[at : at + 3] == b"\xef\xbb\xbf":
        at += 3
    while at < end and data[at] in b" \t\r\n\x00":
        at += 1
    return at


def _trim(data: bytes) -> bytes:
    """``data`` without a UTF-8 byte order mark and leading blank space (UTF-16: led by its
    byte order mark, so that the parser knows it without a declaration). ``data`` may be any
    buffer that slices to bytes (an ``mmap`` of a file on disk): only the bytes looked at are
    read, and nothing is copied when there is nothing to trim."""
    codec = _utf16(data)
    at = _start(data, 0, len(data), codec)
    if codec:
        return data if at == 2 and data[:2] == _BOMS[codec] else _BOMS[codec] + data[at:]
    return data[at:] if at else data


def _from_utf16(data: bytes) -> bytes:
    """A UTF-16 file (with its byte order mark) as UTF-8, its declaration saying so."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _ENCODING.sub(
            b'encoding="UTF-8"', bytes(data).decode("utf-16").encode("utf-8"), count=1
        )
    return data


@cache
def _declaration(codec: str) -> re.Pattern:
    """The start of an XML declaration as ``codec`` writes it (``""``: one byte a character)."""
    if not codec:
        return _DECLARATION
    head = re.escape(_as(b"<?xml", codec))
    after = b"[" + re.escape(b" \t\r\n?") + b"]"
    return re.compile(head + (after + b"\x00" if codec == "utf-16-le" else b"\x00" + after))


def spans(data) -> Iterator[tuple[int, int]]:
    """Where each XML document of ``data`` starts and ends, found as they are asked for: one,
    or several each starting with its own XML declaration (an operator's SOAP envelope followed
    by the invoice; a bank's messages, one per account, one after another). Nothing is copied:
    ``data`` may be an ``mmap`` of the file. A UTF-16 file (its byte order mark first) is
    searched for the declarations as it writes them."""
    end = len(data)
    codec = _utf16(data)
    previous = _start(data, 0, end, codec)
    for found in _declaration(codec).finditer(data, previous):
        if codec and found.start() % 2:
            continue  # across two characters
        if (
            found.start() > previous
            and _start(data, previous, found.start(), codec) < found.start()
        ):
            yield _start(data, previous, found.start(), codec), found.start()
        previous = found.start()
    if _start(data, previous, end, codec) < end:
        yield _start(data, previous, end, codec), end


def parts(data) -> Iterator[tuple[object, int, int, str]]:
    """Each XML document of a file as ``(buffer, start, end, warning)`` for :func:`pull`, one
    at a time: the file itself and the document's span when its bytes are what it declares
    (nothing copied), else the document re-encoded by :func:`repair_encoding` and its warning.
    A UTF-16 file is its own bytes too (lxml reads them as UTF-16), never repaired."""
    codec = _utf16(data)
    for start, end in spans(data):
        if (
            not codec
            and _labelled_utf8(data, start)
            and _first_non_utf8(data, start, end) is not None
        ):
            fixed, warning = repair_encoding(data[start:end])
            yield fixed, 0, len(fixed), warning
        else:
            yield data, start, end, ""


def _first_non_utf8(data: bytes, begin: int = 0, end: int | None = None) -> int | None:
    """The offset of the first byte of ``data[begin:end]`` that is not UTF-8, checked a
    megabyte at a time so that a large file is not held twice as text."""
    end = len(data) if end is None else end
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(begin, end, MB):
        try:
            decoder.decode(data[start : min(start + MB, end)], final=start + MB >= end)
        except UnicodeDecodeError as error:
            return max(start + error.start, 0)
    return None


def _declared_encoding(data, start: int = 0):
    """The match of the encoding the XML declaration at ``start`` names, or None."""
    if data[start : start + 5] != b"<?xml":
        return None
    return _ENCODING.search(bytes(data[start : start + 200]).split(b"?>", 1)[0])


def _labelled_utf8(data, start: int = 0) -> bool:
    """Whether the document at ``start`` says it is UTF-8, or says nothing (which means it)."""
    declared = _declared_encoding(data, start)
    return (
        not declared or declared.group(1).lower().replace(b"-", b"").replace(b"_", b"") == b"utf8"
    )


def repair_encoding(data: bytes) -> tuple[bytes, str]:
    """``data`` unchanged and ``""``, or, when a document that says it is UTF-8 (or says
    nothing, which means UTF-8) holds bytes that are not UTF-8 — a bank or operator writing
    Windows-1252/ISO-8859-1 under a UTF-8 label, common with Finnish letters — the text
    re-encoded from Windows-1252 (ISO-8859-1 where that has no character) as UTF-8, and a
    warning naming the line of the first such byte. A UTF-16 file (with its byte order mark)
    comes back as UTF-8 without a warning."""
    data = _trim(_from_utf16(data))
    if not _labelled_utf8(data):
        return data, ""
    declared = _declared_encoding(data)
    bad = _first_non_utf8(data)
    if bad is not None:
        data = bytes(data)  # re-encoded as a whole below
        line = data.count(b"\n", 0, bad) + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        if declared:
            text = text[: declared.start(1)] + "UTF-8" + text[declared.end(1) :]
        warning = Notice(
            "xml.encoding",
            "The file says it is UTF-8 but line %(line)s has a byte that is not (%(byte)s); "
            "read as Windows-1252 (ISO-8859-1).",
            line=line,
            byte=f"0x{data[bad]:02X}",
        )
        return text.encode("utf-8"), warning
    return data, ""


def wrap_roots(data: bytes) -> bytes:
    """One document whose root holds the root elements a file has one after another with no
    declaration between them (expat calls the second "junk after document element")."""
    data = _trim(data)
    end = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
    return data[:end] + b"<concatenated>" + data[end:] + b"</concatenated>"


NOT_XML = "Not XML: the file does not start with an XML element or declaration."
UNSAFE = (
    "The file declares XML entities or external references (%(detail)s), which an "
    "accounting file never needs; refused for safety."
)
MALFORMED = "Not well-formed XML: %(detail)s."


def _refusal(error: Exception) -> Notice:
    if isinstance(error, DefusedXmlException):
        return Notice("xml.unsafe", UNSAFE, detail=str(error))
    return Notice("xml.malformed", MALFORMED, detail=str(error))


def parse(data: bytes) -> ET.Element:
    """The root element of one XML document (bytes), or :class:`XmlError`."""
    data = _trim(data)
    if not data.startswith(b"<"):
        raise XmlError(Notice("xml.not_xml", NOT_XML))
    try:
        return safe_et.fromstring(data)
    except (ET.ParseError, DefusedXmlException) as error:
        raise XmlError(_refusal(error)) from None


def iterparse(data: bytes) -> Iterator[tuple[str, ET.Element]]:
    """``(event, element)`` pairs (``start``/``end``) of one document, streamed, so that a
    reader can handle and clear each repeated element (a statement entry) as it ends."""
    data = _trim(data)
    if not data.startswith(b"<"):
        raise XmlError(Notice("xml.not_xml", NOT_XML))
    try:
        yield from safe_et.iterparse(io.BytesIO(data), events=("start", "end"))
    except (ET.ParseError, DefusedXmlException) as error:
        raise XmlError(_refusal(error)) from None


def _root_start(data, at: int, end: int, codec: str = "") -> int:
    """Where the root element starts, past the XML declaration, comments, processing
    instructions and blank space from ``at``; a document type declaration (``<!DOCTYPE``,
    where entities are declared) there is refused: no accounting file needs one. ``codec``:
    ``utf-16-le`` or ``-be`` for a UTF-16 document (two bytes a character)."""

    def at_text(text: bytes) -> bool:
        encoded = _as(text, codec)
        return data[at : at + len(encoded)] == encoded

    def past(text: bytes) -> int:
        close = _find(data, text, at, end, codec)
        return end if close < 0 else close + len(_as(text, codec))

    while True:
        at = _start(data, at, end, codec) if codec else at
        while not codec and at < end and data[at] in _BLANK:
            at += 1
        if at_text(b"<?"):
            at = past(b"?>")
        elif at_text(b"<!--"):
            at = past(b"-->")
        elif at_text(b"<!"):
            raise XmlError(Notice("xml.unsafe", UNSAFE, detail="DOCTYPE"))
        else:
            return at


def pull(
    data: bytes,
    tags: tuple[str, ...],
    chunk: int = MB,
    *,
    start: int = 0,
    end: int | None = None,
) -> Iterator[tuple[str, object]]:
    """``(event, element)`` pairs (``start``/``end``) of the elements named ``tags`` (lxml
    names: ``{*}Ntry`` in any namespace) in one document, streamed through lxml's pull parser
    a megabyte at a time (``data``: bytes, or an ``mmap`` of the file, read a megabyte at a
    time from disk; ``start`` and ``end``: the document's span in it, see :func:`parts`), so
    that a reader can handle and drop each repeated element as it ends. The file's root
    elements sit under a wrapper element, so that several roots one after another (messages
    written back to back) read as one document; ``("root", tag)`` comes first with the tag of
    the first root element, once it is known. Refused: a file that is not XML, a DOCTYPE
    (entities), anything not well-formed (the reason and line). A UTF-16 document is fed as
    its bytes are, led by its byte order mark (which a document after the first in a file
    lacks), so that lxml reads it as UTF-16 whatever its declaration says."""
    from lxml import etree

    end = len(data) if end is None else end
    codec = _utf16(data, start)
    start = _start(data, start, end, codec)
    if not codec and data[start : start + 1] != b"<":
        raise XmlError(Notice("xml.not_xml", NOT_XML))
    if codec and data[start : start + 2] != _as(b"<", codec):
        raise XmlError(Notice("xml.not_xml", NOT_XML))
    root_at = _root_start(data, start, end, codec)
    declaration = start
    if data[start : start + len(_as(b"<?xml", codec))] == _as(b"<?xml", codec):
        close = _find(data, b"?>", start, end, codec)
        declaration = start if close < 0 else close + len(_as(b"?>", codec))
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=[*tags, "{*}tase-file"],
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    wrapper = None
    etree.clear_error_log()  # the log is the thread's: a syntax error's cause is read from it
    try:
        parser.feed(
            (_BOMS[codec] if codec else b"")
            + data[start:declaration]
            + _as(b"<tase-file>", codec)
            + data[declaration:root_at]
        )
        for at in range(root_at, end, chunk):
            parser.feed(data[at : min(at + chunk, end)])
            for event, element in parser.read_events():
                if element.tag == "tase-file":
                    wrapper = element
                    continue
                if wrapper is not None and len(wrapper):
                    yield "root", wrapper[0].tag
                    wrapper = None
                yield event, element
        parser.feed(_as(b"</tase-file>", codec))
        root = parser.close()
        if wrapper is not None and len(wrapper):
            yield "root", wrapper[0].tag
        elif not len(root):
            raise XmlError(Notice("xml.malformed", MALFORMED, detail="no element"))
        yield from ((e, el) for e, el in parser.read_events() if el.tag != "tase-file")
    except etree.XMLSyntaxError as error:
        # the first error is the cause (an undefined entity); libxml2 may add others after it
        fatal = [
            e for e in error.error_log.filter_from_fatals() if e.domain == etree.ErrorDomains.PARSER
        ]
        first = fatal[0] if fatal else None
        message, line = (first.message, first.line) if first else (error.msg, error.lineno)
        raise XmlError(
            Notice("xml.malformed", MALFORMED, detail=f"{message} (line {line or 1})")
        ) from None


@cache
def schema(name: str | Path):
    """The lxml schema called ``name`` (``camt.053.001.02`` in ``schemas/camt/``,
    ``Finvoice3.0`` in ``schemas/finvoice/``), or the one at a path (the pain.001 schemas shipped
    with sepaxml)."""
    from lxml import etree

    if isinstance(name, Path):
        path = name
    else:
        folder = "camt" if name.startswith("camt.") else "finvoice"
        path = SCHEMA_DIR / folder / f"{name}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def _lxml_parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def schema_errors(data: bytes, name: str | Path, *, tag: str = "", limit: int = 5) -> list[str]:
    """The violations of schema ``name`` (``line N: message``, at most ``limit``) by one
    document, or by each element ``tag`` in it (``{ns}Document`` inside a bank's wrapper; line
    numbers stay those of the file). The document must already have passed :func:`parse`."""
    from lxml import etree

    try:
        root = etree.fromstring(_trim(data), _lxml_parser())
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: {error.msg}"]
    elements = [root] if not tag or root.tag == tag else list(root.iter(tag))
    if not elements:
        return [f"no {local(tag)} element"]
    errors = []
    for element in elements:
        errors += element_schema_errors(element, name, limit=limit)
    return errors[:limit]


def element_schema_errors(element, name: str | Path, *, limit: int = 5) -> list[str]:
    """The violations of schema ``name`` by one lxml element (a message as it streams by,
    :func:`pull`), ``line N: message`` with the lines of its file, at most ``limit``."""
    from lxml import etree

    xsd = schema(name)
    if xsd.validate(etree.ElementTree(element)):
        return []
    return [f"line {e.line}: {e.message}" for e in xsd.error_log][:limit]


def drop(element) -> None:
    """Free a handled lxml element and the siblings before it (lxml keeps them otherwise)."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
