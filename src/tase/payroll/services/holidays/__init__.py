"""Recorded annual holidays: each employee's earning per credit year from their approved
payslips and absences (tase.rules.holidays and tase.rules.absences), balances, planning and
recording holidays (refused beyond the balance), saved leave, and the pay-run lines of the
holidays. The holiday-pay liability (services.liability) reads the same :class:`Ledger`.

One module per use case: ``ledger`` (the company's data, read once, or a chunk of its
employees at a time), ``earnings`` (days
earned and a holiday day's pay), ``balance_days`` (balances and the days not used),
``recording`` (holidays planned, taken and saved), ``free_time`` (the 16 § compensation
while the employment goes on), ``not_given`` (the 26 § compensation of days the continuing
incapacity kept from being given), ``postponement`` (a holiday postponed for incapacity, 25 §)
and ``run_lines`` (the pay-run lines).
"""

from .balance_days import (
    Balance,
    Unused,
    balance,
    balances,
    employee_balances,
    saved_left,
    unused,
    used_by,
)
from .earnings import Earning, earning
from .free_time import liability_owed, season_end_compensation
from .ledger import CHUNK, HOLIDAY_SOURCE, Ledger, chunks, credit_year_end, load, year_used_by
from .not_given import not_given
from .not_given import owed as not_given_owed
from .postponement import delete_postponement, postpone_holiday
from .recording import delete_holiday, mark_taken, record_holiday, save_leave
from .run_lines import earned_nothing_compensation, holiday_lines

__all__ = [
    "CHUNK",
    "HOLIDAY_SOURCE",
    "Balance",
    "Earning",
    "Ledger",
    "Unused",
    "balance",
    "balances",
    "chunks",
    "credit_year_end",
    "delete_holiday",
    "delete_postponement",
    "earned_nothing_compensation",
    "earning",
    "employee_balances",
    "holiday_lines",
    "liability_owed",
    "load",
    "mark_taken",
    "not_given",
    "not_given_owed",
    "postpone_holiday",
    "record_holiday",
    "save_leave",
    "saved_left",
    "season_end_compensation",
    "unused",
    "used_by",
    "year_used_by",
]
