"""Holiday compensation of an employee who earned no holiday during the employment
(vuosilomalaki 162/2005 17 § 4 mom. with 16 §) and the holiday bonus on compensation as a
rule setting (issue 16)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tase.rules import holidays as rules
from tase.rules.payroll import cents

END = dt.date(2026, 3, 31)


def _few_hours(**changes):
    """An hourly employee of one day a week (35-hour rule) with 20 hours a month: no month
    is full (6 § 2 mom.), so no holiday is earned."""
    data = dict(
        credit_year_end=END,
        employment_start=dt.date(2025, 1, 1),
        employment_end=dt.date(2026, 2, 27),
        pay_basis="hourly",
        earning_rule="35_hours",
        days_per_week=D(1),
        months=tuple(
            rules.Month(2025 + (m < 4), m, 4, D(20), wages=D(300)) for m in (4, 5, 6, 7, 8, 9)
        ),
    )
    data.update(changes)
    return rules.HolidayInput(**data)


def test_no_days_earned_compensates_each_year_at_its_rate():
    """16 §: 9 % for a year by whose end the employment had not lasted a year (2024-25:
    started 1.1.2025), 11.5 % for the year it ended after lasting a year."""
    data = _few_hours(earlier_years=(rules.EarlierYear(dt.date(2025, 3, 31), D(900)),))
    result = rules.calculate(data)
    assert (result.earned_days, result.method) == (0, "percentage")
    assert result.compensation == D("81.00") + D("207.00")  # 900 x 9 %, 1800 x 11.5 %
    sections = [line.section for line in result.lines if line.section == "17 § 4 mom., 16 §"]
    assert len(sections) == 2
    assert result.lines[2].basis == "900.00 \N{MULTIPLICATION SIGN} 9 %"
    assert result.lines[-1].section == "17 § 4 mom."


def test_days_earned_before_leave_no_percentage_compensation():
    """17 § 4 mom. is for one who earned no holiday during the whole employment: with days
    earned in earlier years a year without a full month gives nothing (17 § 1 mom.)."""
    result = rules.calculate(_few_hours(days_earned_before=5))
    assert (result.earned_days, result.compensation) == (0, D(0))


def test_earlier_years_are_refused_where_17_4_does_not_apply():
    with pytest.raises(rules.HolidayInputError) as error:
        rules.calculate(
            _few_hours(
                days_earned_before=5,
                earlier_years=(rules.EarlierYear(dt.date(2025, 3, 31), D(900)),),
            )
        )
    assert error.value.field == "earlier_years"
    with pytest.raises(rules.HolidayInputError) as error:
        rules.calculate(_few_hours(earlier_years=(rules.EarlierYear(END, D(1)),)))
    assert error.value.field == "earlier_years[0].credit_year_end"
    with pytest.raises(rules.HolidayInputError) as error:
        rules.calculate(_few_hours(earlier_years=(rules.EarlierYear(dt.date(2025, 3, 31), D(-1)),)))
    assert error.value.field == "earlier_years[0].wages"


def test_earlier_years_from_the_api_shape():
    data = rules.input_from_dict(
        {
            "credit_year_end": "2026-03-31",
            "employment_start": "2025-01-01",
            "employment_end": "2026-02-27",
            "pay_basis": "hourly",
            "earning_rule": "35_hours",
            "days_per_week": "1",
            "earlier_years": [{"credit_year_end": "2025-03-31", "wages": "900"}],
            "bonus_on_compensation": True,
            "months": [{"month": "2025-04", "days_worked": 4, "hours_worked": 20, "wages": 300}],
        }
    )
    assert data.earlier_years == (rules.EarlierYear(dt.date(2025, 3, 31), D(900)),)
    assert data.bonus_on_compensation is True
    with pytest.raises(rules.HolidayInputError) as error:
        rules.input_from_dict({"earlier_years": "x"})
    assert error.value.field == "earlier_years"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=500_000), min_size=1, max_size=3),
    st.integers(min_value=0, max_value=500_000),
)
def test_percentage_stays_between_9_and_11_5_percent(earlier_cents, this_cents):
    """Invariant: the compensation is 9 to 11.5 % of the wages, within a half cent a year."""
    years = tuple(
        rules.EarlierYear(dt.date(2025 - index, 3, 31), D(amount) / 100)
        for index, amount in enumerate(earlier_cents)
    )
    month = rules.Month(2025, 4, 4, D(20), wages=D(this_cents) / 100)
    data = _few_hours(
        employment_start=dt.date(2025 - len(years), 1, 1), earlier_years=years, months=(month,)
    )
    result = rules.calculate(data)
    total = D(sum(earlier_cents) + this_cents) / 100
    slack = D("0.005") * (len(years) + 1)
    assert total * D("0.09") - slack <= result.compensation <= total * D("0.115") + slack


def _ended_with_days(**changes):
    return rules.HolidayInput(
        credit_year_end=END,
        employment_start=dt.date(2024, 1, 1),
        employment_end=dt.date(2025, 6, 30),
        pay_basis="monthly",
        earning_rule="14_days",
        monthly_salary=D(3000),
        holiday_bonus_percent=D(50),
        months=tuple(rules.Month(2025, m, 20) for m in (4, 5, 6)),
        **changes,
    )


def test_holiday_bonus_on_compensation_only_when_the_rule_says_so():
    without = rules.calculate(_ended_with_days())
    assert without.compensation == D("960.00")  # 8 days x 3000 / 25
    assert without.holiday_bonus == D(0)
    with_bonus = rules.calculate(_ended_with_days(bonus_on_compensation=True))
    assert with_bonus.holiday_bonus == D("480.00")
    assert with_bonus.lines[-1].label_en == "Holiday bonus 50 % of the holiday pay and compensation"


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=10_000_00),
    st.integers(min_value=0, max_value=100_00),
    st.booleans(),
)
def test_bonus_is_the_rate_of_its_basis(salary_cents, percent_cents, on_compensation):
    """Invariant: the bonus is the rate of the holiday pay, plus the compensation exactly
    when the rule says so."""
    data = _ended_with_days(bonus_on_compensation=on_compensation)
    data = rules.HolidayInput(
        **{
            **{name: getattr(data, name) for name in data.__slots__},
            "monthly_salary": D(salary_cents) / 100,
            "holiday_bonus_percent": D(percent_cents) / 100,
        }
    )
    result = rules.calculate(data)
    basis = result.holiday_pay + (result.compensation if on_compensation else 0)
    assert result.holiday_bonus == cents(basis * data.holiday_bonus_percent / 100)


def test_other_pay_besides_the_salary_adds_its_share():
    """10 § 1 mom. second sentence with 11 § 1-2 mom.: 12 months of 20 days, 120 € other pay
    each: 1440 / 240 = 6.00 a day x 27.8 (30 days) = 166.80 on top of the salary's 3600."""
    data = rules.HolidayInput(
        credit_year_end=END,
        employment_start=dt.date(2020, 1, 1),
        employment_end=None,
        pay_basis="monthly",
        earning_rule="14_days",
        monthly_salary=D(3000),
        months=tuple(
            rules.Month(2025 + (m < 4), m, 20, wages=D(3120), other_pay=D(120))
            for m in range(1, 13)
        ),
    )
    result = rules.calculate(data)
    assert result.earned_days == 30
    assert result.holiday_pay == D("3600.00") + D("166.80")
    assert result.lines[-1].section == "10 § 1 mom., 11 § 1-2 mom."
    hourly = rules.HolidayInput(
        **{
            **{name: getattr(data, name) for name in data.__slots__},
            "pay_basis": "hourly",
            "monthly_salary": None,
        }
    )
    with pytest.raises(rules.HolidayInputError) as error:
        rules.calculate(hourly)
    assert error.value.field == "months[0].other_pay"


