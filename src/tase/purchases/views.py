"""Purchases pages: thin over services and selectors."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tase.core.access import Actor
from tase.core.editing import error_list, post_or_errors, row_count, this_page
from tase.core.limits import MAX_VOUCHER_LINES
from tase.core.models import User
from tase.core.product_index import product_index
from tase.ledger import selectors as ledger_selectors
from tase.rules import vat as vat_rules

from . import selectors, services
from .models import Approver, PaymentProposal, PurchaseAttachment, PurchaseInvoice
from .services.common import settings_of
from .services.suppliers import FIELDS as SUPPLIER_FIELDS

PAGE_SIZE = 50
LINE_ROWS = 4


def _codes() -> list[tuple[str, str]]:
    """The purchase VAT codes with their names in the page's language."""
    finnish = get_language() == "fi"
    return [
        (c.code, c.name_fi if finnish else c.name_en)
        for c in vat_rules.CODES.values()
        if c.code.startswith("P")
    ]


def _actor(request) -> Actor:
    return Actor.of(request.user)


def _company(request, company_pk, action="purchases.view"):
    return _actor(request).company(company_pk, action)


def _posted(request, company_pk, permission: str, handle, *, redirect_to=None):
    """A purchases page's POST (:func:`tase.core.editing.post_or_errors`): with
    ``permission`` in the company, ``handle(request, company)`` runs, then back to
    ``redirect_to`` (this page by default). Returns the redirect (``None`` for a GET or when
    the page is shown again with the errors) and the errors."""
    if request.method != "POST":
        return None, []
    company = _company(request, company_pk, permission)
    return post_or_errors(
        lambda: handle(request, company),
        redirect_to=redirect_to or this_page(request),
    )


def _base(request, company, **extra):
    actor = _actor(request)
    return {
        "company": company,
        "can_manage": actor.can_in_company("purchases.manage", company),
        "can_approve": actor.can_in_company("purchases.approve", company),
        "can_pay": actor.can_in_company("purchases.pay", company),
        **extra,
    }


def _in_company(obj, company_pk):
    if obj.company_id != company_pk:
        raise Http404
    return obj


@login_required
def index(request):
    return product_index(request, "purchases.view", "purchases:invoices", "purchases/index.html")


# -- invoices ---------------------------------------------------------------------------------


