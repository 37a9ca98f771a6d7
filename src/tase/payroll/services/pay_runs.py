"""Pay runs: create, approve, mark paid, cancel, delete; the SEPA salary payment file."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company

from ..models import (
    Employee,
    PayrollSettings,
    PayRun,
    Payslip,
)
from . import corrections, incomes_register
from .common import euros, require
from .plausibility import pay_run_warnings
from .setup import ensure_setup


def _check_draft(run: PayRun) -> None:
    if run.status != PayRun.Status.DRAFT:
        raise ValidationError({"status": _("The pay run is not a draft any more.")})


def active_employees(company: Company, day: dt.date):
    return (
        Employee.objects.filter(
            company=company,
            is_active=True,
            employments__start_date__lte=day,
        )
        .exclude(employments__end_date__lt=day, employments__start_date__gt=day)
        .distinct()
    )


@transaction.atomic
def create_pay_run(
    actor,
    company: Company,
    *,
    period_start,
    period_end,
    payment_date,
    description="",
    employees=None,
) -> PayRun:
    require(actor, company, "payroll.manage")
    ensure_setup(company)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    run = PayRun.objects.create(
        company=company,
        period_start=period_start,
        period_end=period_end,
        payment_date=payment_date,
        description=description or "",
    )
    if employees is None:
        employees = [
            e
            for e in Employee.objects.filter(company=company, is_active=True).prefetch_related(
                "employments"
            )
            if any(
                emp.start_date <= period_end
                and (emp.end_date is None or emp.end_date >= period_start)
                for emp in e.employments.all()
            )
        ]
    else:
        employees = list(employees)
        for employee in employees:
            if employee.company_id != company.pk:
                raise ValidationError({"employees": _("Unknown employee.")})
    run.employees.set(employees)
    audit.record(
        actor.user,
        "create",
        run,
        company=company,
        changes={"payment_date": [None, str(payment_date)], "employees": [None, len(employees)]},
    )
    return run


@transaction.atomic
def approve_pay_run(actor, run: PayRun, *, confirm_warnings: bool = False) -> PayRun:
    """Lock a calculated draft: number its payslips, post the voucher and produce the
    Incomes Register reports (the earnings payment delivery and the month's separate report);
    data the Register needs but that is missing refuses the approval, nothing written. A run
    with payslips out of all proportion to the salaries (:mod:`.plausibility`) is approved
    only with ``confirm_warnings``."""
    require(actor, run.company, "payroll.approve")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    if run.status != PayRun.Status.DRAFT:
        raise ValidationError({"status": _("The pay run has been approved already.")})
    if run.stale or run.calculated_at is None:
        raise ValidationError({"status": _("Calculate the pay run before approving it.")})
    count = run.payslips.count()
    if not count:
        raise ValidationError({"employees": _("The pay run has no payslips.")})
    if run.is_correction:
        corrections.check_approvable(run)
    warnings = pay_run_warnings(run)
    if warnings and not confirm_warnings:
        raise ValidationError(
            {
                "confirm_warnings": [
                    *warnings,
                    _("Confirm that you have checked these payslips to approve the run."),
                ]
            }
        )
    settings_row = PayrollSettings.objects.select_for_update().get(company=run.company)
    first = settings_row.next_payslip_number
    run.payslips.update(number=F("position") + first)
    settings_row.next_payslip_number = first + count
    settings_row.save(update_fields=["next_payslip_number"])
    slips = run.payslips.only("lines", "net_cents")
    run.status = PayRun.Status.APPROVED
    run.approved_at = timezone.now()
    run.approved_by = actor.user if getattr(actor.user, "is_authenticated", False) else None
    if settings_row.post_to_ledger:
        from .. import postings

        voucher = postings.post_pay_run(actor, run, slips)
        run.voucher_id = voucher.pk if voucher is not None else None
    run.save()
    if run.is_correction:
        corrections.produce_replacement_reports(actor, run)
    else:
        incomes_register.produce_earnings_reports(actor, run)
        incomes_register.refresh_separate_report(actor, run)
    run_id = run.pk
    transaction.on_commit(lambda: _email_payslips(run_id))
    audit.record(
        actor.user,
        "approve",
        run,
        company=run.company,
        changes={
            "status": ["draft", "approved"],
            "payslips": [None, f"{first}-{first + count - 1}"],
        },
    )
    return run


def _email_payslips(run_id: int) -> None:
    from ..tasks import email_payslips

    if Payslip.objects.filter(pay_run_id=run_id, employee__email_payslips=True).exists():
        email_payslips.enqueue(run_id)


@transaction.atomic
def mark_paid(actor, run: PayRun) -> PayRun:
    require(actor, run.company, "payroll.approve")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    if run.status != PayRun.Status.APPROVED:
        raise ValidationError({"status": _("Only an approved pay run can be marked paid.")})
    run.status = PayRun.Status.PAID
    run.paid_at = timezone.now()
    if run.voucher_id:
        from .. import postings

        voucher = postings.post_payment(actor, run)
        run.payment_voucher_id = voucher.pk if voucher is not None else None
    run.save()
    audit.record(
        actor.user, "mark_paid", run, company=run.company, changes={"status": ["approved", "paid"]}
    )
    return run


@transaction.atomic
def cancel_pay_run(actor, run: PayRun, *, date: dt.date | None = None) -> PayRun:
    """Cancel a draft (nothing posted) or an approved run (its voucher is reversed, its
    Incomes Register reports invalidated and the month's separate report produced again)."""
    require(actor, run.company, "payroll.approve")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in (PayRun.Status.DRAFT, PayRun.Status.APPROVED):
        raise ValidationError(
            {"status": _("Only a draft or an approved pay run can be cancelled.")}
        )
    old = run.status
    if old == PayRun.Status.APPROVED and run.is_correction:
        raise ValidationError(
            {
                "status": _(
                    "An approved correction run cannot be cancelled: its replacement reports "
                    "stand. Correct the payslips again with a new correction run."
                )
            }
        )
    if (
        old == PayRun.Status.APPROVED
        and run.corrections.filter(status__in=[PayRun.Status.APPROVED, PayRun.Status.PAID]).exists()
    ):
        raise ValidationError(
            {
                "status": _(
                    "This pay run has approved corrections: correct it again with a new "
                    "correction run instead of cancelling it."
                )
            }
        )
    if run.status == PayRun.Status.APPROVED and run.voucher_id:
        from .. import postings

        reversal = postings.reverse_pay_run(actor, run, date or run.payment_date)
        run.reversal_voucher_id = reversal.pk
    run.status = PayRun.Status.CANCELLED
    run.save()
    if old == PayRun.Status.APPROVED:
        incomes_register.invalidate_run_reports(actor, run)
    audit.record(
        actor.user, "cancel", run, company=run.company, changes={"status": [old, "cancelled"]}
    )
    return run


@transaction.atomic
def delete_pay_run(actor, run: PayRun) -> None:
    require(actor, run.company, "payroll.manage")
    _check_draft(run)
    if run.kind == PayRun.Kind.CORRECTION:
        from .absence_changes import release_changes

        release_changes(actor, run)  # the absences it changes stay as they are
    audit.record(
        actor.user,
        "delete",
        run,
        company=run.company,
        changes={"payment_date": [str(run.payment_date), None]},
    )
    run.delete()


def salary_payment_file(actor, run: PayRun, version: str = "pain.001.001.03") -> bytes:
    """The SEPA salary payment file (``version`` pain.001.001.03 or .09, purpose SALA) of an
    approved run, validated against the version's ISO XSD; one transfer per employee with net
    pay."""
    from tase.formats import sepa_salary

    require(actor, run.company, "payroll.approve")
    if version not in sepa_salary.VERSIONS:
        raise ValidationError(
            {
                "version": _("Choose the file version: %(versions)s.")
                % {"versions": ", ".join(sepa_salary.VERSIONS)}
            }
        )
    run = PayRun.objects.select_related("company").get(pk=run.pk)
    if run.status not in (PayRun.Status.APPROVED, PayRun.Status.PAID):
        raise ValidationError({"status": _("Approve the pay run first.")})
    settings_row = ensure_setup(run.company)
    if not settings_row.payer_iban:
        raise ValidationError(
            {"payer_iban": _("Give the salary payment account in the payroll settings.")}
        )
    transfers = []
    text = _("Salary %(date)s") % {"date": run.payment_date.strftime("%d.%m.%Y")}
    for slip in run.payslips.select_related("employee").filter(net_cents__gt=0).order_by("number"):
        if not slip.employee.iban:
            raise ValidationError(
                {"iban": _("%(employee)s has no IBAN.") % {"employee": slip.employee.name}}
            )
        transfers.append(
            sepa_salary.Transfer(
                name=slip.employee.name,
                iban=slip.employee.iban,
                amount=euros(slip.net_cents),
                end_to_end_id=f"PAYSLIP-{slip.number}",
                text=text,
            )
        )
    try:
        document = sepa_salary.salary_file(
            sepa_salary.Debtor(run.company.name, settings_row.payer_iban, settings_row.payer_bic),
            transfers,
            execution_date=run.payment_date,
            message_id=f"PAYRUN-{run.pk}-{timezone.now():%Y%m%d%H%M%S}",
            created=timezone.localtime(),
            version=version,
        )
        sepa_salary.validate(document, version)
    except sepa_salary.SepaError as error:
        raise ValidationError({"file": str(error)}) from None
    audit.record(
        actor.user,
        "salary_file",
        run,
        company=run.company,
        changes={"transfers": [None, len(transfers)], "version": [None, version]},
    )
    return document
