"""Phone support: the call log, the dated per-minute prices and the monthly statements."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tase.core import pdf
from tase.core.editing import save_form
from tase.core.models import Organization

from .. import selectors, services
from ..forms import (
    CallForm,
    PhonePriceForm,
)
from ..models import (
    PhonePrice,
)
from ._common import _need, actor_of


@login_required
def call_list(request):
    actor = actor_of(request)
    _need(actor, "support.handle")
    organizations = actor.organizations("support.handle").filter(kind=Organization.Kind.CUSTOMER)
    form = CallForm(request.POST or None, organizations=organizations)

    def log(data):
        data = dict(data)
        number = data.pop("request_number")
        linked = None
        if number:
            linked = selectors.requests_for(actor).filter(number=number).first()
            if linked is None:
                raise ValidationError({"request_number": _("No such service request.")})
        return services.log_call(actor, data.pop("organization"), request=linked, **data)

    if done := save_form(
        request, form, log, success=_("Call logged."), redirect_to="support:call_list"
    ):
        return done
    calls = selectors.calls_for(actor).order_by("-started_at", "-id")
    page = Paginator(calls, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "support/call_list.html",
        {"form": form, "page": page, "today": today, "organizations": organizations},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def phone_prices(request):
    actor = actor_of(request)
    _need(actor, "support.publish", "organization.manage")
    vendors = [m.organization for m in actor.staff_memberships]
    form = PhonePriceForm(request.POST or None)
    if done := save_form(
        request,
        form,
        lambda data: services.set_phone_price(
            actor,
            effective_from=data["effective_from"],
            cents_per_minute=int(
                (data["price"] * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            ),
        ),
        success=_("Price saved."),
        redirect_to="support:phone_prices",
    ):
        return done
    prices = PhonePrice.objects.filter(organization__in=vendors)
    return render(request, "support/phone_prices.html", {"form": form, "prices": prices})


def _month(year, month):
    try:
        dt.date(int(year), int(month), 1)
    except (TypeError, ValueError):
        raise Http404 from None
    return int(year), int(month)


@login_required
def statement_index(request):
    actor = actor_of(request)
    _need(actor, "support.billing")
    today = timezone.localdate()
    organizations = actor.organizations("support.billing").filter(kind=Organization.Kind.CUSTOMER)
    organization = request.GET.get("organization")
    month = request.GET.get("month")
    if organization and month:
        try:
            year, mon = (int(x) for x in month.split("-"))
        except ValueError:
            raise Http404 from None
        return redirect("support:statement", organization, year, mon)
    months = []
    first = today.replace(day=1)
    for _i in range(24):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "support/statement_index.html",
        {"organizations": organizations, "months": months},
    )


def _statement(request, org_pk, year, month):
    actor = actor_of(request)
    organization = actor.organization(org_pk, "support.billing")
    if organization.is_vendor:
        raise Http404
    year, month = _month(year, month)
    return selectors.monthly_statement(organization, year, month)


@login_required
def statement(request, org_pk, year, month):
    data = _statement(request, org_pk, year, month)
    return render(request, "support/statement.html", data)


@login_required
def statement_csv(request, org_pk, year, month):
    data = _statement(request, org_pk, year, month)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="phone-{data["organization"].pk}-{year}-{int(month):02d}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Date"),
            _("Time"),
            _("Caller"),
            _("Topic"),
            _("Service request"),
            _("Duration (s)"),
            pgettext("call length", "Minutes"),
            _("Price per minute"),
            _("Total"),
            _("VAT %"),
            _("VAT included"),
        ]
    )

    def euros(cents):
        return f"{Decimal(cents) / 100:.2f}".replace(".", ",")

    for line in data["lines"]:
        call, charge = line["call"], line["charge"]
        writer.writerow(
            [
                line["date"].isoformat(),
                timezone.localtime(call.started_at).strftime("%H:%M"),
                call.caller,
                call.topic,
                f"#{call.request.number}" if call.request else "",
                call.duration_seconds,
                charge.minutes,
                euros(charge.cents_per_minute),
                euros(charge.cost_cents),
                str(charge.vat_rate).replace(".", ","),
                euros(charge.vat_cents),
            ]
        )
    total = data["statement"]
    writer.writerow(
        [
            "",
            "",
            "",
            _("Total"),
            "",
            "",
            total.minutes,
            "",
            euros(total.total_cents),
            "",
            euros(total.vat_cents),
        ]
    )
    return response


@login_required
def statement_pdf(request, org_pk, year, month):
    data = _statement(request, org_pk, year, month)
    html = render_to_string("support/statement_pdf.html", data, request=request)
    name = f"phone-{data['organization'].pk}-{year}-{int(month):02d}"
    return pdf.response(pdf.render(html), name, attachment=True)
