"""The test-environment banner on top of every page while the user works in a test company.

Which company a page is about is read from the URL, the same way for every app: a URL keyword
argument named ``company_pk`` or ``company_id`` (ledger ``/ledger/<company_pk>/…``, payroll
``/payroll/c/<company_pk>/…``), core's company pages (``/companies/<pk>/``), or a ``?company=``
query parameter. Pages of the same app that name an object rather than the company (a payroll
employee, a pay run) keep the company last seen in that app: it is remembered in the session
per URL namespace, so the banner stays on while the user works on inside the test company.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tase.core.access import Actor

COMPANY_KWARGS = ("company_pk", "company_id")
CORE_COMPANY_PAGES = {"company_detail", "company_edit"}
SESSION_KEY = "tase_company_by_app"


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def company_of_page(request) -> tuple[int | None, bool]:
    """(company id, named in the URL?) for the page being rendered; (None, False) if none."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None, False
    for name in COMPANY_KWARGS:
        if name in match.kwargs:
            return _int(match.kwargs[name]), True
    if not match.namespace and match.url_name in CORE_COMPANY_PAGES and "pk" in match.kwargs:
        return _int(match.kwargs["pk"]), True
    if "company" in request.GET:
        return _int(request.GET.get("company")), True
    session = getattr(request, "session", None)
    if session is not None and match.namespace:
        return _int(session.get(SESSION_KEY, {}).get(match.namespace)), False
    return None, False


def _remember(request, company_pk: int) -> None:
    session = getattr(request, "session", None)
    match = request.resolver_match
    if session is None or not match.namespace:
        return
    seen = dict(session.get(SESSION_KEY, {}))
    if seen.get(match.namespace) != company_pk:
        seen[match.namespace] = company_pk
        session[SESSION_KEY] = seen


def banners(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    company_pk, in_url = company_of_page(request)
    if company_pk is None:
        return []
    if in_url:
        _remember(request, company_pk)
    row = (
        Actor.of(user)
        .companies(include_inactive=True)
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
