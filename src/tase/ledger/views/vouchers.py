"""Vouchers: the list, the entry form, a voucher's page and acts, and its attachments."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from tase.core import links
from tase.core.editing import post_or_errors, row_count, run_action
from tase.core.limits import MAX_VOUCHER_LINES
from tase.rules import vat as vat_rules

from .. import selectors, services
from ..models import Attachment, Voucher
from .common import (
    _actor,
    _base,
    _company,
    _date,
    _errors,
    _without_page,
)

PAGE_SIZE = 50
LINE_ROWS = 6


@login_required
def voucher_list(request, company_pk):
    company = _company(request, company_pk)
    filters = {
        "start": _date(request.GET.get("from"), None),
        "end": _date(request.GET.get("to"), None),
        "series": request.GET.get("series", ""),
        "state": request.GET.get("state", ""),
        "query": request.GET.get("q", "").strip(),
        "account": request.GET.get("account", "").strip(),
    }
    # The count as a subquery: the page's COUNT(*) then reads the vouchers alone (a join and
    # GROUP BY over every voucher before), and the account filter's join of the lines no
    # longer multiplies the count by the lines on that account.
    attachments = (
        Attachment.objects.filter(voucher=OuterRef("pk"))
        .order_by()
        .values("voucher")
        .annotate(n=Count("pk"))
        .values("n")
    )
    vouchers = selectors.vouchers_of(company, **filters).annotate(
        attachment_count=Coalesce(Subquery(attachments), 0)
    )
    page = Paginator(vouchers, PAGE_SIZE).get_page(request.GET.get("page"))
    detail_url = links.url_for_each("ledger:voucher_detail", company.pk)
    for voucher in page:
        voucher.url = detail_url(voucher.pk)
    return render(
        request,
        "ledger/voucher_list.html",
        _base(
            request,
            company,
            page=page,
            filters=filters,
            series=company.voucher_series.all(),
            query_string=_without_page(request),
        ),
    )


def _lines_from_post(post) -> list[dict]:
    lines = []
    for index in range(row_count(post.get("line_count"), LINE_ROWS, MAX_VOUCHER_LINES + 1)):
        account = post.get(f"account_{index}", "").strip().split(" ")[0]
        debit, credit = (
            post.get(f"debit_{index}", "").strip(),
            post.get(f"credit_{index}", "").strip(),
        )
        if not (account or debit or credit):
            continue
        lines.append(
            {
                "account": account,
                "debit": debit or None,
                "credit": credit or None,
                "vat_code": post.get(f"vat_{index}", "").strip() or None,
                "gross": post.get(f"net_{index}") != "on",
                "text": post.get(f"text_{index}", ""),
                "cost_centre": post.get(f"cc_{index}", ""),
                "project": post.get(f"project_{index}", ""),
                "delivery_date": post.get(f"delivery_{index}", "").strip() or None,
            }
        )
    return lines


def _form_rows(lines: list[dict], count: int) -> list[dict]:
    rows = [dict(line, index=i) for i, line in enumerate(lines)]
    while len(rows) < count:
        rows.append({"index": len(rows)})
    return rows


def _save_voucher(request, actor, company, lines: list[dict], values: dict) -> Voucher:
    """Save the entered voucher as a draft (with its attachments) or post it."""
    uploads = request.FILES.getlist("attachments")
    if request.POST.get("action") == "draft":
        voucher = services.save_draft(actor, company, lines=lines, **values)
        for upload in uploads:
            services.add_attachment(actor, voucher, upload)
        messages.success(request, _("Draft saved."))
        return voucher
    voucher = services.post_voucher(actor, company, lines=lines, attachments=uploads, **values)
    messages.success(request, _("Voucher %(voucher)s posted.") % {"voucher": voucher.label})
    return voucher


@login_required
def voucher_create(request, company_pk):
    company = _company(request, company_pk, "ledger.post")
    actor = _actor(request)
    errors = []
    values = {
        "date": request.POST.get("date") or dt.date.today().isoformat(),
        "series": request.POST.get("series") or request.GET.get("series") or "MU",
        "description": request.POST.get("description", ""),
    }
    lines: list[dict] = []
    if request.method == "POST":
        lines = _lines_from_post(request.POST)
        done, errors = post_or_errors(
            lambda: _save_voucher(request, actor, company, lines, values),
            redirect_to=lambda voucher: (
                reverse("ledger:voucher_create", args=[company.pk]) + f"?series={values['series']}"
                if request.POST.get("next") == "new"
                else reverse("ledger:voucher_detail", args=[company.pk, voucher.pk])
            ),
            errors=_errors,
        )
        if done is not None:
            return done
    elif request.GET.get("copy"):
        source = get_object_or_404(Voucher, company=company, pk=request.GET["copy"])
        values.update(series=source.series.code, description=source.description)
        lines = _copy_lines(source)
    count = max(LINE_ROWS, len(lines) + 2)
    previous = Voucher.objects.filter(company=company, state="posted").order_by("-id").first()
    return render(
        request,
        "ledger/voucher_form.html",
        _base(
            request,
            company,
            values=values,
            rows=_form_rows(lines, count),
            line_count=count,
            errors=errors,
            series=services.STANDARD_SERIES.keys()
            | set(company.voucher_series.values_list("code", flat=True)),
            vat_codes=vat_rules.CODES.values(),
            previous=previous,
        ),
    )


def _copy_lines(voucher: Voucher) -> list[dict]:
    """The lines of ``voucher`` as entered: gross amounts, VAT codes, no VAT entries."""
    if not voucher.is_posted:
        return list(voucher.draft_lines)
    entries = list(voucher.entries.select_related("account"))
    vat_entries = [e for e in entries if e.is_vat]
    lines = []
    for entry in entries:
        if entry.is_vat:
            continue
        gross = entry.amount_cents
        code = vat_rules.CODES.get(entry.vat_code)
        if code is not None and code.kind in (vat_rules.DOMESTIC_SALE, vat_rules.DOMESTIC_PURCHASE):
            for vat_entry in vat_entries:
                if vat_entry.vat_code == entry.vat_code and vat_entry.vat_base_cents == gross:
                    gross += vat_entry.amount_cents
                    vat_entries.remove(vat_entry)
                    break
        value = str(services.cents_to_decimal(abs(gross)))
        lines.append(
            {
                "account": entry.account.number,
                "debit": value if gross > 0 else "",
                "credit": value if gross < 0 else "",
                "vat_code": entry.vat_code,
                "text": entry.text,
                "cost_centre": entry.cost_centre,
                "project": entry.project,
                "delivery_date": f"{entry.delivery_date:%-d.%-m.%Y}" if entry.delivery_date else "",
            }
        )
    return lines


@login_required
def voucher_detail(request, company_pk, pk):
    company = _company(request, company_pk)
    voucher = get_object_or_404(
        Voucher.objects.select_related("series", "reverses__series", "fiscal_year"),
        company=company,
        pk=pk,
    )
    entries = list(voucher.entries.select_related("account"))
    reversed_by = Voucher.objects.filter(reverses=voucher).select_related("series").first()
    total_debit = sum(e.debit_cents for e in entries)
    return render(
        request,
        "ledger/voucher_detail.html",
        _base(
            request,
            company,
            voucher=voucher,
            entries=entries,
            draft_lines=voucher.draft_lines,
            reversed_by=reversed_by,
            attachments=voucher.attachments.all(),
            total_debit=total_debit,
            today=dt.date.today(),
        ),
    )


@login_required
@require_POST
def voucher_action(request, company_pk, pk):
    company = _company(request, company_pk, "ledger.post")
    actor = _actor(request)
    voucher = get_object_or_404(Voucher, company=company, pk=pk)
    return run_action(
        request,
        lambda: _act_on_voucher(request, actor, company, voucher),
        success=None,
        back=reverse("ledger:voucher_detail", args=[company.pk, voucher.pk]),
        listed=_errors,
        done_to=lambda elsewhere: elsewhere,
    )


def _act_on_voucher(request, actor, company, voucher: Voucher) -> str | None:
    """Do the act the voucher page's button asks; the page to go to where it is not the
    voucher's own (a reversal's, or the list after a deleted draft)."""
    action = request.POST.get("action")
    if action == "reverse":
        reversal = services.reverse_voucher(
            actor,
            voucher,
            date=request.POST.get("date") or dt.date.today(),
            description=request.POST.get("description", ""),
        )
        messages.success(
            request, _("Voucher reversed by %(voucher)s.") % {"voucher": reversal.label}
        )
        return reverse("ledger:voucher_detail", args=[company.pk, reversal.pk])
    if action == "post":
        services.post_draft(actor, voucher)
        messages.success(request, _("Voucher posted."))
    elif action == "delete":
        services.delete_draft(actor, voucher)
        messages.success(request, _("Draft deleted."))
        return reverse("ledger:voucher_list", args=[company.pk])
    elif action == "attach":
        for upload in request.FILES.getlist("attachments"):
            services.add_attachment(actor, voucher, upload)
        messages.success(request, _("Attachment added."))
    return None


@login_required
@xframe_options_sameorigin
@csp_override(
    {
        "default-src": [CSP.SELF],
        "img-src": [CSP.SELF, "data:"],
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        "object-src": [CSP.SELF],
        "frame-ancestors": [CSP.SELF],
    }
)
def attachment(request, company_pk, pk):
    """The file itself, shown beside its voucher (so framed by our own pages only)."""
    company = _company(request, company_pk)
    item = get_object_or_404(Attachment, company=company, pk=pk)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{item.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
