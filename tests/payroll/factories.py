"""Payroll test data: employees with employments, salaries and tax cards."""

import datetime as dt
from decimal import Decimal

from tase.core.access import Actor
from tase.payroll import services

CODES = ["131052-308T", "010190-123A", "121212A899H"]


def valid_code(prefix: str) -> str:
    from stdnum.fi import hetu

    for char in "0123456789ABCDEFHJKLMNPRSTUVWXY":
        if hetu.is_valid(prefix + char):
            return prefix + char
    raise ValueError(prefix)


def employee(
    actor: Actor,
    company,
    *,
    first_name="Matti",
    last_name="Meikäläinen",
    birth_date=dt.date(1990, 5, 1),
    identity_code="",
    basis="monthly",
    salary="3500.00",
    start=dt.date(2024, 1, 1),
    card=("20", "40", "40000"),
    card_year=2026,
    union_dues_rate="0",
    **extra,
):
    row = services.create_employee(
        actor,
        company,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        identity_code=identity_code,
        **extra,
    )
    services.add_employment(
        actor,
        row,
        start_date=start,
        end_date=None,
        pay_basis=basis,
        weekly_hours=Decimal("37.5"),
        job_title="",
        collective_agreement="",
        cost_centre="",
        union_dues_rate=Decimal(union_dues_rate),
        salary=salary,
    )
    if card:
        services.add_tax_card(
            actor,
            row,
            year=card_year,
            valid_from=dt.date(card_year, 1, 1),
            kind="card",
            base_rate=card[0],
            additional_rate=card[1],
            income_limit=card[2],
        )
    return row


def pay_run(actor, company, payment_date=dt.date(2026, 3, 31), **kwargs):
    return services.create_pay_run(
        actor,
        company,
        period_start=payment_date.replace(day=1),
        period_end=payment_date,
        payment_date=payment_date,
        **kwargs,
    )


def approved_slip(company, worker, paid: dt.date, gross_cents: int, lines=()):
    """An approved payslip of ``gross_cents`` paid on ``paid``, with the given lines (in a
    run of its own, approved as it is: the holiday rules read approved payslips)."""
    from tase.payroll.models import PayRun, Payslip

    run = PayRun.objects.create(
        company=company,
        period_start=paid.replace(day=1),
        period_end=paid,
        payment_date=paid,
        status=PayRun.Status.APPROVED,
    )
    from tase.payroll.services.calculation import holiday_line_cents

    return Payslip.objects.create(
        company=company,
        pay_run=run,
        employee=worker,
        payment_date=paid,
        gross_cents=gross_cents,
        holiday_pay_cents=holiday_line_cents(lines),  # as the calculation records it
        lines=list(lines),
    )


def books(company, year=2026):
    """Set up the company's books (chart and fiscal year) so pay runs can be posted."""
    from tase.ledger import services as ledger
    from tase.ledger.system import SystemActor
    from tase.payroll.models import PayrollSettings

    services.ensure_setup(company)
    PayrollSettings.objects.filter(company=company).update(post_to_ledger=True)
    system = SystemActor()
    ledger.apply_chart(system, company, "limited-company")
    ledger.create_fiscal_year(system, company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
