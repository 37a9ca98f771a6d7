"""Bookkeeping pages: thin over services and selectors."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from tase.core import limits
from tase.core.access import Actor
from tase.core.product_index import product_index
from tase.formats.vat_return_file import VatFileError
from tase.rules import vat as vat_rules

from . import closing, reports, selectors, services
from .models import Account, Attachment, FiscalYear, LedgerSettings, Voucher

PAGE_SIZE = 50
LINE_ROWS = 6


def _actor(request) -> Actor:
    return Actor.of(request.user)


def _company(request, company_pk, action="ledger.view"):
    return _actor(request).company(company_pk, action)


SHOWN_ERRORS = 200  # a page lists this many problems; the command line lists them all


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        found = [m for ms in error.message_dict.values() for m in ms]
    else:
        found = list(error.messages)
    if len(found) <= SHOWN_ERRORS:
        return found
    more = _(
        "… and %(count)s more problems. Fix these first, or see them all with "
        "“tase import-vouchers”."
    ) % {"count": len(found) - SHOWN_ERRORS}
    return [*found[:SHOWN_ERRORS], more]


def _date(value, default):
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _period(request, company):
    today = dt.date.today()
    year = selectors.fiscal_year_of(company, today) or (
        FiscalYear.objects.filter(company=company).order_by("-end").first()
    )
    start_default = year.start if year else dt.date(today.year, 1, 1)
    end_default = year.end if year else dt.date(today.year, 12, 31)
    start = _date(request.GET.get("from"), start_default)
    end = _date(request.GET.get("to"), end_default)
    if end < start:
        end = start
    return start, end


def _base(request, company, **extra):
    actor = _actor(request)
    return {
        "company": company,
        "can_post": actor.can_in_company("ledger.post", company),
        "can_manage": actor.can_in_company("ledger.manage", company),
        **extra,
    }


# -- entry points ---------------------------------------------------------------------------


@login_required
def index(request):
    return product_index(request, "ledger.view", "ledger:home", "ledger/index.html")


@login_required
def home(request, company_pk):
    company = _company(request, company_pk)
    years = FiscalYear.objects.filter(company=company).order_by("-start")
    recent = selectors.vouchers_of(company)[:10]
    return render(
        request,
        "ledger/home.html",
        _base(
            request,
            company,
            years=years,
            recent=recent,
            locked_until=services.locked_until(company),
            gate=closing.closing_gate(company, gate_day()),
            has_accounts=company.accounts.exists(),
            reports=reports.titles(),
        ),
    )


def gate_day() -> dt.date:
    """The end of last month: the month to lock next, whose closing gate is shown unless
    another day is asked."""
    return dt.date.today().replace(day=1) - dt.timedelta(days=1)


def start_panel(request) -> dict:
    actor = _actor(request)
    companies = (
        actor.companies("ledger.view")
        .annotate(
            voucher_count=Count("vouchers", filter=Q(vouchers__state="posted")),
            draft_count=Count("vouchers", filter=Q(vouchers__state="draft")),
        )
        .order_by("name")[:8]
    )
    companies = list(companies)
    deadlines = selectors.vat_deadlines([c.pk for c in companies], dt.date.today())
    for company in companies:
        company.vat_deadlines = deadlines.get(company.pk, [])
    return {"companies": companies}


# -- fiscal years and locks ---------------------------------------------------------------


def _month_end(value: str | None) -> dt.date | str:
    """The last day of a month given as YYYY-MM (a month input); other text is passed on
    for the service to refuse with its own message."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return services.add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)
    except ValueError:
        return value or ""


def _lock_day(request, company) -> dt.date:
    """The month end the lock form proposes: asked (``?on=`` or the month posted), else the
    month after the current lock, else last month; its closing gate is shown beside."""
    asked = _month_end(request.POST.get("locked_month") or request.GET.get("on", "")[:7])
    if isinstance(asked, dt.date):
        return asked
    current = services.locked_until(company)
    if current is not None:
        return services.add_months(current + dt.timedelta(days=1), 1) - dt.timedelta(days=1)
    return gate_day()


