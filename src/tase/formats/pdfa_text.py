"""A fixed-width text book written straight to PDF/A-3b (ISO 19005-3, level B), no layout engine.

The archive's long books (journal, general ledger, list of vouchers) are plain tables of
fixed-width lines; laying them out as HTML cost most of a year's archive. This writer puts the
lines on A4 landscape pages itself with pydyf (WeasyPrint's own PDF writer):

- every page carries a header (the company on the left, the book and period on the right), the
  book's title, the column heading and a rule, and a footer (when printed; "Sivu n / N");
- one font, the same file WeasyPrint embeds for the books' ``pre`` text ("DejaVu Sans Mono",
  found through fontconfig): embedded whole (not subset), as a CID font whose character codes
  are the Unicode code points (Identity-H, a CIDToGIDMap from the font's own ``cmap``), with a
  ToUnicode map, so text copies and searches as written (Å, Ä, Ö, €, the en dash). A character the font
  lacks, or one outside the Basic Multilingual Plane, prints as "?" (PDF/A forbids showing the
  ``.notdef`` glyph, 19005-2/3 6.2.11.8);
- PDF/A-3b: XMP metadata naming part 3, conformance B and the title (6.6.2), an sRGB output
  intent with the ICC profile WeasyPrint uses for its PDF/A (6.2.3), every font embedded
  (6.2.11.4), widths equal to the font program's (a monospaced font: one width), a file
  identifier (6.1.3), no encryption, no transparency; the document information dictionary is
  left empty, so it cannot disagree with the XMP (6.6.2.3.1).

Pure Python; no Django.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zlib
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from xml.sax.saxutils import escape

import pydyf

FONT_FAMILY = "DejaVu Sans Mono"  # the archive book template's pre font (ledger/report_pdf)
FONT_FALLBACK = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"  # Debian fonts-dejavu-core

PAGE_WIDTH, PAGE_HEIGHT = 841.89, 595.28  # A4 landscape, points
MARGIN_X, MARGIN_Y = 34.0, 39.7  # 12 mm and 14 mm
SIZE = 8.0  # the text's font size, points
LEADING = SIZE * 1.3
TITLE_SIZE = 11.0
BAND_COLOUR = "0.702 0.149 0.118"  # the test-environment band's red (#b3261e)


@dataclass(frozen=True)
class TextDocument:
    """A book of fixed-width ``lines`` under a ``heading`` (one or more lines), paged here."""

    title: str
    header_left: str
    header_right: str
    footer_left: str
    heading: tuple[str, ...]
    lines: tuple[str, ...]
    created: dt.datetime
    page_label: str = "Sivu {page} / {pages}"
    band: str = ""  # printed on every page when set (a test environment's copy)


# -- the font -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Font:
    name: str
    program: bytes  # the font file, deflated
    length: int  # the font file's length
    cid_to_gid: bytes  # deflated
    to_unicode: bytes  # deflated
    width: int  # every glyph's advance, in 1/1000 em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    fallback: dict  # str.translate table: characters the font lacks → "?"


def font_path() -> str:
    """The file fontconfig picks for :data:`FONT_FAMILY`, the one WeasyPrint embeds."""
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", FONT_FAMILY], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found.lower().endswith((".ttf", ".otf")) and "Mono" in Path(found).name:
            return found
    return FONT_FALLBACK


class _Fallback(dict):
    """A translate table that keeps the characters in ``supported`` and turns the rest to "?"."""

    def __init__(self, supported: set[int]):
        super().__init__()
        self.supported = supported

    def __missing__(self, code: int) -> str:
        value = chr(code) if code in self.supported else "?"
        self[code] = value
        return value


@cache
def _font() -> _Font:
    from fontTools.ttLib import TTFont

    path = font_path()
    data = Path(path).read_bytes()
    font = TTFont(io.BytesIO(data), lazy=True)
    scale = 1000 / font["head"].unitsPerEm
    cmap = {c: g for c, g in font.getBestCmap().items() if 32 <= c <= 0xFFFF}
    cmap = {c: g for c, g in cmap.items() if not 0x7F <= c < 0xA0 and not 0xD800 <= c < 0xE000}
    order = {name: i for i, name in enumerate(font.getGlyphOrder())}
    gids = {c: order[g] for c, g in cmap.items()}
    advances = {font["hmtx"][g][0] for g in cmap.values()}
    if len(advances) != 1:
        raise ValueError(f"{path}: not a monospaced font")
    table = bytearray(0x10000 * 2)
    for code, gid in gids.items():
        table[code * 2 : code * 2 + 2] = gid.to_bytes(2, "big")
    head, hhea = font["head"], font["hhea"]
    glyf = font["glyf"]
    cap = glyf[cmap[ord("H")]]
    return _Font(
        name=font["name"].getDebugName(6) or "DejaVuSansMono",
        program=zlib.compress(data),
        length=len(data),
        cid_to_gid=zlib.compress(bytes(table)),
        to_unicode=zlib.compress(_to_unicode_cmap()),
        width=round(advances.pop() * scale),
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(cap.yMax * scale),
        fallback=_Fallback(set(cmap)),
    )


def _to_unicode_cmap() -> bytes:
    """CID = the Unicode code point (BMP, surrogates excluded): one bfrange per high byte."""
    ranges = [
        f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi < 0xE0
    ]
    blocks = []
    for i in range(0, len(ranges), 100):
        chunk = ranges[i : i + 100]
        blocks.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _srgb_profile() -> bytes:
    """The sRGB ICC profile WeasyPrint writes into its PDF/A (found without importing it)."""
    spec = find_spec("weasyprint")
    return (Path(spec.origin).parent / "pdf" / "sRGB2014.icc").read_bytes()


# -- writing ------------------------------------------------------------------------------------


def text_width(text: str, size: float = SIZE) -> float:
    """Points ``text`` takes at ``size`` (every character is as wide)."""
    return len(text) * _font().width * size / 1000


def chars_per_line(size: float = SIZE) -> int:
    """How many characters fit between the side margins."""
    return int((PAGE_WIDTH - 2 * MARGIN_X) / (_font().width * size / 1000))


def _show(text: str) -> bytes:
    """``text`` as a hex string of its code points (the font's CIDs)."""
    if not (text.isascii() and text.isprintable()):  # control characters have no glyph
        text = text.translate(_font().fallback)
    return b"<" + text.encode("utf-16-be").hex().encode() + b">"


def _top() -> float:
    return PAGE_HEIGHT - MARGIN_Y - TITLE_SIZE * 0.8


def rows_per_page(heading_lines: int) -> int:
    """Book lines on one page under the title, ``heading_lines`` and the rule."""
    first = _top() - TITLE_SIZE * 1.6 - (heading_lines + 1) * LEADING
    return int((first - MARGIN_Y) // LEADING) + 1


def _num(value: float) -> bytes:
    return f"{value:.2f}".encode()


def _page(doc: TextDocument, rows: tuple[str, ...], page: int, pages: int) -> bytes:
    right = PAGE_WIDTH - MARGIN_X
    header_y, footer_y = PAGE_HEIGHT - MARGIN_Y / 2 - 3, MARGIN_Y / 2
    number = doc.page_label.format(page=page, pages=pages)
    out = [b"BT 0 0 0 rg"]

    def at(x: float, y: float, text: str, size: float) -> None:
        out.append(
            b"/F1 %s Tf 1 0 0 1 %s %s Tm %s Tj" % (_num(size), _num(x), _num(y), _show(text))
        )

    small = SIZE
    at(MARGIN_X, header_y, doc.header_left, small)
    at(right - text_width(doc.header_right, small), header_y, doc.header_right, small)
    at(MARGIN_X, footer_y, doc.footer_left, small)
    at(right - text_width(number, small), footer_y, number, small)
    top = _top()
    at(MARGIN_X, top, doc.title, TITLE_SIZE)
    y = top - TITLE_SIZE * 1.6
    rule = "-" * max((len(line) for line in doc.heading), default=0)
    out.append(
        b"/F1 %s Tf %s TL 1 0 0 1 %s %s Tm" % (_num(SIZE), _num(LEADING), _num(MARGIN_X), _num(y))
    )
    body = [*doc.heading, rule, *rows]
    out.append(_show(body[0]) + b" Tj")
    out.extend(_show(line) + b" '" for line in body[1:])
    if doc.band:
        out.append(b"%s rg" % BAND_COLOUR.encode())
        width = text_width(doc.band, small)
        at((PAGE_WIDTH - width) / 2, PAGE_HEIGHT - MARGIN_Y / 2 + 6, doc.band, small)
    out.append(b"ET")
    return b"\n".join(out)


def _xmp(doc: TextDocument) -> bytes:
    created = doc.created.isoformat(timespec="seconds")
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(doc.title)}</rdf:li></rdf:Alt></dc:title>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreateDate>{created}</xmp:CreateDate>
<xmp:ModifyDate>{created}</xmp:ModifyDate>
<xmp:MetadataDate>{created}</xmp:MetadataDate>
<xmp:CreatorTool>Tase</xmp:CreatorTool>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>Tase</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def _deflated(data: bytes, extra: dict | None = None) -> pydyf.Stream:
    """A stream of bytes deflated already (the font's, computed once a process)."""
    return pydyf.Stream([data], {"Filter": "/FlateDecode", **(extra or {})})


def write(doc: TextDocument) -> bytes:
    """The PDF/A-3b of ``doc``: at least one page (an empty book prints its heading)."""
    font = _font()
    pdf = pydyf.PDF()
    metadata = pydyf.Stream([_xmp(doc)], {"Type": "/Metadata", "Subtype": "/XML"})
    pdf.add_object(metadata)
    profile = pydyf.Stream([_srgb_profile()], {"N": 3}, compress=True)
    pdf.add_object(profile)
    intent = pydyf.Dictionary(
        {
            "Type": "/OutputIntent",
            "S": "/GTS_PDFA1",
            "OutputConditionIdentifier": pydyf.String("sRGB IEC61966-2.1"),
            "Info": pydyf.String("sRGB IEC61966-2.1"),
            "DestOutputProfile": profile.reference,
        }
    )
    pdf.add_object(intent)
    pdf.catalog["Metadata"] = metadata.reference
    pdf.catalog["OutputIntents"] = pydyf.Array([intent.reference])
    pdf.catalog["Lang"] = pydyf.String("fi")

    program = _deflated(font.program, {"Length1": font.length})
    cid_to_gid = _deflated(font.cid_to_gid)
    to_unicode = _deflated(font.to_unicode)
    for stream in (program, cid_to_gid, to_unicode):
        pdf.add_object(stream)
    descriptor = pydyf.Dictionary(
        {
            "Type": "/FontDescriptor",
            "FontName": f"/{font.name}",
            "Flags": 1 + 4,  # fixed pitch, symbolic (a CID font)
            "FontBBox": pydyf.Array(font.bbox),
            "ItalicAngle": 0,
            "Ascent": font.ascent,
            "Descent": font.descent,
            "CapHeight": font.cap_height,
            "StemV": 80,
            "FontFile2": program.reference,
        }
    )
    pdf.add_object(descriptor)
    cid_font = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/CIDFontType2",
            "BaseFont": f"/{font.name}",
            "CIDSystemInfo": pydyf.Dictionary(
                {
                    "Registry": pydyf.String("Adobe"),
                    "Ordering": pydyf.String("Identity"),
                    "Supplement": 0,
                }
            ),
            "FontDescriptor": descriptor.reference,
            "DW": font.width,
            "CIDToGIDMap": cid_to_gid.reference,
        }
    )
    pdf.add_object(cid_font)
    type0 = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/Type0",
            "BaseFont": f"/{font.name}-Identity-H",
            "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([cid_font.reference]),
            "ToUnicode": to_unicode.reference,
        }
    )
    pdf.add_object(type0)
    resources = pydyf.Dictionary({"Font": pydyf.Dictionary({"F1": type0.reference})})
    pdf.add_object(resources)

    per_page = rows_per_page(len(doc.heading))
    pages = max(1, -(-len(doc.lines) // per_page))
    for number in range(1, pages + 1):
        rows = doc.lines[(number - 1) * per_page : number * per_page]
        content = pydyf.Stream([_page(doc, rows, number, pages)], compress=True)
        pdf.add_object(content)
        pdf.add_page(
            pydyf.Dictionary(
                {
                    "Type": "/Page",
                    "Parent": pdf.pages.reference,
                    "MediaBox": pydyf.Array([0, 0, PAGE_WIDTH, PAGE_HEIGHT]),
                    "Resources": resources.reference,
                    "Contents": content.reference,
                }
            )
        )
    out = io.BytesIO()
    pdf.write(out, version=b"1.7", identifier=True)
    return out.getvalue()
