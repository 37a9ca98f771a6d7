"""Posting vouchers: check the lines, number, write entries and balances; drafts and reversals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tase import db
from tase.core import audit, limits
from tase.core.models import Company
from tase.formats.csv_table import parse_date
from tase.rules import vat as vat_rules

from ..models import (
    Account,
    Entry,
    FiscalYear,
    SeriesCounter,
    Voucher,
    VoucherSeries,
)
from .attachments import _attach
from .common import (
    _as_date,
    _cache,
    cents_to_decimal,
    check_date_open,
    fiscal_year_on,
    fmt_date,
    guard,
    series_for,
    to_cents,
)


def _day(value) -> dt.date:
    """A date, or its text as 2026-03-31 or 31.3.2026 (the form takes the Finnish way)."""
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value))


def _line_error(errors: list, number: int, message: str) -> None:
    errors.append(_("Line %(line)s: %(message)s") % {"line": number, "message": message})


def _check_line_count(count: int) -> None:
    """A voucher has at most :data:`~tase.core.limits.MAX_VOUCHER_LINES` lines, VAT lines
    included (the entry's position is a 16-bit integer)."""
    if count > limits.MAX_VOUCHER_LINES:
        raise ValidationError(
            {
                "lines": _(
                    "The voucher has %(count)s lines with its VAT lines; one voucher may have "
                    "at most %(max)s. Split it into several vouchers."
                )
                % {
                    "count": number_format(count, 0, force_grouping=True),
                    "max": number_format(limits.MAX_VOUCHER_LINES, 0, force_grouping=True),
                }
            }
        )


# Cash-based VAT (maksuperusteinen alv, AVL 137 §): the VAT of a domestic sale or purchase
# posted with ``vat_basis="cash"`` goes to the unrecognised VAT account of its side; a
# ``recognise_vat`` line moves a paid share to the output or input VAT account, which is
# what the VAT return counts. Self-assessed and 0 % codes are outside the method.
PENDING = {
    Account.Role.VAT_OUTPUT: Account.Role.VAT_OUTPUT_PENDING,
    Account.Role.VAT_INPUT: Account.Role.VAT_INPUT_PENDING,
}
VAT_ROLES = [*PENDING, *PENDING.values()]
_VAT_OUTPUT, _VAT_INPUT = Account.Role.VAT_OUTPUT, Account.Role.VAT_INPUT
DEFERRABLE = (vat_rules.DOMESTIC_SALE, vat_rules.DOMESTIC_PURCHASE)


def _recognition(line: dict, vat_account) -> list[dict]:
    """The two entries of a ``recognise_vat`` line: ``{"recognise_vat": "S", "credit": 25.50,
    "vat_base": 100}`` credits output VAT and debits the unrecognised output VAT account
    (a debit the other way round, as a credit note's share does); ``vat_base`` is the base of
    the recognised share, kept on the VAT entries with the sign of their amounts."""
    code = vat_rules.CODES.get(str(line["recognise_vat"]).strip().upper())
    if code is None or code.kind not in DEFERRABLE:
        raise ValueError(
            _("VAT code “%(code)s” is not paid by the cash basis.")
            % {"code": line["recognise_vat"]}
        )
    debit, credit = to_cents(line.get("debit")), to_cents(line.get("credit"))
    if debit < 0 or credit < 0 or bool(debit) == bool(credit):
        raise ValueError(_("enter either a debit or a credit."))
    amount = debit or -credit
    role = (
        Account.Role.VAT_OUTPUT if code.kind == vat_rules.DOMESTIC_SALE else Account.Role.VAT_INPUT
    )
    recognised, pending = vat_account(role), vat_account(PENDING[role])
    if recognised is None or pending is None:
        missing = role if recognised is None else PENDING[role]
        raise ValueError(_("the chart has no %(role)s account.") % {"role": missing.label})
    base = abs(to_cents(line.get("vat_base"))) * (1 if amount > 0 else -1)
    common = {"vat_code": code.code, "is_vat": True, "text": (line.get("text") or "")[:300]}
    common |= {"cost_centre": "", "project": "", "delivery_date": None}
    return [
        {"account": pending, "amount_cents": -amount, "vat_base_cents": -base, **common},
        {"account": recognised, "amount_cents": amount, "vat_base_cents": base, **common},
    ]


def _prepare_entries(
    company: Company,
    on: dt.date,
    lines: list[dict],
    *,
    allow_hidden=False,
    labels: list[int] | None = None,
    accounts: dict[str, Account] | None = None,
    vat_accounts: dict[str, Account] | None = None,
    rates: dict | None = None,
):
    """Turn line dicts into entry kwargs (VAT split), collecting every problem.

    ``accounts``: the company's accounts by number, when the caller has them loaded;
    ``vat_accounts``: their accounts by role (:func:`_cache` has both), else found in
    ``accounts`` (a walk over the whole chart, which an import must not pay per voucher);
    ``rates``: a dict the caller keeps across the vouchers of one batch, where the VAT rates
    read for each (rate, day) are remembered (a batch's lines fall on a few hundred days)."""
    errors: list[str] = []
    if not lines:
        raise ValidationError({"lines": _("A voucher needs at least two lines.")})
    _check_line_count(len(lines))
    if accounts is None:
        numbers = {str(line.get("account", "")).strip() for line in lines}
        accounts = {
            a.number: a
            for a in Account.objects.filter(company=company, number__in=numbers, is_header=False)
        }
        vat_accounts: dict[str, Account] | None = None
    elif vat_accounts is None:
        vat_accounts = {a.role: a for a in accounts.values() if a.role}
    if rates is None:
        rates = {}

    def vat_account(role: str) -> Account | None:
        nonlocal vat_accounts
        if vat_accounts is None:
            vat_accounts = {
                a.role: a
                for a in Account.objects.filter(
                    company=company, role__in=VAT_ROLES, is_header=False
                )
            }
        return vat_accounts.get(role)

    entries: list[dict] = []
    add = entries.append
    codes = vat_rules.CODES
    for position, line in enumerate(lines, start=1):
        get = line.get
        index = labels[position - 1] if labels else position
        if get("recognise_vat"):
            try:
                entries += _recognition(line, vat_account)
            except ValueError as error:
                _line_error(errors, index, str(error))
            continue
        number = get("account", "")
        number = (number if type(number) is str else str(number)).strip()
        account = accounts.get(number)
        if not number:
            _line_error(errors, index, _("the account is missing."))
            continue
        if account is None:
            _line_error(errors, index, _("unknown account %(number)s.") % {"number": number})
            continue
        if account.hidden and not allow_hidden:
            _line_error(errors, index, _("account %(number)s is hidden.") % {"number": number})
            continue
        try:
            debit = to_cents(get("debit"))
            credit = to_cents(get("credit"))
        except ValueError as error:
            _line_error(errors, index, str(error))
            continue
        if debit < 0 or credit < 0:
            _line_error(errors, index, _("amounts are entered as positive numbers."))
            continue
        if (debit and credit) or not (debit or credit):
            _line_error(errors, index, _("enter either a debit or a credit."))
            continue
        amount = debit or -credit
        code_text = (get("vat_code") or "").strip()
        text = (get("text") or "").strip()[:300]
        cost_centre = (get("cost_centre") or "").strip()[:40]
        project = (get("project") or "").strip()[:40]
        if not code_text:
            add(
                {
                    "account": account,
                    "amount_cents": amount,
                    "cost_centre": cost_centre,
                    "project": project,
                    "text": text,
                }
            )
            continue
        code = codes.get(code_text.upper())
        if code is None:
            _line_error(errors, index, _("unknown VAT code “%(code)s”.") % {"code": code_text})
            continue
        delivery = get("delivery_date") or None
        if delivery is not None:
            try:
                delivery = _day(delivery)
            except ValueError:
                _line_error(
                    errors,
                    index,
                    _("the delivery date “%(value)s” is not a date.") % {"value": delivery},
                )
                continue
            if delivery == on:
                delivery = None
        if not account.takes_vat:
            _line_error(
                errors,
                index,
                _("account %(number)s takes no VAT code.") % {"number": account.number},
            )
            continue
        day = delivery or on
        try:
            if code.splits:
                key = (code.rate, day)
                rate = rates.get(key)
                if rate is None:
                    rate = rates[key] = code.rate_on(day)
            else:
                rate = None  # the code's lines have no VAT to compute
            split = vat_rules.line_vat(
                code, amount, gross=get("gross", True) is not False, on=day, rate=rate
            )
        except LookupError as error:
            _line_error(errors, index, str(error))
            continue
        add(
            {
                "account": account,
                "amount_cents": split.base,
                "vat_code": code.code,
                "delivery_date": delivery,
                "cost_centre": cost_centre,
                "project": project,
                "text": text,
            }
        )
        output_vat, input_vat = split.output_vat, split.input_vat
        if output_vat or input_vat:
            # Cash-based VAT: a domestic sale's or purchase's VAT waits on the unrecognised
            # VAT account until the payment recognises it (``recognise_vat`` lines).
            deferred = get("vat_basis") == "cash" and code.kind in DEFERRABLE
            for role, part in ((_VAT_OUTPUT, output_vat), (_VAT_INPUT, input_vat)):
                if not part:
                    continue
                if deferred:
                    role = PENDING[role]
                account_for_vat = vat_account(role)
                if account_for_vat is None:
                    _line_error(
                        errors,
                        index,
                        _("the chart has no %(role)s account.") % {"role": role.label},
                    )
                    break
                add(
                    {
                        "account": account_for_vat,
                        "amount_cents": part,
                        "vat_code": code.code,
                        "is_vat": True,
                        "vat_base_cents": split.base,
                        "delivery_date": delivery,
                        "cost_centre": cost_centre,
                        "project": project,
                        "text": text,
                    }
                )
    if not errors:
        total = 0
        zero = False
        for entry in entries:
            cents = entry["amount_cents"]
            total += cents
            zero = zero or not cents
        if zero:
            entries = [e for e in entries if e["amount_cents"]]
        if total != 0:
            debit = sum(e["amount_cents"] for e in entries if e["amount_cents"] > 0)
            credit = -sum(e["amount_cents"] for e in entries if e["amount_cents"] < 0)
            errors.append(
                _(
                    "The voucher does not balance: debit %(debit)s, credit %(credit)s, "
                    "difference %(diff)s."
                )
                % {
                    "debit": cents_to_decimal(debit),
                    "credit": cents_to_decimal(credit),
                    "diff": cents_to_decimal(total),
                }
            )
        elif len(entries) < 2:
            errors.append(_("A voucher needs at least two lines."))
    if errors:
        raise ValidationError({"lines": errors})
    _check_line_count(len(entries))
    return entries


def _next_number(series: VoucherSeries, year: FiscalYear, count: int = 1) -> int:
    """Take the next ``count`` numbers of the series in the fiscal year; returns the last.

    The UPDATE locks the counter row until the transaction ends, so concurrent posters
    into one series queue here and numbers stay gapless and unique."""
    table = SeriesCounter._meta.db_table
    sql = (
        f"UPDATE {table} SET last_number = last_number + %s "
        f"WHERE series_id = %s AND fiscal_year_id = %s RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, series.pk, year.pk])
        row = cursor.fetchone()
        if row is None:
            SeriesCounter.objects.get_or_create(series=series, fiscal_year_id=year.pk)
            cursor.execute(sql, [count, series.pk, year.pk])
            row = cursor.fetchone()
    return row[0]


ENTRY_COLUMNS = (
    "voucher_id",
    "company_id",
    "account_id",
    "date",
    "amount_cents",
    "vat_code",
    "is_vat",
    "vat_base_cents",
    "cost_centre",
    "project",
    "text",
    "position",
    "delivery_date",
)


def _insert_entries(rows: list[tuple]) -> None:
    """Insert the entry rows (tuples in :data:`ENTRY_COLUMNS` order) of whole vouchers in
    one statement: PostgreSQL checks at the end of each INSERT that every voucher it touched
    balances (migration 0003), so a voucher's entries must not be split across statements."""
    if not rows:
        return
    table = Entry._meta.db_table
    row = f"({', '.join(['%s'] * len(ENTRY_COLUMNS))})"
    sql = f"INSERT INTO {table} ({', '.join(ENTRY_COLUMNS)}) VALUES {', '.join([row] * len(rows))}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for values in rows for value in values])


def _entry_row(voucher_id: int, company_id: int, on, position: int, entry: dict) -> tuple:
    """An entry row in :data:`ENTRY_COLUMNS` order; ``on``: the date, or the date adapted
    for the database."""
    get = entry.get
    return (
        voucher_id,
        company_id,
        entry["account"].id,
        on,
        entry["amount_cents"],
        get("vat_code", ""),
        get("is_vat", False),
        get("vat_base_cents", 0),
        get("cost_centre", ""),
        get("project", ""),
        get("text", ""),
        position,
        get("delivery_date"),
    )


def _write_entries(voucher: Voucher, entries: list[dict]) -> None:
    # The database adds the entries to the account balances (migration ledger 0014).
    _insert_entries(
        [
            _entry_row(voucher.pk, voucher.company_id, voucher.date, position, entry)
            for position, entry in enumerate(entries)
        ]
    )


def _insert_voucher(fields: dict) -> Voucher:
    """INSERT one posted voucher (see :func:`tase.db.insert`)."""
    voucher = db.insert(Voucher(**fields, draft_lines=[]))
    voucher._loaded_state = voucher.state
    return voucher


# The entry columns that differ per line, with the array type each is passed as.
ENTRY_ARRAYS = (
    ("account_id", "bigint"),
    ("amount_cents", "bigint"),
    ("vat_code", "text"),
    ("is_vat", "boolean"),
    ("vat_base_cents", "bigint"),
    ("cost_centre", "text"),
    ("project", "text"),
    ("text", "text"),
    ("position", "integer"),
    ("delivery_date", "date"),
)


@cache
def _one_statement_sql(voucher_columns: tuple[str, ...]) -> str:
    """The statement of :func:`_insert_posted_voucher_in_one_statement`. Lines travel as one
    array a column, so the text and the number of parameters do not depend on the voucher:
    the driver and the server reuse their work on it (psycopg caches a statement's parsing
    only up to 50 parameters)."""
    entries = Entry._meta.db_table
    names = ", ".join(name for name, _type in ENTRY_ARRAYS)
    arrays = ", ".join(f"%s::{type_}[]" for _name, type_ in ENTRY_ARRAYS)
    columns = ", ".join(connection.ops.quote_name(c) for c in voucher_columns)
    return f"""
        WITH n AS (
            UPDATE {SeriesCounter._meta.db_table} SET last_number = last_number + 1
            WHERE series_id = %s AND fiscal_year_id = %s RETURNING last_number
        ), v AS (
            INSERT INTO {Voucher._meta.db_table} ({columns}, number)
            SELECT {", ".join(["%s"] * len(voucher_columns))}, n.last_number FROM n
            RETURNING id, number
        ), e AS (
            INSERT INTO {entries} (voucher_id, company_id, date, {names})
            SELECT v.id, %s, %s, {names} FROM v, unnest({arrays}) AS x ({names})
        )
        SELECT id, number FROM v
    """


def _insert_posted_voucher_in_one_statement(fields: dict, entries: list[dict]) -> Voucher:
    """PostgreSQL: take the number and insert the voucher and its entries in one statement
    (data-modifying CTEs; the database adds the entries to the balances), one round trip
    instead of three; the commit is what remains. Same rows as :func:`_insert_voucher` and :func:`_write_entries`."""
    voucher = Voucher(**fields, draft_lines=[])
    values = db.row_values(voucher)
    del values["number"]
    rows = [
        _entry_row(0, voucher.company_id, voucher.date, position, entry)
        for position, entry in enumerate(entries)
    ]
    # _entry_row's order: voucher, company, account, date, amount, vat code, is VAT, VAT
    # base, cost centre, project, text, position, delivery date; the arrays take all but
    # the constants.
    lines = [[row[i] for row in rows] for i in (2, 4, 5, 6, 7, 8, 9, 10, 11, 12)]
    params = [
        voucher.series_id,
        voucher.fiscal_year_id,
        *values.values(),
        voucher.company_id,
        voucher.date,
        *lines,
    ]
    sql = _one_statement_sql(tuple(values))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:  # the series has no counter for this year yet
            SeriesCounter.objects.get_or_create(
                series_id=voucher.series_id, fiscal_year_id=voucher.fiscal_year_id
            )
            cursor.execute(sql, params)
            row = cursor.fetchone()
    voucher.pk, voucher.number = row
    voucher._state.adding = False
    voucher._loaded_state = voucher.state
    return voucher


def _existing_by_source(company: Company, source: str, source_ref: str) -> Voucher | None:
    if not source_ref:
        return None
    return (
        Voucher.objects.filter(company=company, source=source, source_ref=source_ref)
        .exclude(source_ref="")  # the unique index is partial: the planners need this to use it
        .select_related("series")
        .first()
    )


def _imported_before(company: Company, source: str, refs: list[str]) -> dict[str, int]:
    """The ``refs`` the company already has a voucher of from ``source``, with the voucher's
    id, each looked up in
    the partial unique index (company, source, source_ref), which a planner uses only when
    the query repeats its condition source_ref <> ''. Inside a long import the planner's
    statistics know nothing of the rows the import has added, so a set-wise query let
    PostgreSQL scan the company's vouchers for every batch (quadratic in the file); the
    lookup per reference (LATERAL … LIMIT 1) leaves it no other plan."""
    if connection.vendor != "postgresql":
        # Written out: the ORM's preparation of a thousand references cost more than the
        # query (see :func:`tase.db.execute_qmark`).
        found: dict[str, int] = {}
        with connection.cursor() as cursor:
            for start in range(0, len(refs), 900):
                chunk = refs[start : start + 900]
                db.execute_qmark(
                    cursor,
                    f"SELECT source_ref, id FROM {Voucher._meta.db_table} WHERE company_id = ? "
                    f"AND source = ? AND source_ref IN ({', '.join(['?'] * len(chunk))}) "
                    "AND NOT (source_ref = '')",
                    [company.pk, source, *chunk],
                )
                found.update(cursor.fetchall())
        return found
    sql = (
        "SELECT r.ref, found.id FROM unnest(%s::text[]) AS r (ref), LATERAL ("
        f"SELECT v.id FROM {Voucher._meta.db_table} AS v WHERE v.company_id = %s "
        "AND v.source = %s AND NOT (v.source_ref = '') AND v.source_ref = r.ref LIMIT 1"
        ") AS found"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [refs, company.pk, source])
        return dict(cursor.fetchall())


@transaction.atomic
def post_voucher(
    actor,
    company: Company,
    *,
    date,
    series: str,
    description: str,
    lines: list[dict],
    source: str = "",
    source_ref: str = "",
    attachments=(),
) -> Voucher:
    """Post a voucher: check it, split VAT, number it gaplessly, update balances.

    ``lines``: dicts ``{account: "3000", debit: Decimal|None, credit: Decimal|None,
    vat_code: str|None, gross: bool (default True), text, cost_centre, project,
    delivery_date: date|None}``. A line with a VAT code posts its VAT part to the output or
    input VAT account; ``gross`` says whether the amount entered includes the VAT. The VAT
    rate is the one in force on the line's ``delivery_date`` (default: the voucher's date),
    since the rate follows the delivery, not the invoice (AVL 15 §; HE 61/2024: goods
    delivered and services performed on or after 1.9.2024 take 25.5 %). Cash-based VAT: a
    line's ``vat_basis: "cash"`` posts its domestic VAT to the unrecognised VAT account, and a
    line ``{recognise_vat: code, debit|credit, vat_base, text}`` (no account) moves a paid share
    from there to the output or input VAT account (:func:`_recognition`). With ``source_ref``,
    posting is idempotent: the voucher already posted from the same source and
    reference is returned as it is.
    """
    guard(actor, company, "ledger.post")
    existing = _existing_by_source(company, source, source_ref)
    if existing is not None:
        return existing
    return _post(
        actor,
        company,
        date=date,
        series=series,
        description=description,
        lines=lines,
        source=source,
        source_ref=source_ref,
        attachments=attachments,
    )


def _header(
    company, cache: dict, *, date, series: str, description: str, year_of=check_date_open
) -> tuple[dt.date, FiscalYear, VoucherSeries, str]:
    """The date, its open fiscal year, the series and the description of a voucher to be
    posted, or a ``ValidationError``: the description is required and the date must fall in
    an open fiscal year after the period lock (``year_of``: :func:`check_date_open`, or a
    batch's cached form of it, :class:`.bulk_posting.OpenDates`)."""
    on = _as_date(date)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("This field is required.")})
    year = year_of(company, on)
    series_obj = cache["series"].get(series)
    if series_obj is None:
        series_obj = cache["series"][series] = series_for(company, series)
    return on, year, series_obj, description


