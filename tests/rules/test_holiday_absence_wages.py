"""The working days whose pay the percentage-based holiday pay adds (vuosilomalaki 162/2005
12 § 2 mom.; tase.rules.absences.lost_pay_days): equated to work within the limits of 7 §,
and not paid by the employer."""

import datetime as dt

from tase.rules.absences import Absence, lost_pay_days, month_effects

START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)


def test_sick_leave_counts_after_the_paid_period_and_within_75_working_days():
    # Sick 1.9.2025 (Mon) - 31.1.2026. Paid: 1.9. and nine weekdays (Mon-Sat) after it, to
    # 11.9.; working days 1.-11.9. are 9 (Mon 1 - Thu 11). The credit year equates 75
    # working days from 1.9.: the 75th working day is the last equated one; of them 9 were
    # paid, so 75 - 9 = 66 are lost.
    sick = Absence("sick", dt.date(2025, 9, 1), dt.date(2026, 1, 31))
    lost = lost_pay_days([sick], START, END, dt.date(2020, 1, 1))
    assert len(lost) == 66 and lost[0] == dt.date(2025, 9, 12)
    effects = month_effects([sick], START, END)
    assert sum(effect.equated for effect in effects.values()) == 75


def test_paid_absences_lose_nothing_and_unpaid_leave_is_not_equated():
    # Family leave paid by the employer, another paid absence (7 § 1 mom.) and unpaid leave:
    # none adds pay; the same family leave unpaid adds its 5 working days (6.-10.10.2025).
    family = dict(kind="family", start=dt.date(2025, 10, 6), end=dt.date(2025, 10, 10))
    paid = [
        Absence(**family, paid=True),
        Absence("other", dt.date(2025, 11, 3), dt.date(2025, 11, 7), paid=True),
        Absence("unpaid", dt.date(2025, 12, 1), dt.date(2025, 12, 5)),
    ]
    assert lost_pay_days(paid, START, END, dt.date(2020, 1, 1)) == []
    unpaid = lost_pay_days([Absence(**family)], START, END, dt.date(2020, 1, 1))
    assert unpaid == [dt.date(2025, 10, day) for day in range(6, 11)]


def test_a_lay_off_counts_30_working_days_at_a_time():
    # 2.2.-27.3.2026: 40 working days, the first 30 (to 13.3.) equated
    layoff = Absence("layoff", dt.date(2026, 2, 2), dt.date(2026, 3, 27))
    lost = lost_pay_days([layoff], START, END, dt.date(2020, 1, 1))
    assert (len(lost), lost[-1]) == (30, dt.date(2026, 3, 13))
