"""The bookkeeping card of the start page: per company the day of the newest posting, the
drafts waiting and the VAT returns due (the next one, and a late one before it).

The start page is the page read most, and this card was its dearest part: the ORM spent about
5 ms of Python on each view building the same correlated subqueries, many times what the
database needs to answer them from its indexes. So the companies are chosen through the actor
as everywhere (:meth:`tase.core.access.Actor.companies`), and their figures are then read in two
plain SQL statements written from the models' own table names: one for the facts of every
company at once, one for the VAT settlements of the periods those facts name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from tase.core.access import Actor
from tase.core.models import Company
from tase.rules import vat as vat_rules

from .closing import VAT_SETTLEMENT
from .models import FiscalYear, LedgerSettings, PeriodLock, Voucher

COMPANIES_SHOWN = 8


@dataclass(frozen=True)
class VatDeadline:
    start: dt.date
    end: dt.date
    deadline: dt.date
    settled: bool
    late: bool


@dataclass(frozen=True)
class CompanyCard:
    pk: int
    name: str
    last_posted: dt.date | None
    draft_count: int
    vat_deadlines: list[VatDeadline]


@dataclass(frozen=True)
class _Facts:
    last_posted: dt.date | None
    draft_count: int
    vat_period: str | None  # None: no bookkeeping settings yet
    first_day: dt.date | None  # the start of the first fiscal year
    locked_until: dt.date | None


def company_cards(actor: Actor, today: dt.date) -> list[CompanyCard]:
    """The first COMPANIES_SHOWN companies (by name) the actor may keep books of, each with
    its figures: three queries, whatever the number of companies or the size of their books."""
    companies = list(
        actor.companies("ledger.view").order_by("name").values_list("pk", "name")[:COMPANIES_SHOWN]
    )
    if not companies:
        return []
    facts = _facts([pk for pk, _name in companies])
    deadlines = vat_deadlines(facts, today)
    return [
        CompanyCard(pk, name, facts[pk].last_posted, facts[pk].draft_count, deadlines.get(pk, []))
        for pk, name in companies
    ]


def _facts(company_ids: list[int]) -> dict[int, _Facts]:
    """Each company's newest posting day (by the (company, date) index), its drafts (by the
    partial index of drafts, whose condition the statement repeats word for word so that
    SQLite and PostgreSQL both use it), its VAT period, its first day and its lock."""
    marks = ", ".join(["%s"] * len(company_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c."id",
              (SELECT v."date" FROM {_table(Voucher)} v
                WHERE v."company_id" = c."id" AND v."state" = %s
                ORDER BY v."date" DESC LIMIT 1),
              (SELECT COUNT(*) FROM {_table(Voucher)} v
                WHERE v."company_id" = c."id" AND v."state" = 'draft'),
              s."vat_period",
              (SELECT MIN(f."start") FROM {_table(FiscalYear)} f WHERE f."company_id" = c."id"),
              (SELECT l."locked_until" FROM {_table(PeriodLock)} l
                WHERE l."company_id" = c."id")
            FROM {_table(Company)} c
            LEFT JOIN {_table(LedgerSettings)} s ON s."company_id" = c."id"
            WHERE c."id" IN ({marks})
            """,
            [Voucher.State.POSTED.value, *company_ids],
        )
        return {
            pk: _Facts(_day(last), drafts, period, _day(first), _day(lock))
            for pk, last, drafts, period, first, lock in cursor.fetchall()
        }


def vat_deadlines(facts: dict[int, _Facts], today: dt.date) -> dict[int, list[VatDeadline]]:
    """Per company with bookkeeping settings: the next VAT return due, and a late one before
    it, oldest first. A period counts as settled when its settlement voucher exists or the
    books are locked over it (a period without VAT is settled by the lock alone); periods
    before the company's first fiscal year are left out. One query for any number of
    companies."""
    periods = {
        pk: [
            (start, end, vat_rules.return_deadline(end, calendar_year=fact.vat_period == "year"))
            for start, end in reversed(vat_rules.recent_periods(fact.vat_period, today, 3))
            if fact.first_day is not None and end >= fact.first_day
        ]
        for pk, fact in facts.items()
        if fact.vat_period is not None
    }
    settled = _settled(
        list(periods),
        sorted({f"{start}:{end}" for rows in periods.values() for start, end, _ in rows}),
    )
    result = {}
    for pk, rows in periods.items():
        lock = facts[pk].locked_until
        items = []
        for start, end, due in rows:
            done = (pk, f"{start}:{end}") in settled or (lock is not None and lock >= end)
            items.append(VatDeadline(start, end, due, done, not done and due < today))
        upcoming = next((i for i, item in enumerate(items) if item.deadline >= today), len(items))
        late = [item for item in items[:upcoming] if item.late][-1:]
        result[pk] = late + items[upcoming : upcoming + 1]
    return result


def _settled(company_ids: list[int], refs: list[str]) -> set[tuple[int, str]]:
    """(company, "start:end") of the VAT settlements posted for ``refs`` (by the unique index
    of a voucher's source reference)."""
    if not company_ids or not refs:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT "company_id", "source_ref" FROM {_table(Voucher)}
            WHERE "company_id" IN ({", ".join(["%s"] * len(company_ids))})
              AND "source" = %s AND "source_ref" IN ({", ".join(["%s"] * len(refs))})
            """,
            [*company_ids, VAT_SETTLEMENT, *refs],
        )
        return set(cursor.fetchall())


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _day(value) -> dt.date | None:
    """A date as the driver gives it: PostgreSQL a date, SQLite the ISO text of one (a
    subquery's column has no declared type for Django's converters to go by)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
