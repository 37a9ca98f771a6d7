"""Sales pages: thin over services and selectors."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core import pdf as core_pdf
from tase.core.access import Actor
from tase.core.days import iso_day
from tase.core.editing import post_or_errors, this_page
from tase.core.product_index import product_index

from . import forms, selectors, services
from .models import Invoice
from .pdf import invoice_pdf as render_invoice_pdf
from .services import delivery
from .services.settings import settings_of

PAGE_SIZE = 50


def _actor(request) -> Actor:
    return Actor.of(request.user)


def _company(request, company_pk, action="sales.view"):
    return _actor(request).company(company_pk, action)


def _posted(request, company_pk, handle, *, redirect_to=None):
    """A sales page's POST (:func:`tase.core.editing.post_or_errors`): in a company where the
    user invoices, ``handle(request, company)`` runs, then back to ``redirect_to`` (this page by
    default). Returns the redirect (``None`` for a GET or when the page is shown again with the
    errors) and the errors."""
    if request.method != "POST":
        return None, []
    company = _company(request, company_pk, "sales.invoice")
    return post_or_errors(
        lambda: handle(request, company),
        redirect_to=redirect_to or this_page(request),
    )


def _base(request, company, **extra):
    actor = _actor(request)
    return {
        "company": company,
        "can_invoice": actor.can_in_company("sales.invoice", company),
        "can_pay": actor.can_in_company("sales.payments", company),
        **extra,
    }


def _invoice(request, company_pk, pk) -> Invoice:
    invoice = selectors.invoice_of(_actor(request), pk)
    if invoice.company_id != company_pk:
        raise Http404
    return invoice


@login_required
def index(request):
    return product_index(request, "sales.view", "sales:invoices", "sales/index.html")


@login_required
def invoice_list(request, company_pk):
    company = _company(request, company_pk)
    status = request.GET.get("status", "")
    page = Paginator(selectors.invoices_of(company, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sales/invoices.html",
        _base(request, company, page=page, status=status, statuses=Invoice.Status.choices),
    )


def _create_invoice(request, company) -> Invoice:
    invoice = services.create_invoice(
        _actor(request),
        company,
        customer=request.POST.get("customer"),
        invoice_date=request.POST.get("invoice_date") or None,
        delivery_date=request.POST.get("delivery_date") or None,
        due_date=request.POST.get("due_date") or None,
        reference_type=request.POST.get("reference_type", "fi"),
        your_reference=request.POST.get("your_reference", ""),
        our_reference=request.POST.get("our_reference", ""),
        order_number=request.POST.get("order_number", ""),
        notes=request.POST.get("notes", ""),
        prices_include_vat=bool(request.POST.get("prices_include_vat")),
        lines=forms.invoice_lines(request.POST),
    )
    messages.success(request, _("Draft invoice saved."))
    return invoice


@login_required
def invoice_create(request, company_pk):
    company = _company(request, company_pk)
    done, errors = _posted(
        request,
        company_pk,
        _create_invoice,
        redirect_to=lambda invoice: reverse("sales:invoice_detail", args=[company.pk, invoice.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "sales/invoice_form.html",
        _base(
            request,
            company,
            errors=errors,
            form=request.POST,
            customers=selectors.customers_of(company),
            products=selectors.products_of(company),
            rows=range(forms.INVOICE_LINE_ROWS),
            today=dt.date.today(),
        ),
    )


def _act_on_invoice(request, actor, invoice: Invoice) -> Invoice:
    """Do the act the invoice page's button asks; the invoice to show after (a credit note's
    own page, otherwise the invoice's)."""
    action = request.POST.get("action")
    if action in ("send", "credit") and not request.POST.get("confirm"):
        raise ValidationError({"confirm": _("Tick the box to confirm; this cannot be undone.")})
    if action == "send":
        services.send_invoice(actor, invoice)
        messages.success(request, _("Invoice sent: numbered and posted."))
    elif action == "credit":
        note = services.credit_invoice(actor, invoice, date=request.POST.get("date") or None)
        messages.success(request, _("Credit note %(number)s made.") % {"number": note.number})
        return note
    elif action == "payment":
        services.record_payment(
            actor, invoice, date=request.POST.get("date"), amount=request.POST.get("amount")
        )
        messages.success(request, _("Payment recorded."))
    elif action == "remind":
        reminder = services.create_reminder(
            actor,
            invoice,
            date=request.POST.get("date") or None,
            days_to_pay=request.POST.get("days_to_pay"),
        )
        messages.success(request, _("Reminder %(number)s made.") % {"number": reminder.sequence})
    elif action == "email":
        address = delivery.email_invoice(actor, invoice, to=request.POST.get("to", ""))
        messages.success(request, _("Invoice emailed to %(to)s.") % {"to": address})
    return invoice


