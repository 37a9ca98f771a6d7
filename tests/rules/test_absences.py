"""Absences' effect on earning (vuosilomalaki 7 § 2 mom.), sick pay (TSL 2:11) and the Kela
sickness allowance (the formula's dated parameters)."""

import datetime as dt
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from tase.rules import absences as rules
from tase.rules.absences import Absence

YEAR = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_calendars_know_finnish_public_holidays():
    assert not rules.is_working_day(dt.date(2025, 12, 24))  # Christmas Eve
    assert rules.is_weekday(dt.date(2026, 3, 7))  # a Saturday is an arkipäivä
    assert not rules.is_weekday(dt.date(2026, 4, 6))  # Easter Monday
    assert not rules.is_holiday_day(dt.date(2026, 4, 4))  # Easter Saturday uses no holiday
    assert rules.working_days(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == 22
    assert rules.holiday_days(dt.date(2026, 7, 6), dt.date(2026, 7, 19)) == 12


@given(st.integers(min_value=1950, max_value=2099))
def test_easter_is_the_finnish_calendars_easter_sunday(year):
    """The stdlib computus (no python-dateutil) gives the date the holidays package's
    Finnish calendar names Easter Sunday; its Saturday uses no day of annual holiday."""
    import holidays

    sunday = rules.easter(year)
    assert sunday.weekday() == 6
    assert sunday in holidays.Finland(years=year)
    assert not rules.is_holiday_day(sunday - dt.timedelta(days=1))
    assert rules.is_holiday_day(sunday - dt.timedelta(days=3))  # Maundy Thursday


def test_sick_leave_is_equated_up_to_75_working_days_a_credit_year():
    long = Absence("sick", dt.date(2025, 4, 1), dt.date(2025, 9, 30))
    effects = rules.month_effects([long], *YEAR)
    assert sum(e.equated for e in effects.values()) == 75
    assert sum(e.absent for e in effects.values()) == rules.working_days(long.start, long.end)
    # April and May 2025 fully equated, the budget runs out in July
    assert effects[(2025, 4)].equated == effects[(2025, 4)].absent
    assert effects[(2025, 8)].equated == 0


def test_layoff_is_equated_30_working_days_at_a_time():
    first = Absence("layoff", dt.date(2025, 5, 5), dt.date(2025, 6, 30))
    second = Absence("layoff", dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    effects = rules.month_effects([first, second], *YEAR)
    assert sum(e.equated for k, e in effects.items() if k <= (2025, 6)) == 30
    assert effects[(2025, 10)].equated == effects[(2025, 10)].absent  # 23 < 30, all of it


def test_unpaid_leave_is_not_equated_but_a_paid_other_absence_is():
    unpaid = Absence("unpaid", dt.date(2025, 11, 3), dt.date(2025, 11, 28))
    paid = Absence("other", dt.date(2025, 12, 1), dt.date(2025, 12, 5), paid=True)
    effects = rules.month_effects([unpaid, paid], *YEAR)
    assert effects[(2025, 11)] == rules.MonthEffect(absent=20, equated=0)
    assert effects[(2025, 12)] == rules.MonthEffect(absent=5, equated=5)


def test_annual_holiday_is_equated_not_worked():
    """7 § 1 mom.: holiday pay is due by law, so the holiday's working days count for
    earning; equated, they are not days worked in the 11 § 2 mom. divisor. 7.-19.7.2025:
    10 working days (Monday to Friday)."""
    holiday = Absence(rules.HOLIDAY, dt.date(2025, 7, 7), dt.date(2025, 7, 19), paid=True)
    assert rules.month_effects([holiday], *YEAR)[(2025, 7)] == rules.MonthEffect(10, 10)


def test_family_leave_is_equated_up_to_160_leave_days():
    leave = Absence("family", dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    effects = rules.month_effects([leave], *YEAR)
    equated = sum(e.equated for e in effects.values())
    assert 0 < equated < sum(e.absent for e in effects.values())
    # 160 weekdays (Monday to Saturday) from 1.4.2025 end in late October
    assert effects[(2025, 9)].equated == effects[(2025, 9)].absent
    assert effects[(2025, 12)].equated == 0


@given(st.integers(0, 300), st.integers(0, 200))
def test_equated_never_exceeds_absent(offset, length):
    start = YEAR[0] + dt.timedelta(days=offset)
    absences = [Absence(kind, start, start + dt.timedelta(days=length)) for kind in ("sick",)]
    for effect in rules.month_effects(absences, *YEAR).values():
        assert 0 <= effect.equated <= effect.absent


def test_sick_pay_day_of_falling_ill_and_nine_weekdays():
    # Falls ill on Monday 2.3.2026: paid until the ninth weekday (Saturdays count) after it,
    # Thursday 12.3.
    sick = Absence("sick", dt.date(2026, 3, 2), dt.date(2026, 3, 20))
    pay = rules.sick_pay(sick, dt.date(2020, 1, 1))
    assert pay.share_percent == 100
    assert pay.waiting_end == dt.date(2026, 3, 12)
    assert pay.paid_days[-1] == dt.date(2026, 3, 12) and len(pay.paid_days) == 9
    assert pay.unpaid_days[0] == dt.date(2026, 3, 13)
    assert pay.reimbursed_weekdays == ()  # the employer's period ends with the waiting period
    longer = rules.sick_pay(sick, dt.date(2020, 1, 1), agreement_weekdays=27)
    assert longer.unpaid_days == () and len(longer.reimbursed_weekdays) == 7  # 13.-20.3.


def test_sick_pay_half_in_the_first_month_of_employment():
    sick = Absence("sick", dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    assert rules.sick_pay(sick, dt.date(2026, 2, 15)).share_percent == 50
    assert rules.sick_pay(sick, dt.date(2026, 2, 2)).share_percent == 100


def test_kela_allowance_by_the_formula():
    # 36 000 € a year: less 9.58 % = 32 551.20; 0.7 x 31 595 / 300 + 0.2 x 956.20 / 300
    income, allowance = rules.daily_allowance(D("36000"), dt.date(2026, 5, 4))
    assert income == D("32551.20") and allowance == D("74.36")
    assert rules.daily_allowance(D("1000"), dt.date(2026, 5, 4))[1] == 0
    paid = rules.reimbursement(D("36000"), dt.date(2026, 5, 4), 10, D("600.00"))
    assert paid.amount == D("600.00")  # at most the wages paid
    assert rules.reimbursement(D("36000"), dt.date(2026, 5, 4), 5, D("900")).amount == D("371.80")


def test_income_months_are_the_twelve_before_the_month_preceding():
    assert rules.income_months(dt.date(2026, 5, 20)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert rules.income_months(dt.date(2026, 2, 1)) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_a_layoff_continuing_the_previous_one_goes_on_counting_its_30_days():
    """7 § 2 mom. 7 kohta counts 30 working days "kerrallaan": per lay-off occasion, not per
    record. A lay-off that starts the next working day (over a weekend) continues the count."""
    first = Absence("layoff", dt.date(2025, 9, 1), dt.date(2025, 9, 26))  # Mon-Fri, 20 days
    second = Absence("layoff", dt.date(2025, 9, 29), dt.date(2025, 10, 31))  # the next Monday
    effects = rules.month_effects([first, second], *YEAR)
    assert effects[(2025, 9)] == rules.MonthEffect(absent=22, equated=22)
    assert effects[(2025, 10)] == rules.MonthEffect(absent=23, equated=8)  # 30 - 22


def test_annual_holiday_between_two_layoffs_does_not_restart_the_count():
    """Työneuvosto 25.10.2021: the count is not started again after a holiday between two
    lay-offs; a return to work between them does start it again."""
    before = Absence("layoff", dt.date(2025, 5, 5), dt.date(2025, 5, 30))  # 19 working days
    holiday = Absence(rules.HOLIDAY, dt.date(2025, 6, 2), dt.date(2025, 6, 14), paid=True)
    after = Absence("layoff", dt.date(2025, 6, 16), dt.date(2025, 7, 31))  # 33 working days
    assert len(rules.schedule_days(after.start, after.end)) == 33
    with_holiday = rules.layoff_days_equated([before, holiday, after])
    assert len(with_holiday[before]) == 19
    assert len(with_holiday[after]) == 11  # 30 - 19: the same occasion
    back_at_work = rules.layoff_days_equated([before, after])  # 2.-13.6. worked
    assert len(back_at_work[after]) == 30  # a new occasion


@given(
    starts=st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=5),
    lengths=st.lists(st.integers(min_value=0, max_value=60), min_size=5, max_size=5),
)
def test_no_layoff_occasion_counts_more_than_30_working_days(starts, lengths):
    base = dt.date(2025, 4, 1)
    layoffs = [
        Absence("layoff", base + dt.timedelta(days=s), base + dt.timedelta(days=s + n))
        for s, n in zip(sorted(set(starts)), lengths, strict=False)
    ]
    equated = rules.layoff_days_equated(layoffs)
    for layoff in layoffs:
        assert equated[layoff] <= set(rules.schedule_days(layoff.start, layoff.end))
    assert len(set().union(*equated.values())) <= 30 * len(layoffs)
    if layoffs:  # one unbroken run of lay-offs is one occasion: 30 at most
        last = max(layoffs, key=lambda a: a.end)
        first = min(layoffs, key=lambda a: a.start)
        covered = set().union(*(rules.days(a.start, a.end) for a in layoffs))
        if covered >= set(rules.schedule_days(first.start, last.end)):
            assert len(set().union(*equated.values())) <= 30
