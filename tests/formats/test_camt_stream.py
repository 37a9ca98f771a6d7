"""The camt reader streams: each statement's header comes before its entries, each entry as it
ends (dropped from the tree at once), so a year's statement reads in flat memory; a DOCTYPE is
refused before the parser sees it; every message carries a code and parameters for the Finnish
of the web edge."""

import datetime as dt
import tracemalloc
from pathlib import Path

import pytest

from tase.bank.sample import Payment, statement_chunks
from tase.formats import camt, safe_xml
from tase.formats.camt import CamtError, read, stream

DATA = Path(__file__).parent / "data" / "camt"
V02 = (DATA / "camt053_v02_fi.xml").read_bytes()
IBAN = "FI2112345600000785"


def _year(count: int) -> bytes:
    start = dt.date(2026, 1, 1)
    payments = [
        Payment(
            start + dt.timedelta(days=n * 360 // count),
            (1000 + n % 5000) * (1 if n % 2 else -1),
            f"Maksaja {n % 300} Oy",
            message=f"Viesti {n}",
        )
        for n in range(count)
    ]
    return b"".join(statement_chunks(IBAN, start, dt.date(2026, 12, 31), 0, payments))


def test_events_header_first_then_entries_then_the_statement_then_the_file():
    events = [event for event, _item in stream(V02)]
    assert events == ["statement", "entry", "entry", "entry", "entry", "end", "file"]
    header = next(item for event, item in stream(V02) if event == "statement")
    assert header.iban == IBAN and header.opening_balance == 1_000_000
    assert header.entries == () and header.warnings == ()
    end = next(item for event, item in stream(V02) if event == "end")
    assert (end.entry_count, end.booked_total, end.balance_difference) == (4, -88_883, 0)


def test_a_large_statement_streams_in_flat_memory():
    """20,000 entries: held as dataclasses they take well over 10 MB of Python objects; the
    stream holds one at a time (the lxml tree of handled entries is dropped too)."""
    data = _year(20_000)
    tracemalloc.start()
    try:
        count, end = 0, None
        for event, item in stream(data, check_schema=False):
            if event == "entry":
                count += 1
            elif event == "end":
                end = item
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == end.entry_count == 20_000 and end.balance_difference == 0
    assert peak < 3 * 2**20, f"peak {peak / 2**20:.1f} MiB"


def test_messages_written_one_after_another_are_read_from_the_file_not_copies():
    """A bank's file of several messages, each with its XML declaration: each is streamed
    from the file's own bytes (``safe_xml.parts``), so reading one does not copy it."""
    one = _year(10_000)
    data = one + b"\n" + one.replace(IBAN.encode(), b"FI5810171000000122")
    tracemalloc.start()
    try:
        ends = [item for event, item in stream(data, check_schema=False) if event == "end"]
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(end.number, end.entry_count) for end in ends] == [(1, 10_000), (2, 10_000)]
    assert ends[1].iban == "FI5810171000000122"
    assert len(one) > 4 * 2**20 and peak < 3 * 2**20, f"peak {peak / 2**20:.1f} MiB"


def test_the_same_entries_as_the_collected_reader_with_several_statements():
    start, end = V02.index(b"<Stmt>"), V02.index(b"</Stmt>") + len(b"</Stmt>")
    second = V02[start:end].replace(IBAN.encode(), b"FI5810171000000122")
    data = V02[:end] + second + V02[end:]
    numbers = [item.number for event, item in stream(data) if event == "end"]
    assert numbers == [1, 2]
    entries = [item for event, item in stream(data) if event == "entry"]
    assert entries == [e for s in read(data).statements for e in s.entries]


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE Document><Document/>',
        b'<?xml version="1.0"?>\n<!-- a comment first -->\n<!DOCTYPE Document SYSTEM "http://x/y.dtd"><Document/>',
    ],
    ids=["internal", "external"],
)
def test_any_doctype_is_refused_before_parsing(data):
    with pytest.raises(CamtError, match="declares XML entities") as refused:
        read(data)
    assert refused.value.notice.code == "xml.unsafe"


def test_messages_carry_their_code_and_parameters():
    broken = V02.replace(b'<Amt Ccy="EUR">9111.17</Amt>', b'<Amt Ccy="EUR">9111.27</Amt>')
    (warning,) = read(broken).statements[0].warnings
    assert isinstance(warning, safe_xml.Notice) and warning.code == "camt.balance_difference"
    assert warning.params["difference"] == "0.10"
    assert warning.params["where"].code == "camt.where.statement"
    with pytest.raises(CamtError) as error:
        read(V02.replace(b"<Dt>2026-03-02</Dt>", b"<Dt>2.3.2026</Dt>", 1))
    notice = error.value.notice
    assert notice.code == "camt.not_date" and notice.params["raw"] == "'2.3.2026'"
    assert str(notice.params["where"]) == "Statement 1, entry 1 BookgDt"
    assert set(camt.TEXTS) >= {"camt.not_camt", "camt.mixed", "camt.schema"}