def check_voucher(
    company: Company,
    cache: dict,
    *,
    date,
    series: str,
    description: str,
    lines,
    labels: list[int] | None = None,
    allow_hidden: bool = False,
    year_of=check_date_open,
    rates: dict | None = None,
) -> tuple[dt.date, FiscalYear, VoucherSeries, str, list[dict]]:
    """A voucher checked by every rule of posting (:func:`_header`, :func:`_prepare_entries`):
    its date, fiscal year, series, description and entries (VAT split), or a
    ``ValidationError``. ``cache``: :func:`.common._cache`; ``labels``: the line numbers errors
    name (default 1, 2, …); ``year_of``: see :func:`_header`; ``rates``: see
    :func:`_prepare_entries`."""
    on, year, series_obj, description = _header(
        company, cache, date=date, series=series, description=description, year_of=year_of
    )
    entries = _prepare_entries(
        company,
        on,
        list(lines),
        allow_hidden=allow_hidden,
        labels=labels,
        accounts=cache["accounts"],
        vat_accounts=cache["vat_accounts"],
        rates=rates,
    )
    return on, year, series_obj, description, entries


def _post(
    actor,
    company,
    *,
    date,
    series,
    description,
    lines,
    source="",
    source_ref="",
    attachments=(),
    reverses: Voucher | None = None,
    entries: list[dict] | None = None,
    voucher: Voucher | None = None,
    allow_hidden: bool = False,
) -> Voucher:
    cache = _cache(actor, company)
    header = {"date": date, "series": series, "description": description}
    if entries is None:
        on, year, series_obj, description, entries = check_voucher(
            company, cache, lines=lines, allow_hidden=allow_hidden, **header
        )
    else:
        on, year, series_obj, description = _header(company, cache, **header)
    fields = {
        "company": company,
        "fiscal_year": year,
        "series": series_obj,
        "date": on,
        "description": description[:300],
        "state": Voucher.State.POSTED,
        "reverses": reverses,
        "source": source[:40],
        "source_ref": source_ref[:200],
        "created_by": actor.user if getattr(actor.user, "is_authenticated", False) else None,
        "posted_at": timezone.now(),
    }
    if voucher is None and connection.vendor == "postgresql":
        voucher = _insert_posted_voucher_in_one_statement(fields, entries)
    elif voucher is None:
        voucher = _insert_voucher(fields | {"number": _next_number(series_obj, year)})
        _write_entries(voucher, entries)
    else:
        fields |= {"number": _next_number(series_obj, year), "draft_lines": []}
        for name, value in fields.items():
            setattr(voucher, name, value)
        voucher.save()
        _write_entries(voucher, entries)
    number = voucher.number
    for upload in attachments:
        _attach(voucher, upload)
    audit.record(
        actor.user,
        "reverse" if reverses else "post",
        voucher,
        company=company,
        changes={
            "number": [None, f"{series_obj.code} {number}"],
            "date": [None, on.isoformat()],
            "total": [
                None,
                str(
                    cents_to_decimal(
                        sum(e["amount_cents"] for e in entries if e["amount_cents"] > 0)
                    )
                ),
            ],
        },
    )
    return voucher


