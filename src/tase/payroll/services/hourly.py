"""The hourly wage that prices hours entered for an hour-based wage type.

Hours (overtime, extra hours, supplements counted in hours) entered without a unit price
are priced at the employee's hourly wage:

- an hourly-paid employee: the hourly rate in force on the payment date; a performance-paid
  (piece-work) employee likewise its basic hourly rate, the salary recorded for it;
- a weekly-paid employee: the weekly salary divided by the weekly hours;
- a monthly-paid employee: the monthly salary divided by a divisor (kuukausipalkan
  jakaja). Many collective agreements fix it (e.g. 160 in several office agreements); it is
  a company setting with an override on the employment. Without one the divisor is the
  regular weekly hours x 52 / 12, the average working hours of a month.

The hourly wage is rounded to the cent (half up) before it is multiplied by the hours and
the wage type's multiplier (overtime 50 % → 1.5), so the payslip shows the price used.
The line's ``hourly`` record keeps the salary, divisor and where the divisor came from.

The same regular monthly pay is the yardstick of :func:`regular_monthly_pay`: a payslip
many times above it is flagged before the run is approved (a mistyped quantity or price).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..models import Employment, PayrollSettings

WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class HourlyWage:
    price: Decimal  # euros per hour, to the cent
    record: dict  # shown on the payslip line


def divisor_of(employment: Employment, settings_row: PayrollSettings) -> tuple[Decimal, str]:
    """The divisor of a monthly salary and where it came from: ``employment``, ``company``
    or ``weekly_hours`` (weekly hours x 52 / 12)."""
    if employment.hourly_divisor:
        return Decimal(employment.hourly_divisor), "employment"
    if settings_row.hourly_divisor:
        return Decimal(settings_row.hourly_divisor), "company"
    return Decimal(employment.weekly_hours) * WEEKS_PER_MONTH, "weekly_hours"


def hourly_wage(
    employment: Employment, settings_row: PayrollSettings, salary_cents: int
) -> HourlyWage | None:
    """The hourly wage of the employment with ``salary_cents`` in force, or None when it
    cannot be known (no salary, or a monthly salary with a zero divisor)."""
    salary = Decimal(salary_cents) / 100
    if employment.pay_basis in Employment.Basis.rated_by_hour():
        price = salary.quantize(CENT)
        return HourlyWage(price, {"basis": employment.pay_basis, "hourly_wage": str(price)})
    if employment.pay_basis == Employment.Basis.WEEKLY:
        hours = Decimal(employment.weekly_hours)
        if hours <= 0:
            return None
        price = (salary / hours).quantize(CENT, rounding=ROUND_HALF_UP)
        return HourlyWage(
            price,
            {
                "basis": "weekly",
                "weekly_salary": str(salary.quantize(CENT)),
                "weekly_hours": f"{hours.normalize():f}",
                "hourly_wage": str(price),
            },
        )
    divisor, source = divisor_of(employment, settings_row)
    if divisor <= 0:
        return None
    price = (salary / divisor).quantize(CENT, rounding=ROUND_HALF_UP)
    return HourlyWage(
        price,
        {
            "basis": "monthly",
            "monthly_salary": str(salary.quantize(CENT)),
            "divisor": f"{divisor.quantize(CENT).normalize():f}",
            "divisor_source": source,
            "hourly_wage": str(price),
        },
    )


def regular_monthly_pay(employment: Employment, salary_cents: int | None) -> int:
    """The employee's regular pay of a month in cents: the monthly salary, the weekly salary
    x 52 / 12, or the hourly rate x weekly hours x 52 / 12; 0 when no salary is known."""
    if not salary_cents:
        return 0
    if employment.pay_basis == Employment.Basis.MONTHLY:
        return salary_cents
    if employment.pay_basis == Employment.Basis.WEEKLY:
        return int((Decimal(salary_cents) * WEEKS_PER_MONTH).to_integral(rounding=ROUND_HALF_UP))
    return int(
        (Decimal(salary_cents) * Decimal(employment.weekly_hours) * WEEKS_PER_MONTH).to_integral(
            rounding=ROUND_HALF_UP
        )
    )


def is_hour_based(wage) -> bool:
    """Paid money counted in hours with no statutory price (overtime, hourly wage, hourly
    supplements): priced by the employee's hourly wage when no unit price is entered."""
    return wage.kind == "money" and wage.unit == "h" and not wage.price_parameter
