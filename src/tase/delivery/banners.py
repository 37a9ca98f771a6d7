"""The test-environment banner on top of every page while the user works in a test company.

Which company a page is about is read from the URL, the same way for every app: a URL keyword
argument named ``company_pk`` or ``company_id`` (ledger ``/ledger/<company_pk>/…``, payroll
``/payroll/c/<company_pk>/…``), core's company pages (``/companies/<pk>/``), a page that names
one object of a company (a payroll employee, a pay run: the apps register these with
:func:`tase.core.registry.register_company_pages`), or a ``?company=`` query parameter. A page
that names no company shows no banner: guessing from the pages seen before could label a real
company's page as practice.
"""

from __future__ import annotations

from django.db.models import Subquery
from django.utils.translation import gettext as _

from tase.core.access import Actor
from tase.core.registry import COMPANY_PAGES

COMPANY_KWARGS = ("company_pk", "company_id")
CORE_COMPANY_PAGES = {"company_detail", "company_edit"}


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def company_of_page(request) -> int | Subquery | None:
    """The id of the company the page being rendered is about (for an object's page, the
    subquery that reads it, so the banner still costs one query), or None."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    for name in COMPANY_KWARGS:
        if name in match.kwargs:
            return _int(match.kwargs[name])
    if not match.namespace and match.url_name in CORE_COMPANY_PAGES and "pk" in match.kwargs:
        return _int(match.kwargs["pk"])
    page = COMPANY_PAGES.get(match.view_name)
    if page is not None and _int(match.kwargs.get("pk")):
        return Subquery(
            page.model.objects.filter(pk=_int(match.kwargs["pk"])).values("company_id")[:1]
        )
    if "company" in request.GET:
        return _int(request.GET.get("company"))
    return None


def banners(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    company_pk = company_of_page(request)
    if company_pk is None:
        return []
    actor = Actor.of(user)
    if isinstance(company_pk, int):  # the page's own view has usually read it already
        company = actor.visible_company(company_pk)
        row = (company.name, company.is_active) if company and company.is_test_environment else None
    else:
        row = (
            actor.companies(include_inactive=True)
            .filter(pk=company_pk, is_test_environment=True)
            .values_list("name", "is_active")
            .first()
        )
    if row is None:
        return []
    name, active = row
    if not active:
        text = _(
            "Archived test environment: %(name)s. An earlier practice copy, kept for the record; "
            "nothing here is part of the real books or payroll."
        )
    else:
        text = _(
            "Test environment: %(name)s. For practice: nothing done here touches the real books "
            "or payroll, and every PDF is marked as a test."
        )
    return [{"kind": "test", "text": text % {"name": name}}]
