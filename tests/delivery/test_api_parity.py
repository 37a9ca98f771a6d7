"""The delivery pages' writes added for issue 13 beside the API operations that do the same
("every page write has an API operation")."""

import pytest

from tase.api import api

PAGE_WRITES = {
    "delivery:project_hours (log hours)": ("post", "/api/v1/delivery/projects/{project_id}/time-entries"),
    "delivery:project_hours (change request of hours)": (
        "post",
        "/api/v1/delivery/projects/{project_id}/hours/change-request",
    ),
    "delivery:contract_hours": ("post", "/api/v1/delivery/contracts/{contract_id}/module-hours"),
    "delivery:spec_review": ("post", "/api/v1/delivery/spec-versions/{version_id}/reviews"),
    "delivery:training_questions": ("post", "/api/v1/delivery/trainings/{training_id}/questions"),
    "delivery:training_minutes": ("post", "/api/v1/delivery/trainings/{training_id}/minutes"),
    "delivery:proposal_create": ("post", "/api/v1/delivery/projects/{project_id}/proposals"),
    "delivery:proposal_convert": ("post", "/api/v1/delivery/proposals/{proposal_id}/convert"),
    "delivery:proposal_decline": ("post", "/api/v1/delivery/proposals/{proposal_id}/decline"),
    "delivery:status_report_draft": (
        "post",
        "/api/v1/delivery/projects/{project_id}/status-reports",
    ),
    "delivery:document (edit text)": ("post", "/api/v1/delivery/documents/{document_id}/text"),
}  # fmt: skip


def _operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method, path) for path, ops in schema["paths"].items() for method in ops}


@pytest.mark.parametrize("page", sorted(PAGE_WRITES))
def test_page_write_has_an_api_operation(page):
    assert PAGE_WRITES[page] in _operations(), f"{page}: no API operation {PAGE_WRITES[page]}"
