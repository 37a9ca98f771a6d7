"""Pages of the closing gate: one company's assertions on a day, and the accounting office's
page with every client company's gate."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from tase.core.access import Actor

from . import closing
from .views import _base, _company, _date, gate_day

OFFICE_PAGE_SIZE = 200


@login_required
def closing_gate(request, company_pk):
    company = _company(request, company_pk)
    on = _date(request.GET.get("on"), gate_day())
    year_end = request.GET.get("year_end") == "1"
    gate = closing.closing_gate(company, on, year_end=year_end)
    return render(request, "ledger/closing_gate.html", _base(request, company, gate=gate, on=on))


@login_required
def office(request):
    """Every company the user may see the books of, each with its gate on one day; the
    checks are asked once for all the companies (``ClosingCheck.many``)."""
    actor = Actor.of(request.user)
    if not actor.can("ledger.view"):
        raise Http404
    on = _date(request.GET.get("on"), gate_day())
    companies = list(
        actor.companies("ledger.view")
        .select_related("organization")
        .order_by("name", "pk")[:OFFICE_PAGE_SIZE]
    )
    gates = closing.closing_gates(companies, on)
    rows = [(company, gates[company.pk]) for company in companies]
    only_failing = request.GET.get("failing") == "1"
    if only_failing:
        rows = [(company, gate) for company, gate in rows if not gate.ok]
    return render(
        request,
        "ledger/closing_gates.html",
        {
            "rows": rows,
            "on": on,
            "only_failing": only_failing,
            "failing_count": sum(1 for gate in gates.values() if not gate.ok),
            "truncated": len(companies) == OFFICE_PAGE_SIZE,
        },
    )
