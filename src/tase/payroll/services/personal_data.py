"""An employee's personal data: what is held, until when and why; export; erasure.

The statutory retention periods (cited beside each rule below and on the page):

- **Payroll ledger** (palkkakirjanpito: the payslips' amounts per employee with the name and
  henkilötunnus that identify the payee, and the Incomes Register reports made of them):
  10 years from the end of the fiscal year of the payment. Ennakkoperintälaki 1118/1996
  36 § 2 mom.; Kirjanpitolaki 1336/1997 2 luku 10 § 1 mom. (books 10 years).
- **Vouchers** (tax cards, pay items, the payslip as a voucher): 6 years from the end of the
  year in which the pay was paid. Ennakkoperintälaki 36 § 2 mom.; Kirjanpitolaki 2:10 § 2 mom.
- **Holiday records** (vuosilomakirjanpito, here the holiday lines of the payslips): until
  the period for claims ends, 2 years from the end of the employment. Vuosilomalaki
  162/2005 29 § 3 mom. and 34 § 2 mom. Shorter than the payroll ledger's, so kept with it.
- **Employment and its tasks** (for the work certificate): 10 years from the end of the
  employment. Työsopimuslaki 55/2001 6 luku 7 §.
- **Contact details, the bank account, the user account link**: no retention duty once the
  employment has ended and every pay run is paid; erased first.

Erasure erases or pseudonymises what may go *today* and lists what is kept, until when and
why; it refuses while the person is employed or a pay run of theirs is open, and when nothing
more may go yet. Money stays: payslips keep their amounts (the books must still add up), tied
to a pseudonym once the identity may go.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit

from ..models import (
    Employee,
    IncomesRegisterPart,
    IncomesRegisterReport,
    PayItem,
    PayRun,
    Payslip,
    TaxCard,
)
from .common import euros, require

PAID = (PayRun.Status.APPROVED, PayRun.Status.PAID)
# Sources of the periods, as the page and the export cite them.
LAW_PAYROLL_LEDGER = (
    "Ennakkoperintälaki 1118/1996 36 § 2 mom.; Kirjanpitolaki 1336/1997 2:10 § 1 mom."
)
LAW_VOUCHERS = "Ennakkoperintälaki 1118/1996 36 § 2 mom.; Kirjanpitolaki 1336/1997 2:10 § 2 mom."
LAW_HOLIDAYS = "Vuosilomalaki 162/2005 29 § 3 mom., 34 § 2 mom."
LAW_CERTIFICATE = "Työsopimuslaki 55/2001 6:7 §"
PSEUDONYM_BIRTH_DATE = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class Holding:
    """One kind of data held of a person: whether it may go on ``today`` and if not, until
    when it is kept and why."""

    key: str
    label: str
    until: dt.date | None  # kept until this day (inclusive); None: no retention duty
    reason: str
    law: str = ""
    erased: bool = False  # already erased

    def may_go(self, today: dt.date) -> bool:
        return not self.erased and (self.until is None or self.until < today)


@dataclass(frozen=True)
class Plan:
    employee: Employee
    today: dt.date
    blocked: str  # why nothing may go now (employed, an open run); "" otherwise
    holdings: tuple[Holding, ...]

    @property
    def erasable(self) -> list[Holding]:
        if self.blocked:
            return []
        return [h for h in self.holdings if h.may_go(self.today)]

    @property
    def kept(self) -> list[Holding]:
        erasable = {h.key for h in self.erasable}
        return [h for h in self.holdings if h.key not in erasable and not h.erased]


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _fiscal_year_end(employee: Employee, day: dt.date) -> dt.date:
    """The end of the company's fiscal year of ``day`` in the books; without books in Tase,
    the latest a fiscal year holding ``day`` can end (Kirjanpitolaki 1:4 §: at most 18
    months), taken as the end of the next calendar year so that nothing goes too early."""
    from tase.ledger.selectors import fiscal_year_of

    year = fiscal_year_of(employee.company, day)
    return year.end if year is not None else dt.date(day.year + 1, 12, 31)


def retention_plan(employee: Employee, today: dt.date | None = None) -> Plan:
    today = today or timezone.localdate()
    employments = list(employee.employments.all())
    ends = [e.end_date for e in employments]
    employed = any(end is None or end >= today for end in ends)
    employment_end = max((end for end in ends if end is not None), default=None)
    # Open: a draft run with the employee, or an approved one whose payment day is to come.
    open_run = (
        PayRun.objects.filter(employees=employee, status=PayRun.Status.DRAFT).exists()
        or PayItem.objects.filter(employee=employee, pay_run__status=PayRun.Status.DRAFT).exists()
        or Payslip.objects.filter(
            employee=employee,
            pay_run__status=PayRun.Status.APPROVED,
            pay_run__payment_date__gte=today,
        ).exists()
    )
    last_payment = Payslip.objects.filter(employee=employee, pay_run__status__in=PAID).aggregate(
        last=Max("payment_date")
    )["last"]
    blocked = ""
    if employed:
        blocked = _("The employment has not ended: the data is needed to pay the wages.")
    elif open_run:
        blocked = _("A pay run of this employee is open: pay or cancel it first.")

    erased = employee.erased_at is not None
    contact_gone = not any(
        [employee.street_address, employee.postal_code, employee.city, employee.email]
    ) and (employee.user_id is None)
    holdings = [
        Holding(
            "contact",
            _("Address, email and user account link"),
            None,
            _("Needed only to reach the employee and send payslips while employed."),
            erased=contact_gone,
        ),
        Holding(
            "bank_account",
            _("Bank account (IBAN)"),
            None,
            _("Needed only to pay the wages; every pay run is paid."),
            erased=not employee.iban,
        ),
    ]
    has_cards = employee.tax_cards.exists()
    if last_payment is None:
        holdings.append(
            Holding(
                "tax_cards",
                _("Tax cards"),
                None,
                _("No pay was paid with them."),
                erased=not has_cards,
            )
        )
        identity_until = None
        ledger_until = None
    else:
        voucher_until = dt.date(last_payment.year + 6, 12, 31)
        holdings.append(
            Holding(
                "tax_cards",
                _("Tax cards"),
                voucher_until,
                _("Vouchers of the withholding: 6 years from the end of the year of payment."),
                LAW_VOUCHERS,
                erased=not has_cards,
            )
        )
        ledger_until = _years_after(_fiscal_year_end(employee, last_payment), 10)
        identity_until = ledger_until
    if employment_end is not None:
        certificate_until = _years_after(employment_end, 10)
        identity_until = max(identity_until or certificate_until, certificate_until)
        holdings.append(
            Holding(
                "employment",
                _("Employment: dates and job title"),
                certificate_until,
                _("The work certificate can be asked for 10 years after the employment ends."),
                LAW_CERTIFICATE,
                erased=erased,
            )
        )
    if ledger_until is not None:
        holdings.append(
            Holding(
                "payslips",
                _("Payslips and Incomes Register reports (amounts stay, the person goes)"),
                ledger_until,
                _(
                    "The payroll ledger: 10 years from the end of the fiscal year of the last "
                    "payment. The holiday records in it (2 years after the employment) are "
                    "kept with it."
                ),
                f"{LAW_PAYROLL_LEDGER}; {LAW_HOLIDAYS}",
                erased=erased,
            )
        )
    holdings.append(
        Holding(
            "identity",
            _("Name, personal identity code and date of birth"),
            identity_until,
            _("They identify the payee of the payroll ledger and the employment.")
            if identity_until
            else _("No pay was paid and no employment has ended."),
            LAW_PAYROLL_LEDGER if identity_until else "",
            erased=erased,
        )
    )
    return Plan(employee, today, blocked, tuple(holdings))


def plan_for(actor, employee: Employee, today: dt.date | None = None) -> Plan:
    require(actor, employee.company, "payroll.personal_data")
    return retention_plan(employee, today)


@transaction.atomic
def erase_employee_data(actor, employee: Employee, *, today: dt.date | None = None) -> Plan:
    """Erase or pseudonymise what may go today; the plan returned lists what was erased
    (``erasable`` of the plan before) and what is kept. Refuses when nothing may go."""
    require(actor, employee.company, "payroll.personal_data")
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    plan = retention_plan(employee, today)
    if plan.blocked:
        raise ValidationError({"employee": plan.blocked})
    going = {h.key for h in plan.erasable}
    if not going:
        dates = [h.until for h in plan.kept if h.until]
        raise ValidationError(
            {
                "employee": _("Nothing may be erased yet: the next data may go after %(date)s.")
                % {"date": _finnish(min(dates)) if dates else "—"}
            }
        )
    if "contact" in going:
        employee.street_address = employee.postal_code = employee.city = employee.email = ""
        employee.user = None
        employee.email_payslips = False
    if "bank_account" in going:
        employee.iban = ""
    if "tax_cards" in going:
        employee.tax_cards.all().delete()
    if "identity" in going:  # kept as long as the longest of the other periods
        employee.first_name = ""
        employee.last_name = _("Erased employee %(number)s") % {"number": employee.number}
        employee.identity_code = ""
        employee.birth_date = PSEUDONYM_BIRTH_DATE
        employee.is_active = False
        employee.erased_at = timezone.now()
        employee.employments.update(job_title="", collective_agreement="")
        _clear_register_files(employee)
    employee.save()
    audit.record(
        actor.user,
        "erase_personal_data",
        employee,
        company=employee.company,
        changes={
            "erased": [None, sorted(going)],
            "kept": [None, {h.key: str(h.until) for h in plan.kept}],
        },
    )
    return plan


def _finnish(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _clear_register_files(employee: Employee) -> None:
    """The Incomes Register files of the runs that paid this employee hold the identity
    code; once the payroll ledger's retention of the person has ended it has ended for
    everyone in those runs (the same payment dates), so the files' content goes."""
    runs = Payslip.objects.filter(employee=employee).values("pay_run")
    IncomesRegisterReport.objects.filter(pay_run__in=runs).update(xml="")
    IncomesRegisterPart.objects.filter(report__pay_run__in=runs).delete()