@login_required
def invoice_detail(request, company_pk, pk):
    invoice = _invoice(request, company_pk, pk)
    actor = _actor(request)
    errors = []
    if request.method == "POST":
        done, errors = post_or_errors(
            lambda: _act_on_invoice(request, actor, invoice),
            redirect_to=lambda shown: reverse(
                "sales:invoice_detail", args=[invoice.company_id, shown.pk]
            ),
        )
        if done is not None:
            return done
        invoice = _invoice(request, company_pk, pk)
    return render(
        request,
        "sales/invoice_detail.html",
        _base(
            request,
            invoice.company,
            invoice=invoice,
            lines=invoice.lines.all(),
            payments=invoice.payments.all(),
            credit_notes=invoice.credit_notes.all(),
            reminders=invoice.reminders.all(),
            reminder_days=settings_of(invoice.company).reminder_days_to_pay,
            virtual_barcode=delivery.virtual_barcode(invoice),
            errors=errors,
            today=dt.date.today(),
        ),
    )


@login_required
def invoice_pdf(request, company_pk, pk):
    invoice = _invoice(request, company_pk, pk)
    if invoice.is_draft:
        raise Http404
    return core_pdf.response(render_invoice_pdf(invoice), f"invoice-{invoice.number}")


@login_required
def invoice_finvoice(request, company_pk, pk):
    invoice = _invoice(request, company_pk, pk)
    if invoice.is_draft:
        raise Http404
    data = delivery.finvoice_file(invoice, soap=bool(request.GET.get("soap")))
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="finvoice-{invoice.number}.xml"'
    return response


def _register(request, company_pk, form_class, create, template: str, rows, done: str):
    """A list page with a form that adds a row through ``create`` (customers, products)."""
    company = _company(request, company_pk)
    errors, form = [], form_class()
    if request.method == "POST":
        company = _company(request, company_pk, "sales.invoice")
        form = form_class(request.POST)
        if form.is_valid():

            def add() -> None:
                create(_actor(request), company, **form.cleaned_data)
                messages.success(request, done)

            added, errors = post_or_errors(add, redirect_to=request.path)
            if added is not None:
                return added
        else:
            errors = [f"{form.fields[f].label}: {m}" for f, ms in form.errors.items() for m in ms]
    return render(
        request,
        template,
        _base(request, company, rows=rows(company)[:500], form=form, errors=errors),
    )


@login_required
def customers(request, company_pk):
    return _register(
        request,
        company_pk,
        forms.CustomerForm,
        services.create_customer,
        "sales/customers.html",
        selectors.customers_of,
        _("Customer added."),
    )


@login_required
def products(request, company_pk):
    return _register(
        request,
        company_pk,
        forms.ProductForm,
        services.create_product,
        "sales/products.html",
        selectors.products_of,
        _("Product added."),
    )


@login_required
def receivables(request, company_pk):
    company = _company(request, company_pk)
    on = iso_day(request.GET.get("on")) or dt.date.today()
    return render(
        request,
        "sales/receivables.html",
        _base(request, company, data=selectors.receivables(company, on), on=on),
    )
