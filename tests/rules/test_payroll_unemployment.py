"""Employer's unemployment insurance: the lower rate up to the year's wage-sum threshold, the
higher rate only on the part above it (laki työttömyysetuuksien rahoituksesta 555/1998)."""

import datetime as dt
from decimal import Decimal

import pytest

from tase.rules.payroll import Employer, PayItem, PayslipInput, TaxCard, calculate

PAY_2026 = dt.date(2026, 3, 31)
THRESHOLD_2026 = Decimal("2509500")  # payroll.unemployment.wage_sum_threshold, 2026
LOWER_2026, HIGHER_2026 = Decimal("0.31"), Decimal("1.23")


def _slip(employer: Employer, salary="3500.00", birth=dt.date(1990, 5, 1), on=PAY_2026):
    return calculate(
        PayslipInput(
            on,
            birth,
            TaxCard(Decimal("20"), Decimal("40"), Decimal("40000")),
            (PayItem("monthly_salary", amount=Decimal(salary)),),
            Decimal("0"),
            employer,
        )
    )


def _lines(slip):
    return [
        (line.code, line.base, line.rate, line.amount)
        for line in slip.lines
        if line.code.startswith("employer_unemployment")
    ]


def test_below_the_threshold_company_pays_the_lower_rate_whatever_the_wage_sum():
    slip = _slip(Employer(wage_sum_before=Decimal("9000000")))
    assert _lines(slip) == [
        ("employer_unemployment", Decimal("3500.00"), LOWER_2026, Decimal("10.85"))
    ]
    assert slip.unemployment_wage_sum == Decimal("3500.00")


def test_the_payslip_that_crosses_the_threshold_is_split_and_shows_both_parts():
    before = THRESHOLD_2026 - Decimal("1500")
    slip = _slip(Employer(above_unemployment_threshold=True, wage_sum_before=before))
    # 1500.00 x 0.31 % = 4.65; 2000.00 x 1.23 % = 24.60
    assert _lines(slip) == [
        ("employer_unemployment", Decimal("1500.00"), LOWER_2026, Decimal("4.65")),
        ("employer_unemployment_above", Decimal("2000.00"), HIGHER_2026, Decimal("24.60")),
    ]
    assert slip.employer_unemployment == Decimal("29.25")
    below, above = [line for line in slip.lines if line.code.startswith("employer_unemployment")]
    assert "up to the threshold" in below.label_en and "rajaan asti" in below.label_fi
    assert "above the threshold" in above.label_en and "ylittävä osa" in above.label_fi
    assert below.parameter == "payroll.unemployment.employer_rate_below_threshold"
    assert above.parameter == "payroll.unemployment.employer_rate_above_threshold"
    assert below.source and above.source
    assert any("2509500" in note and "1500.00 at the lower rate" in note for note in slip.notes)
    assert slip.total_cost == slip.gross_pay + slip.employer_contributions


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        # exactly reaching the threshold: all at the lower rate
        (THRESHOLD_2026 - Decimal("3500"), [("employer_unemployment", Decimal("3500.00"), LOWER_2026, Decimal("10.85"))]),
        # at the threshold already: all above
        (THRESHOLD_2026, [("employer_unemployment_above", Decimal("3500.00"), HIGHER_2026, Decimal("43.05"))]),
        # one cent of room
        (THRESHOLD_2026 - Decimal("0.01"), [
            ("employer_unemployment", Decimal("0.01"), LOWER_2026, Decimal("0.00")),
            ("employer_unemployment_above", Decimal("3499.99"), HIGHER_2026, Decimal("43.05")),
        ]),
        (Decimal("0"), [("employer_unemployment", Decimal("3500.00"), LOWER_2026, Decimal("10.85"))]),
    ],
)  # fmt: skip
def test_at_and_around_the_crossing(before, expected):
    slip = _slip(Employer(above_unemployment_threshold=True, wage_sum_before=before))
    assert _lines(slip) == expected


def test_threshold_is_dated():
    # 2025: 2,455,500 € (payroll.unemployment.wage_sum_threshold), rates 0.20 % / 0.80 %
    before = Decimal("2455500") - Decimal("500")
    slip = _slip(
        Employer(above_unemployment_threshold=True, wage_sum_before=before),
        on=dt.date(2025, 6, 15),
    )
    assert _lines(slip) == [
        ("employer_unemployment", Decimal("500.00"), Decimal("0.20"), Decimal("1.00")),
        ("employer_unemployment_above", Decimal("3000.00"), Decimal("0.80"), Decimal("24.00")),
    ]


def test_the_stateless_calculator_keeps_its_boolean_and_says_so_in_the_line():
    slip = _slip(Employer(above_unemployment_threshold=True))
    ((code, base, rate, amount),) = _lines(slip)
    assert (code, base, rate, amount) == (
        "employer_unemployment",
        Decimal("3500.00"),
        HIGHER_2026,
        Decimal("43.05"),
    )
    line = next(line for line in slip.lines if line.code == "employer_unemployment")
    assert "marked above the wage-sum threshold" in line.label_en
    assert "koko palkka korkeammalla" in line.label_fi
    assert any("no year-to-date wage sum" in note for note in slip.notes)


def test_outside_the_age_range_nothing_counts_towards_the_wage_sum():
    slip = _slip(
        Employer(above_unemployment_threshold=True, wage_sum_before=THRESHOLD_2026),
        birth=dt.date(1955, 1, 1),
    )
    assert _lines(slip) == [] and slip.unemployment_wage_sum == 0
