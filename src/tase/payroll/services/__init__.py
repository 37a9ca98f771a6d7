"""Every payroll write: settings, wage types, employees, employments, tax cards, pay runs.

Each function takes the acting user's :class:`~tase.core.access.Actor`, checks the
permission, validates, writes inside one transaction and records an audit event.
Money arrives as :class:`~decimal.Decimal` euros and is stored as integer cents.

One module per use case (common helpers, setup, employees, pay_items, calculation,
pay_runs, incomes_register); callers import from this package. Module constants such as
``calculation.CHUNK`` are read where they are defined: change them there.
"""

from .calculation import (
    PROGRESS_FIELDS,
    calculate_in_background,
    calculate_pay_run,
    line_record,
    payslip_input,
    start_calculation,
)
from .common import (
    CENTURIES,
    birth_date_from_identity_code,
    check_rate,
    clean_iban,
    clean_identity_code,
    company_for,
    euros,
    require,
    to_cents,
)
from .corrections import check_correctable, create_correction_run
from .employees import (
    EMPLOYEE_FIELDS,
    add_employment,
    add_tax_card,
    change_salary,
    create_employee,
    employment_on,
    ensure_visible_employee,
    identity_code_for,
    income_paid_before,
    salary_on,
    tax_card_on,
    update_employee,
)
from .incomes_register import (
    DirectInterface,
    NotConfigured,
    download_report,
    employee_report_id,
    invalidate_run_reports,
    mark_sent,
    produce_earnings_reports,
    produce_separate_report,
    refresh_separate_report,
    run_delivery,
)
from .pay_items import CSV_COLUMNS, add_item, delete_item, import_items_csv, save_grid
from .pay_runs import (
    active_employees,
    approve_pay_run,
    cancel_pay_run,
    create_pay_run,
    delete_pay_run,
    mark_paid,
    salary_payment_file,
)
from .personal_data import (
    Plan,
    erase_employee_data,
    export_employee_data,
    plan_for,
    retention_plan,
)
from .plausibility import disproportionate_payslips, pay_run_warnings
from .retro_pay import RetroLine, add_retro_pay, next_draft_run, retro_differences
from .setup import (
    SETTINGS_FIELDS,
    copy_company_setup,
    engine_catalogue,
    ensure_setup,
    update_settings,
    update_wage_type,
)
from .tax_cards_bulk import (
    TAX_CARD_COLUMNS,
    VeroApiTaxCards,
    import_tax_cards,
    import_tax_cards_csv,
    import_tax_cards_file,
)

__all__ = [
    "CENTURIES",
    "CSV_COLUMNS",
    "EMPLOYEE_FIELDS",
    "PROGRESS_FIELDS",
    "SETTINGS_FIELDS",
    "TAX_CARD_COLUMNS",
    "DirectInterface",
    "NotConfigured",
    "Plan",
    "RetroLine",
    "VeroApiTaxCards",
    "active_employees",
    "add_employment",
    "add_item",
    "add_retro_pay",
    "add_tax_card",
    "approve_pay_run",
    "birth_date_from_identity_code",
    "calculate_in_background",
    "calculate_pay_run",
    "cancel_pay_run",
    "change_salary",
    "check_correctable",
    "check_rate",
    "clean_iban",
    "clean_identity_code",
    "company_for",
    "copy_company_setup",
    "create_correction_run",
    "create_employee",
    "create_pay_run",
    "delete_item",
    "delete_pay_run",
    "disproportionate_payslips",
    "download_report",
    "employee_report_id",
    "employment_on",
    "engine_catalogue",
    "ensure_setup",
    "ensure_visible_employee",
    "erase_employee_data",
    "euros",
    "export_employee_data",
    "identity_code_for",
    "import_items_csv",
    "import_tax_cards",
    "import_tax_cards_csv",
    "import_tax_cards_file",
    "income_paid_before",
    "invalidate_run_reports",
    "line_record",
    "mark_paid",
    "mark_sent",
    "next_draft_run",
    "pay_run_warnings",
    "payslip_input",
    "plan_for",
    "produce_earnings_reports",
    "produce_separate_report",
    "refresh_separate_report",
    "require",
    "retention_plan",
    "retro_differences",
    "run_delivery",
    "salary_on",
    "salary_payment_file",
    "save_grid",
    "start_calculation",
    "tax_card_on",
    "to_cents",
    "update_employee",
    "update_settings",
    "update_wage_type",
]
