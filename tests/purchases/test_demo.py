"""The purchases demo puts the circulation and a draft payment proposal in front of the
users: the kitchen cost centre's approver chain with the bakery's invoice waiting in it (the
first due, so the invoice list leads to it), and a draft proposal paying the roastery's
invoice less its cash discount with the other approved invoice left out to add."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tase.purchases import selectors
from tase.purchases.demo import KITCHEN
from tase.purchases.models import Approver, PaymentProposal, PurchaseInvoice

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_circulation_and_a_draft_proposal(client, settings):
    settings.PRODUCTION = False
    call_command("demo", stdout=io.StringIO())
    waiting = PurchaseInvoice.objects.get(number="L-77")
    company = waiting.company
    assert (waiting.status, waiting.cost_centre) == ("received", KITCHEN)
    chain = Approver.objects.filter(company=company, cost_centre=KITCHEN).order_by("pk")
    assert [a.limit_cents for a in chain] == [5000, None]
    assert [str(u) for u in selectors.waiting_for(waiting)] == [str(chain[0].user)]
    assert selectors.invoices_of(company).first() == waiting
    draft = PaymentProposal.objects.get(company=company, status="draft")
    [payment] = draft.payments.all()
    assert payment.invoice.number == "P-327" and payment.discount_cents == 908
    assert [i.number for i in selectors.left_out(draft)] == ["P-311"]
    client.force_login(chain[1].user)
    page = client.get(reverse("purchases:proposal_detail", args=[company.pk, draft.pk]))
    assert reverse("purchases:proposal_add", args=[company.pk, draft.pk]) in page.content.decode()
    page = client.get(reverse("purchases:invoice_detail", args=[company.pk, waiting.pk]))
    assert (
        reverse("purchases:invoice_cost_centre", args=[company.pk, waiting.pk])
        in page.content.decode()
    )