@transaction.atomic
def reverse_voucher(actor, voucher: Voucher, *, date, description: str = "") -> Voucher:
    """A new voucher in the same series that cancels ``voucher`` line by line and
    refers to it. A reversal cannot itself be reversed; a voucher is reversed once."""
    company = guard(actor, voucher.company, "ledger.post")
    voucher = Voucher.objects.select_related("series").get(pk=voucher.pk)
    if voucher.state != Voucher.State.POSTED:
        raise ValidationError({"voucher": _("Only a posted voucher can be reversed.")})
    if voucher.reverses_id is not None:
        raise ValidationError({"voucher": _("A reversal cannot be reversed.")})
    if Voucher.objects.filter(reverses=voucher).exists():
        raise ValidationError({"voucher": _("The voucher has been reversed already.")})
    entries = [
        {
            "account": entry.account,
            "amount_cents": -entry.amount_cents,
            "vat_code": entry.vat_code,
            "is_vat": entry.is_vat,
            "vat_base_cents": -entry.vat_base_cents,
            "cost_centre": entry.cost_centre,
            "project": entry.project,
            "text": entry.text,
            "delivery_date": entry.delivery_date,
        }
        for entry in voucher.entries.select_related("account")
    ]
    description = description or _("Reversal of %(voucher)s") % {"voucher": voucher.label}
    return _post(
        actor,
        company,
        date=date,
        series=voucher.series.code,
        description=description,
        lines=(),
        entries=entries,
        reverses=voucher,
    )


