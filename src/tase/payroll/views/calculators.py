"""The payroll start page and the net-pay and holiday-pay calculators."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .. import selectors
from ..api import calculate_dict
from ..forms import (
    CalculatorForm,
    HolidayCalculatorForm,
)
from ..holidays_api import calculate_dict as calculate_holidays
from .common import (
    actor_of,
    engine_errors_to,
    language,
)


@login_required
def index(request):
    actor = actor_of(request)
    companies = list(actor.companies("payroll.view"))
    if len(companies) == 1 and not request.GET.get("all"):
        return redirect("payroll:runs", companies[0].pk)
    own = selectors.own_payslips(actor)[:5]
    return render(request, "payroll/index.html", {"companies": companies, "own": own})


@login_required
def calculator(request):
    form = CalculatorForm(request.POST or None, language=language())
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = calculate_dict(form.to_request(), language())
        except ValidationError as error:
            engine_errors_to(form, error)
    totals = None
    if result is not None:
        totals = {k: Decimal(v) for k, v in result.items() if isinstance(v, str)}
        totals["total_cost"] = Decimal(result["employer"]["total_cost"])
    return render(
        request, "payroll/calculator.html", {"form": form, "result": result, "totals": totals}
    )


@login_required
def holiday_calculator(request):
    """Annual holiday days, holiday pay and compensation for one credit year (stateless)."""
    form = HolidayCalculatorForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = calculate_holidays(form.to_request(), language())
        except ValidationError as error:
            engine_errors_to(form, error)
    if result is not None:
        for line in result["lines"]:  # money has cents; days and months are counts
            line["money"] = "." in line["amount"]
            line["value"] = Decimal(line["amount"])
        for key in ("average_daily_wage", "holiday_pay", "holiday_bonus", "compensation"):
            result[key] = None if result[key] is None else Decimal(result[key])
    return render(request, "payroll/holiday_calculator.html", {"form": form, "result": result})
