"""The holiday calculator's example request (the issue's): hourly paid, 14-day rule, employed
since 2020, 20 days and 2900.00 in every month of the credit year 2025-2026."""

CREDIT_YEAR = [(2025, m) for m in range(4, 13)] + [(2026, m) for m in range(1, 4)]


def example(**changes) -> dict:
    data = {
        "credit_year_end": "2026-03-31",
        "employment_start": "2020-01-01",
        "employment_end": None,
        "pay_basis": "hourly",
        "earning_rule": "14_days",
        "days_per_week": "5",
        "monthly_salary": None,
        "holiday_bonus_percent": "50",
        "months": [
            {
                "month": f"{year}-{month:02d}",
                "days_worked": 20,
                "hours_worked": "150",
                "wages": "2900.00",
                "overtime_increments": "0.00",
                "overtime_hours": "0",
            }
            for year, month in CREDIT_YEAR
        ],
    }
    return data | changes


def with_month(index: int, **changes) -> list[dict]:
    """The example's months with month ``index`` changed."""
    months = example()["months"]
    months[index] |= changes
    return months
