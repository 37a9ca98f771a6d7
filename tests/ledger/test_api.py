import pytest

from tase.core.roles import Role
from tase.ledger.models import Voucher

from .conftest import sale  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF"


def body(**extra):
    return {
        "date": "2026-03-15",
        "series": "ML",
        "description": "API-myynti",
        "lines": [
            {"account": "1910", "debit": "1255.00"},
            {"account": "3000", "credit": "1255.00", "vat_code": "S"},
        ],
        **extra,
    }


def test_voucher_flow(world, books):
    client = world.client(Role.ACCOUNTANT)
    base = f"/api/v1/ledger/companies/{books.pk}"
    response = client.post(f"{base}/vouchers", body(), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == 1 and data["series"] == "ML"
    assert {"account": "29391", "credit": "255.00"}.items() <= data["entries"][2].items()
    voucher_id = data["id"]
    listing = client.get(f"{base}/vouchers?series=ML&limit=10").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == voucher_id
    reversal = client.post(
        f"{base}/vouchers/{voucher_id}/reverse",
        {"date": "2026-03-20"},
        content_type="application/json",
    )
    assert reversal.status_code == 201
    again = client.post(
        f"{base}/vouchers/{reversal.json()['id']}/reverse",
        {"date": "2026-03-21"},
        content_type="application/json",
    )
    assert again.status_code == 422 and again.json()["detail"][0]["loc"] == ["body", "voucher"]
    upload = client.post(f"{base}/vouchers/{voucher_id}/attachments", {"file": _file("a.pdf", PDF)})
    assert upload.status_code == 201
    bad = client.post(f"{base}/vouchers/{voucher_id}/attachments", {"file": _file("a.jpg", PDF)})
    assert bad.status_code == 422


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_unbalanced_is_422_naming_lines(world, books):
    client = world.client(Role.ACCOUNTANT)
    data = body()
    data["lines"][0]["debit"] = "1000"
    response = client.post(
        f"/api/v1/ledger/companies/{books.pk}/vouchers", data, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "lines"]
    assert not Voucher.objects.exists()


def test_draft_then_post(world, books):
    client = world.client(Role.ACCOUNTANT)
    base = f"/api/v1/ledger/companies/{books.pk}"
    draft = client.post(
        f"{base}/vouchers", body(draft=True), content_type="application/json"
    ).json()
    assert draft["state"] == "draft" and draft["number"] is None
    posted = client.post(f"{base}/vouchers/{draft['id']}/post").json()
    assert posted["state"] == "posted" and posted["number"] == 1


def test_accounts_years_reports(world, books):
    client = world.client(Role.VIEWER)
    base = f"/api/v1/ledger/companies/{books.pk}"
    accounts = client.get(f"{base}/accounts").json()
    assert any(a["number"] == "3000" for a in accounts)
    years = client.get(f"{base}/fiscal-years").json()
    assert years[0]["start"] == "2026-01-01"
    report = client.get(f"{base}/reports/trial-balance?from=2026-01-01&to=2026-12-31").json()
    assert report["columns"] == ["account", "name", "debit", "credit", "balance"]
    assert client.get(f"{base}/reports/nope").status_code == 404
    # Viewer may read but not post.
    assert (
        client.post(f"{base}/vouchers", body(), content_type="application/json").status_code == 403
    )
    manager = world.client(Role.ACCOUNTANT)
    created = manager.post(
        f"{base}/accounts",
        {"number": "3002", "name_fi": "Uusi", "type": "revenue"},
        content_type="application/json",
    )
    assert created.status_code == 201


def test_api_tenant_wall(world, books):
    client = world.client(Role.MAIN_USER, other=True)
    base = f"/api/v1/ledger/companies/{books.pk}"
    for url in [
        f"{base}/accounts",
        f"{base}/fiscal-years",
        f"{base}/vouchers",
        f"{base}/reports/journal",
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"{base}/vouchers", body(), content_type="application/json").status_code == 404
    )


def test_api_fiscal_year_change_of_period(world, books):
    client = world.client(Role.MAIN_USER)
    url = f"/api/v1/ledger/companies/{books.pk}/fiscal-years"
    short = {"start": "2027-01-01", "end": "2027-08-31"}
    refused = client.post(url, short, content_type="application/json")
    assert refused.status_code == 422 and "end" in str(refused.json())
    created = client.post(url, {**short, "change_of_period": True}, content_type="application/json")
    assert created.status_code == 201 and created.json()["end"] == "2027-08-31"


def test_account_patch_refuses_a_null_body(world, books):
    client = world.client(Role.MAIN_USER)
    url = f"/api/v1/ledger/companies/{books.pk}/accounts/1910"
    assert client.patch(url, "null", content_type="application/json").status_code == 422
    renamed = client.patch(url, {"name_fi": "Pankki"}, content_type="application/json")
    assert renamed.status_code == 200 and renamed.json()["name_fi"] == "Pankki"
