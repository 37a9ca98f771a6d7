"""The specialists' side: the queue of open requests and the dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core.models import Organization, User

from .. import selectors, services
from ..forms import SavedViewForm
from ..models import (
    Category,
    Status,
    Urgency,
)
from ._common import _need, actor_of
from .helpdesk import saved_view_url
from .requests import _assign


@login_required
def queue(request):
    actor = actor_of(request)
    _need(actor, "support.handle")
    services.close_expired_lazily()
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
        "category": request.GET.get("category", ""),
        "q": request.GET.get("q", ""),
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
            "categories": Category.choices,
            "saved_views": [
                {"view": view, "url": saved_view_url(view)}
                for view in selectors.saved_views_for(actor)
            ],
            "view_form": SavedViewForm(),
        },
    )


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
