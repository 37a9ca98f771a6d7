"""Every write of bookkeeping: charts, fiscal years, vouchers, locks, year-end.

Each function takes the acting user (an :class:`~tase.core.access.Actor`, or the
:class:`~tase.ledger.system.SystemActor` of the command line), checks the
permission, runs in one transaction and records an audit event. Bad input raises
``ValidationError`` keyed by the field at fault; problems of voucher lines are all
collected first and reported together under ``lines``, each naming its line number.

Amounts: ``Decimal`` euros at the edges, integer cents inside (debit +, credit -).
Euros become cents in :func:`to_cents`, which refuses fractions of a cent (no
rounding there); the only rounding is the VAT split, half up to the cent
(:mod:`tase.rules.vat`).

One module per use case (common helpers, accounts, periods, posting, attachments,
year_end, vat, bulk_posting, imports, opening_balances, copies, bank_accounts, fixed_assets,
accruals, income_tax, earlier_books, statement_book, balance_specification, tax_losses); callers import
from this package.
"""

from .accounts import apply_chart, create_account, delete_account, update_account
from .accruals import create_accrual, reverse_due_accruals
from .attachments import ATTACHMENT_TYPES, MAGIC, add_attachment, sniff
from .balance_specification import save_balance_specification
from .bank_accounts import create_bank_account, default_bank_account
from .bulk_posting import VOUCHER_COLUMNS, NewVoucher, post_vouchers
from .common import (
    STANDARD_SERIES,
    add_months,
    cents_to_decimal,
    check_date_open,
    ensure_standard_series,
    fiscal_year_on,
    fmt_date,
    guard,
    locked_until,
    series_for,
    to_cents,
)
from .copies import copy_configuration
from .depreciation_difference import book_depreciation_difference
from .earlier_books import import_books, import_books_upload
from .fixed_assets import (
    create_fixed_asset,
    depreciated_cents,
    dispose_fixed_asset,
    run_depreciation,
)
from .imports import IMPORT_BATCH, import_vouchers
from .income_tax import book_income_tax
from .opening_balances import import_opening_balances
from .periods import (
    create_fiscal_year,
    lock_period,
    set_cash_basis_vat,
    set_vat_period,
    unlock_period,
)
from .posting import (
    ENTRY_ARRAYS,
    ENTRY_COLUMNS,
    _imported_before,
    delete_draft,
    post_draft,
    post_voucher,
    reverse_voucher,
    save_draft,
)
from .statement_book import save_statement_book
from .tax_losses import delete_confirmed_loss, save_confirmed_loss
from .vat import settle_vat
from .year_end import close_fiscal_year, reopen_fiscal_year

__all__ = [
    "ATTACHMENT_TYPES",
    "ENTRY_ARRAYS",
    "ENTRY_COLUMNS",
    "IMPORT_BATCH",
    "MAGIC",
    "STANDARD_SERIES",
    "VOUCHER_COLUMNS",
    "NewVoucher",
    "_imported_before",
    "add_attachment",
    "add_months",
    "apply_chart",
    "book_depreciation_difference",
    "book_income_tax",
    "cents_to_decimal",
    "check_date_open",
    "close_fiscal_year",
    "copy_configuration",
    "create_account",
    "create_accrual",
    "create_bank_account",
    "create_fiscal_year",
    "create_fixed_asset",
    "default_bank_account",
    "delete_account",
    "delete_confirmed_loss",
    "delete_draft",
    "depreciated_cents",
    "dispose_fixed_asset",
    "ensure_standard_series",
    "fiscal_year_on",
    "fmt_date",
    "guard",
    "import_books",
    "import_books_upload",
    "import_opening_balances",
    "import_vouchers",
    "lock_period",
    "locked_until",
    "post_draft",
    "post_voucher",
    "post_vouchers",
    "reopen_fiscal_year",
    "reverse_due_accruals",
    "reverse_voucher",
    "run_depreciation",
    "save_balance_specification",
    "save_confirmed_loss",
    "save_draft",
    "save_statement_book",
    "series_for",
    "set_cash_basis_vat",
    "set_vat_period",
    "settle_vat",
    "sniff",
    "to_cents",
    "unlock_period",
    "update_account",
]
