"""Holiday earned by a monthly-paid employee whose incapacity for work goes on over 31
March, recorded as two sick leaves (vuosilomalaki 162/2005 7 § 2 mom. 2 kohta: at most 75
working days per illness when the incapacity continues after the credit year's end; 6 §:
a full month has at least 14 days at work or equated). Counted by hand; the calendar as in
tests/rules/test_sick_leave_over_year_end.py."""

import datetime as dt

from tase.payroll import services
from tase.payroll.models import Employee
from tase.payroll.services.holidays import earning, load

from .factories import employee

YEAR_END = dt.date(2027, 3, 31)


def test_sick_leave_over_31_march_earns_by_the_75_days_of_the_illness(world, clerk):
    """Employed since 1.1.2024 (over a year by 31.3.: 2.5 days a full month). Sick
    2.2.-31.3.2026 and, continued, 1.4.-29.5.2026: one incapacity. The credit year to
    31.3.2026 equates its 42 working days; the year to 31.3.2027 only 75 - 42 = 33: April's
    20 (a full month) and 13 of May's 19, so May has 13 days at work or equated, under 14: not
    a full month. Eleven full months: 11 x 2.5 = 27.5, rounded up to 28 days (before: the
    second sick leave started a new 75, May was full and the year earned 30)."""
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2024, 1, 1))
    for start, end in (
        (dt.date(2026, 2, 2), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 5, 29)),
    ):
        services.record_absence(clerk, worker, kind="sick", start_date=start, end_date=end)
    book = load(world.company, YEAR_END, Employee.objects.filter(pk=worker.pk))
    assert earning(book, book.employees[0], dt.date(2026, 3, 31), days_only=True).days == 30
    later = earning(book, book.employees[0], YEAR_END)
    [data] = [data for data, result in book.results.items() if result is later.result]
    months = {(m.year, m.month): (m.days_worked, m.equated_days) for m in data.months}
    assert (months[(2026, 4)], months[(2026, 5)]) == ((20, 20), (13, 13))
    assert (later.result.full_months, later.days) == (11, 28)
    [balance] = services.balances(world.company, YEAR_END, on=YEAR_END)
    assert balance.earned == 28
