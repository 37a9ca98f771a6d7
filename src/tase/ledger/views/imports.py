"""Voucher and opening-balance CSV imports, with the progress the page polls."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core import limits
from tase.core.editing import post_or_errors

from .. import services
from ..models import FiscalYear
from .common import (
    _actor,
    _base,
    _company,
    _errors,
)


@login_required
def import_vouchers(request, company_pk):
    """Voucher CSV and opening balance CSV imports, one form each."""
    company = _company(request, company_pk, "ledger.post")
    actor = _actor(request)
    errors, opening_errors = [], []
    open_years = FiscalYear.objects.filter(company=company, state=FiscalYear.State.OPEN)
    if request.method == "POST":
        opening = request.POST.get("kind") == "opening"
        done, found = post_or_errors(
            lambda: _import(request, actor, company, open_years, opening),
            redirect_to=lambda page: page,
            errors=_errors,
        )
        if done is not None:
            return done
        if opening:
            opening_errors = found
        else:
            errors = found
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


def _import(request, actor, company, open_years, opening: bool) -> str:
    """Import the uploaded opening balances or vouchers; the page to go to after."""
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    limits.check_size(upload, "opening_csv" if opening else "voucher_csv")
    if opening:
        year = get_object_or_404(open_years, pk=request.POST.get("fiscal_year") or 0)
        result = services.import_opening_balances(actor, company, upload.read(), fiscal_year=year)
        message = (
            _("These opening balances were imported before: %(voucher)s.")
            if result["skipped"]
            else _("Opening balances of %(accounts)s accounts posted as %(voucher)s.")
        )
        messages.success(
            request,
            message % {"accounts": result["accounts"], "voucher": result["voucher"].label},
        )
        return reverse("ledger:voucher_detail", args=[company.pk, result["voucher"].pk])
    key = _progress_key(request, company, request.POST.get("progress_key", ""))
    result = services.import_vouchers(actor, company, upload.file, progress=_progress_writer(key))
    messages.success(
        request,
        _("Posted %(posted)s vouchers; %(skipped)s were imported before.") % result,
    )
    return reverse("ledger:voucher_list", args=[company.pk])


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
