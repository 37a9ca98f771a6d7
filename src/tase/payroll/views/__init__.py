"""Payroll pages, one module per use case: the calculators, employees, settings and wage
types, pay runs, payslips and the employer's summary. The URL conf takes the views from here."""

from .calculators import calculator, holiday_calculator, index
from .common import actor_of, engine_errors_to, language
from .employees import (
    employee_create,
    employee_detail,
    employee_edit,
    employee_identity_code,
    employees,
    employment_add,
    employment_contract,
    employment_report_data,
    salary_change,
    tax_card_add,
    tax_card_import,
)
from .payslips import my_payslips, payslip_context, payslip_detail, payslip_pdf_view
from .runs import (
    item_delete,
    run_action,
    run_create,
    run_detail,
    run_grid,
    run_import,
    run_progress,
    run_sepa,
    runs,
)
from .setup import settings_edit, wage_types
from .summary import summary, summary_csv

# Employees: a larger run is calculated as a background task. Read from here at each request
# (runs.py), so that one setting serves the package.
BACKGROUND_FROM = 300

__all__ = [
    "BACKGROUND_FROM",
    "actor_of",
    "calculator",
    "employee_create",
    "employee_detail",
    "employee_edit",
    "employee_identity_code",
    "employees",
    "employment_add",
    "employment_contract",
    "employment_report_data",
    "engine_errors_to",
    "holiday_calculator",
    "index",
    "item_delete",
    "language",
    "my_payslips",
    "payslip_context",
    "payslip_detail",
    "payslip_pdf_view",
    "run_action",
    "run_create",
    "run_detail",
    "run_grid",
    "run_import",
    "run_progress",
    "run_sepa",
    "runs",
    "salary_change",
    "settings_edit",
    "summary",
    "summary_csv",
    "tax_card_add",
    "tax_card_import",
    "wage_types",
]
