"""Service requests: the customer's list and form, the request page with replies, status,
rating and assignment, attachments and exports."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core import pdf
from tase.core.editing import error_messages, run_action, save_form
from tase.core.models import User

from .. import selectors, services
from ..forms import (
    CcForm,
    MergeForm,
    RatingForm,
    ReplyForm,
    RequestForm,
    StatusForm,
)
from ..models import (
    AUTO_CLOSE_DAYS,
    Attachment,
    Status,
)
from ._common import _need, actor_of


@login_required
def home(request):
    actor = actor_of(request)
    if actor.can("support.handle"):
        return redirect("support:queue")
    return redirect("support:request_list")


@login_required
def request_list(request):
    actor = actor_of(request)
    _need(actor, "support.use", "support.handle")
    services.close_expired_lazily()
    status = request.GET.get("status", "")
    requests = selectors.requests_for(actor).order_by("-created_at", "-id")
    if status == "open":
        requests = requests.filter(status__in=[Status.NEW, Status.IN_PROGRESS, Status.WAITING])
    elif status in Status.values:
        requests = requests.filter(status=status)
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for item in page:
        item.target = selectors.target_state(item, now)
    return render(
        request,
        "support/request_list.html",
        {"page": page, "status": status, "statuses": Status.choices},
    )


@login_required
def request_create(request):
    actor = actor_of(request)
    _need(actor, "support.use", "support.handle")
    companies = actor.companies("support.use") | actor.companies("support.handle")
    companies = companies.filter(is_test_environment=False).distinct()
    form = RequestForm(request.POST or None, request.FILES or None, companies=companies)
    for name in ("subject", "description"):
        form.fields[name].widget.attrs["hx-get"] = reverse("support:deflect")
    if done := save_form(
        request,
        form,
        lambda data: services.create_request(
            actor,
            company=data["company"],
            category=data["category"],
            subject=data["subject"],
            description=data["description"],
            urgency=data["urgency"],
            attachments=data["attachments"],
        ),
        success=lambda created: _("Service request #%(number)s sent.") % {"number": created.number},
        redirect_to=lambda created: reverse("support:request_detail", args=[created.pk]),
    ):
        return done
    text = f"{form['subject'].value() or ''} {form['description'].value() or ''}"
    suggestions = selectors.search_guides(actor, text, any_word=True, limit=5)
    return render(
        request,
        "support/request_form.html",
        {"form": form, "suggestions": suggestions},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def deflect(request):
    """htmx: the guides that match what the customer has typed so far."""
    actor = actor_of(request)
    text = f"{request.GET.get('subject', '')} {request.GET.get('description', '')}"
    suggestions = selectors.search_guides(actor, text, any_word=True, limit=5)
    return render(request, "support/_deflection.html", {"suggestions": suggestions})


def _detail_context(request, actor, item, **extra):
    staff = selectors.is_handler(actor, item.organization)
    context = {
        "item": item,
        "staff": staff,
        "replies": selectors.visible_replies(actor, item),
        "attachments": selectors.visible_attachments(actor, item).filter(reply__isnull=True),
        "target": selectors.target_state(item),
        "reply_form": ReplyForm(staff=staff),
        "status_form": StatusForm(initial={"status": item.status}),
        "rating_form": RatingForm(),
        "reopen_until": services.reopen_deadline(item),
        "auto_close_days": AUTO_CLOSE_DAYS,
        "specialists": services.support_staff(item.organization.vendor) if staff else [],
        "calls": item.calls.all() if staff else [],
        "watchers": list(item.watchers.all()),
        "watching": item.watchers.filter(pk=actor.user.pk).exists(),
        "inbound_address": services.inbound_address(item.organization),
        "merge_form": MergeForm() if staff else None,
        "cc_form": CcForm(initial={"cc": item.cc}),
        "canned_replies": selectors.canned_replies_for(actor) if staff else [],
        "organization_users": (
            User.objects.filter(
                memberships__organization=item.organization, memberships__is_active=True
            ).order_by("full_name")
            if staff
            else []
        ),
    }
    context.update(extra)
    return context


@login_required
def request_detail(request, pk):
    actor = actor_of(request)
    services.close_expired_lazily()
    item = selectors.get_request(actor, pk)
    extra = {}
    if request.GET.get("canned", "").isdigit() and selectors.is_handler(actor, item.organization):
        canned = selectors.get_canned_reply(actor, request.GET["canned"])
        extra["reply_form"] = ReplyForm(
            staff=True, initial={"body": services.fill_canned(canned, item)}
        )
    return render(
        request, "support/request_detail.html", _detail_context(request, actor, item, **extra)
    )


@login_required
@require_POST
def request_reply(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    staff = selectors.is_handler(actor, item.organization)
    form = ReplyForm(request.POST, request.FILES, staff=staff)
    if done := save_form(
        request,
        form,
        lambda data: services.add_reply(
            actor,
            item,
            body=data["body"],
            internal=data.get("internal", False),
            attachments=data["attachments"],
        ),
        success=_("Reply saved."),
        redirect_to=reverse("support:request_detail", args=[pk]),
    ):
        return done
    item = selectors.get_request(actor, pk)
    return render(
        request,
        "support/request_detail.html",
        _detail_context(request, actor, item, reply_form=form),
        status=400,
    )


@login_required
@require_POST
def request_status(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    return run_action(
        request,
        lambda: services.change_status(actor, item, request.POST.get("status", "")),
        success=_("Status changed."),
        back=reverse("support:request_detail", args=[pk]),
    )


@login_required
@require_POST
def request_reopen(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    return run_action(
        request,
        lambda: services.reopen(actor, item),
        success=_("The request was reopened."),
        back=reverse("support:request_detail", args=[pk]),
    )


@login_required
@require_POST
def request_rate(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    return run_action(
        request,
        lambda: services.rate(
            actor, item, rating=request.POST.get("rating"), comment=request.POST.get("comment", "")
        ),
        success=_("Thank you for your feedback."),
        back=reverse("support:request_detail", args=[pk]),
    )


@login_required
@require_POST
def request_assign(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    _assign(request, actor, [item])
    return redirect("support:request_detail", pk)


def _assign(request, actor, items):
    raw = request.POST.get("assignee", "")
    assignee = None
    if raw.isdigit():
        assignee = User.objects.filter(pk=int(raw)).first()
        if assignee is None:
            messages.error(request, _("Choose one of the support specialists."))
            return
    try:
        changed = services.assign(actor, items, assignee)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("%(n)s requests assigned.") % {"n": len(changed)})


@login_required
def attachment_download(request, pk, attachment_pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    try:
        attachment = selectors.visible_attachments(actor, item).get(pk=attachment_pk)
    except (Attachment.DoesNotExist, ValueError):
        raise Http404 from None
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def request_transcript_csv(request, pk):
    """The request and the replies the user may read, as CSV (no internal notes for customers)."""
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="request-{item.number}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Time"), _("Author"), _("Kind"), _("Message")])
    writer.writerow(
        [
            timezone.localtime(item.created_at).isoformat(),
            str(item.requester),
            _("Request"),
            item.description,
        ]
    )
    for reply in selectors.visible_replies(actor, item):
        writer.writerow(
            [
                timezone.localtime(reply.created_at).isoformat(),
                str(reply.author),
                _("Internal note") if reply.is_internal else _("Reply"),
                reply.body,
            ]
        )
    return response


@login_required
def request_transcript_pdf(request, pk):
    """The request and the replies the user may read, as PDF (no internal notes for customers)."""
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    html = render_to_string(
        "support/transcript_pdf.html",
        {"item": item, "replies": selectors.visible_replies(actor, item)},
        request=request,
    )
    return pdf.response(pdf.render(html), f"request-{item.number}", attachment=True)


@login_required
def request_export_csv(request):
    actor = actor_of(request)
    _need(actor, "support.use", "support.handle")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="service-requests.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Number"),
            _("Organization"),
            _("Company"),
            _("Subject"),
            _("Status"),
            _("Urgency"),
            _("Created"),
            _("Replies"),
        ]
    )
    requests = selectors.requests_for(actor).order_by("number")
    for item in requests:
        writer.writerow(
            [
                item.number,
                item.organization.name,
                item.company.name,
                item.subject,
                item.get_status_display(),
                item.get_urgency_display(),
                timezone.localtime(item.created_at).date().isoformat(),
                selectors.visible_replies(actor, item).count(),
            ]
        )
    return response
