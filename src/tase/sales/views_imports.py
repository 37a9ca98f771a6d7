"""The sales import page: a customer register and the previous system's open invoices as CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .services.imports import CUSTOMER_COLUMNS, OPEN_INVOICE_COLUMNS, OPEN_INVOICE_REQUIRED
from .views import _actor, _base, _company, _posted

IMPORTS = {
    "customers": (services.import_customers, gettext_lazy("%(count)s customers imported.")),
    "open_invoices": (
        services.import_open_invoices,
        gettext_lazy("%(count)s open invoices imported."),
    ),
}


def _import(request, company) -> None:
    kind = request.POST.get("kind", "")
    upload = request.FILES.get("file")
    if kind not in IMPORTS:
        raise ValidationError({"kind": _("Choose what to import.")})
    if upload is None:
        raise ValidationError({"file": _("Choose a CSV file.")})
    service, done = IMPORTS[kind]
    count = service(_actor(request), company, upload)
    messages.success(request, done % {"count": count})


@login_required
def imports(request, company_pk):
    company = _company(request, company_pk)
    done, errors = _posted(request, company_pk, _import)
    if done is not None:
        return done
    return render(
        request,
        "sales/imports.html",
        _base(
            request,
            company,
            errors=errors,
            customer_columns=CUSTOMER_COLUMNS,
            open_invoice_columns=OPEN_INVOICE_COLUMNS,
            open_invoice_required=OPEN_INVOICE_REQUIRED,
        ),
    )
