"""The payroll pages' write actions beside the API operations that do the same, so that a
page action without an API operation shows (issue 11: "everything the pages do, the API
does")."""

import pytest
from django.urls import get_resolver

from tase.api import api

# Every payroll page that writes (URL name, action) → the API operation doing the same.
PAGE_WRITES = {
    ("employee_create", ""): ("post", "/api/v1/payroll/companies/{company_id}/employees"),
    ("employee_edit", ""): ("patch", "/api/v1/payroll/employees/{employee_id}"),
    ("employment_add", ""): ("post", "/api/v1/payroll/employees/{employee_id}/employments"),
    ("salary_change", ""): ("post", "/api/v1/payroll/employments/{employment_id}/salary-changes"),
    ("employment_report_data", ""): ("patch", "/api/v1/payroll/employments/{employment_id}"),
    ("employment_contract", ""): ("patch", "/api/v1/payroll/employments/{employment_id}"),
    ("tax_card_add", ""): ("post", "/api/v1/payroll/employees/{employee_id}/tax-cards"),
    ("settings", ""): ("patch", "/api/v1/payroll/companies/{company_id}/settings"),
    ("wage_types", ""): ("patch", "/api/v1/payroll/companies/{company_id}/wage-types/{code}"),
    ("run_create", ""): ("post", "/api/v1/payroll/companies/{company_id}/pay-runs"),
    ("run_detail", "add item"): ("post", "/api/v1/payroll/pay-runs/{run_id}/items"),
    ("item_delete", ""): ("delete", "/api/v1/payroll/pay-items/{item_id}"),
    ("run_grid", ""): ("put", "/api/v1/payroll/pay-runs/{run_id}/grid"),
    ("run_import", ""): ("post", "/api/v1/payroll/pay-runs/{run_id}/items/csv"),
    ("run_action", "calculate"): ("post", "/api/v1/payroll/pay-runs/{run_id}/calculate"),
    ("run_action", "approve"): ("post", "/api/v1/payroll/pay-runs/{run_id}/approve"),
    ("run_action", "paid"): ("post", "/api/v1/payroll/pay-runs/{run_id}/paid"),
    ("run_action", "cancel"): ("post", "/api/v1/payroll/pay-runs/{run_id}/cancel"),
    ("run_action", "delete"): ("delete", "/api/v1/payroll/pay-runs/{run_id}"),
    ("tax_card_import", ""): ("post", "/api/v1/payroll/companies/{company_id}/tax-cards/csv"),
    ("incomes_register_sent", ""): (
        "post",
        "/api/v1/payroll/companies/{company_id}/incomes-register/reports/{report_id}/sent",
    ),
    ("run_correct", ""): ("post", "/api/v1/payroll/pay-runs/{run_id}/corrections"),
    ("retro_pay_add", ""): ("post", "/api/v1/payroll/employments/{employment_id}/retro-pay"),
    ("personal_data_erase", ""): (
        "post",
        "/api/v1/payroll/employees/{employee_id}/personal-data/erase",
    ),
    ("incomes_register_separate", ""): (
        "get",
        "/api/v1/payroll/companies/{company_id}/incomes-register/separate-reports/{month}",
    ),
    # Absences, holidays and the holiday-pay liability (issue 16)
    ("employee_absences", ""): ("post", "/api/v1/payroll/employees/{employee_id}/absences"),
    ("absence_delete", ""): ("delete", "/api/v1/payroll/absences/{absence_id}"),
    ("absence_change", ""): ("patch", "/api/v1/payroll/absences/{absence_id}"),
    ("absence_change_with_correction", ""): (
        "post",
        "/api/v1/payroll/absences/{absence_id}/change-with-correction",
    ),
    ("absence_remove_with_correction", ""): (
        "post",
        "/api/v1/payroll/absences/{absence_id}/remove-with-correction",
    ),
    ("holiday_policy", ""): ("put", "/api/v1/payroll/companies/{company_id}/holiday-policy"),
    ("run_action", "absence-lines"): ("post", "/api/v1/payroll/pay-runs/{run_id}/absence-lines"),
    ("run_action", "holiday-lines"): ("post", "/api/v1/payroll/pay-runs/{run_id}/holiday-lines"),
    ("employee_holidays", ""): ("post", "/api/v1/payroll/employees/{employee_id}/holidays"),
    ("saved_leave", ""): ("post", "/api/v1/payroll/employees/{employee_id}/saved-leave"),
    ("holiday_action", "taken"): ("post", "/api/v1/payroll/holidays/{record_id}/taken"),
    ("holiday_action", "delete"): ("delete", "/api/v1/payroll/holidays/{record_id}"),
    # A holiday postponed for incapacity for work (vuosilomalaki 25 §)
    ("holiday_postpone", ""): ("post", "/api/v1/payroll/holidays/{record_id}/postponements"),
    ("postponement_delete", ""): (
        "delete",
        "/api/v1/payroll/holiday-postponements/{postponement_id}",
    ),
    ("holiday_liability", ""): (
        "post",
        "/api/v1/payroll/companies/{company_id}/holiday-liability/post",
    ),
}

# Page writes without an API operation yet: the gap, listed so that it shows. Closing one
# makes the test fail until it is removed here.
KNOWN_GAPS: set[tuple[str, str]] = set()

# Page views that only read (GET), so need no write operation.
READ_ONLY = {
    "index", "calculator", "my_payslips", "employees", "runs", "summary", "summary_csv",
    "employee_detail", "employee_identity_code", "run_progress", "run_sepa", "payslip",
    "payslip_pdf", "holiday_calculator", "incomes_register", "incomes_register_download",
    "personal_data", "personal_data_json", "personal_data_pdf",
    "absences", "absence_kela", "holidays", "my_holidays",
}  # fmt: skip


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_payroll_page_is_listed_as_read_only_or_write():
    names = {p.name for p in get_resolver("tase.payroll.urls").url_patterns}
    listed = {name for name, _action in PAGE_WRITES} | READ_ONLY
    assert names - listed == set(), "a new payroll page: list its write action above"


@pytest.mark.parametrize("page", sorted(PAGE_WRITES), ids=lambda p: "-".join(filter(None, p)))
def test_page_write_has_an_api_operation(page):
    present = PAGE_WRITES[page] in _api_operations()
    assert present != (page in KNOWN_GAPS), (
        f"{page}: {'listed as a gap but the API has it' if present else 'no API operation'} "
        f"{PAGE_WRITES[page]}"
    )
