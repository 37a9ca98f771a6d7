"""The fixed-width text book written straight to PDF/A-3b (tase.formats.pdfa_text)."""

import datetime as dt
import io
from pathlib import Path

import pypdf
from hypothesis import given, settings
from hypothesis import strategies as st

from tase.formats import pdfa_text

CREATED = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)


def _doc(lines, heading=("Päivä      Tosite    Selite",), band=""):
    return pdfa_text.TextDocument(
        title="Päiväkirja, osa 1",
        header_left="Äänekosken Öljy Oy · Y-tunnus 2345678-0",
        header_right="Päiväkirja 1.1.2026\N{EN DASH}31.12.2026",
        footer_left="Tulostettu 7.12.2026 klo 05.00",
        heading=tuple(heading),
        lines=tuple(lines),
        created=CREATED,
        band=band,
    )


def _read(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def test_lines_go_over_pages_in_order_with_headers_and_page_numbers():
    per_page = pdfa_text.rows_per_page(1)
    lines = [
        f"{i + 1}.1.2026 ML {i + 1:<5} Myynti Åland {i} 1 234,56 €" for i in range(per_page * 2 + 3)
    ]
    reader = _read(pdfa_text.write(_doc(lines)))
    assert len(reader.pages) == 3
    found = []
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "Äänekosken Öljy Oy · Y-tunnus 2345678-0" in text
        assert "Päiväkirja 1.1.2026\N{EN DASH}31.12.2026" in text
        assert "Päiväkirja, osa 1" in text and "Päivä      Tosite    Selite" in text
        assert f"Sivu {number} / 3" in text and "Tulostettu 7.12.2026 klo 05.00" in text
        found.extend(line for line in text.splitlines() if "Myynti" in line)
    assert [line.strip() for line in found] == lines


def test_an_empty_book_has_one_page_with_its_heading():
    reader = _read(pdfa_text.write(_doc([])))
    assert len(reader.pages) == 1
    assert "Sivu 1 / 1" in reader.pages[0].extract_text()


def test_the_file_declares_pdfa_3b_with_an_srgb_intent_and_the_whole_font_embedded():
    data = pdfa_text.write(_doc(["1.1.2026 ML 1 Myynti"], band="TESTIYMPÄRISTÖ"))
    assert data.startswith(b"%PDF-1.7\n%")
    reader = _read(data)
    assert "/ID" in reader.trailer and "/Info" not in reader.trailer
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "Päiväkirja, osa 1" in xmp
    (intent,) = catalog["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile
    font = reader.pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    assert font["/Subtype"] == "/Type0" and "/ToUnicode" in font
    cid_font = font["/DescendantFonts"][0].get_object()
    program = cid_font["/FontDescriptor"].get_object()["/FontFile2"].get_object()
    assert program.get_data() == Path(pdfa_text.font_path()).read_bytes()  # whole, not subset
    assert "TESTIYMPÄRISTÖ" in reader.pages[0].extract_text()


def test_characters_the_font_lacks_print_as_a_question_mark():
    """PDF/A forbids showing .notdef: a character outside the font or the BMP becomes "?",
    and so does a control character (no glyph)."""
    lines = ["Åke Öberg \N{EN DASH} 12,50 € 😀 漢", "tab\there\x7f"]
    text = _read(pdfa_text.write(_doc(lines))).pages[0].extract_text()
    assert "Åke Öberg \N{EN DASH} 12,50 € ? ?" in text and "tab?here?" in text


@settings(max_examples=25, deadline=None)
@given(
    st.text(
        alphabet=st.characters(codec="latin-1", categories=("L", "N", "P", "S")),
        min_size=1,
        max_size=60,
    )
)
def test_any_latin_text_reads_back_as_written(line):
    text = _read(pdfa_text.write(_doc([f"[{line}]"]))).pages[0].extract_text()
    assert f"[{line}]" in text
