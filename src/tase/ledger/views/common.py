"""What the bookkeeping pages share: the actor and company of a request, the base context,
errors as a list, a page's POST, dates from the query string and the confirmation of acts that lock."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tase.core.access import Actor
from tase.core.days import iso_day
from tase.core.editing import post_or_errors, this_page

from .. import selectors, services
from ..models import FiscalYear


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


def posted(request, company, permission: str, handle, *, redirect_to=None):
    """A bookkeeping page's POST (:func:`tase.core.editing.post_or_errors` with the ledger's
    list of errors): ``permission`` in the company is checked, then ``handle(request,
    company)`` runs, then back to ``redirect_to`` (this page by default). Returns the redirect
    (``None`` for a GET or when the page is shown again) and the errors."""
    if request.method != "POST":
        return None, []
    _company(request, company.pk, permission)
    return post_or_errors(
        lambda: handle(request, company),
        redirect_to=redirect_to or this_page(request),
        errors=_errors,
    )


def _date(value, default):
    return iso_day(value) or default


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


def chosen_year(request, company) -> tuple[list[FiscalYear], FiscalYear | None]:
    """The company's fiscal years, newest first, and the one the page asks for (``year`` in
    the form or the address), else the newest; ``None`` when the company has no years."""
    years = list(company.fiscal_years.order_by("-start"))
    chosen = request.POST.get("year") or request.GET.get("year")
    year = next((y for y in years if str(y.pk) == chosen), None) or (years[0] if years else None)
    return years, year


def gate_day() -> dt.date:
    """The end of last month: the month to lock next, whose closing gate is shown unless
    another day is asked."""
    return dt.date.today().replace(day=1) - dt.timedelta(days=1)


def _month_end(value: str | None) -> dt.date | str:
    """The last day of a month given as YYYY-MM (a month input); other text is passed on
    for the service to refuse with its own message."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return services.add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)
    except ValueError:
        return value or ""


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


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
