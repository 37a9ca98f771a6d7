"""The employer's monthly summary of wages, withholdings and contributions, as a page and CSV."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from .. import selectors, services
from .common import (
    actor_of,
)


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or dt.date.today().year)
    except ValueError:
        return dt.date.today().year


@login_required
def summary(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.view")
    year = _year(request)
    return render(
        request,
        "payroll/summary.html",
        {
            "company": company,
            "year": year,
            "months": selectors.monthly_summary(company, year),
            "ytd": selectors.year_to_date(company, year),
        },
    )


@login_required
def summary_csv(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.view")
    year = _year(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payroll-summary-{year}.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "month",
            "payslips",
            "gross_pay",
            "withholding",
            "employer_health_insurance",
            "due_to_tax_administration",
            "due_date",
            "employee_health_insurance_tax_at_source",
        ]
    )
    for row in selectors.monthly_summary(company, year):
        writer.writerow(
            [
                f"{year}-{row['month']:02d}",
                row["payslips"],
                services.euros(row["gross_cents"]),
                services.euros(row["withholding_cents"]),
                services.euros(row["employer_health_cents"]),
                services.euros(row["due_cents"]),
                row["due_date"].isoformat(),
                services.euros(row["employee_health_cents"]),
            ]
        )
    return response
