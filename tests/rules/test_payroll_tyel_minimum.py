"""TyEL minimum earnings: TyEL applies only when the employee's TyEL earnings from the employer
in the calendar month reach payroll.tyel.monthly_insurance_threshold (71.72 € in 2026, 70.08 €
in 2025)."""

import datetime as dt
from decimal import Decimal

import pytest

from tase.rules.payroll import PayItem, PayslipInput, calculate

ON = dt.date(2026, 3, 31)


def _slip(amount, before="0", uncharged="0", on=ON, birth=dt.date(1990, 5, 1)):
    return calculate(
        PayslipInput(
            on,
            birth,
            None,
            (PayItem("monthly_salary", amount=Decimal(amount)),),
            tyel_earnings_before=Decimal(before),
            tyel_uncharged_before=Decimal(uncharged),
        )
    )


def _tyel(slip):
    return {
        line.code: (line.base, line.rate or line.unit_price, line.amount)
        for line in slip.lines
        if "tyel" in line.code
    }


def test_below_the_minimum_no_tyel_and_a_line_says_why():
    slip = _slip("71.71")
    assert _tyel(slip) == {
        "tyel_below_minimum": (Decimal("71.71"), Decimal("71.72"), Decimal("0")),
    }
    assert slip.employee_tyel == slip.employer_tyel == 0
    assert slip.tyel_charged_base == 0 and slip.tyel_base == Decimal("71.71")
    line = next(line for line in slip.lines if line.code == "tyel_below_minimum")
    assert line.parameter == "payroll.tyel.monthly_insurance_threshold"
    assert line.source.startswith("https://")
    assert "alarajan" in line.label_fi and "below the minimum" in line.label_en
    assert slip.net_pay == Decimal("71.71") - slip.withholding - slip.employee_unemployment


def test_at_the_minimum_tyel_applies():
    # 71.72 x 7.30 % = 5.24; employer 24.40 - 7.30 = 17.10 % -> 12.26
    slip = _slip("71.72")
    assert _tyel(slip) == {
        "employee_tyel": (Decimal("71.72"), Decimal("7.30"), Decimal("5.24")),
        "employer_tyel": (Decimal("71.72"), Decimal("17.10"), Decimal("12.26")),
    }
    assert slip.tyel_charged_base == Decimal("71.72")


def test_the_month_counts_earlier_payslips():
    # 40 earlier this month (charged, as the month was already above the minimum) + 40 now
    slip = _slip("40.00", before="80.00", uncharged="0")
    assert _tyel(slip)["employee_tyel"] == (Decimal("40.00"), Decimal("7.30"), Decimal("2.92"))
    # 30 earlier this month, uncharged; 30 now: 60 < 71.72, still none
    slip = _slip("30.00", before="30.00", uncharged="30.00")
    assert _tyel(slip) == {"tyel_below_minimum": (Decimal("60.00"), Decimal("71.72"), Decimal("0"))}


def test_the_payslip_that_reaches_the_minimum_charges_the_months_uncharged_earnings():
    # 50 earlier, uncharged; 50 now: month 100 >= 71.72, TyEL on 100 (7.30 % = 7.30)
    slip = _slip("50.00", before="50.00", uncharged="50.00")
    assert _tyel(slip)["employee_tyel"] == (Decimal("100.00"), Decimal("7.30"), Decimal("7.30"))
    assert _tyel(slip)["employer_tyel"] == (Decimal("100.00"), Decimal("17.10"), Decimal("17.10"))
    assert slip.tyel_charged_base == Decimal("100.00")
    assert any("50.00 earlier this month left uncharged" in note for note in slip.notes)


def test_minimum_is_dated():
    assert "tyel_below_minimum" in _tyel(_slip("70.07", on=dt.date(2025, 6, 15)))
    assert "employee_tyel" in _tyel(_slip("70.08", on=dt.date(2025, 6, 15)))


@pytest.mark.parametrize("amount", ["10.00", "3000.00"])
def test_outside_the_age_range_no_minimum_line(amount):
    slip = _slip(amount, birth=dt.date(2010, 1, 1))  # 16 in March 2026
    assert _tyel(slip) == {}
