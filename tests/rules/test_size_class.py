"""The size class of KPL 1:4 a-4 b § year by year (tase.rules.size_class): the limits by the
fiscal year's start, two consecutive years to change class (KILA 1982/2018), the first year
alone, an unknown personnel, and which forms a class may use."""

import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tase.rules.size_class import YearFigures, allows, exceeded, limits_on, size_classes


def year(y, total, turnover, personnel=None):
    """Figures in euros of the calendar year ``y``."""
    return YearFigures(
        start=dt.date(y, 1, 1),
        end=dt.date(y, 12, 31),
        balance_sheet_total=total * 100,
        turnover=turnover * 100,
        personnel=None if personnel is None else Decimal(personnel),
    )


def classes(*years):
    return [row.size_class for row in size_classes(list(years))]


def test_the_limits_follow_the_year_start():
    assert limits_on("micro", dt.date(2023, 1, 1)).balance_sheet_total == 350_000_00
    assert limits_on("micro", dt.date(2024, 1, 1)).turnover == 900_000_00
    assert limits_on("small", dt.date(2023, 7, 1)).turnover == 12_000_000_00
    assert limits_on("small", dt.date(2024, 7, 1)).balance_sheet_total == 7_500_000_00
    assert limits_on("small", dt.date(2024, 7, 1)).personnel == 50


def test_at_most_one_limit_exceeded_keeps_the_class():
    # 2023: the micro limits 350 000 / 700 000 / 10. Turnover exceeded alone: still micro.
    assert classes(year(2022, 100_000, 800_000, "3"), year(2023, 100_000, 800_000, "3")) == [
        "micro",
        "micro",
    ]
    # Exactly at a limit is not over it.
    assert (
        exceeded(year(2023, 350_000, 700_000, "10"), limits_on("micro", dt.date(2023, 1, 1))) == ()
    )


def test_two_consecutive_years_over_change_the_class():
    """KILA 1982/2018: the ended year over two limits and the year before within: the class
    stays; a second year over moves it."""
    over = year(2022, 400_000, 800_000, "5")  # balance and turnover over the 2022 micro limits
    within = year(2021, 100_000, 100_000, "2")
    assert classes(within, over) == ["micro", "micro"]
    assert classes(within, over, year(2023, 400_000, 800_000, "5")) == ["micro", "micro", "small"]


def test_back_to_the_smaller_class_only_after_two_years_within():
    big = year(2021, 400_000, 800_000)
    small = year(2022, 100_000, 100_000)
    assert classes(big, small) == ["small", "small"]
    assert classes(big, small, year(2023, 100_000, 100_000)) == ["small", "small", "micro"]


def test_the_raised_limits_of_2024():
    # 420 000 and 850 000: over the 2023 micro limits, within those of 2024.
    assert classes(year(2024, 420_000, 850_000), year(2025, 420_000, 850_000)) == [
        "micro",
        "micro",
    ]
    assert classes(year(2023, 420_000, 850_000)) == ["small"]


def test_the_first_year_alone_and_an_unknown_personnel():
    found = size_classes([year(2025, 8_000_000, 16_000_000)])
    assert found[0].size_class == "full" and found[0].alone
    assert found[0].exceeded["small"] == ("balance_sheet_total", "turnover")
    # 200 people and one money limit over: the personnel counts when known.
    assert classes(year(2025, 500_000, 100_000, "200")) == ["small"]
    assert classes(year(2025, 500_000, 100_000)) == ["micro"]


def test_which_forms_a_class_may_use():
    assert allows("micro", "micro") and allows("micro", "small") and allows("micro", "full")
    assert not allows("small", "micro") and allows("small", "full")
    assert not allows("full", "small") and allows("full", "full")


money = st.integers(min_value=0, max_value=20_000_000)


@given(st.lists(st.tuples(money, money, st.integers(0, 300)), min_size=1, max_size=8))
def test_a_class_changes_only_when_two_years_agree(figures):
    """Invariant: a year's class differs from the year before only when both years' figures
    put the company on the same side of the limit crossed."""
    years = [
        year(2016 + i, total, turnover, str(people))
        for i, (total, turnover, people) in enumerate(figures)
    ]
    found = size_classes(years)
    order = ["micro", "small", "full"]
    for before, now in itertools.pairwise(found):
        if now.size_class == before.size_class:
            continue
        smaller = order[min(order.index(now.size_class), order.index(before.size_class))]
        fits_now = len(now.exceeded[smaller]) <= 1
        fits_before = len(before.exceeded[smaller]) <= 1
        assert fits_now == fits_before
