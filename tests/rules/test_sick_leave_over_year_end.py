"""Sick leave over 31 March (vuosilomalaki 162/2005 7 § 2 mom. 2 kohta): the working days
away through illness are equated to work "enintään kuitenkin 75 työpäivää
lomanmääräytymisvuodessa, taikka jos työkyvyttömyys jatkuu yhdenjaksoisena
lomanmääräytymisvuoden päättymisen jälkeen, enintään 75 työpäivää tätä sairautta tai
tapaturmaa kohden". Counted by hand.

Calendar (Monday to Friday, public holidays not counted): February 2026 from Monday 2.2.
to Friday 27.2.: 20 working days; March 2026: 22 (1.3. is a Sunday); April 2026: 22 less
Good Friday 3.4. and Easter Monday 6.4.: 20; May 2026 to Friday 29.5.: 21 less May Day 1.5.
and Ascension Day 14.5.: 19.
"""

import datetime as dt

from tase.rules.absences import Absence, MonthEffect, incapacities, month_effects

YEAR_1 = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
YEAR_2 = (dt.date(2026, 4, 1), dt.date(2027, 3, 31))


def _sick(start, end):
    return Absence("sick", start, end)


def test_one_sick_leave_over_31_march_splits_its_75_days():
    """Sick 2.2.-29.5.2026: the credit year to 31.3.2026 equates February's 20 and March's
    22 working days, 42; the incapacity goes on after 31 March, so the next credit year
    equates only 75 - 42 = 33 more: April's 20 and 13 of May's 19."""
    leave = [_sick(dt.date(2026, 2, 2), dt.date(2026, 5, 29))]
    assert month_effects(leave, *YEAR_1) == {
        (2026, 2): MonthEffect(20, 20),
        (2026, 3): MonthEffect(22, 22),
    }
    assert month_effects(leave, *YEAR_2) == {
        (2026, 4): MonthEffect(20, 20),
        (2026, 5): MonthEffect(19, 13),
    }


def test_an_incapacity_recorded_as_two_certificates_is_one():
    """The same incapacity recorded as two sick leaves, 2.2.-31.3. and 1.4.-29.5.2026 (a
    certificate continued by the next): one incapacity, 33 days in the new year as above.
    Before, the second record started a new 75 and May was equated whole (19), which made
    May a full month under the 14-day rule."""
    leave = [
        _sick(dt.date(2026, 2, 2), dt.date(2026, 3, 31)),
        _sick(dt.date(2026, 4, 1), dt.date(2026, 5, 29)),
    ]
    assert len(set(incapacities(leave).values())) == 1
    assert month_effects(leave, *YEAR_2) == {
        (2026, 4): MonthEffect(20, 20),
        (2026, 5): MonthEffect(19, 13),
    }
    # Over a weekend too: 2.2.-27.3. (a Friday) and 30.3.-29.5.2026 are one incapacity:
    # 20 + 20 in the first year (March to Friday 27.3.), then 20 + 22 - 20 = 2 more in March
    # (30.-31.3.), 42 in all; 33 in the new year
    weekend = [
        _sick(dt.date(2026, 2, 2), dt.date(2026, 3, 27)),
        _sick(dt.date(2026, 3, 30), dt.date(2026, 5, 29)),
    ]
    assert len(set(incapacities(weekend).values())) == 1
    assert month_effects(weekend, *YEAR_2)[(2026, 5)] == MonthEffect(19, 13)


def test_a_working_day_between_makes_two_incapacities():
    """Sick 2.2.-30.3.2026 and from 1.4.2026: Tuesday 31.3. was worked, so the sick leave
    from 1.4. is a new illness: the new credit year's 75 are its own, and April and May are
    equated whole (20 + 19)."""
    leave = [
        _sick(dt.date(2026, 2, 2), dt.date(2026, 3, 30)),
        _sick(dt.date(2026, 4, 1), dt.date(2026, 5, 29)),
    ]
    assert len(set(incapacities(leave).values())) == 2
    assert month_effects(leave, *YEAR_2) == {
        (2026, 4): MonthEffect(20, 20),
        (2026, 5): MonthEffect(19, 19),
    }


def test_the_limit_per_illness_counts_the_days_equated():
    """The first credit year's 75 were mostly spent before the illness: sick 1.9.-5.12.2025
    (September 22, October 23, November 20 working days, December 1.-5. 5: 70 days, all
    equated), then sick from 2.2.2026: only 5 of its days are equated in that year (2.-6.2.).
    Going on after 31 March, the illness may have 75 - 5 = 70 more: April and May, 39, are
    all equated (and spend the new year's own 75). The 75 per illness limits the days
    equated of it, "enintään 75 työpäivää tätä sairautta kohden"; its days the year's limit
    had already left out (7.2.-31.3.) are not among them."""
    leave = [
        _sick(dt.date(2025, 9, 1), dt.date(2025, 12, 5)),
        _sick(dt.date(2026, 2, 2), dt.date(2026, 5, 29)),
    ]
    first = month_effects(leave, *YEAR_1)
    assert first[(2026, 2)] == MonthEffect(20, 5) and first[(2026, 3)] == MonthEffect(22, 0)
    assert sum(effect.equated for effect in first.values()) == 75
    assert month_effects(leave, *YEAR_2) == {
        (2026, 4): MonthEffect(20, 20),
        (2026, 5): MonthEffect(19, 19),
    }


def test_a_long_incapacity_ends_at_75_over_three_credit_years():
    """Sick 2.3.2026-30.6.2027: 22 in March 2026, then 53 more in the year to 31.3.2027
    (April 20, May 21 less 2 = 19, June 22 less Midsummer Eve 19.6. = 21, 14 of them), and
    nothing in the year after."""
    leave = [_sick(dt.date(2026, 3, 2), dt.date(2027, 6, 30))]
    second = month_effects(leave, *YEAR_2)
    assert (second[(2026, 4)].equated, second[(2026, 5)].equated) == (20, 19)
    assert second[(2026, 6)] == MonthEffect(21, 14)
    assert sum(effect.equated for effect in second.values()) == 53
    third = month_effects(leave, dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    assert sum(effect.equated for effect in third.values()) == 0