@login_required
def fiscal_years(request, company_pk):
    company = _company(request, company_pk)
    actor = _actor(request)
    errors = []
    if request.method == "POST":
        company = _company(request, company_pk, "ledger.manage")
        action = request.POST.get("action")
        try:
            if action in ("close", "lock"):
                _require_confirmation(request)
            if action == "create":
                services.create_fiscal_year(
                    actor,
                    company,
                    start=request.POST.get("start"),
                    end=request.POST.get("end"),
                    change_of_period=bool(request.POST.get("change_of_period")),
                )
                messages.success(request, _("Fiscal year created."))
            elif action == "close":
                year = get_object_or_404(FiscalYear, company=company, pk=request.POST.get("year"))
                services.close_fiscal_year(
                    actor, year, override_reason=request.POST.get("override_reason", "")
                )
                messages.success(request, _("Fiscal year closed."))
            elif action == "reopen":
                year = get_object_or_404(FiscalYear, company=company, pk=request.POST.get("year"))
                services.reopen_fiscal_year(actor, year, reason=request.POST.get("reason", ""))
                messages.success(request, _("Fiscal year reopened."))
            elif action == "income_tax":
                _require_confirmation(request)
                year = get_object_or_404(FiscalYear, company=company, pk=request.POST.get("year"))
                services.book_income_tax(actor, company, year, request.POST.get("amount") or None)
                messages.success(request, _("Income tax booked."))
            elif action == "vat_period":
                services.set_vat_period(actor, company, request.POST.get("vat_period", ""))
                messages.success(request, _("VAT period saved."))
            elif action == "vat_method":
                services.set_cash_basis_vat(
                    actor, company, request.POST.get("vat_method") == "cash"
                )
                messages.success(request, _("VAT method saved."))
            elif action == "lock":
                services.lock_period(
                    actor,
                    company,
                    _month_end(request.POST.get("locked_month")),
                    override_reason=request.POST.get("override_reason", ""),
                )
                messages.success(request, _("Period locked."))
            return redirect("ledger:fiscal_years", company.pk)
        except ValidationError as error:
            errors = _errors(error)
    years = FiscalYear.objects.filter(company=company).order_by("-start")
    last = years.first()
    lock_on = _lock_day(request, company)
    first_open = years.filter(state=FiscalYear.State.OPEN).order_by("start").first()
    return render(
        request,
        "ledger/fiscal_years.html",
        _base(
            request,
            company,
            years=years,
            errors=errors,
            locked_until=services.locked_until(company),
            vat=selectors.vat_settings(company, dt.date.today()),
            lock_on=lock_on,
            lock_gate=closing.closing_gate(company, lock_on),
            first_open=first_open,
            income_tax=_income_tax(company, first_open),
            close_gate=(
                closing.closing_gate(company, first_open.end, year_end=True) if first_open else None
            ),
            vat_periods=LedgerSettings.VatPeriod.choices,
            can_reopen=actor.can_in_company("ledger.reopen_year", company),
            next_start=(last.end + dt.timedelta(days=1))
            if last
            else dt.date(dt.date.today().year, 1, 1),
            next_end=(
                services.add_months(last.end + dt.timedelta(days=1), 12) - dt.timedelta(days=1)
                if last
                else dt.date(dt.date.today().year, 12, 31)
            ),
        ),
    )


# -- chart of accounts --------------------------------------------------------------------


@login_required
def accounts(request, company_pk):
    company = _company(request, company_pk)
    actor = _actor(request)
    errors = []
    if request.method == "POST":
        company = _company(request, company_pk, "ledger.manage")
        action = request.POST.get("action")
        try:
            if action == "apply_chart":
                services.apply_chart(actor, company, request.POST.get("chart", ""))
                messages.success(request, _("Chart of accounts added."))
            elif action == "create":
                services.create_account(
                    actor,
                    company,
                    number=request.POST.get("number", ""),
                    name_fi=request.POST.get("name_fi", ""),
                    name_en=request.POST.get("name_en", ""),
                    type=request.POST.get("type", ""),
                    default_vat_code=request.POST.get("default_vat_code", ""),
                )
                messages.success(request, _("Account added."))
            elif action in ("rename", "hide", "show"):
                account = get_object_or_404(
                    Account, company=company, pk=request.POST.get("account")
                )
                if action == "rename":
                    services.update_account(
                        actor,
                        account,
                        name_fi=request.POST.get("name_fi", ""),
                        name_en=request.POST.get("name_en", ""),
                    )
                else:
                    services.update_account(actor, account, hidden=action == "hide")
                messages.success(request, _("Account saved."))
            elif action == "delete":
                account = get_object_or_404(
                    Account, company=company, pk=request.POST.get("account")
                )
                services.delete_account(actor, account)
                messages.success(request, _("Account deleted."))
            return redirect(reverse("ledger:accounts", args=[company.pk]) + "#accounts")
        except ValidationError as error:
            errors = _errors(error)
    language = translation.get_language() or "fi"
    return render(
        request,
        "ledger/accounts.html",
        _base(
            request,
            company,
            accounts=selectors.accounts_of(company),
            errors=errors,
            language=language,
            types=Account.Type.choices,
            vat_codes=vat_rules.CODES.values(),
            charts=[
                ("limited-company", _("Limited company (osakeyhtiö)")),
                ("sole-trader", _("Sole trader (toiminimi)")),
            ],
        ),
    )


