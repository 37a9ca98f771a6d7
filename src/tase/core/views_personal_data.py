"""A user account's personal data: one's own export on the account page; for those who manage
an organization's users, a page per member with the export (JSON, PDF) and pseudonymisation
(ticked once more: it cannot be undone)."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import pdf
from .access import Actor
from .editing import run_action
from .personal_data import erase_user, export_user_data, kept_after_erasure, membership_user


def json_response(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(request, data: dict, filename: str) -> HttpResponse:
    context = {
        "data": data,
        "exported_at": dt.datetime.fromisoformat(data["exported_at"]),
        "events": [e | {"at": dt.datetime.fromisoformat(e["at"])} for e in data["audit_events"]],
    }
    html = render_to_string("core/personal_data_pdf.html", context, request=request)
    response = HttpResponse(pdf.render(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def own_data_json(request):
    data = export_user_data(Actor.of(request.user), request.user)
    return json_response(data, "omat-tiedot.json")


@login_required
def own_data_pdf(request):
    data = export_user_data(Actor.of(request.user), request.user)
    return pdf_response(request, data, "omat-tiedot.pdf")


@login_required
def member_personal_data(request, pk):
    membership, user = membership_user(Actor.of(request.user), pk)
    return render(
        request,
        "core/member_personal_data.html",
        {"membership": membership, "member": user, "kept": kept_after_erasure()},
    )


@login_required
def member_personal_data_json(request, pk):
    actor = Actor.of(request.user)
    _membership, user = membership_user(actor, pk)
    return json_response(export_user_data(actor, user), f"henkilotiedot-kayttaja-{user.pk}.json")


@login_required
def member_personal_data_pdf(request, pk):
    actor = Actor.of(request.user)
    _membership, user = membership_user(actor, pk)
    data = export_user_data(actor, user)
    return pdf_response(request, data, f"henkilotiedot-kayttaja-{user.pk}.pdf")


@login_required
@require_POST
def member_erase(request, pk):
    actor = Actor.of(request.user)
    membership, user = membership_user(actor, pk)

    def erase():
        if request.POST.get("confirm") != "1":
            raise ValidationError(
                {"confirm": _("Tick the box to confirm: erased data cannot be restored.")}
            )
        return erase_user(actor, user)

    return run_action(
        request,
        erase,
        success=_("The user's personal data was erased; the audit trail keeps their events."),
        back=reverse("member_personal_data", args=[membership.pk]),
    )
