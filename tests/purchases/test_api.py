"""The purchases API: Finvoice import per file, approval, payment proposal and pain.001,
suppliers, circulation and settings; the tenant wall; no N+1 on the lists."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tase.core.roles import Role
from tase.formats import sepa_payments
from tase.purchases.models import PurchaseInvoice

from .conftest import PDF, finvoice

pytestmark = pytest.mark.django_db


def _upload(client, company, *files):
    return client.post(
        f"/api/v1/purchases/companies/{company.pk}/invoices/import",
        {"files": [io.BytesIO(data) for data in files]},
    )


def _named(name, data):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_import_approve_propose_accept_and_download(world, books):
    client = world.client(Role.ACCOUNTANT)
    response = client.post(
        f"/api/v1/purchases/companies/{books.pk}/invoices/import",
        {"files": [_named("a.xml", finvoice("A-1")), _named("bad.xml", b"not xml")]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["imported"], body["failed"]) == (1, 1)
    good, bad = body["files"]
    assert bad["file"] == "bad.xml" and bad["errors"][0].startswith("bad.xml: Not XML")
    invoice = good["invoices"][0]
    assert invoice["supplier"]["name"] == "Konsulttitoimisto Esimerkki Oy"
    assert (invoice["number"], invoice["invoice_date"], invoice["due_date"]) == (
        "A-1",
        "2026-03-17",
        "2026-03-31",
    )
    assert (invoice["reference"], invoice["iban"], invoice["total"]) == (
        "RF332348236",
        "FI4819503000000010",
        "1279.48",
    )
    assert invoice["vat"] == [
        {"rate": "13.5", "net": "40.00", "vat": "5.40"},
        {"rate": "25.5", "net": "983.33", "vat": "250.75"},
    ]
    assert len(invoice["lines"]) == 3 and invoice["status"] == "received"
    # a payment proposal of unapproved invoices is refused, naming the invoice
    refused = client.post(
        f"/api/v1/purchases/companies/{books.pk}/payment-proposals",
        {"due_until": "2026-12-31", "invoice_ids": [invoice["id"]]},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "A-1" in refused.json()["detail"][0]["msg"]
    approved = client.post(
        f"/api/v1/purchases/invoices/{invoice['id']}/approve", {}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["voucher_id"]
    proposal = client.post(
        f"/api/v1/purchases/companies/{books.pk}/payment-proposals",
        {"due_until": "2026-12-31"},
        content_type="application/json",
    )
    assert proposal.status_code == 201, proposal.content
    proposal = proposal.json()
    assert proposal["total"] == "1279.48" and len(proposal["payments"]) == 1
    url = f"/api/v1/purchases/companies/{books.pk}/payment-proposals/{proposal['id']}/pain001"
    assert client.get(url).status_code == 422  # not accepted yet
    accepted = client.post(f"/api/v1/purchases/payment-proposals/{proposal['id']}/accept")
    assert accepted.json()["status"] == "accepted"
    document = client.get(url)
    assert document.status_code == 200 and document["Content-Type"] == "application/xml"
    sepa_payments.validate(document.content)
    # the other customer sees none of it
    other = world.client(Role.ACCOUNTANT, other=True)
    assert other.get(f"/api/v1/purchases/invoices/{invoice['id']}").status_code == 404
    crossed = other.post(
        f"/api/v1/purchases/invoices/{invoice['id']}/approve", {}, content_type="application/json"
    )
    assert crossed.status_code == 404
    assert other.get(url).status_code == 404
    assert other.get(f"/api/v1/purchases/payment-proposals/{proposal['id']}").status_code == 404
    assert _upload(other, books, finvoice("X")).status_code == 404
    assert PurchaseInvoice.objects.count() == 1
    # a viewer may read but not approve
    viewer = world.client(Role.VIEWER)
    assert viewer.get(f"/api/v1/purchases/invoices/{invoice['id']}").status_code == 200
    assert _upload(viewer, books, finvoice("V")).status_code == 403


def test_manual_invoice_attachment_line_reject_forward_and_payment(world, books):
    client = world.client(Role.ACCOUNTANT)
    base = f"/api/v1/purchases/companies/{books.pk}"
    supplier = client.post(
        f"{base}/suppliers",
        {"name": "Elisa Oyj", "business_id": "0116510-6", "iban": "FI5810171000000122",
         "bic": "NDEAFIHH", "expense_account": "7300", "vat_code": "P"},
        content_type="application/json",
    )  # fmt: skip
    assert supplier.status_code == 201, supplier.content
    supplier_id = supplier.json()["id"]
    bad = client.post(
        f"{base}/suppliers", {"name": "X", "iban": "FI5810171000000123"},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "iban"
    patched = client.patch(
        f"/api/v1/purchases/suppliers/{supplier_id}",
        {"payment_term_days": 21},
        content_type="application/json",
    )
    assert patched.json()["payment_term_days"] == 21
    created = client.post(
        f"{base}/invoices",
        {"supplier_id": supplier_id, "number": "8001", "invoice_date": "2026-03-27",
         "total": "62.75", "reference": "RF471234567890"},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    invoice = created.json()
    assert invoice["due_date"] == "2026-04-17" and invoice["lines"][0]["account"] == "7300"
    attached = client.post(
        f"/api/v1/purchases/invoices/{invoice['id']}/attachments",
        {"file": _named("lasku.pdf", PDF)},
    )
    assert attached.status_code == 201 and attached.json()["content_type"] == "application/pdf"
    line = client.patch(
        f"/api/v1/purchases/invoices/{invoice['id']}/lines/1",
        {"account": "7400"},
        content_type="application/json",
    )
    assert line.json()["lines"][0]["account"] == "7400"
    main = world.users[Role.MAIN_USER]
    forwarded = client.post(
        f"/api/v1/purchases/invoices/{invoice['id']}/forward",
        {"user_id": main.pk, "comment": "Katso"},
        content_type="application/json",
    )
    assert forwarded.status_code == 200
    approver = client.post(
        f"{base}/approvers", {"user_id": main.pk, "kind": "approver", "limit": "50"},
        content_type="application/json",
    )  # fmt: skip
    assert approver.status_code == 201 and approver.json()["limit"] == "50.00"
    assert [a["id"] for a in client.get(f"{base}/approvers").json()] == [approver.json()["id"]]
    limited = world.client(Role.MAIN_USER).post(
        f"/api/v1/purchases/invoices/{invoice['id']}/approve", {}, content_type="application/json"
    )
    assert limited.status_code == 422 and "62,75" in limited.json()["detail"][0]["msg"]
    removed = client.delete(f"/api/v1/purchases/approvers/{approver.json()['id']}")
    assert removed.status_code == 204
    approved = client.post(
        f"/api/v1/purchases/invoices/{invoice['id']}/approve",
        {"posting_date": "2026-03-31"},
        content_type="application/json",
    )
    assert approved.json()["posting_date"] == "2026-03-31"
    paid = client.post(
        f"/api/v1/purchases/invoices/{invoice['id']}/payments",
        {"date": "2026-04-10", "amount": "62.75"},
        content_type="application/json",
    )
    assert paid.json()["status"] == "paid"
    rejected = client.post(
        f"/api/v1/purchases/invoices/{invoice['id']}/reject",
        {"comment": "x"},
        content_type="application/json",
    )
    assert rejected.status_code == 422
    settings = client.patch(
        f"{base}/settings", {"charset": "utf-8", "bank_service_id": "42"},
        content_type="application/json",
    )  # fmt: skip
    assert settings.json()["charset"] == "utf-8"
    assert client.get(f"{base}/settings").json()["bank_service_id"] == "42"


def test_lists_have_no_n_plus_one(world, books, django_assert_max_num_queries):
    client = world.client(Role.ACCOUNTANT)
    for n in range(4):
        _upload(client, books, finvoice(f"N-{n}"))
    base = f"/api/v1/purchases/companies/{books.pk}"
    with django_assert_max_num_queries(12):
        listing = client.get(f"{base}/invoices?limit=50")
    assert listing.json()["count"] == 4
    with django_assert_max_num_queries(12):
        assert client.get(f"{base}/suppliers").json()["count"] == 1


def test_command_prints_the_same_summary(books, tmp_path):
    good, bad = tmp_path / "a.xml", tmp_path / "b.xml"
    good.write_bytes(finvoice("C-1"))
    bad.write_bytes(finvoice("C-2", total="1,00"))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command(
            "purchases", "import", str(good), str(bad), company=books.pk, stdout=out, stderr=err
        )
    assert "a.xml\tKonsulttitoimisto Esimerkki Oy\tC-1\t1279.48\treceived" in out.getvalue()
    assert "1 imported, 1 file(s) with errors" in out.getvalue()
    assert "b.xml: InvoiceTotalVatIncludedAmount" in err.getvalue()
