"""The Tilitin import page: upload a Tilitin database, see what was imported year by year
and that each year's trial balance equals Tilitin's (thin over the service)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import services
from .views import _actor, _base, _company, _errors, _require_confirmation


@login_required
def tilitin_import(request, company_pk):
    company = _company(request, company_pk, "ledger.manage")
    errors, report = [], None
    if request.method == "POST":
        try:
            _require_confirmation(request)
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError({"file": _("Choose a file.")})
            report = services.import_tilitin_upload(_actor(request), company, upload)
        except ValidationError as error:
            errors = _errors(error)
    return render(
        request, "ledger/tilitin_import.html", _base(request, company, errors=errors, report=report)
    )
