"""Payroll reads: lists, the employee's own payslips, the employer's monthly summary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.http import Http404

from tase.formats import iban as iban_format
from tase.rules.deadlines import moved_to_weekday

from .models import Absence, Employee, HolidayRecord, PayRun, Payslip

LOCKED = [PayRun.Status.APPROVED, PayRun.Status.PAID]


def employees(company, query: str = ""):
    rows = Employee.objects.filter(company=company).select_related("company__organization")
    if query:
        rows = rows.filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(number=query)
        )
    return rows


def shown_iban(actor, employee, company=None) -> str:
    """The employee's bank account as ``actor`` may see it: whole for those who manage payroll
    in the employee's company (they pay to it) and for the employee themselves; masked
    (``FI** **** **** **07 85``) for those who only view payroll. ``company``: the employee's,
    when the caller has it loaded already."""
    own = employee.user_id is not None and employee.user_id == getattr(actor.user, "pk", None)
    if own or actor.can_in_company("payroll.manage", company or employee.company):
        return employee.iban
    return iban_format.masked(employee.iban)


def absences(company, employee=None):
    """The company's absences, newest first, with their employees and the correction runs
    that change or remove them (three queries)."""
    rows = (
        Absence.objects.filter(company=company)
        .select_related("employee")
        .prefetch_related("changes__run")
    )
    return rows if employee is None else rows.filter(employee=employee)


def holidays(company, employee=None):
    """The company's planned, taken and saved holidays with their employees (one query)."""
    rows = HolidayRecord.objects.filter(company=company).select_related("employee")
    return rows if employee is None else rows.filter(employee=employee)


def own_employees(actor):
    """The employee records linked to the actor's user (the employee role sees their own)."""
    if not actor.can("payslip.view_own"):
        return Employee.objects.none()
    return Employee.objects.filter(user=actor.user).select_related("company")


def own_payslips(actor):
    """Payslips of approved runs of the employees linked to the actor's user."""
    if not actor.can("payslip.view_own"):
        return Payslip.objects.none()
    return (
        Payslip.objects.filter(employee__user=actor.user, pay_run__status__in=LOCKED)
        .select_related("employee", "pay_run", "company")
        .order_by("-payment_date", "-pk")
    )