@login_required
def invoice_list(request, company_pk):
    """The invoices by due date, and the Finvoice import (one file or many)."""
    company = _company(request, company_pk)
    errors, results = [], []
    if request.method == "POST":
        company = _company(request, company_pk, "purchases.manage")
        files = request.FILES.getlist("files")
        if not files:
            errors = [_("Choose one or more Finvoice files.")]
        else:
            results = services.import_finvoices(_actor(request), company, files)
            imported = sum(len(r.invoices) for r in results)
            if imported:
                messages.success(request, _("%(n)s invoice(s) imported.") % {"n": imported})
    status = request.GET.get("status", "")
    page = Paginator(selectors.invoices_of(company, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "purchases/invoices.html",
        _base(
            request,
            company,
            page=page,
            status=status,
            statuses=PurchaseInvoice.Status.choices,
            errors=errors,
            results=results,
            payables=selectors.payables(company),
        ),
    )


def _manual_lines(post) -> list[dict]:
    return [
        {
            "amount": post.get(f"line-{i}-amount"),
            "description": post.get(f"line-{i}-description", ""),
            "account": post.get(f"line-{i}-account") or None,
            "vat_code": post.get(f"line-{i}-vat_code") or None,
        }
        for i in range(LINE_ROWS)
        if (post.get(f"line-{i}-amount") or "").strip()
    ]


def _create_invoice(request, company) -> PurchaseInvoice:
    fields = (
        "number",
        "invoice_date",
        "due_date",
        "total",
        "reference",
        "message",
        "cost_centre",
        "cash_discount",
        "cash_discount_date",
    )
    invoice = services.create_invoice(
        _actor(request),
        company,
        supplier=request.POST.get("supplier"),
        attachment=request.FILES.get("attachment"),
        lines=_manual_lines(request.POST),
        iban=request.POST.get("iban", ""),
        bic=request.POST.get("bic", ""),
        barcode=request.POST.get("barcode", ""),
        **{name: request.POST.get(name) or None for name in fields},
    )
    messages.success(request, _("Purchase invoice saved."))
    return invoice


@login_required
def invoice_create(request, company_pk):
    """An invoice entered by hand with its PDF or image; the bank barcode fills the rest."""
    company = _company(request, company_pk, "purchases.manage")
    errors = []
    if request.method == "POST":
        done, errors = post_or_errors(
            lambda: _create_invoice(request, company),
            redirect_to=lambda invoice: reverse(
                "purchases:invoice_detail", args=[company.pk, invoice.pk]
            ),
        )
        if done is not None:
            return done
    return render(
        request,
        "purchases/invoice_form.html",
        _base(
            request,
            company,
            errors=errors,
            form=request.POST,
            suppliers=selectors.suppliers_of(company),
            codes=_codes(),
            rows=range(LINE_ROWS),
            today=dt.date.today(),
        ),
    )


def _approvers(company):
    """Users who may approve in the company (for forwarding)."""
    return [
        user
        for user in User.objects.filter(
            is_active=True, memberships__organization=company.organization
        ).distinct()
        if Actor.of(user).can_in_company("purchases.approve", company)
    ][:100]


def _invoice_action(request, invoice) -> None:
    actor, post = _actor(request), request.POST
    action = post.get("action")
    if action == "approve":
        services.approve(
            actor, invoice, posting_date=post.get("posting_date") or None,
            comment=post.get("comment", ""),
        )  # fmt: skip
        messages.success(request, _("Invoice approved."))
    elif action == "reject":
        services.reject(actor, invoice, comment=post.get("comment", ""))
        messages.success(request, _("Invoice rejected."))
    elif action == "forward":
        services.forward(actor, invoice, to=post.get("user"), comment=post.get("comment", ""))
        messages.success(request, _("Invoice forwarded."))
    elif action == "line":
        services.update_line(
            actor, invoice, row_count(post.get("position"), 0, MAX_VOUCHER_LINES),
            account=post.get("account"), vat_code=post.get("vat_code"),
        )  # fmt: skip
        messages.success(request, _("Line changed."))
    elif action == "paid":
        amount = services.common.to_cents(post.get("amount"), "amount")
        services.mark_paid(actor, invoice, amount_cents=amount, date=post.get("date") or "")
        messages.success(request, _("Payment booked."))
    elif action == "attach":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": _("Choose a file.")})
        services.add_attachment(actor, invoice, upload)
        messages.success(request, _("Attachment added."))
    else:
        raise ValidationError({"action": _("Unknown action.")})


@login_required
def invoice_detail(request, company_pk, pk):
    invoice = _in_company(selectors.invoice_of(_actor(request), pk), company_pk)
    company = invoice.company
    errors = []
    if request.method == "POST":
        done, errors = post_or_errors(
            lambda: _invoice_action(request, invoice),
            redirect_to=reverse("purchases:invoice_detail", args=[company.pk, invoice.pk]),
        )
        if done is not None:
            return done
    return render(
        request,
        "purchases/invoice_detail.html",
        _base(
            request,
            company,
            invoice=invoice,
            lines=invoice.lines.all(),
            attachments=invoice.attachments.all(),
            events=invoice.events.select_related("user", "forwarded_to"),
            payments=invoice.payments.select_related("proposal"),
            users=_approvers(company) if invoice.status in ("received", "reviewed") else [],
            codes=_codes(),
            errors=errors,
            today=dt.date.today(),
            open_amount=invoice.open_cents,
        ),
    )


@login_required
def attachment(request, company_pk, pk):
    """The file itself (a PDF, an image, the Finvoice), for those who may see the invoice."""
    company = _company(request, company_pk)
    item = get_object_or_404(PurchaseAttachment, company=company, pk=pk)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    disposition = (
        "inline" if item.content_type.startswith(("image/", "application/pdf")) else ("attachment")
    )
    response["Content-Disposition"] = f'{disposition}; filename="{item.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- suppliers --------------------------------------------------------------------------------


def _supplier_data(post) -> dict:
    return {name: post.get(name, "") for name in SUPPLIER_FIELDS}


def _add_supplier(request, company) -> None:
    services.create_supplier(_actor(request), company, **_supplier_data(request.POST))
    messages.success(request, _("Supplier added."))


@login_required
def suppliers(request, company_pk):
    company = _company(request, company_pk)
    done, errors = _posted(request, company_pk, "purchases.manage", _add_supplier)
    if done is not None:
        return done
    page = Paginator(selectors.suppliers_of(company), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "purchases/suppliers.html",
        _base(request, company, page=page, errors=errors, form=request.POST, codes=_codes()),
    )


@login_required
def supplier_detail(request, company_pk, pk):
    supplier = _in_company(selectors.supplier_of(_actor(request), pk), company_pk)
    errors = []
    if request.method == "POST":

        def save() -> None:
            services.update_supplier(_actor(request), supplier, **_supplier_data(request.POST))
            messages.success(request, _("Supplier saved."))

        done, errors = post_or_errors(
            save,
            redirect_to=reverse(
                "purchases:supplier_detail", args=[supplier.company_id, supplier.pk]
            ),
        )
        if done is not None:
            return done
    return render(
        request,
        "purchases/supplier_detail.html",
        _base(
            request,
            supplier.company,
            supplier=supplier,
            form=request.POST or {n: getattr(supplier, n) for n in SUPPLIER_FIELDS},
            invoices=supplier.invoices.order_by("-invoice_date", "-pk")[:50],
            errors=errors,
            codes=_codes(),
        ),
    )


# -- circulation and settings -----------------------------------------------------------------


def _save_circulation(request, company) -> None:
    actor, post = _actor(request), request.POST
    if post.get("action") == "remove":
        approver = get_object_or_404(Approver, company=company, pk=post.get("id") or 0)
        services.remove_approver(actor, approver)
    elif post.get("action") == "settings":
        services.update_settings(
            actor, company, bank_service_id=post.get("bank_service_id", ""),
            charset=post.get("charset", ""),
            default_expense_account=post.get("default_expense_account", ""),
            reminder_days=post.get("reminder_days", "").strip() or None,
            discount_grace_days=post.get("discount_grace_days", "").strip() or None,
        )  # fmt: skip
    else:
        services.set_approver(
            actor, company, user=post.get("user"), kind=post.get("kind", ""),
            limit=post.get("limit") or None, cost_centre=post.get("cost_centre", ""),
        )  # fmt: skip
    messages.success(request, _("Saved."))


@login_required
def circulation(request, company_pk):
    """Reviewers and approvers (with amount limits), and the payment file settings."""
    company = _company(request, company_pk)
    done, errors = _posted(request, company_pk, "purchases.manage", _save_circulation)
    if done is not None:
        return done
    return render(
        request,
        "purchases/circulation.html",
        _base(
            request,
            company,
            approvers=selectors.approvers_of(company),
            users=_approvers(company),
            kinds=Approver.Kind.choices,
            settings=settings_of(company),
            charsets=settings_of(company).Charset.choices,
            errors=errors,
        ),
    )


# -- payment proposals ------------------------------------------------------------------------


@login_required
def proposals(request, company_pk):
    company = _company(request, company_pk)
    done, errors = _posted(
        request,
        company_pk,
        "purchases.pay",
        lambda request, company: services.create_proposal(
            _actor(request),
            company,
            due_until=request.POST.get("due_until") or "",
            execution_date=request.POST.get("execution_date") or None,
            bank_account=request.POST.get("bank_account") or None,
        ),
        redirect_to=lambda proposal: reverse(
            "purchases:proposal_detail", args=[company.pk, proposal.pk]
        ),
    )
    if done is not None:
        return done
    page = Paginator(selectors.proposals_of(company), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "purchases/proposals.html",
        _base(
            request,
            company,
            page=page,
            errors=errors,
            bank_accounts=ledger_selectors.bank_accounts_of(company),
            today=dt.date.today(),
        ),
    )


def _act_on_proposal(request, proposal) -> None:
    actor = _actor(request)
    if request.POST.get("action") == "accept":
        services.accept_proposal(actor, proposal)
        messages.success(request, _("Proposal accepted: download the payment file."))
    else:
        services.remove_payment(actor, proposal, request.POST.get("invoice") or 0)


@login_required
def proposal_detail(request, company_pk, pk):
    proposal = _in_company(selectors.proposal_of(_actor(request), pk), company_pk)
    errors = []
    if request.method == "POST":
        done, errors = post_or_errors(
            lambda: _act_on_proposal(request, proposal),
            redirect_to=reverse(
                "purchases:proposal_detail", args=[proposal.company_id, proposal.pk]
            ),
        )
        if done is not None:
            return done
    payments = list(selectors.payments_of(proposal))
    return render(
        request,
        "purchases/proposal_detail.html",
        _base(
            request,
            proposal.company,
            proposal=proposal,
            payments=payments,
            total=sum(p.amount_cents for p in payments),
            saving=sum(p.discount_cents for p in payments),
            errors=errors,
            accepted=proposal.status == PaymentProposal.Status.ACCEPTED,
        ),
    )


@login_required
def proposal_file(request, company_pk, pk):
    _company(request, company_pk, "purchases.pay")
    proposal = _in_company(selectors.proposal_of(_actor(request), pk), company_pk)
    try:
        data = services.payment_file(proposal)
    except ValidationError as error:
        messages.error(request, " ".join(error_list(error)))
        return redirect("purchases:proposal_detail", proposal.company_id, proposal.pk)
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="pain001-{proposal.pk}.xml"'
    return response