def test_absence_pay_is_added_to_the_percentage_basis():
    """12 § 2 mom.: the calculated pay of the absence time joins the basis: (1800 + 200) x
    11.5 % for a year of 35-hour months of an employment older than a year."""
    months = tuple(
        rules.Month(2025, m, 6, D(40), wages=D(300), absence_wages=D(200) if m == 5 else D(0))
        for m in (4, 5, 6, 7, 8, 9)
    )
    data = _few_hours(employment_start=dt.date(2020, 1, 1), employment_end=None, months=months)
    result = rules.calculate(data)
    assert result.method == "percentage"
    assert result.holiday_pay == D("230.00")
    assert "12 § 2 mom." in result.lines[-1].section
    assert result.lines[-1].basis.startswith("(1800.00 + 200.00)")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=0, max_value=100_000))
def test_absence_pay_raises_the_percentage_pay_by_its_rate(wage_cents, absence_cents):
    """Invariant: adding absence pay never lowers the percentage pay, and adds its rate."""
    base = rules.Month(2025, 4, 6, D(40), wages=D(wage_cents) / 100)
    with_absence = rules.Month(
        2025, 4, 6, D(40), wages=D(wage_cents) / 100, absence_wages=D(absence_cents) / 100
    )
    start = dt.date(2020, 1, 1)
    plain = rules.calculate(_few_hours(employment_start=start, employment_end=None, months=(base,)))
    added = rules.calculate(
        _few_hours(employment_start=start, employment_end=None, months=(with_absence,))
    )
    expected = cents((D(wage_cents) + absence_cents) / 100 * D("11.5") / 100)
    assert added.holiday_pay == expected >= plain.holiday_pay


