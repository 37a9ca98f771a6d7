"""Bookkeeping pages: thin over services and selectors, one module per use case. The URL
conf and the other page modules take the views and the shared helpers from here."""

from .accounts import account_lookup, accounts, bank_accounts
from .common import (
    SHOWN_ERRORS,
    _actor,
    _base,
    _company,
    _date,
    _errors,
    _month_end,
    _period,
    _require_confirmation,
    _without_page,
    chosen_year,
    gate_day,
    posted,
)
from .home import home, index, start_panel
from .imports import import_progress, import_vouchers
from .reporting import report, vat_settle
from .vouchers import attachment, voucher_action, voucher_create, voucher_detail, voucher_list
from .years import fiscal_years

__all__ = [
    "SHOWN_ERRORS",
    "_actor",
    "_base",
    "_company",
    "_date",
    "_errors",
    "_month_end",
    "_period",
    "_require_confirmation",
    "_without_page",
    "account_lookup",
    "accounts",
    "attachment",
    "bank_accounts",
    "chosen_year",
    "fiscal_years",
    "gate_day",
    "home",
    "import_progress",
    "import_vouchers",
    "index",
    "posted",
    "report",
    "start_panel",
    "vat_settle",
    "voucher_action",
    "voucher_create",
    "voucher_detail",
    "voucher_list",
]
