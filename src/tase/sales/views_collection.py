"""Sales pages for overdue invoices: reminders (one or a batch), their PDFs and emails, and the
collection list. Thin over :mod:`tase.sales.services.collection`."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tase.core import pdf as core_pdf
from tase.core.days import iso_day
from tase.core.editing import error_list, run_action

from . import selectors, services
from .models import Reminder
from .pdf import reminder_pdf
from .services import collection
from .services.common import cents
from .services.settings import settings_of
from .views import _actor, _base, _company, _posted

CONFIRM = gettext_lazy("Tick the box to confirm; this cannot be undone.")


def _day(value, default: dt.date) -> dt.date:
    return iso_day(value) or default


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _remind(request, company, on: dt.date, min_days: int) -> None:
    if not request.POST.get("confirm"):
        raise ValidationError({"confirm": CONFIRM})
    created = services.create_reminders(
        _actor(request),
        company,
        date=on,
        min_days_overdue=min_days,
        days_to_pay=request.POST.get("days_to_pay"),
    )
    messages.success(request, _("%(count)s reminders made.") % {"count": len(created)})


@login_required
def reminders(request, company_pk):
    """Overdue invoices with what a reminder would charge; the batch creates them all."""
    company = _company(request, company_pk)
    on = _day(request.GET.get("on") or request.POST.get("date"), dt.date.today())
    min_days = _int(request.GET.get("min_days") or request.POST.get("min_days"), 7)
    done, errors = _posted(
        request, company_pk, lambda request, company: _remind(request, company, on, min_days)
    )
    if done is not None:
        return done
    due = collection.due_for_reminder(company, on, min_days_overdue=min_days).prefetch_related(
        "reminders", "payments", "credit_notes"
    )
    previews = []
    for invoice in due[:500]:
        try:
            previews.append(collection.preview(invoice, on))
        except ValidationError as error:
            errors = errors or error_list(error)
            break
    recent = (
        Reminder.objects.filter(company=company)
        .select_related("invoice", "invoice__customer")
        .order_by("-date", "-pk")[:50]
    )
    return render(
        request,
        "sales/reminders.html",
        _base(
            request,
            company,
            on=on,
            min_days=min_days,
            previews=previews,
            recent=recent,
            errors=errors,
            days_to_pay=settings_of(company).reminder_days_to_pay,
        ),
    )


def _reminder(request, company_pk, pk) -> Reminder:
    reminder = selectors.reminder_of(_actor(request), pk)
    if reminder.company_id != company_pk:
        raise Http404
    return reminder


@login_required
def reminder_file(request, company_pk, pk):
    reminder = _reminder(request, company_pk, pk)
    name = f"reminder-{reminder.invoice.number}-{reminder.sequence}"
    return core_pdf.response(reminder_pdf(reminder), name)


@login_required
def reminder_email(request, company_pk, pk):
    if request.method != "POST":
        raise Http404
    reminder = _reminder(request, company_pk, pk)
    return run_action(
        request,
        lambda: services.email_reminder(_actor(request), reminder, to=request.POST.get("to", "")),
        success=lambda address: _("Reminder emailed to %(to)s.") % {"to": address},
        back=reverse("sales:reminders", args=[company_pk]),
    )


@login_required
def collection_list(request, company_pk):
    """Reminded invoices long overdue, to hand to collection (also as CSV), and those handed."""
    company = _company(request, company_pk)
    on = _day(request.GET.get("on"), dt.date.today())
    min_days = _int(request.GET.get("min_days"), 30)
    candidates = collection.collection_candidates(
        company, on, min_days_overdue=min_days
    ).prefetch_related("credit_notes")
    if request.GET.get("format") == "csv":
        return _collection_csv(company, candidates, on)
    handed = collection.in_collection(company).prefetch_related("credit_notes")
    return render(
        request,
        "sales/collection.html",
        _base(
            request,
            company,
            on=on,
            min_days=min_days,
            candidates=candidates[:500],
            handed=handed[:500],
            can_collect=_actor(request).can_in_company("sales.payments", company),
        ),
    )


def _collection_csv(company, invoices, on: dt.date) -> HttpResponse:
    """What a collection agency asks for: debtor, identifiers, invoice, amounts, reminders."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="collection-{on.isoformat()}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Customer number"), _("Customer"), _("Business ID"), _("Street address"),
            _("Postal code"), _("City"), _("Email"), _("Invoice number"), _("Invoice date"),
            _("Due date"), _("Reference"), _("Open amount"), _("Charges"), _("Reminders"),
            _("Last reminder"),
        ]
    )  # fmt: skip
    for invoice in invoices[:10000]:
        buyer = invoice.buyer
        writer.writerow(
            [
                buyer.get("number", invoice.customer.number), invoice.customer.name,
                buyer.get("business_id", ""), buyer.get("street", ""), buyer.get("postcode", ""),
                buyer.get("town", ""), buyer.get("email", ""), invoice.number,
                invoice.invoice_date.strftime("%-d.%-m.%Y"), invoice.due_date.strftime("%-d.%-m.%Y"),
                invoice.reference, _money(invoice.open_cents), _money(invoice.open_charges),
                invoice.reminders_sent, invoice.last_reminder.strftime("%-d.%-m.%Y"),
            ]
        )  # fmt: skip
    return response


def _money(value: int) -> str:
    return str(cents(value)).replace(".", ",")


@login_required
def hand_over(request, company_pk, pk):
    if request.method != "POST":
        raise Http404
    invoice = selectors.invoice_of(_actor(request), pk)
    if invoice.company_id != company_pk:
        raise Http404

    def hand() -> None:
        if not request.POST.get("confirm"):
            raise ValidationError({"confirm": CONFIRM})
        services.hand_to_collection(
            _actor(request), invoice, date=request.POST.get("date") or dt.date.today()
        )

    return run_action(
        request,
        hand,
        success=lambda _done: (
            _("Invoice %(number)s handed to collection.") % {"number": invoice.number}
        ),
        back=(
            reverse("sales:invoice_detail", args=[company_pk, invoice.pk])
            if request.POST.get("back") == "invoice"
            else reverse("sales:collection", args=[company_pk])
        ),
    )
