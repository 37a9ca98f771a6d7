"""Pay items of a draft pay run: one by one, as a grid, or from a CSV file."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.templatetags.tase import format_amount, format_number
from tase.formats import csv_table
from tase.rules.parameters import value_at
from tase.rules.payroll_catalogue import BY_CODE, TAX_FREE

from ..models import (
    CompanyWageType,
    Employee,
    PayItem,
    PayRun,
)
from .common import check_range, require, to_cents, upload_source
from .pay_runs import _check_draft
from .setup import engine_catalogue


def _wage_type_or_error(catalogue: dict, code: str, field: str):
    if code not in catalogue:
        raise ValidationError(
            {field: _("Unknown or hidden wage type “%(code)s”.") % {"code": code}}
        )
    return catalogue[code]


# The columns' sizes (PayItem.quantity 12 digits with 2 decimals, unit_price 12 with 4).
MAX_QUANTITY = Decimal("9999999999.99")
MAX_UNIT_PRICE = Decimal("99999999.9999")


def _decimal_or_none(
    value, field: str, negative_allowed: bool = False, maximum: Decimal | None = None
) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace(" ", "").replace("\xa0", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if number < 0 and not negative_allowed:
        raise ValidationError({field: _("The value must not be negative.")})
    if maximum is not None:
        check_range(number, field, maximum)
    return number


def _item(
    run: PayRun,
    catalogue: dict,
    employee: Employee,
    code,
    amount,
    quantity,
    unit_price,
    where: str,
    cost_centre="",
):
    wage = _wage_type_or_error(catalogue, code, f"{where}wage_type")
    # A correction (unpaid absence, a recovered overpayment) may be negative where the wage
    # type allows it (the catalogue's negative_allowed).
    amount_d = _decimal_or_none(amount, f"{where}amount", wage.negative_allowed)
    quantity_d = _decimal_or_none(quantity, f"{where}quantity", wage.negative_allowed, MAX_QUANTITY)
    price_d = _decimal_or_none(unit_price, f"{where}unit_price", maximum=MAX_UNIT_PRICE)
    if amount_d is None and quantity_d is None:
        raise ValidationError({f"{where}amount": _("Give an amount or a quantity.")})
    items = [
        PayItem(
            pay_run=run,
            employee=employee,
            wage_type=code,
            amount_cents=None if amount_d is None else to_cents(amount_d, f"{where}amount"),
            quantity=quantity_d,
            unit_price=price_d,
            cost_centre=cost_centre or "",
        )
    ]
    wage = catalogue[code]
    if wage.kind == TAX_FREE and wage.price_parameter and price_d is not None:
        maximum = Decimal(str(value_at(wage.price_parameter, run.payment_date)))
        if price_d > maximum:
            items = _split_excess(catalogue, items[0], wage, maximum, f"{where}unit_price")
    return items


# Tax-free reimbursements whose unit price above the tax-free maximum is paid as taxable
# pay, with the wage type of the excess.
EXCESS_WAGE_TYPES = {"mileage_allowance": "mileage_allowance_taxable"}


def _split_excess(catalogue, item: PayItem, wage, maximum: Decimal, field: str) -> list[PayItem]:
    """``item`` at the tax-free maximum, and the excess per unit as taxable pay of its own
    wage type (tuloverolaki 1535/1992 71 §: only the amount the Tax Administration's
    decision on travel expenses confirms is tax-free). Without an excess wage type: an
    error naming the maximum."""
    excess_code = EXCESS_WAGE_TYPES.get(item.wage_type)
    if excess_code is None or excess_code not in catalogue:
        raise ValidationError(
            {
                field: _(
                    "%(price)s € is above the tax-free maximum %(maximum)s € of %(wage_type)s."
                )
                % {
                    "price": format_amount(item.unit_price),
                    "maximum": format_amount(maximum),
                    "wage_type": wage.label_fi,
                }
            }
        )
    excess = PayItem(
        pay_run=item.pay_run,
        employee=item.employee,
        wage_type=excess_code,
        quantity=item.quantity,
        unit_price=item.unit_price - maximum,
        cost_centre=item.cost_centre,
    )
    item.unit_price = maximum
    return [item, excess]


def _wage_type_label(code: str) -> str:
    """A wage type's name in the active language (its code when the catalogue lacks it)."""
    wage_type = BY_CODE.get(code)
    if wage_type is None:
        return code
    return wage_type.label_en if translation.get_language() == "en" else wage_type.label_fi


