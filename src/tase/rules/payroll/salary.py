"""The salary line of a pay run: which wage type pays a pay basis's salary, and how many weeks
a pay period pays a weekly salary for. Pure Python, no Django.

- A **monthly salary** (kuukausipalkka) is paid once per pay run: the salary in force on the
  payment date (a part month is entered by hand).
- A **weekly salary** (viikkopalkka) is paid per full week: the weekly salary times the
  number of weeks the pay period covers, as quantity (the weeks) times unit price (the weekly
  salary), so the payslip reads "Viikkopalkka 2 x 600,00". The amount is the product rounded
  to the cent (half up, by the engine's :func:`tase.rules.payroll.model.cents`); with a
  weekly salary given in cents it is exact.

Counting the weeks (:func:`weeks_in_period`): a week runs Monday to Sunday and is paid in the
pay period that holds its Sunday, its last day. So

- a pay period of whole weeks (14 or 28 days) pays exactly its weeks, whatever weekday it
  starts on (7 consecutive days hold one Sunday);
- a calendar-month pay period pays four or five weeks (the month's Sundays: March 2026 five,
  February 2026 four), and consecutive pay periods that tile the calendar pay every week
  exactly once: none twice, none lost, 52 or 53 a year;
- a pay period shorter than a week that holds no Sunday pays none.

This is the common practice for weekly pay in Finland: the salary is earned per full week
and paid for the weeks of the pay period. The Employment Contracts Act sets only how often it
is paid: a time rate based on a week or longer is paid at least once a month, a shorter one
at least twice a month (työsopimuslaki 55/2001 2 luku 13 § "Palkanmaksukausi": "Jos
aikapalkan perusteena on viikkoa lyhyempi aika, palkka on maksettava vähintään kaksi kertaa
kuukaudessa ja muussa tapauksessa kerran kuukaudessa", https://finlex.fi/fi/laki/ajantasa/2001/20010055,
read in the wording quoted by wageindicator.fi and tyosuojelu.fi "Palkanmaksu", 8.12.2026),
so a weekly salary is paid in two-week, four-week or calendar-month pay periods; the weeks
rule above serves all three. The Act does not say how weeks are counted: the Sunday rule is
Tase's, chosen so that no week is paid twice or lost.
A part week at the start or end of an employment, like a part month, is entered by hand: a
salary line entered for the employee replaces the generated one.
"""

from __future__ import annotations

import datetime as dt

MONTHLY_SALARY = "monthly_salary"
WEEKLY_SALARY = "weekly_salary"

# The wage type that pays the salary of each salaried pay basis (the employment's
# ``pay_basis``: the bases whose salary is kept during the holiday, vuosilomalaki 162/2005
# 10 § 1 mom.).
SALARY_WAGE_TYPES: dict[str, str] = {"monthly": MONTHLY_SALARY, "weekly": WEEKLY_SALARY}

SUNDAY = 6  # date.weekday()

# The key of a monthly or weekly salary line on a payslip that keeps the salary (euros, a
# decimal string: the month's or the week's) the line was priced at: the unit price of weeks x
# the weekly salary, else the salary in force when the run was calculated (a correction keeps
# the original's). Retro pay scales the line by the new salary over it
# (tase.payroll.services.retro_pay), so a line lowered for a holiday or entered for a part
# month or week gets its own share of the raise.
SALARY_USED = "salary_used"


def salary_wage_type(basis: str) -> str | None:
    """The wage type of the salary of the pay basis ``basis`` (``monthly_salary``,
    ``weekly_salary``), or None for a basis paid by the hour or by performance."""
    return SALARY_WAGE_TYPES.get(basis)


def is_salary(code: str) -> bool:
    """The wage type ``code`` pays a monthly or weekly salary."""
    return code in SALARY_WAGE_TYPES.values()


def weeks_in_period(start: dt.date, end: dt.date) -> int:
    """The weeks of a weekly salary the pay period ``start`` - ``end`` (both included) pays:
    the Sundays in it (see the module docstring); 0 for an empty period."""
    if end < start:
        return 0
    first_sunday = start + dt.timedelta(days=(SUNDAY - start.weekday()) % 7)
    if first_sunday > end:
        return 0
    return (end - first_sunday).days // 7 + 1


def period_salary_cents(basis: str, salary_cents: int, start: dt.date, end: dt.date) -> int:
    """The salary (cents) a pay run of the pay period ``start`` - ``end`` pays on the pay
    basis ``basis`` with ``salary_cents`` in force: the monthly salary; the weekly salary
    times :func:`weeks_in_period` (exact in cents); 0 for a basis without a salary."""
    if basis == "monthly":
        return salary_cents
    if basis == "weekly":
        return salary_cents * weeks_in_period(start, end)
    return 0
