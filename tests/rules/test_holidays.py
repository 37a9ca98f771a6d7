"""Annual holidays: golden calculations (data files), the rules one by one, invariants."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tase.rules import holidays
from tase.rules.holidays import HolidayInputError, calculate, coefficient, input_from_dict
from tase.rules.parameters import all_parameters
from tests.rules.holiday_example import CREDIT_YEAR, example, with_month

GOLDEN = sorted((Path(__file__).parent / "holiday_golden").glob("*.yaml"))
D = Decimal


def test_golden_files_cover_every_method():
    methods = {yaml.safe_load(p.read_text(encoding="utf-8"))["expected"]["method"] for p in GOLDEN}
    assert methods == {"salary_kept", "average_daily_wage", "percentage", "average_hourly_earnings"}
    assert len(GOLDEN) >= 10


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_holiday_calculation(path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    result = calculate(input_from_dict(case["input"])).to_dict("fi")
    expected = case["expected"]
    for key, value in expected.items():
        if key != "lines":
            assert result[key] == value, key
    assert len(result["lines"]) == len(expected["lines"])
    for got, want in zip(result["lines"], expected["lines"], strict=True):
        for key, value in want.items():
            assert got[key] == value, (want, got)
        assert got["label"]
        assert got["source"]


def test_every_holiday_parameter_cites_the_act_with_its_section():
    names = [p for p in all_parameters() if p.name.startswith("payroll.holidays.")]
    assert {p.name.rsplit(".", 1)[1] for p in names} >= {
        "full_month_min_days", "full_month_min_hours", "days_per_full_month",
        "average_daily_wage_coefficients", "percentage_rates", "day_divisors",
    }  # fmt: skip
    for parameter in names:
        for value in parameter.values:
            assert value.source == holidays.ACT_URL
            assert "§" in value.note


# -- the rules one by one ------------------------------------------------------------------
ON = dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, "0"), (2, "1.8"), (12, "10.8"), (13, "11.8"), (24, "22.2"), (30, "27.8"), (32, "29.6")],
)
def test_coefficient_follows_the_table_of_11_section(days, expected):
    assert coefficient(days, ON) == D(expected)


@pytest.mark.parametrize(
    ("start", "by", "lasted"),
    [
        ("2025-04-01", "2026-03-31", True),  # exactly a year by 31 March
        ("2025-04-02", "2026-03-31", False),
        ("2024-02-29", "2025-02-28", True),  # a leap-day start reaches its year on 1 March - 1
        ("2025-10-16", "2026-10-15", True),
        ("2025-10-16", "2026-10-14", False),
    ],
)
def test_a_year_of_employment(start, by, lasted):
    assert holidays.lasted_a_year(dt.date.fromisoformat(start), dt.date.fromisoformat(by)) is lasted


def test_a_part_day_rounds_up_and_two_days_a_month_under_a_year():
    assert holidays.earned_days(9, True, ON) == (23, D("2.5"))
    assert holidays.earned_days(9, False, ON) == (18, D("2"))
    assert holidays.earned_days(0, True, ON) == (0, D("2.5"))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"credit_year_end": "2026-04-30"}, "credit_year_end", "31 March"),
        ({"months": with_month(0, month="2025-03")}, "months[0].month", "outside the credit year"),
        ({"months": with_month(11, month="2026-04")}, "months[11].month", "outside the credit year"),
        ({"months": with_month(2, month="2025-05")}, "months[2].month", "twice"),
        ({"months": with_month(1, month="2025-13")}, "months[1].month", "YYYY-MM"),
        ({"months": with_month(8, days_worked=32)}, "months[8].days_worked", "31 days"),
        ({"months": with_month(10, days_worked=29)}, "months[10].days_worked", "28 days"),
        ({"months": with_month(3, days_worked="1.5")}, "months[3].days_worked", "whole number"),
        ({"months": with_month(5, wages="-1.00")}, "months[5].wages", "negative"),
        ({"months": with_month(5, wages="abc")}, "months[5].wages", "not a number"),
        ({"months": with_month(6, overtime_increments="3000")}, "months[6].overtime_increments", "exceed"),
        ({"months": with_month(6, hours_worked="745")}, "months[6].hours_worked", "24 hours"),
        ({"months": with_month(6, equated_days=21)}, "months[6].equated_days", "days worked"),
        ({"pay_basis": "monthly"}, "monthly_salary", "required"),
        ({"monthly_salary": "3000.00"}, "monthly_salary", "does not fit pay basis hourly"),
        ({"pay_basis": "weekly"}, "weekly_salary", "required"),
        ({"pay_basis": "weekly", "weekly_salary": "700", "monthly_salary": "3000"}, "monthly_salary", "does not fit pay basis weekly"),
        ({"earning_rule": "35_hours"}, "earning_rule", "14-day rule applies"),
        ({"days_per_week": "3"}, "earning_rule", "35-hour rule applies"),
        ({"pay_basis": "daily"}, "pay_basis", "one of"),
        ({"earning_rule": "monthly"}, "earning_rule", "one of"),
        ({"days_per_week": "0"}, "days_per_week", "more than 0"),
        ({"days_not_given": 31}, "days_not_given", "30 days earned"),
        ({"days_not_given": -1}, "days_not_given", "negative"),
        ({"holiday_bonus_percent": "-50"}, "holiday_bonus_percent", "negative"),
        ({"employment_start": "2026-04-01"}, "employment_start", "after the credit year"),
        ({"employment_end": "2019-12-31"}, "employment_end", "before the employment start"),
        ({"employment_start": "2025-06-15"}, "months[0].month", "no days of employment"),
        ({"employment_start": "2025-04-20"}, "months[0].days_worked", "11 days"),
        (
            {"average_hourly_earnings_multiplier": "8", "earning_rule": "35_hours", "days_per_week": "2"},
            "average_hourly_earnings_multiplier",
            "14-day rule",
        ),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(changes, field, words):
    with pytest.raises(HolidayInputError) as caught:
        calculate(input_from_dict(example(**changes)))
    assert caught.value.field == field
    assert words in caught.value.text


def test_monthly_paid_under_the_35_hour_rule_with_short_months_gets_the_percentage():
    """10 § 3 mom.: only some months full -> 12 § instead of the salary kept."""
    months = [
        {"month": f"{y}-{m:02d}", "days_worked": 8, "hours_worked": "40" if m % 2 else "30",
         "wages": "1000.00"}
        for y, m in CREDIT_YEAR
    ]  # fmt: skip
    data = example(
        pay_basis="monthly", monthly_salary="1000.00", earning_rule="35_hours", days_per_week="2",
        months=months,
    )  # fmt: skip
    result = calculate(input_from_dict(data))
    assert result.method == "percentage"
    assert result.full_months == 6 and result.earned_days == 15
    assert result.holiday_pay == D("1380.00")  # 12 000.00 x 11.5 %


def test_changed_working_time_gets_the_percentage_and_weekly_salary_a_sixth():
    changed = example(pay_basis="monthly", monthly_salary="3000", working_time_changed=True)
    assert calculate(input_from_dict(changed)).holiday_pay == D("4002.00")  # 34 800 x 11.5 %
    weekly = calculate(input_from_dict(example(pay_basis="weekly", weekly_salary="690.00")))
    assert weekly.method == "salary_kept"
    assert weekly.holiday_pay == D("3450.00")  # 690.00 / 6 x 30


def test_month_order_does_not_matter():
    data = example()
    shuffled = data | {"months": list(reversed(data["months"]))}
    assert calculate(input_from_dict(shuffled)) == calculate(input_from_dict(data))


def test_english_labels_and_sources():
    lines = calculate(input_from_dict(example())).to_dict("en")["lines"]
    assert lines[0]["label"] == "Full holiday credit months"
    assert lines[-1]["source"] == "collective agreement or company rule (not in the Act)"
    assert lines[2]["source"].startswith("vuosilomalaki 162/2005 11 § 2-3 mom., https://")


# -- invariants ----------------------------------------------------------------------------
month_days = st.integers(min_value=0, max_value=28)


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(month_days, min_size=12, max_size=12), which=st.integers(0, 11), more=month_days
)
def test_earned_days_never_decrease_when_a_month_has_more_days(days, which, more):
    def earned(values):
        months = [
            {"month": f"{y}-{m:02d}", "days_worked": d, "hours_worked": str(8 * d), "wages": "0"}
            for (y, m), d in zip(CREDIT_YEAR, values, strict=True)
        ]
        return calculate(input_from_dict(example(months=months))).earned_days

    grown = list(days)
    grown[which] = min(28, days[which] + more)
    assert earned(grown) >= earned(days)
    assert earned(days) <= 30


@settings(max_examples=60, deadline=None)
@given(salary=st.decimals(min_value=0, max_value=20000, places=2), not_given=st.integers(0, 30))
def test_holiday_pay_and_compensation_for_days_not_given_add_up(salary, not_given):
    data = example(pay_basis="monthly", monthly_salary=str(salary), days_not_given=not_given)
    result = calculate(input_from_dict(data))
    whole = (salary * 30 / 25).quantize(D("0.01"), ROUND_HALF_UP)
    assert result.holiday_pay + result.compensation == whole
    assert result.compensation == (whole * not_given / 30).quantize(D("0.01"), ROUND_HALF_UP)


cents_amounts = st.decimals(min_value=0, max_value=20000, places=2)


@settings(max_examples=60, deadline=None)
@given(
    wages=st.lists(cents_amounts, min_size=12, max_size=12),
    long=st.booleans(),
)
def test_percentage_pay_is_exactly_the_rate_of_the_wages_rounded_to_the_cent(wages, long):
    months = [
        {"month": f"{y}-{m:02d}", "days_worked": 8, "hours_worked": "48", "wages": str(w)}
        for (y, m), w in zip(CREDIT_YEAR, wages, strict=True)
    ]
    start = "2020-01-01" if long else "2025-04-02"
    data = example(
        earning_rule="35_hours", days_per_week="2", employment_start=start, months=months
    )
    result = calculate(input_from_dict(data))
    rate = D("11.5") if long else D("9")
    exact = sum(wages, D(0)) * rate / 100
    assert result.holiday_pay == exact.quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert abs(result.holiday_pay - exact) <= D("0.005")
    assert result.holiday_bonus == (result.holiday_pay / 2).quantize(D("0.01"), ROUND_HALF_UP)


@settings(max_examples=60, deadline=None)
@given(daily=st.decimals(min_value=1, max_value=1000, places=2), overtime=st.integers(0, 400))
def test_overtime_hours_only_lower_the_average_daily_wage(daily, overtime):
    """The same wages over more overtime hours give a smaller or equal average daily wage."""
    plain = example(
        months=[
            {"month": f"{y}-{m:02d}", "days_worked": 20, "hours_worked": "160",
             "wages": str(daily * 20)}
            for y, m in CREDIT_YEAR
        ]
    )  # fmt: skip
    first_month = {**plain["months"][0], "overtime_hours": overtime, "hours_worked": "560"}
    with_overtime = plain | {"months": [first_month, *plain["months"][1:]]}
    first = calculate(input_from_dict(plain))
    second = calculate(input_from_dict(with_overtime))
    assert first.average_daily_wage == daily
    assert second.average_daily_wage <= first.average_daily_wage
