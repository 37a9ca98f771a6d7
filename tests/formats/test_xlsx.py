import datetime as dt
import io
import zipfile
from decimal import Decimal
from xml.dom import minidom

from tase.formats import xlsx


def test_minimal_workbook_is_well_formed():
    data = xlsx.write(
        [
            ["account", "name", "debit"],
            ["1910", "Pankki & kassa <1>", Decimal("1255.00")],
            [dt.date(2026, 3, 31), None, 7],
        ],
        sheet_name="Saldoluettelo",
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
    } <= names
    for name in names:
        minidom.parseString(archive.read(name))
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="C2"><v>1255.00</v></c>' in sheet
    assert "Pankki &amp; kassa &lt;1&gt;" in sheet and "2026-03-31" in sheet
    assert xlsx._column(27) == "AB"