def excess_message(items: list[PayItem]) -> str:
    """What entry tells when a reimbursement was split: '' when it was not."""
    if len(items) < 2:
        return ""
    first, excess = items
    return _(
        "%(quantity)s x %(maximum)s € is tax-free; the excess %(excess)s € per unit is paid "
        "as taxable pay (%(wage_type)s)."
    ) % {
        "quantity": format_number(first.quantity),
        "maximum": format_amount(first.unit_price),
        "excess": format_amount(excess.unit_price),
        "wage_type": _wage_type_label(excess.wage_type),
    }


@transaction.atomic
def add_item(
    actor,
    run: PayRun,
    employee: Employee,
    *,
    wage_type,
    amount=None,
    quantity=None,
    unit_price=None,
    cost_centre="",
) -> PayItem:
    require(actor, run.company, "payroll.manage")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    _check_draft(run)
    if not run.employees.filter(pk=employee.pk).exists():
        raise ValidationError({"employee": _("The employee is not in this pay run.")})
    catalogue = engine_catalogue(run.company)
    items = _item(
        run, catalogue, employee, wage_type, amount, quantity, unit_price, "", cost_centre
    )
    for row in items:
        row.save()
    item = items[0]
    # What entry says of a reimbursement split into its tax-free part and taxable excess.
    item.entry_note = excess_message(items)
    PayRun.objects.filter(pk=run.pk).update(stale=True, revision=F("revision") + 1)
    audit.record(
        actor.user,
        "add_item",
        run,
        company=run.company,
        changes={"item": [None, f"{employee.number} {wage_type}"]},
    )
    return item


@transaction.atomic
def delete_item(actor, item: PayItem) -> None:
    run = item.pay_run
    require(actor, run.company, "payroll.manage")
    _check_draft(run)
    item.delete()
    PayRun.objects.filter(pk=run.pk).update(stale=True, revision=F("revision") + 1)
    audit.record(
        actor.user,
        "delete_item",
        run,
        company=run.company,
        changes={"item": [item.wage_type, None]},
    )


# The mass-entry grid's columns: the common wage types, those of the company's catalogue that
# are not hidden (grid_codes).
GRID_CODES = [
    "hourly_wage",
    "overtime_50",
    "overtime_100",
    "evening_supplement",
    "bonus",
    "mileage_allowance",
]


def grid_codes(company) -> list[str]:
    """The grid's columns for ``company``: the wage types of GRID_CODES it has, not hidden,
    in that order (the page's columns and what ``PUT …/pay-runs/{id}/grid`` replaces)."""
    present = set(
        CompanyWageType.objects.filter(
            company=company, code__in=GRID_CODES, hidden=False
        ).values_list("code", flat=True)
    )
    return [code for code in GRID_CODES if code in present]


