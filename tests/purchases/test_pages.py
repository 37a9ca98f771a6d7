"""The purchases pages: import, approve, propose, accept and download through the pages;
suppliers, manual entry, circulation; Finnish on the pages; the tenant wall; query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tase.core.roles import Role
from tase.formats import sepa_payments
from tase.purchases.models import PaymentProposal, PurchaseInvoice, Supplier

from .conftest import PDF, finvoice

pytestmark = pytest.mark.django_db


def _files(*pairs):
    return [SimpleUploadedFile(name, data, content_type="text/xml") for name, data in pairs]


def test_import_approve_propose_and_pay_through_the_pages(world, books):
    client = world.client(Role.ACCOUNTANT)
    base = f"/purchases/{books.pk}"
    page = client.post(
        f"{base}/", {"files": _files(("a.xml", finvoice("A-1")), ("b.xml", b"<x/>"))}
    ).content.decode()
    assert "b.xml: " in page and "Konsulttitoimisto Esimerkki Oy A-1" in page
    invoice = PurchaseInvoice.objects.get()
    detail = f"{base}/invoices/{invoice.pk}/"
    page = client.get(detail).content.decode()
    assert "Hyväksy" in page and 'data-testid="attachment"' in page  # pages speak Finnish
    kept = invoice.attachments.get()
    assert client.get(f"{base}/attachments/{kept.pk}/").status_code == 200
    for forged in ("yksi", "99999999999999999999"):  # named as a missing line, not a 500
        answer = client.post(detail, {"action": "line", "position": forged, "account": "4450"})
        assert answer.status_code in (200, 302)
    client.post(detail, {"action": "line", "position": "1", "account": "4450", "vat_code": "P"})
    assert invoice.lines.get(position=1).account == "4450"
    client.post(detail, {"action": "approve"})
    invoice.refresh_from_db()
    assert invoice.status == "approved"
    page = client.get(detail).content.decode()
    assert f'href="/ledger/{books.pk}/vouchers/{invoice.voucher_id}/"' in page
    voucher_page = client.get(f"/ledger/{books.pk}/vouchers/{invoice.voucher_id}/").content
    assert f'href="/purchases/{books.pk}/invoices/{invoice.pk}/"' in voucher_page.decode()
    response = client.post(f"{base}/payments/", {"due_until": "2026-12-31"})
    proposal = PaymentProposal.objects.get()
    assert response["Location"] == f"{base}/payments/{proposal.pk}/"
    client.post(f"{base}/payments/{proposal.pk}/", {"action": "accept"})
    document = client.get(f"{base}/payments/{proposal.pk}/pain001/")
    assert document.status_code == 200
    sepa_payments.validate(document.content)
    # the other customer's users and a viewer meet the wall or the missing right
    other = world.client(Role.MAIN_USER, other=True)
    for url in (detail, f"{base}/payments/{proposal.pk}/", f"{base}/attachments/{kept.pk}/"):
        assert other.get(url).status_code == 404
    assert other.post(detail, {"action": "reject", "comment": "x"}).status_code == 404
    assert (
        world.client(Role.VIEWER).get(f"{base}/payments/{proposal.pk}/pain001/").status_code == 403
    )


def test_suppliers_manual_entry_and_circulation_pages(world, books):
    client = world.client(Role.ACCOUNTANT)
    base = f"/purchases/{books.pk}"
    supplier = {"name": "Elisa Oyj", "business_id": "0116510-6", "iban": "FI5810171000000122",
                "bic": "NDEAFIHH", "expense_account": "7300", "vat_code": "P",
                "payment_term_days": "14"}  # fmt: skip
    bad = client.post(f"{base}/suppliers/", supplier | {"iban": "FI5810171000000123"})
    assert "ei ole kelvollinen IBAN" in bad.content.decode()
    assert client.post(f"{base}/suppliers/", supplier).status_code == 302
    elisa = Supplier.objects.get()
    edited = client.post(f"{base}/suppliers/{elisa.pk}/", supplier | {"payment_term_days": "30"})
    assert edited.status_code == 302 and Supplier.objects.get().payment_term_days == 30
    response = client.post(
        f"{base}/invoices/new/",
        {"supplier": elisa.pk, "number": "8001", "invoice_date": "2026-03-27",
         "total": "62,75", "reference": "RF471234567890",
         "attachment": SimpleUploadedFile("lasku.pdf", PDF, content_type="application/pdf")},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-1500:]
    main = world.users[Role.MAIN_USER]
    client.post(f"{base}/circulation/", {"action": "add", "user": main.pk, "kind": "approver"})
    page = client.get(f"{base}/circulation/").content.decode()
    assert "Hyväksyjä" in page and str(main) in page
    client.post(f"{base}/circulation/", {"action": "settings", "charset": "utf-8",
                                         "bank_service_id": "1", "default_expense_account": "4000"})  # fmt: skip
    assert "selected>UTF-8" in client.get(f"{base}/circulation/").content.decode()


def test_list_pages_do_not_grow_with_rows(world, books, django_assert_max_num_queries):
    client = world.client(Role.ACCOUNTANT)
    base = f"/purchases/{books.pk}"
    client.post(f"{base}/", {"files": _files(("a.xml", finvoice("A-1")))})
    with django_assert_max_num_queries(40) as few:
        client.get(f"{base}/")
    first = len(few.captured_queries)  # read now: the query log is a ring of 9,000
    client.post(
        f"{base}/", {"files": _files(*[(f"{n}.xml", finvoice(f"B-{n}")) for n in range(5)])}
    )
    with django_assert_max_num_queries(first):
        client.get(f"{base}/")
    for url in (f"{base}/suppliers/", f"{base}/payments/", f"{base}/circulation/"):
        with django_assert_max_num_queries(40):
            assert client.get(url).status_code == 200
