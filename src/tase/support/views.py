"""Pages of customer support: thin — parse, call a service or a selector, render."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from tase.core import pdf
from tase.core.access import Actor
from tase.core.models import Organization, User
from tase.core.roles import STAFF_ROLES

from . import markup, selectors, services
from .forms import (
    AnnouncementForm,
    CallForm,
    GuideForm,
    GuideImageForm,
    PhonePriceForm,
    QuoteForm,
    RatingForm,
    ReplyForm,
    RequestForm,
    SessionForm,
    StatusForm,
    TrainingOrderForm,
)
from .models import (
    AUTO_CLOSE_DAYS,
    Attachment,
    Guide,
    GuideCategory,
    GuideImage,
    PhonePrice,
    Status,
    Urgency,
)


def form_errors_from(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def actor_of(request) -> Actor:
    return Actor.of(request.user)


def _need(actor: Actor, *actions: str) -> None:
    """A page the actor's roles do not reach at all does not exist for them."""
    if not any(actor.can(action) for action in actions):
        raise Http404


def _visible_actor(request) -> Actor | None:
    return actor_of(request) if request.user.is_authenticated else None


# -- service requests ----------------------------------------------------------------


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
    services.close_expired()
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_request(
                actor,
                company=data["company"],
                category=data["category"],
                subject=data["subject"],
                description=data["description"],
                urgency=data["urgency"],
                attachments=data["attachments"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("Service request #%(number)s sent.") % {"number": created.number},
            )
            return redirect("support:request_detail", created.pk)
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
    }
    context.update(extra)
    return context


@login_required
def request_detail(request, pk):
    actor = actor_of(request)
    services.close_expired()
    item = selectors.get_request(actor, pk)
    return render(request, "support/request_detail.html", _detail_context(request, actor, item))


