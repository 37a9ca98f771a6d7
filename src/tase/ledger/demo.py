"""Demo bookkeeping: the first demo customer's company (a café) with the previous
fiscal year closed and the current year's vouchers up to today: weekly sales at
two VAT rates, purchases with invoice attachments, rent, electricity, payroll,
bank charges and a monthly VAT settlement. Deterministic and idempotent: every
voucher has a demo source reference, so running it again adds nothing.

Payroll is real: each month's wages are an approved and paid pay run of the payroll app
(:func:`tase.payroll.demo.cafe_pay_run`), whose own vouchers (series PA) carry every
statutory contribution. The debts they leave are paid as a company pays them, from the bank
on their due dates (:func:`tase.payroll.demo.pay_payroll_liabilities`): withholding and the
employer's health insurance contribution by the 12th of the following month, union dues and
TyEL monthly, unemployment, accident and group life insurance quarterly in arrears.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from . import services
from .models import FiscalYear
from .system import SystemActor

_PDF: bytes | None = None


def _invoice_pdf() -> bytes:
    global _PDF
    if _PDF is None:
        from weasyprint import HTML

        _PDF = HTML(
            string="<h1>Lasku</h1><p>Tukkuliike Esimerkki Oy · demo-ostolasku</p>"
        ).write_pdf()
    return _PDF


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def _post(actor, company, ref, day, series, description, lines, attach=False):
    return services.post_voucher(
        actor,
        company,
        date=day,
        series=series,
        description=description,
        lines=lines,
        source="demo",
        source_ref=ref,
        attachments=[(f"{ref}.pdf", _invoice_pdf())] if attach else (),
    )


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def _payroll(payroll_actor, company, year: int, month: int) -> None:
    """The month's pay run, approved and paid through the payroll app (its vouchers)."""
    if payroll_actor is None:
        return
    try:
        from tase.payroll.demo import cafe_pay_run
    except ImportError:  # pragma: no cover - payroll is part of Tase
        return
    cafe_pay_run(payroll_actor, company, year, month, first_year=dt.date.today().year - 1)


def _pay_payroll_debts(company, year: int, month: int, until: dt.date) -> None:
    """Pay the debts that the payroll vouchers of ``month`` left, each on its due date."""
    try:
        from tase.payroll.demo import pay_payroll_liabilities
    except ImportError:  # pragma: no cover - payroll is part of Tase
        return
    pay_payroll_liabilities(company, year, month, until)


def _year(actor, company, year: int, until: dt.date, payroll_actor=None) -> None:
    rng = random.Random(year)
    for month in range(1, 13):
        for half, (first_day, last_day) in enumerate(
            ((1, 15), (16, _month_end(year, month).day)), 1
        ):
            day = dt.date(year, month, last_day)
            if day > until or day > dt.date(year, 12, 31):
                break
            food = _money(rng.uniform(5600, 8400))
            drinks = _money(rng.uniform(1200, 2400))
            period = f"{first_day}.-{last_day}.{month}."
            _post(
                actor,
                company,
                f"{year}-sales-{month}-{half}",
                day,
                "TI",
                f"Kassan myynti {period}",
                [
                    {"account": "1910", "debit": food + drinks},
                    {
                        "account": "3010",
                        "credit": food,
                        "vat_code": "S-R",
                        "text": "Ruoka ja kahvi",
                    },
                    {"account": "3000", "credit": drinks, "vat_code": "S", "text": "Muu myynti"},
                ],
            )
            purchase = _money(rng.uniform(1800, 3200))
            _post(
                actor,
                company,
                f"{year}-purchase-{month}-{half}",
                dt.date(year, month, first_day + 2),
                "OL",
                f"Tukkuostot {period}",
                [
                    {
                        "account": "4010",
                        "debit": purchase,
                        "vat_code": "P-R",
                        "cost_centre": "KEITTIÖ",
                    },
                    {"account": "1910", "credit": purchase},
                ],
                attach=half == 1,
            )
    for month in range(1, 13):
        end = _month_end(year, month)
        # Last month's payroll debts fall due this month.
        _pay_payroll_debts(company, *((year, month - 1) if month > 1 else (year - 1, 12)), until)
        if end > until:
            break
        first = dt.date(year, month, 1)
        _post(
            actor,
            company,
            f"{year}-rent-{month}",
            first,
            "OL",
            "Vuokra",
            [
                {"account": "7100", "debit": Decimal("1882.50"), "vat_code": "P"},
                {"account": "1910", "credit": Decimal("1882.50")},
            ],
        )
        power = _money(rng.uniform(250, 480))
        _post(
            actor,
            company,
            f"{year}-power-{month}",
            first + dt.timedelta(days=14),
            "OL",
            "Sähkö",
            [
                {"account": "7110", "debit": power, "vat_code": "P"},
                {"account": "1910", "credit": power},
            ],
        )
        _payroll(payroll_actor, company, year, month)
        _post(
            actor,
            company,
            f"{year}-bank-{month}",
            end,
            "TI",
            "Pankin palvelumaksut",
            [
                {"account": "7730", "debit": Decimal("14.90")},
                {"account": "1910", "credit": Decimal("14.90")},
            ],
        )
        if end < until:
            services.settle_vat(actor, company, start=first, end=end)


def _payroll_actor(ctx):
    try:
        from tase.payroll.demo import cafe_actor
    except ImportError:  # pragma: no cover - payroll is part of Tase
        return None
    return cafe_actor(ctx)


def load(ctx) -> None:
    if not ctx.customers:
        return
    company = ctx.customers[0].companies.order_by("pk").first()
    if company is None:
        return
    actor = SystemActor()
    payroll_actor = _payroll_actor(ctx)
    today = dt.date.today()
    this, last = today.year, today.year - 1
    if not company.accounts.exists():
        services.apply_chart(actor, company, "limited-company")
    for year in (last, this):
        if not FiscalYear.objects.filter(company=company, start=dt.date(year, 1, 1)).exists():
            services.create_fiscal_year(
                actor, company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
            )
    previous = FiscalYear.objects.get(company=company, start=dt.date(last, 1, 1))
    if previous.is_open:
        _post(
            actor,
            company,
            f"{last}-opening",
            dt.date(last, 1, 1),
            "MU",
            "Avaava tase",
            [
                {"account": "1910", "debit": Decimal("24000.00")},
                {"account": "2000", "credit": Decimal("2500.00")},
                {"account": "2250", "credit": Decimal("21500.00")},
            ],
        )
        _year(actor, company, last, dt.date(this, 1, 1), payroll_actor)
        services.close_fiscal_year(actor, previous)
    _year(actor, company, this, today, payroll_actor)