def payslip_for(actor, pk) -> Payslip:
    """A payslip the actor may see: any in a company with payroll.view, else only one's own
    approved payslips. Anything else is a 404."""
    try:
        slip = Payslip.objects.select_related("employee", "pay_run", "company__organization").get(
            pk=pk
        )
    except (Payslip.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if actor.companies("payroll.view").filter(pk=slip.company_id).exists():
        return slip
    if (
        slip.employee.user_id == getattr(actor.user, "pk", None)
        and slip.pay_run.status in LOCKED
        and actor.can("payslip.view_own")
    ):
        return slip
    raise Http404


SUM_FIELDS = [
    "gross_cents",
    "benefits_cents",
    "taxable_cents",
    "withholding_cents",
    "employee_tyel_cents",
    "employee_unemployment_cents",
    "employee_health_cents",
    "union_dues_cents",
    "tax_free_cents",
    "net_cents",
    "employer_health_cents",
    "employer_tyel_cents",
    "employer_unemployment_cents",
    "total_cost_cents",
]


def _due_date(year: int, month: int) -> dt.date:
    """The 12th of the following month, moved to the next weekday when it falls on a
    Saturday, Sunday or holiday (laki säädettyjen määräaikain laskemisesta 150/1930 5 §, as
    the Tax Administration applies it to self-assessed taxes; see tase.rules.deadlines)."""
    return moved_to_weekday(dt.date(year + (month == 12), month % 12 + 1, 12))


def monthly_summary(company, year: int) -> list[dict]:
    """Per payment month: withholding, employer health insurance and the sum due to the
    Tax Administration by the 12th of the following month (approved and paid runs)."""
    rows = Payslip.objects.filter(
        company=company, payment_date__year=year, pay_run__status__in=LOCKED
    ).values_list("payment_date__month", *SUM_FIELDS)
    months: dict[int, dict] = {}
    for month, *values in rows:
        entry = months.setdefault(month, dict.fromkeys(SUM_FIELDS, 0) | {"payslips": 0})
        entry["payslips"] += 1
        for field, value in zip(SUM_FIELDS, values, strict=True):
            entry[field] += value
    result = []
    for month in sorted(months):
        entry = months[month]
        entry["month"] = month
        entry["year"] = year
        # With tax at source the employee's health insurance contributions, withheld
        # separately, are paid with the tax.
        entry["due_cents"] = (
            entry["withholding_cents"]
            + entry["employee_health_cents"]
            + entry["employer_health_cents"]
        )
        entry["due_date"] = _due_date(year, month)
        result.append(entry)
    return result


def year_to_date(company, year: int) -> list[dict]:
    """Per employee, the year's totals of approved and paid payslips."""
    rows = (
        Payslip.objects.filter(company=company, payment_date__year=year, pay_run__status__in=LOCKED)
        .values("employee_id", "employee__first_name", "employee__last_name", "employee__number")
        .annotate(**{field: Sum(field) for field in SUM_FIELDS})
        .order_by("employee__last_name", "employee__first_name")
    )
    return list(rows)


def employee_year_to_date(employee, year: int, until: dt.date) -> dict:
    rows = Payslip.objects.filter(
        employee=employee,
        payment_date__year=year,
        payment_date__lte=until,
        pay_run__status__in=LOCKED,
    ).aggregate(**{field: Sum(field) for field in SUM_FIELDS})
    return defaultdict(int, {k: v or 0 for k, v in rows.items()})


def register_reports(company):
    """The company's Incomes Register files, newest payment first (the XML left unread)."""
    from .models import IncomesRegisterReport

    return (
        IncomesRegisterReport.objects.filter(company=company)
        .select_related("pay_run", "corrects")
        .defer("xml", "corrects__xml")
    )


def register_report_for(actor, pk, action: str = "payroll.view"):
    """One Incomes Register file the actor may see (else 404)."""
    from .models import IncomesRegisterReport

    try:
        report = IncomesRegisterReport.objects.select_related("company").get(pk=pk)
    except (IncomesRegisterReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    actor.company(report.company_id, action)
    return report


def register_deadlines(companies, today: dt.date, days: int = 5):
    """Open Incomes Register files due within ``days`` (or late) in ``companies``."""
    from .models import IncomesRegisterReport

    return (
        IncomesRegisterReport.objects.filter(
            company__in=companies,
            state__in=[
                IncomesRegisterReport.State.PRODUCED,
                IncomesRegisterReport.State.DOWNLOADED,
            ],
            deadline__lte=today + dt.timedelta(days=days),
        )
        .select_related("company")
        .defer("xml")
        .order_by("deadline", "pk")
    )


@dataclass
class OwedSeparateReport:
    """An employer's separate report that is owed but has not been produced (see
    :func:`tase.rules.incomes_register.owed_separate_months`). Read like a report row by the
    pages and the API listing: no id, state ``owed``."""

    company: object
    month: dt.date  # the first day
    deadline: dt.date
    wages_paid: bool
    id = None
    pk = None
    kind = "separate"
    report_id = ""
    version = 0
    pay_run_id = None
    pay_run = None
    corrects_id = None
    corrects = None
    reports = 0
    state = "owed"
    owed = True
    downloaded_at = None
    sent_on = None
    register_id = ""

    @property
    def company_id(self) -> int:
        return self.company.pk

    @property
    def payment_date(self) -> dt.date:
        """The month's last day, as a produced separate report's."""
        return self.deadline.replace(day=1) - dt.timedelta(days=1)

    def is_late(self, today: dt.date) -> bool:
        return today > self.deadline


def owed_separate_reports(companies, today: dt.date) -> list[OwedSeparateReport]:
    """The separate reports ``companies`` owe and have not produced, oldest month first, in
    three aggregate queries whatever the number of companies, months or employees: the
    months with wages (approved or paid payslips, by payment date), the span of the
    employments and the months that have a current separate report."""
    from django.db.models import Count, Max, Min
    from django.db.models.functions import TruncMonth

    from tase.core.models import Company
    from tase.rules import incomes_register as rules

    from .models import Employment, IncomesRegisterReport

    month_end = dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    wages: dict[int, set] = defaultdict(set)
    rows = (
        Payslip.objects.filter(
            company__in=companies, pay_run__status__in=LOCKED, payment_date__lt=month_end
        )
        .annotate(paid_month=TruncMonth("payment_date"))
        .values_list("company_id", "paid_month")
        .distinct()
        .order_by()
    )
    for company_id, month in rows:
        wages[company_id].add(month if isinstance(month, dt.date) else month.date())
    if not wages:
        return []
    spans = {
        row["company_id"]: (row["first"], None if row["open"] else row["last"])
        for row in Employment.objects.filter(company_id__in=wages)
        .values("company_id")
        .annotate(
            first=Min("start_date"),
            last=Max("end_date"),
            open=Count("pk", filter=Q(end_date__isnull=True)),
        )
        .order_by()
    }
    reported: dict[int, set] = defaultdict(set)
    for company_id, month in (
        IncomesRegisterReport.objects.filter(
            company_id__in=wages,
            kind=IncomesRegisterReport.Kind.SEPARATE,
            month__isnull=False,
        )
        .exclude(state=IncomesRegisterReport.State.REPLACED)
        .values_list("company_id", "month")
        .distinct()
        .order_by()
    ):
        reported[company_id].add(month)
    owed = {
        company_id: rules.owed_separate_months(
            months, reported[company_id], today, employed=spans.get(company_id)
        )
        for company_id, months in wages.items()
    }
    owed = {company_id: months for company_id, months in owed.items() if months}
    if not owed:
        return []
    names = Company.objects.in_bulk(list(owed))
    return sorted(
        (
            OwedSeparateReport(
                company=names[company_id],
                month=month,
                deadline=rules.separate_report_deadline(month.year, month.month),
                wages_paid=month in wages[company_id],
            )
            for company_id, months in owed.items()
            for month in months
        ),
        key=lambda row: (row.month, row.company.pk),
    )