@login_required
@require_POST
def request_reply(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    staff = selectors.is_handler(actor, item.organization)
    form = ReplyForm(request.POST, request.FILES, staff=staff)
    if form.is_valid():
        try:
            services.add_reply(
                actor,
                item,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data.get("internal", False),
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Reply saved."))
            return redirect("support:request_detail", pk)
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
    try:
        services.change_status(actor, item, request.POST.get("status", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Status changed."))
    return redirect("support:request_detail", pk)


@login_required
@require_POST
def request_reopen(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    try:
        services.reopen(actor, item)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The request was reopened."))
    return redirect("support:request_detail", pk)


@login_required
@require_POST
def request_rate(request, pk):
    actor = actor_of(request)
    item = selectors.get_request(actor, pk)
    try:
        services.rate(
            actor, item, rating=request.POST.get("rating"), comment=request.POST.get("comment", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect("support:request_detail", pk)


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
        for message in error.messages:
            messages.error(request, message)
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


# -- the specialists' queue ----------------------------------------------------------


@login_required
def queue(request):
    actor = actor_of(request)
    _need(actor, "support.handle")
    services.close_expired()
    if request.method == "POST":
        ids = [int(pk) for pk in request.POST.getlist("requests") if pk.isdigit()]
        items = list(selectors.requests_for(actor).filter(pk__in=ids))
        if not items:
            messages.error(request, _("Choose the requests to assign."))
        else:
            _assign(request, actor, items)
        return redirect(request.get_full_path())
    filters = {
        "status": request.GET.get("status", "open"),
        "urgency": request.GET.get("urgency", ""),
        "assignee": request.GET.get("assignee", ""),
        "organization": request.GET.get("organization", ""),
        "overdue": request.GET.get("overdue") == "1",
        "sort": request.GET.get("sort", "target"),
    }
    items = selectors.queue(actor, **filters)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for item in page:
        item.target = selectors.target_state(item, now)
    vendors = [m.organization for m in actor.staff_memberships]
    specialists = services.support_staff(vendors[0]) if vendors else User.objects.none()
    return render(
        request,
        "support/queue.html",
        {
            "page": page,
            "filters": filters,
            "statuses": Status.choices,
            "urgencies": Urgency.choices,
            "organizations": actor.organizations("support.handle").filter(
                kind=Organization.Kind.CUSTOMER
            ),
            "specialists": specialists,
        },
    )


# -- announcements -------------------------------------------------------------------


@login_required
def announcement_list(request):
    actor = actor_of(request)
    publisher = actor.can("support.publish")
    items = selectors.with_read_marks(
        selectors.announcements_for(actor, current_only=not publisher), request.user
    )
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "support/announcement_list.html", {"page": page, "publisher": publisher})


@login_required
def announcement_detail(request, pk):
    actor = actor_of(request)
    announcement = selectors.get_announcement(actor, pk)
    services.mark_read(actor, announcement)
    return render(
        request,
        "support/announcement_detail.html",
        {
            "announcement": announcement,
            "body": markup.render(announcement.body),
            "publisher": actor.can("support.publish", announcement.organization),
        },
    )


def _announcement_form(request, actor, announcement=None):
    organizations = Organization.objects.filter(
        pk__in=actor.organizations("support.publish").values("pk"),
        kind=Organization.Kind.CUSTOMER,
    )
    initial = {}
    if announcement is not None:
        initial = {
            "title": announcement.title,
            "body": announcement.body,
            "kind": announcement.kind,
            "audience": announcement.audience,
            "module": announcement.module,
            "organizations": list(announcement.organizations.all()),
            "publish_at": timezone.localtime(announcement.publish_at).strftime("%Y-%m-%dT%H:%M"),
            "expire_at": timezone.localtime(announcement.expire_at).strftime("%Y-%m-%dT%H:%M")
            if announcement.expire_at
            else None,
        }
    else:
        initial = {"publish_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    form = AnnouncementForm(request.POST or None, initial=initial, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("organizations")
        try:
            if announcement is None:
                announcement = services.create_announcement(actor, organizations=chosen, **data)
            else:
                announcement = services.update_announcement(
                    actor, announcement, organizations=chosen, **data
                )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Announcement saved."))
            return redirect("support:announcement_detail", announcement.pk)
    return render(
        request,
        "support/form_page.html",
        {
            "form": form,
            "title": _("Edit announcement") if announcement else _("New announcement"),
            "back": reverse("support:announcement_list"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def announcement_create(request):
    actor = actor_of(request)
    _need(actor, "support.publish")
    return _announcement_form(request, actor)


@login_required
def announcement_edit(request, pk):
    actor = actor_of(request)
    announcement = selectors.get_announcement(actor, pk)
    actor.require("support.publish", announcement.organization)
    return _announcement_form(request, actor, announcement)


# -- guides (public ones readable without signing in) --------------------------------


@login_not_required
def guide_list(request):
    actor = _visible_actor(request)
    query = request.GET.get("q", "").strip()
    language = request.GET.get("language", "")
    if query:
        guides = selectors.search_guides(actor, query, limit=50)
        if language in Guide.Language.values:
            guides = [g for g in guides if g.language == language]
        categories = None
    else:
        guides = None
        visible = selectors.guides_for(actor)
        if language in Guide.Language.values:
            visible = visible.filter(language=language)
        categories = {}
        for guide in visible.order_by("category__order", "category__name", "title"):
            categories.setdefault(guide.category, []).append(guide)
    return render(
        request,
        "support/guide_list.html",
        {
            "query": query,
            "guides": guides,
            "categories": categories,
            "language": language,
            "languages": Guide.Language.choices,
            "publisher": actor is not None and actor.can("support.publish"),
        },
    )


@login_not_required
def guide_detail(request, pk):
    actor = _visible_actor(request)
    guide = selectors.get_guide(actor, pk)
    related = selectors.guides_for(actor).filter(pk__in=guide.related.values("pk"))
    voted = str(guide.pk) in request.session.get("support_guide_votes", [])
    return render(
        request,
        "support/guide_detail.html",
        {
            "guide": guide,
            "body": markup.render(guide.body),
            "related": related,
            "voted": voted,
            "publisher": actor is not None and actor.can("support.publish", guide.organization),
            "versions": guide.versions.all()[:10] if actor and actor.can("support.publish") else [],
            "images": guide.images.all() if actor and actor.can("support.publish") else [],
            "image_form": GuideImageForm(),
        },
    )


@login_not_required
@require_POST
def guide_vote(request, pk):
    actor = _visible_actor(request)
    guide = selectors.get_guide(actor, pk)
    votes = request.session.get("support_guide_votes", [])
    if str(guide.pk) not in votes:
        services.vote_guide(guide, request.POST.get("helpful") == "yes")
        request.session["support_guide_votes"] = [*votes, str(guide.pk)][-200:]
    if request.htmx:
        return HttpResponse(_("Thank you for your feedback."))
    messages.success(request, _("Thank you for your feedback."))
    return redirect("support:guide_detail", pk)


@login_not_required
def guide_image(request, pk):
    actor = _visible_actor(request)
    try:
        image = GuideImage.objects.select_related("guide").get(pk=pk)
    except GuideImage.DoesNotExist:
        raise Http404 from None
    selectors.get_guide(actor, image.guide_id)  # the image is as visible as its guide
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _guide_form(request, actor, guide=None):
    vendors = [
        m.organization
        for m in actor.staff_memberships
        if actor.can("support.publish", m.organization)
    ]
    if not vendors:
        raise Http404
    categories = GuideCategory.objects.filter(organization=vendors[0])
    guides = Guide.objects.filter(organization=vendors[0])
    if guide is not None:
        guides = guides.exclude(pk=guide.pk)
        initial = {
            "title": guide.title,
            "category": guide.category,
            "language": guide.language,
            "visibility": guide.visibility,
            "body": guide.body,
            "related": list(guide.related.all()),
            "is_published": guide.is_published,
        }
    else:
        initial = {"is_published": True}
    form = GuideForm(request.POST or None, initial=initial, categories=categories, guides=guides)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        related = data.pop("related")
        try:
            guide = services.save_guide(actor, guide, related=related, **data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Guide saved."))
            return redirect("support:guide_detail", guide.pk)
    return render(
        request,
        "support/form_page.html",
        {
            "form": form,
            "title": _("Edit guide") if guide else _("New guide"),
            "back": reverse("support:guide_list"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def guide_create(request):
    actor = actor_of(request)
    _need(actor, "support.publish")
    return _guide_form(request, actor)


@login_required
def guide_edit(request, pk):
    actor = actor_of(request)
    guide = selectors.get_guide(actor, pk)
    actor.require("support.publish", guide.organization)
    return _guide_form(request, actor, guide)


@login_required
@require_POST
def guide_image_upload(request, pk):
    actor = actor_of(request)
    guide = selectors.get_guide(actor, pk)
    if not actor.can("support.publish", guide.organization):
        raise PermissionDenied  # the guide is readable, uploading to it is not: 403
    form = GuideImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            image = services.add_guide_image(actor, guide, form.cleaned_data["image"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Image uploaded: ![%(name)s](%(url)s)")
                % {"name": image.name, "url": reverse("support:guide_image", args=[image.pk])},
            )
    return redirect("support:guide_detail", pk)


# -- extra training ------------------------------------------------------------------


@login_required
def training_list(request):
    actor = actor_of(request)
    _need(actor, "support.use", "support.handle")
    orders = selectors.training_orders_for(actor)
    return render(
        request,
        "support/training_list.html",
        {
            "orders": orders,
            "can_order": actor.can("support.order_training"),
            "implementation": selectors.implementation_trainings(actor),
        },
    )


@login_required
def training_create(request):
    actor = actor_of(request)
    _need(actor, "support.order_training")
    organizations = actor.organizations("support.order_training")
    form = TrainingOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_training(actor, organizations.first(), **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Training ordered."))
            return redirect("support:training_detail", order.pk)
    return render(
        request,
        "support/form_page.html",
        {
            "form": form,
            "title": _("Order extra training"),
            "back": reverse("support:training_list"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def training_detail(request, pk):
    actor = actor_of(request)
    order = selectors.get_training_order(actor, pk)
    staff = actor.can("support.handle", order.organization)
    quote_form = QuoteForm(prefix="quote")
    trainers = User.objects.filter(
        memberships__organization=order.organization.vendor,
        memberships__role__in=list(STAFF_ROLES),
        memberships__is_active=True,
    ).distinct()
    session_form = SessionForm(prefix="session", trainers=trainers)
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "quote":
                quote_form = QuoteForm(request.POST, prefix="quote")
                if quote_form.is_valid():
                    cents = int(
                        (quote_form.cleaned_data["price"] * 100).quantize(
                            Decimal(1), rounding=ROUND_HALF_UP
                        )
                    )
                    services.quote_training(
                        actor, order, price_cents=cents, note=quote_form.cleaned_data["note"]
                    )
                    return redirect("support:training_detail", pk)
            elif step == "accept":
                services.accept_training(actor, order)
                return redirect("support:training_detail", pk)
            elif step == "session":
                session_form = SessionForm(request.POST, prefix="session", trainers=trainers)
                if session_form.is_valid():
                    services.plan_session(actor, order, **session_form.cleaned_data)
                    return redirect("support:training_detail", pk)
            elif step == "done":
                services.complete_training(actor, order)
                return redirect("support:training_detail", pk)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("support:training_detail", pk)
    return render(
        request,
        "support/training_detail.html",
        {
            "order": order,
            "staff": staff,
            "can_accept": actor.can("support.order_training", order.organization),
            "quote_form": quote_form,
            "session_form": session_form,
        },
    )


# -- phone support ---------------------------------------------------------------------


@login_required
def call_list(request):
    actor = actor_of(request)
    _need(actor, "support.handle")
    organizations = actor.organizations("support.handle").filter(kind=Organization.Kind.CUSTOMER)
    form = CallForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("request_number")
        linked = None
        if number:
            linked = selectors.requests_for(actor).filter(number=number).first()
            if linked is None:
                form.add_error("request_number", _("No such service request."))
        if form.is_valid():
            try:
                services.log_call(actor, data.pop("organization"), request=linked, **data)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Call logged."))
                return redirect("support:call_list")
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
    if request.method == "POST" and form.is_valid():
        cents = int((form.cleaned_data["price"] * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        try:
            services.set_phone_price(
                actor, effective_from=form.cleaned_data["effective_from"], cents_per_minute=cents
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Price saved."))
            return redirect("support:phone_prices")
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


# -- dashboard --------------------------------------------------------------------------


@login_required
def dashboard(request):
    actor = actor_of(request)
    _need(actor, "support.handle")
    data = selectors.dashboard(actor)

    # SVG coordinates as plain strings: numbers in templates would be localized ("1,5")
    def coord(value) -> str:
        return f"{value:.1f}"

    chart_width = str(24 * len(data["per_week"]))
    scale = 100 / data["week_max"]
    bars = [
        {
            "week": week["week"],
            "opened": week["opened"],
            "closed": week["closed"],
            "x_open": str(i * 24 + 2),
            "x_closed": str(i * 24 + 12),
            "h_open": coord(week["opened"] * scale),
            "h_closed": coord(week["closed"] * scale),
            "y_open": coord(110 - week["opened"] * scale),
            "y_closed": coord(110 - week["closed"] * scale),
        }
        for i, week in enumerate(data["per_week"])
    ]
    rating_bars = [
        {
            "score": row["score"],
            "n": row["n"],
            "width": coord(200 * row["n"] / data["ratings_max"]),
            "y_text": str((row["score"] - 1) * 22 + 14),
            "y_bar": str((row["score"] - 1) * 22 + 4),
        }
        for row in data["ratings"]
    ]
    return render(
        request,
        "support/dashboard.html",
        {**data, "bars": bars, "chart_width": chart_width, "rating_bars": rating_bars},
    )
