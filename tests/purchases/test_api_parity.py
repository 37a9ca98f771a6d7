"""Every write of the purchase pages beside the API operation that does the same ("the API can
do what the pages do")."""

import pytest

from tase.api import api

P = "/api/v1/purchases"
PAGE_WRITES = {
    "purchases:invoice_list (Finvoice import)": ("post", f"{P}/companies/{{company_id}}/invoices/import"),
    "purchases:invoice_create": ("post", f"{P}/companies/{{company_id}}/invoices"),
    "purchases:invoice_detail (approve)": ("post", f"{P}/invoices/{{invoice_id}}/approve"),
    "purchases:invoice_detail (reject)": ("post", f"{P}/invoices/{{invoice_id}}/reject"),
    "purchases:invoice_detail (forward)": ("post", f"{P}/invoices/{{invoice_id}}/forward"),
    "purchases:invoice_detail (line)": ("patch", f"{P}/invoices/{{invoice_id}}/lines/{{position}}"),
    "purchases:invoice_detail (paid)": ("post", f"{P}/invoices/{{invoice_id}}/payments"),
    "purchases:invoice_detail (attach)": ("post", f"{P}/invoices/{{invoice_id}}/attachments"),
    "purchases:invoice_cost_centre": ("patch", f"{P}/invoices/{{invoice_id}}"),
    "purchases:suppliers": ("post", f"{P}/companies/{{company_id}}/suppliers"),
    "purchases:supplier_detail": ("patch", f"{P}/suppliers/{{supplier_id}}"),
    "purchases:circulation (add)": ("post", f"{P}/companies/{{company_id}}/approvers"),
    "purchases:circulation (remove)": ("delete", f"{P}/approvers/{{approver_id}}"),
    "purchases:circulation (settings)": ("patch", f"{P}/companies/{{company_id}}/settings"),
    "purchases:payment_file_version": (
        "put",
        f"{P}/companies/{{company_id}}/bank-accounts/{{bank_account_id}}/payment-file-version",
    ),
    "purchases:proposals": ("post", f"{P}/companies/{{company_id}}/payment-proposals"),
    "purchases:proposal_detail (accept)": ("post", f"{P}/payment-proposals/{{proposal_id}}/accept"),
    "purchases:proposal_detail (remove)": (
        "delete",
        f"{P}/payment-proposals/{{proposal_id}}/invoices/{{invoice_id}}",
    ),
    "purchases:proposal_add": ("post", f"{P}/payment-proposals/{{proposal_id}}/invoices"),
    "purchases:proposal_file": (
        "get",
        f"{P}/companies/{{company_id}}/payment-proposals/{{proposal_id}}/pain001",
    ),
}  # fmt: skip


def _operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method, path) for path, ops in schema["paths"].items() for method in ops}


@pytest.mark.parametrize("page", sorted(PAGE_WRITES))
def test_page_write_has_an_api_operation(page):
    assert PAGE_WRITES[page] in _operations(), f"{page}: no API operation {PAGE_WRITES[page]}"