@transaction.atomic
def save_grid(actor, run: PayRun, codes: list[str], entries: dict[tuple[int, str], str]) -> int:
    """Mass entry: for each (employee id, wage type) the quantity (or amount when the wage
    type is not counted in units); replaces the run's items of those wage types. Returns the
    number of items written. A cell of a wage type outside ``codes`` is refused."""
    require(actor, run.company, "payroll.manage")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    _check_draft(run)
    catalogue = engine_catalogue(run.company)
    for code in codes:
        _wage_type_or_error(catalogue, code, "wage_type")
    for _employee_id, code in entries:
        if code not in codes:
            raise ValidationError(
                {
                    "wage_type": _("“%(code)s” is not a column of the grid: %(codes)s.")
                    % {"code": code, "codes": ", ".join(codes)}
                }
            )
    employees = {e.pk: e for e in run.employees.prefetch_related("employments__salaries")}
    rows = []
    for (employee_id, code), value in sorted(entries.items()):
        if value in (None, ""):
            continue
        employee = employees.get(employee_id)
        if employee is None:
            raise ValidationError({"employee": _("The employee is not in this pay run.")})
        where = f"{employee.number}.{code}."
        wage = catalogue[code]
        if wage.unit or wage.price_parameter:
            # Priced when the run is calculated: by the statutory parameter, or hours by the
            # employee's hourly wage (services.hourly), shown on the payslip line.
            rows += _item(run, catalogue, employee, code, None, value, None, where)
        else:
            rows += _item(run, catalogue, employee, code, value, None, None, where)
    PayItem.objects.filter(pay_run=run, wage_type__in=codes).delete()
    PayItem.objects.bulk_create(rows)
    PayRun.objects.filter(pk=run.pk).update(stale=True, revision=F("revision") + 1)
    audit.record(
        actor.user, "mass_entry", run, company=run.company, changes={"items": [None, len(rows)]}
    )
    return len(rows)


def _first_errors(errors: list[str], shown: int = 100) -> list[str]:
    """At most ``shown`` row errors, and how many more there are."""
    if len(errors) <= shown:
        return errors
    more = _("… and %(count)s more rows with errors.") % {"count": len(errors) - shown}
    return [*errors[:shown], more]


CSV_COLUMNS = ("employee", "wage_type", "quantity", "unit_price", "amount", "cost_centre")
CSV_REQUIRED = ("employee", "wage_type")


@transaction.atomic
def import_items_csv(actor, run: PayRun, data) -> int:
    """Items from CSV (columns employee number, wage_type, quantity, unit_price, amount and
    optionally cost_centre; comma or semicolon; UTF-8 or Windows-1252). ``data`` is bytes,
    text or an uploaded file: its size is checked before anything is read
    (:mod:`tase.core.limits`, kind ``pay_items_csv``), its rows are streamed, a control
    character (a NUL byte) refuses its row, and an amount out of range is refused. Every bad
    row is listed with its row number, and then nothing is written."""
    require(actor, run.company, "payroll.manage")
    source = upload_source(data, "pay_items_csv")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    _check_draft(run)
    table = csv_table.read(source, CSV_COLUMNS, CSV_REQUIRED)
    catalogue = engine_catalogue(run.company)
    employees = {e.number: e for e in run.employees.all()}
    rows: list[PayItem] = []
    errors: list[str] = []
    for row_number, row in table.rows:
        number = row["employee"]
        employee = employees.get(number)
        if employee is None:
            errors.append(
                _("Row %(row)s: unknown employee “%(employee)s” (not in this pay run).")
                % {"row": row_number, "employee": number}
            )
            continue
        try:
            rows.extend(
                _item(
                    run,
                    catalogue,
                    employee,
                    row["wage_type"],
                    row["amount"],
                    row["quantity"],
                    row["unit_price"],
                    "",
                    row["cost_centre"],
                )
            )
        except ValidationError as error:
            message = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            errors.append(_("Row %(row)s: %(message)s") % {"row": row_number, "message": message})
    if table.errors and table.errors[0][0] <= 1 and not rows and not errors:
        # The header (or the encoding) is wrong: say which columns are expected.
        raise ValidationError(
            {
                "file": [message for _line, message in table.errors]
                + [
                    _("The CSV file needs the columns: %(columns)s.")
                    % {"columns": ", ".join(CSV_COLUMNS)}
                ]
            }
        )
    errors.extend(
        _("Row %(row)s: %(message)s") % {"row": line, "message": message}
        for line, message in table.errors
    )
    if not rows and not errors:
        errors.append(_("The file has no pay items."))
    if errors:
        raise ValidationError({"file": _first_errors(errors)})
    PayItem.objects.bulk_create(rows, batch_size=1000)
    PayRun.objects.filter(pk=run.pk).update(stale=True, revision=F("revision") + 1)
    audit.record(
        actor.user, "import_items", run, company=run.company, changes={"items": [None, len(rows)]}
    )
    return len(rows)