def export_employee_data(actor, employee: Employee, *, today: dt.date | None = None) -> dict:
    """Everything Tase holds of the employee, as plain data (JSON-safe), with the retention
    plan; the export itself is recorded in the audit trail."""
    require(actor, employee.company, "payroll.personal_data")
    plan = retention_plan(employee, today)
    slips = (
        Payslip.objects.filter(employee=employee)
        .select_related("pay_run")
        .order_by("payment_date", "pk")
    )
    data = {
        "exported_at": timezone.now().isoformat(),
        "company": {"name": employee.company.name, "business_id": employee.company.business_id},
        "employee": {
            "number": employee.number,
            "first_name": employee.first_name,
            "last_name": employee.last_name,
            "identity_code": employee.identity_code,
            "birth_date": employee.birth_date.isoformat(),
            "street_address": employee.street_address,
            "postal_code": employee.postal_code,
            "city": employee.city,
            "email": employee.email,
            "language": employee.language,
            "iban": employee.iban,
            "email_payslips": employee.email_payslips,
            "user_account": employee.user.email if employee.user else "",
            "active": employee.is_active,
            "created_at": employee.created_at.isoformat(),
            "erased_at": employee.erased_at.isoformat() if employee.erased_at else None,
        },
        "employments": [
            {
                "start_date": e.start_date.isoformat(),
                "end_date": e.end_date.isoformat() if e.end_date else None,
                "pay_basis": e.pay_basis,
                "weekly_hours": str(e.weekly_hours),
                "job_title": e.job_title,
                "profession_code": e.profession_code,
                "collective_agreement": e.collective_agreement,
                "union_dues_rate": str(e.union_dues_rate),
                "salaries": [
                    {"valid_from": s.valid_from.isoformat(), "amount": str(euros(s.amount_cents))}
                    for s in e.salaries.all()
                ],
            }
            for e in employee.employments.prefetch_related("salaries").order_by("start_date")
        ],
        "tax_cards": [
            {
                "year": c.year,
                "valid_from": c.valid_from.isoformat(),
                "kind": c.kind,
                "base_rate": str(c.base_rate),
                "additional_rate": str(c.additional_rate),
                "income_limit": str(euros(c.income_limit_cents)),
                "source_rate": str(c.source_rate),
            }
            for c in TaxCard.objects.filter(employee=employee).order_by("valid_from")
        ],
        "payslips": [
            {
                "number": s.number,
                "payment_date": s.payment_date.isoformat(),
                "status": s.pay_run.status,
                "gross": str(euros(s.gross_cents)),
                "withholding": str(euros(s.withholding_cents)),
                "net": str(euros(s.net_cents)),
                "lines": s.lines,
            }
            for s in slips
        ],
        "retention": [
            {
                "data": h.label,
                "kept_until": h.until.isoformat() if h.until else None,
                "reason": h.reason,
                "law": h.law,
                "erased": h.erased,
            }
            for h in plan.holdings
        ],
        "erasure_blocked": plan.blocked,
    }
    audit.record(actor.user, "export_personal_data", employee, company=employee.company)
    return data
