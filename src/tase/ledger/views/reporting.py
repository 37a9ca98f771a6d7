"""The reports, the files for OmaVero, and settling a VAT period."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.editing import run_action
from tase.formats.vat_return_file import VatFileError
from tase.rules import vat as vat_rules

from .. import reports, selectors, services
from ..models import Account, LedgerSettings
from .common import (
    _actor,
    _base,
    _company,
    _date,
    _errors,
    _period,
    _require_confirmation,
    _without_page,
)


@login_required
def report(request, company_pk, kind):
    company = _company(request, company_pk)
    if kind not in reports.REPORTS:
        raise Http404
    start, end = _period(request, company)
    language = translation.get_language() or "fi"
    options = {
        "cost_centre": request.GET.get("cost_centre", "").strip(),
        "project": request.GET.get("project", "").strip(),
    }
    flags = {
        "compare": request.GET.get("compare", "1") == "1",
        "pma": request.GET.get("pma") == "1",
        "monthly": request.GET.get("monthly") == "1",
    }
    fmt = request.GET.get("format", "")
    if fmt in TAX_FILES and kind == "vat-return":
        return _tax_file(TAX_FILES[fmt], company, start, end)
    if fmt in ("csv", "pdf", "json", "xlsx"):
        table = reports.build(
            kind,
            company,
            start,
            end,
            language=language,
            **options,
            **({k: v for k, v in flags.items()} if kind in ("income-statement",) else {}),
            **(
                {"compare": flags["compare"], "pma": flags["pma"]}
                if kind == "balance-sheet"
                else {}
            ),
        )
        filename = f"{kind}-{company.business_id}-{start}-{end}"
        if fmt == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
            reports.write_csv(table, response)
            return response
        if fmt == "json":
            return HttpResponse(reports.to_json(table), content_type="application/json")
        if fmt == "xlsx":
            response = HttpResponse(
                reports.to_xlsx(table),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
            return response
        response = HttpResponse(reports.to_pdf(table), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    context = _base(
        request,
        company,
        kind=kind,
        title=reports.titles()[kind],
        start=start,
        end=end,
        options=options,
        flags=flags,
        reports=reports.titles(),
        query=_without_page(request),
    )
    if kind == "trial-balance":
        rows = selectors.trial_balance(company, start, end, **options)
        context.update(
            rows=rows,
            total_debit=sum(r.debit for r in rows),
            total_credit=sum(r.credit for r in rows),
        )
    elif kind == "income-statement":
        context["statement"] = selectors.income_statement(
            company, start, end, language=language, **options, **flags
        )
    elif kind == "balance-sheet":
        context["statement"] = selectors.balance_sheet(
            company, end, language=language, compare=flags["compare"], pma=flags["pma"], **options
        )
    elif kind == "general-ledger":
        number = request.GET.get("account", "").strip()
        account = Account.objects.filter(company=company, number=number, is_header=False).first()
        context["account"] = account
        if account is not None:
            opening = 0
            for _acc, opening_cents, _entries in selectors.general_ledger(
                company, start, end, account=account, **options
            ):
                opening = opening_cents
            entries = selectors.entries_in(
                company, start, end, account=account, **options
            ).order_by("date", "voucher__series__code", "voucher__number", "position")
            page = Paginator(entries, 200).get_page(request.GET.get("page"))
            balance = (
                opening + sum(e.amount_cents for e in entries[: (page.number - 1) * 200])
                if page.number > 1
                else opening
            )
            rows = []
            for entry in page:
                balance += entry.amount_cents
                rows.append((entry, balance))
            context.update(page=page, rows=rows, opening=opening)
        else:
            context["accounts"] = selectors.trial_balance(company, start, end, **options)
    elif kind == "journal":
        entries = selectors.journal(company, start, end, **options)
        vat_code = request.GET.get("vat_code", "").strip()
        if vat_code:
            entries = entries.filter(vat_code=vat_code)
        context.update(
            page=Paginator(entries, 200).get_page(request.GET.get("page")), vat_code=vat_code
        )
    elif kind == "vat-return":
        result = selectors.vat_return(company, start, end)
        context["vat_periods"] = _vat_periods(company)
        context["vat_deadline"] = vat_rules.return_deadline(
            end, calendar_year=(start.month, end.month) == (1, 12)
        )
        try:
            selectors.vat_file_period(company, start, end)
        except VatFileError as error:
            context["vat_file_error"] = str(error)
        if result.figures["311"] or result.figures["312"]:
            context["eu_sales_months"] = selectors.monthly_periods(start, end)
        context.update(
            vat=result,
            fields=[
                (code, name_en if language == "en" else name_fi, result.figures[code])
                for code, name_fi, name_en in vat_rules.RETURN_FIELDS
            ],
        )
    elif kind == "accounts":
        context["accounts"] = selectors.accounts_of(company)
    elif kind == "vouchers":
        return redirect(
            reverse("ledger:voucher_list", args=[company.pk]) + f"?from={start}&to={end}"
        )
    return render(request, "ledger/report.html", context)


# The files for OmaVero on the VAT return page: the periodic return and the month's
# recapitulative statement of EU sales.
TAX_FILES = {"vsralvkv": selectors.vat_return_file, "vsralvyv": selectors.eu_sales_file}


def _tax_file(writer, company, start, end) -> HttpResponse:
    """A file to upload in OmaVero; a period it cannot be written for answers 400 saying why."""
    try:
        name, text = writer(company, start, end, sent_at=timezone.localtime())
    except VatFileError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(text, content_type="text/plain; charset=iso-8859-1")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _vat_periods(company, count: int = 6) -> list[tuple[dt.date, dt.date]]:
    """The company's latest VAT periods (month, quarter or year), newest first."""
    settings_row = LedgerSettings.objects.filter(company=company).first()
    kind = settings_row.vat_period if settings_row else LedgerSettings.VatPeriod.MONTH
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    today = dt.date.today()
    first = dt.date(today.year, ((today.month - 1) // months) * months + 1, 1)
    periods = []
    for _step in range(count):
        end = services.add_months(first, months) - dt.timedelta(days=1)
        periods.append((first, end))
        first = services.add_months(first, -months)
    return periods


@login_required
@require_POST
def vat_settle(request, company_pk):
    company = _company(request, company_pk, "ledger.manage")
    start = _date(request.POST.get("from"), None)
    end = _date(request.POST.get("to"), None)
    if not start or not end:
        raise Http404
    report_page = (
        reverse("ledger:report", args=[company.pk, "vat-return"]) + f"?from={start}&to={end}"
    )
    return run_action(
        request,
        lambda: _settle_vat(request, company, start, end),
        success=_("VAT settled and the period locked."),
        back=report_page,
        listed=_errors,
        done_to=lambda voucher: (
            reverse("ledger:voucher_detail", args=[company.pk, voucher.pk]) if voucher else None
        ),
    )


def _settle_vat(request, company, start: dt.date, end: dt.date):
    _require_confirmation(request)
    return services.settle_vat(
        _actor(request),
        company,
        start=start,
        end=end,
        override_reason=request.POST.get("override_reason", ""),
    )