def test_a_year_without_a_full_month_during_the_employment_is_compensated_by_16():
    """8 § 1 mom., 16 §, 19 § 1 mom.: an employment that goes on, under the 35-hour rule, with
    no month of 35 hours earns no holiday: no 12 § holiday pay, but compensation of 9 % (not a
    year of employment by 31.3.2026: started 2.4.2025) of 6 x 300.00 = 1 800.00: 162.00."""
    data = _few_hours(employment_start=dt.date(2025, 4, 2), employment_end=None)
    result = rules.calculate(data)
    assert (result.earned_days, result.method) == (0, "percentage")
    assert (result.holiday_pay, result.compensation) == (D(0), D("162.00"))
    assert [line.section for line in result.lines[2:]] == ["16 §, 8 § 1 mom.", "16 §, 19 § 1 mom."]
    assert result.lines[2].basis == "1800.00 \N{MULTIPLICATION SIGN} 9 %"


def test_a_contract_of_14_days_without_a_full_month_earns_nothing_and_is_not_compensated():
    """8 § 1 mom. is for one whose contract gives fewer than 14 days and 35 hours: under the
    14-day rule a year without a full month (unpaid leave, say) gives no holiday and no
    compensation."""
    data = _few_hours(
        employment_end=None,
        earning_rule="14_days",
        days_per_week=D(5),
        months=(rules.Month(2025, 4, 10, D(75), wages=D(900)),),
    )
    result = rules.calculate(data)
    assert (result.earned_days, result.holiday_pay, result.compensation) == (0, D(0), D(0))


def test_compensation_paid_during_the_employment_is_taken_off_at_its_end():
    """17 § 1 mom.: what was compensated already is not compensated again, and the total goes
    no lower than zero. 900.00 x 9 % = 81.00, 1 800.00 x 11.5 % = 207.00: 288.00 due."""
    years = ((dt.date(2025, 3, 31), D(900)), (END, D(1800)))
    start, end = dt.date(2025, 1, 1), dt.date(2026, 2, 27)
    part = rules.no_holiday_compensation(start, end, years, D("200.00"))
    assert part.amount == D("88.00")  # 288.00 - 200.00
    assert (part.lines[-1].amount, part.lines[-1].section) == (D("-200.00"), "17 § 1 mom., 16 §")
    assert part.lines[-1].basis == "288.00 \N{MINUS SIGN} 200.00"
    assert rules.no_holiday_compensation(start, end, years, D("300.00")).amount == D(0)
    assert len(rules.no_holiday_compensation(start, end, years).lines) == 2
