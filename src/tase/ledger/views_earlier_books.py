"""The page for coming from Tilitin or Kitsas: upload the earlier program's book, see what
was imported year by year and that each year's trial balance equals the earlier one's
(thin over the service)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import services
from .views import _actor, _base, _company, _errors, _require_confirmation


@login_required
def earlier_books(request, company_pk):
    company = _company(request, company_pk, "ledger.manage")
    errors, report = [], None
    program = request.POST.get("program", "tilitin")
    if request.method == "POST":
        try:
            _require_confirmation(request)
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError({"file": _("Choose a file.")})
            report = services.import_books_upload(_actor(request), company, upload, program=program)
        except ValidationError as error:
            errors = _errors(error)
    return render(
        request,
        "ledger/earlier_books.html",
        _base(request, company, errors=errors, report=report, program=program),
    )
