"""Recurring invoices (sopimuslaskutus): agreements whose lines are invoiced every period.

:func:`generate` makes the invoices of every active agreement whose next invoice date has come
(periods and dates: :mod:`tase.rules.recurring`), sends them if asked (numbered, posted) and
moves each agreement on, all in one transaction: a run either makes every invoice due or none.
An invoice's delivery date is its period's last day, so the VAT rate follows the period it
bills (AVL 15 §, the rate of the supply); its notes name the period. A line's price on a period
is its latest price change from the period's first day on (:func:`change_prices`: a new price
or an index increase in percent, from a date).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext as _

from tase import db
from tase.core import audit
from tase.core.models import Company
from tase.rules import recurring as rules

from ..models import Agreement, AgreementLine, AgreementPrice, Invoice
from .common import as_date, decimal, guard
from .invoices import clean_lines, customer_for, prepare, products_by_code, write_lines_many
from .sending import send_drafts


def _choice(value, choices, field: str, message: str):
    try:
        value = type(choices[0][0])(value)
    except (TypeError, ValueError, IndexError):
        value = None
    if value not in {c[0] for c in choices}:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def create_agreement(
    actor, company: Company, *, customer=None, customer_data=None, name="", lines=(), **data
) -> Agreement:
    """An agreement for ``customer``: ``interval`` (months: 1, 3, 6, 12), ``timing``
    (advance/arrears), ``start``, optional ``end``, ``your_reference``, ``reference_type`` and
    ``lines`` as an invoice's."""
    guard(actor, company, "sales.invoice")
    customer = customer_for(actor, company, customer, customer_data)
    errors: dict = {}
    name = str(name or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    interval = timing = start = end = None
    try:
        interval = _choice(
            data.get("interval", 1), Agreement.Interval.choices, "interval",
            _("The interval is 1, 3, 6 or 12 months."),
        )  # fmt: skip
        timing = _choice(
            data.get("timing") or "advance", Agreement.Timing.choices, "timing",
            _("Invoice in advance or in arrears."),
        )  # fmt: skip
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        start = as_date(data.get("start"), "start")
        end = as_date(data["end"], "end") if data.get("end") else None
        if end and end < start:
            errors["end"] = _("The end is before the start.")
    except ValidationError as error:
        errors.update(error.message_dict)
    clean = []
    try:
        clean = clean_lines(company, list(lines), start or dt.date.today())
    except ValidationError as error:
        errors.update(error.message_dict)
    reference_type = data.get("reference_type") or "fi"
    if reference_type not in Invoice.ReferenceType.values:
        errors["reference_type"] = _("The reference type is fi or rf.")
    if errors:
        raise ValidationError(errors)
    agreement = Agreement.objects.create(
        company=company,
        customer=customer,
        name=name[:200],
        interval=interval,
        timing=timing,
        start=start,
        end=end,
        next_period=start,
        reference_type=reference_type,
        your_reference=str(data.get("your_reference") or "").strip()[:70],
    )
    AgreementLine.objects.bulk_create(
        AgreementLine(
            agreement=agreement,
            position=line["position"],
            product=line["product"],
            description=line["description"],
            quantity=line["quantity"],
            unit=line["unit"],
            unit_price=line["unit_price"],
            discount_percent=line["discount_percent"],
            vat_code=line["vat_code"],
            sales_account=line["sales_account"],
        )
        for line in clean
    )
    audit.record(actor.user, "create", agreement, company=company)
    return agreement


@transaction.atomic
def end_agreement(actor, agreement: Agreement, *, end) -> Agreement:
    """The agreement ends on ``end``: no period starts after it."""
    guard(actor, agreement.company, "sales.invoice")
    end = as_date(end, "end")
    if end < agreement.start:
        raise ValidationError({"end": _("The end is before the start.")})
    agreement.end = end
    agreement.save(update_fields=["end"])
    audit.record(
        actor.user, "update", agreement, company=agreement.company,
        changes={"end": [None, end.isoformat()]},
    )  # fmt: skip
    return agreement


@transaction.atomic
def change_prices(
    actor, company: Company, *, valid_from, percent=None, agreements=None, reason=""
) -> int:
    """Raise every line of the company's active agreements (or of ``agreements``, ids) by
    ``percent`` from ``valid_from`` on, from the price in force then; returns the lines
    changed. The base is the price in force the day before, so a second change of the same
    date replaces the first. A period already invoiced is not touched: ``valid_from`` must not
    be before an agreement's next period."""
    guard(actor, company, "sales.invoice")
    on = as_date(valid_from, "valid_from")
    percent = decimal(percent, "percent", places=4)
    if not Decimal(-100) < percent <= Decimal(1000):
        raise ValidationError({"percent": _("Give the change as a percentage above -100.")})
    chosen = Agreement.objects.filter(company=company, active=True)
    if agreements is not None:
        chosen = chosen.filter(pk__in=list(agreements))
    late = chosen.filter(next_period__gt=on).values_list("name", flat=True)[:5]
    if late:
        raise ValidationError(
            {
                "valid_from": _("Already invoiced past %(date)s: %(names)s.")
                % {"date": on.strftime("%-d.%-m.%Y"), "names": ", ".join(late)}
            }
        )
    lines = AgreementLine.objects.filter(agreement__in=chosen).prefetch_related("prices")
    rows = [
        AgreementPrice(
            line=line,
            valid_from=on,
            unit_price=rules.raised(price_on(line, on - dt.timedelta(days=1)), percent),
            reason=str(reason or _("Index increase %(percent)s %%") % {"percent": percent})[:200],
        )
        for line in lines
    ]
    AgreementPrice.objects.filter(line__in=lines, valid_from=on).delete()
    AgreementPrice.objects.bulk_create(rows)
    audit.record(
        actor.user, "reprice", company, company=company,
        changes={"percent": [None, str(percent)], "from": [None, on.isoformat()]},
    )  # fmt: skip
    return len(rows)


def price_on(line: AgreementLine, day: dt.date) -> Decimal:
    """The line's unit price in force on ``day`` (its prices are prefetched or queried)."""
    current = line.unit_price
    for price in sorted(line.prices.all(), key=lambda p: p.valid_from):
        if price.valid_from <= day:
            current = price.unit_price
    return current


def due(company: Company, until: dt.date):
    """Active agreements whose next invoice date is on or before ``until``."""
    return (
        Agreement.objects.filter(company=company, active=True, next_period__lte=until)
        .select_related("customer")
        .prefetch_related("lines__prices", "lines__product")
        .order_by("pk")
    )


def _period_note(agreement: Agreement, period: rules.Period) -> str:
    with translation.override(agreement.customer.language or "fi"):
        return _("%(name)s, period %(start)s–%(end)s") % {  # noqa: RUF001
            "name": agreement.name,
            "start": period.start.strftime("%-d.%-m.%Y"),
            "end": period.end.strftime("%-d.%-m.%Y"),
        }


def _period_error(agreement: Agreement, start: dt.date, error: ValidationError):
    return ValidationError(
        {
            "agreement": _("%(name)s, period from %(start)s: %(problem)s")
            % {
                "name": agreement.name,
                "start": start.strftime("%-d.%-m.%Y"),
                "problem": " ".join(error.messages),
            }
        }
    )


@transaction.atomic
def generate(actor, company: Company, *, until, send: bool = True) -> list[Invoice]:
    """The invoices of every period due by ``until`` (see the module docstring).

    One bulk path for any number of agreements: each invoice is checked and priced by the
    same :func:`~.invoices.prepare` as one made alone, the drafts and their lines are
    inserted in bulk, and sending numbers and posts them through
    :func:`~.sending.send_drafts` (one counter update, a voucher each)."""
    guard(actor, company, "sales.invoice")
    until = as_date(until, "until")
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    drafts: list[tuple[Invoice, list[dict]]] = []
    agreements = []
    due_now = list(due(company, until))
    products = products_by_code(
        company,
        [
            {"product": line.product.code}
            for agreement in due_now
            for line in agreement.lines.all()
            if line.product_id
        ],
    )
    for agreement in due_now:
        for period in rules.periods(
            agreement.next_period,
            interval=agreement.interval,
            in_advance=agreement.timing == Agreement.Timing.ADVANCE,
            until=until,
            anchor=agreement.start.day,
            end=agreement.end,
        ):
            lines = [
                {
                    "product": line.product.code if line.product_id else None,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "unit_price": price_on(line, period.start),
                    "discount_percent": line.discount_percent,
                    "vat_code": line.vat_code,
                    "account": line.sales_account,
                }
                for line in agreement.lines.all()
            ]
            data = {
                "invoice_date": period.invoice_date,
                "delivery_date": period.end,
                "reference_type": agreement.reference_type,
                "your_reference": agreement.your_reference,
                "notes": _period_note(agreement, period),
                "lines": lines,
            }
            try:
                fields, clean, _totals = prepare(
                    company, data, agreement.customer, products=products
                )
            except ValidationError as error:
                raise _period_error(agreement, period.start, error) from None
            invoice = Invoice(
                company=company,
                created_by=user,
                agreement=agreement,
                period_start=period.start,
                period_end=period.end,
                **fields,
            )
            drafts.append((invoice, clean))
            agreement.next_period = period.end + dt.timedelta(days=1)
        agreements.append(agreement)
    if not drafts:
        return []
    made = Invoice.objects.bulk_create([invoice for invoice, _lines in drafts], batch_size=500)
    write_lines_many(drafts)
    prefetch_related_objects(made, "lines")
    db.update_rows(Agreement, ["next_period"], agreements)
    if send:
        try:
            return send_drafts(actor, company, made)
        except ValidationError as error:
            invoice = getattr(error, "invoice", None)
            if invoice is None:
                raise
            raise _period_error(invoice.agreement, invoice.period_start, error) from None
    audit.record_many(
        actor.user,
        "create",
        ((invoice, {"gross": [None, invoice.gross_cents]}) for invoice in made),
        company=company,
    )
    return made