@transaction.atomic
def save_draft(
    actor,
    company: Company,
    *,
    date,
    series: str,
    description: str,
    lines: list[dict],
    voucher: Voucher | None = None,
) -> Voucher:
    """Save (or update) a draft voucher; it gets its number only when posted."""
    guard(actor, company, "ledger.post")
    on = _as_date(date)
    series_obj = series_for(company, series)
    year = fiscal_year_on(company, on)
    if year is None:
        raise ValidationError(
            {"date": _("No fiscal year covers %(date)s.") % {"date": fmt_date(on)}}
        )
    clean = [
        {
            k: (
                str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, dt.date) else v
            )
            for k, v in line.items()
        }
        for line in lines
    ]
    if voucher is None:
        voucher = Voucher(company=company, created_by=actor.user if actor.user else None)
    elif voucher.state != Voucher.State.DRAFT:
        raise ValidationError({"voucher": _("A posted voucher cannot be changed.")})
    voucher.fiscal_year, voucher.series, voucher.date = year, series_obj, on
    voucher.description = (description or "").strip()[:300] or _("Draft")
    voucher.draft_lines = clean
    voucher.save()
    audit.record(actor.user, "save_draft", voucher, company=company)
    return voucher


@transaction.atomic
def post_draft(actor, voucher: Voucher) -> Voucher:
    company = guard(actor, voucher.company, "ledger.post")
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.state != Voucher.State.DRAFT:
        raise ValidationError({"voucher": _("The voucher is posted already.")})
    return _post(
        actor,
        company,
        date=voucher.date,
        series=voucher.series.code,
        description=voucher.description,
        lines=voucher.draft_lines,
        voucher=voucher,
    )


@transaction.atomic
def delete_draft(actor, voucher: Voucher) -> None:
    guard(actor, voucher.company, "ledger.post")
    if voucher.state != Voucher.State.DRAFT:
        raise ValidationError({"voucher": _("A posted voucher cannot be deleted.")})
    audit.record(actor.user, "delete", voucher, company=voucher.company)
    voucher.attachments.all().delete()
    voucher.delete()
