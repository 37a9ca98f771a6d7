"""A camt.053.001.02 statement written the way Finnish banks write them, for the demo, the
tests and the bench (valid against the ISO schema: tests/bank/test_sample.py). Streams: a
year of 100,000 entries is written in pieces, never held as one tree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


@dataclass(frozen=True)
class Payment:
    date: dt.date
    amount_cents: int  # signed: + in
    name: str = ""
    iban: str = ""
    reference: str = ""  # a national or RF reference (structured), else ``message``
    message: str = ""
    end_to_end_id: str = ""
    archive_id: str = ""


def _amount(cents: int) -> str:
    return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _balance(code: str, cents: int, day: dt.date) -> str:
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="EUR">{_amount(cents)}</Amt>'
        f"<CdtDbtInd>{'CRDT' if cents >= 0 else 'DBIT'}</CdtDbtInd>"
        f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
    )


def _entry(n: int, p: Payment) -> str:
    credit = p.amount_cents > 0
    archive = p.archive_id or f"{p.date:%y%m%d}TASE{n:08d}"
    code = ("705VIITESIIRROT" if p.reference else "710TILISIIRTO") if credit else "710TILISIIRTO"
    family = "RCDT" if credit else "ICDT"
    role = "Dbtr" if credit else "Cdtr"
    party = f"<{role}><Nm>{escape(p.name)}</Nm></{role}>" if p.name else ""
    if p.iban:
        party += f"<{role}Acct><Id><IBAN>{p.iban}</IBAN></Id></{role}Acct>"
    if p.reference:
        remittance = (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
            + ("<Issr>ISO</Issr>" if p.reference.startswith("RF") else "")
            + f"</Tp><Ref>{p.reference}</Ref></CdtrRefInf></Strd></RmtInf>"
        )
    else:
        remittance = f"<RmtInf><Ustrd>{escape(p.message)}</Ustrd></RmtInf>" if p.message else ""
    return (
        f'<Ntry><NtryRef>{n}</NtryRef><Amt Ccy="EUR">{_amount(p.amount_cents)}</Amt>'
        f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>{p.date.isoformat()}</Dt></BookgDt><ValDt><Dt>{p.date.isoformat()}</Dt>"
        f"</ValDt><AcctSvcrRef>{archive}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly>"
        f"<Cd>{family}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn><Prtry><Cd>{code}</Cd>"
        "<Issr>FFFS</Issr></Prtry></BkTxCd><NtryDtls><TxDtls><Refs>"
        f"<AcctSvcrRef>{archive}</AcctSvcrRef>"
        f"<EndToEndId>{escape(p.end_to_end_id) or 'NOTPROVIDED'}</EndToEndId></Refs>"
        f'<AmtDtls><TxAmt><Amt Ccy="EUR">{_amount(p.amount_cents)}</Amt></TxAmt></AmtDtls>'
        + (f"<RltdPties>{party}</RltdPties>" if party else "")
        + remittance
        + "</TxDtls></NtryDtls></Ntry>"
    )


def statement_chunks(
    iban: str,
    start: dt.date,
    end: dt.date,
    opening_cents: int,
    payments: Iterable[Payment],
    *,
    number: int = 1,
    owner: str = "Demo Oy",
) -> Iterator[bytes]:
    """The statement in pieces. ``payments`` is consumed once; the closing balance (written
    after the entries, as the schema allows only before them) is computed first, so give a
    list, not a generator, when the sum is not known."""
    payments = list(payments)
    closing = opening_cents + sum(p.amount_cents for p in payments)
    created = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(6))
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NS}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>TASE-{iban[-6:]}-{end:%Y%m%d}-{number}</MsgId>"
        f"<CreDtTm>{created.isoformat()}</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{iban[-8:]}{end:%Y%m%d}{number:04d}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb>"
        f"<LglSeqNb>{number}</LglSeqNb><CreDtTm>{created.isoformat()}</CreDtTm>"
        f"<FrToDt><FrDtTm>{start.isoformat()}T00:00:00</FrDtTm>"
        f"<ToDtTm>{end.isoformat()}T23:59:59</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>{escape(owner)}</Nm></Ownr>"
        "</Acct>"
        + _balance("OPBD", opening_cents, start - dt.timedelta(days=1))
        + _balance("CLBD", closing, end)
    ).encode()
    piece: list[str] = []
    for n, payment in enumerate(payments, start=1):
        piece.append(_entry(n, payment))
        if len(piece) == 1000:
            yield "".join(piece).encode()
            piece = []
    yield ("".join(piece) + "</Stmt></BkToCstmrStmt></Document>\n").encode()


def statement_xml(*args, **kwargs) -> bytes:
    return b"".join(statement_chunks(*args, **kwargs))