@login_required
def account_lookup(request, company_pk):
    """Options for the account field: by number prefix or by name (htmx)."""
    company = _company(request, company_pk)
    query = request.GET.get("q", "").strip()
    for key, value in request.GET.items():
        if key.startswith("account_"):
            query = value.strip()
    qs = Account.objects.filter(company=company, is_header=False, hidden=False)
    if query:
        number = query.split(" ")[0]
        qs = qs.filter(
            Q(number__startswith=number) | Q(name_fi__icontains=query) | Q(name_en__icontains=query)
        )
    return render(request, "ledger/_account_options.html", {"accounts": qs.order_by("number")[:30]})


# -- bank accounts --------------------------------------------------------------------------


@login_required
def bank_accounts(request, company_pk):
    """The company's bank accounts (printed on invoices and in bank barcodes)."""
    company = _company(request, company_pk)
    errors = []
    if request.method == "POST":
        company = _company(request, company_pk, "ledger.manage")
        try:
            services.create_bank_account(
                _actor(request),
                company,
                iban=request.POST.get("iban", ""),
                bic=request.POST.get("bic", ""),
                account=request.POST.get("account", ""),
                name=request.POST.get("name", ""),
                is_default=bool(request.POST.get("is_default")) or None,
            )
            messages.success(request, _("Bank account added."))
            return redirect("ledger:bank_accounts", company.pk)
        except ValidationError as error:
            errors = _errors(error)
    return render(
        request,
        "ledger/bank_accounts.html",
        _base(
            request,
            company,
            errors=errors,
            bank_accounts=selectors.bank_accounts_of(company),
            asset_accounts=Account.objects.filter(
                company=company, is_header=False, hidden=False, type=Account.Type.ASSET
            ).order_by("number"),
            form=request.POST if errors else {},
        ),
    )


# -- vouchers -------------------------------------------------------------------------------


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
    vouchers = selectors.vouchers_of(company, **filters).annotate(
        attachment_count=Count("attachments")
    )
    page = Paginator(vouchers, PAGE_SIZE).get_page(request.GET.get("page"))
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


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _lines_from_post(post) -> list[dict]:
    lines = []
    for index in range(int(post.get("line_count", LINE_ROWS) or LINE_ROWS)):
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
        uploads = request.FILES.getlist("attachments")
        try:
            if request.POST.get("action") == "draft":
                voucher = services.save_draft(actor, company, lines=lines, **values)
                for upload in uploads:
                    services.add_attachment(actor, voucher, upload)
                messages.success(request, _("Draft saved."))
            else:
                voucher = services.post_voucher(
                    actor, company, lines=lines, attachments=uploads, **values
                )
                messages.success(
                    request, _("Voucher %(voucher)s posted.") % {"voucher": voucher.label}
                )
            if request.POST.get("next") == "new":
                return redirect(
                    reverse("ledger:voucher_create", args=[company.pk])
                    + f"?series={values['series']}"
                )
            return redirect("ledger:voucher_detail", company.pk, voucher.pk)
        except ValidationError as error:
            errors = _errors(error)
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
    action = request.POST.get("action")
    try:
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
            return redirect("ledger:voucher_detail", company.pk, reversal.pk)
        if action == "post":
            services.post_draft(actor, voucher)
            messages.success(request, _("Voucher posted."))
        elif action == "delete":
            services.delete_draft(actor, voucher)
            messages.success(request, _("Draft deleted."))
            return redirect("ledger:voucher_list", company.pk)
        elif action == "attach":
            for upload in request.FILES.getlist("attachments"):
                services.add_attachment(actor, voucher, upload)
            messages.success(request, _("Attachment added."))
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    return redirect("ledger:voucher_detail", company.pk, voucher.pk)


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


# -- import ---------------------------------------------------------------------------------


@login_required
def import_vouchers(request, company_pk):
    """Voucher CSV and opening balance CSV imports, one form each."""
    company = _company(request, company_pk, "ledger.post")
    actor = _actor(request)
    errors, opening_errors = [], []
    open_years = FiscalYear.objects.filter(company=company, state=FiscalYear.State.OPEN)
    if request.method == "POST":
        upload = request.FILES.get("file")
        opening = request.POST.get("kind") == "opening"
        try:
            if upload is None:
                raise ValidationError({"file": _("Choose a file.")})
            limits.check_size(upload, "opening_csv" if opening else "voucher_csv")
            if opening:
                year = get_object_or_404(open_years, pk=request.POST.get("fiscal_year") or 0)
                result = services.import_opening_balances(
                    actor, company, upload.read(), fiscal_year=year
                )
                message = (
                    _("These opening balances were imported before: %(voucher)s.")
                    if result["skipped"]
                    else _("Opening balances of %(accounts)s accounts posted as %(voucher)s.")
                )
                messages.success(
                    request,
                    message % {"accounts": result["accounts"], "voucher": result["voucher"].label},
                )
                return redirect("ledger:voucher_detail", company.pk, result["voucher"].pk)
            key = _progress_key(request, company, request.POST.get("progress_key", ""))
            result = services.import_vouchers(
                actor, company, upload.file, progress=_progress_writer(key)
            )
            messages.success(
                request,
                _("Posted %(posted)s vouchers; %(skipped)s were imported before.") % result,
            )
            return redirect("ledger:voucher_list", company.pk)
        except ValidationError as error:
            if opening:
                opening_errors = _errors(error)
            else:
                errors = _errors(error)
    return render(
        request,
        "ledger/import.html",
        _base(
            request,
            company,
            errors=errors,
            opening_errors=opening_errors,
            open_years=open_years.order_by("start"),
            progress_token=uuid.uuid4().hex,
        ),
    )


def _progress_key(request, company, token: str) -> str | None:
    """The cache key of one import's progress: the user's and the company's own, so no one
    else can read it. None for a token that is not one the page made."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    return f"ledger-import:{company.pk}:{request.user.pk}:{token}"


def _progress_writer(key: str | None):
    """A ``progress(stage, done, total)`` callback that keeps the state in the cache (shared
    by the app's processes through Redis in production) for the page to poll."""
    if key is None:
        return None

    def write(stage: str, done: int, total: int) -> None:
        cache.set(key, {"stage": stage, "done": done, "total": total}, timeout=3600)

    return write


@login_required
def import_progress(request, company_pk, token):
    """How far the user's import is: ``{"stage", "done", "total"}``, ``{}`` before it starts."""
    company = _company(request, company_pk, "ledger.post")
    key = _progress_key(request, company, token)
    if key is None:
        raise Http404
    return JsonResponse(cache.get(key) or {})


# -- reports ---------------------------------------------------------------------------------


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
    for _period in range(count):
        end = services.add_months(first, months) - dt.timedelta(days=1)
        periods.append((first, end))
        first = services.add_months(first, -months)
    return periods


def _income_tax(company, year) -> dict | None:
    """The income tax form's figures for ``year``, or None where the tax does not apply."""
    tax = services.income_tax
    if year is None or not tax.pays_corporate_income_tax(company):
        return None
    proposal, rate = tax.proposal(company, year)
    return {"year": year, "proposal": proposal, "rate": rate, "voucher": tax.booked(company, year)}


def _require_confirmation(request) -> None:
    """Acts that lock the books are done only when the form's confirmation was ticked: the
    box names what cannot be undone (the API, scripted, has no such step)."""
    if request.POST.get("confirm") != "1":
        raise ValidationError(
            {
                "confirm": _(
                    "Tick the box to confirm: the act locks the books and cannot be undone here."
                )
            }
        )


@login_required
@require_POST
def vat_settle(request, company_pk):
    company = _company(request, company_pk, "ledger.manage")
    start = _date(request.POST.get("from"), None)
    end = _date(request.POST.get("to"), None)
    if not start or not end:
        raise Http404
    try:
        _require_confirmation(request)
        voucher = services.settle_vat(
            _actor(request),
            company,
            start=start,
            end=end,
            override_reason=request.POST.get("override_reason", ""),
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect(
            reverse("ledger:report", args=[company.pk, "vat-return"]) + f"?from={start}&to={end}"
        )
    messages.success(request, _("VAT settled and the period locked."))
    if voucher is not None:
        return redirect("ledger:voucher_detail", company.pk, voucher.pk)
    return redirect(
        reverse("ledger:report", args=[company.pk, "vat-return"]) + f"?from={start}&to={end}"
    )
