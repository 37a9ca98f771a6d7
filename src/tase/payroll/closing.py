"""The payroll assertions of the closing gate.

- Net pay: the net wages account equals the net pay of the approved runs not yet marked paid
  (a run's payment, marked paid, is posted on its payment date).
- Withholding and contributions: the liability accounts (withholding, health insurance,
  TyEL, unemployment insurance, accident and group life insurance) equal what the payslips of
  the approved and paid runs owe there, with every other entry on those accounts (their
  payments to the Tax Administration and the insurers, opening balances, corrections). The
  payments are booked outside payroll, so what this finds is a run whose voucher does not
  carry its payslips: posted by hand, cancelled without a reversal, or edited in the books.

Companies that keep their books elsewhere (``post_to_ledger`` off) and companies without
approved runs have no payroll assertion.

- Year end: the holiday-pay liability posted on the year's last day equals the liability
  computed from the holiday records then (KPL 1336/1997 3:1 §, accrual basis; the liability is
  an accrued expense under accruals and deferred income). Asked only when a year is closed.
- Month end: the holiday-pay liability of the month's last day is posted (a month's lock says
  so when it is not, with the liability computed from the records; the year end compares the
  amounts)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core.registry import ClosingValue
from tase.ledger.closing import balances_on, opening_dates
from tase.ledger.models import Entry
from tase.rules.payroll_catalogue import STATUTORY_ACCOUNTS

from .models import PayrollSettings, PayRun, Payslip
from .postings import SOURCE

NET_PAY = STATUTORY_ACCOUNTS["net_pay"][1]
# Payslip fields and the liability account the pay run's voucher credits each to.
LIABILITIES = {
    "withholding_cents": STATUTORY_ACCOUNTS["withholding"][1],
    "employee_health_cents": STATUTORY_ACCOUNTS["employee_medical_care"][1],
    "employee_tyel_cents": STATUTORY_ACCOUNTS["employee_tyel"][1],
    "employee_unemployment_cents": STATUTORY_ACCOUNTS["employee_unemployment"][1],
    "employer_health_cents": STATUTORY_ACCOUNTS["employer_health_insurance"][1],
    "employer_tyel_cents": STATUTORY_ACCOUNTS["employer_tyel"][1],
    "employer_unemployment_cents": STATUTORY_ACCOUNTS["employer_unemployment"][1],
    "employer_accident_cents": STATUTORY_ACCOUNTS["employer_accident"][1],
    "employer_group_life_cents": STATUTORY_ACCOUNTS["employer_group_life"][1],
}
LIABILITY_ACCOUNTS = sorted(set(LIABILITIES.values()))
POSTED = (PayRun.Status.APPROVED, PayRun.Status.PAID)


def payroll_many(companies, on: dt.date) -> dict[int, list[ClosingValue]]:
    """Seven queries (and up to three more per further opening date) for any number of
    companies."""
    company_ids = [company.pk for company in companies]
    elsewhere = set(
        PayrollSettings.objects.filter(
            company_id__in=company_ids, post_to_ledger=False
        ).values_list("company_id", flat=True)
    )
    ids = sorted(
        set(
            PayRun.objects.filter(
                company_id__in=company_ids, status__in=POSTED, payment_date__lte=on
            ).values_list("company_id", flat=True)
        )
        - elsewhere
    )
    if not ids:
        return {}
    starts = opening_dates(ids, on)
    unpaid_net = dict(
        Payslip.objects.filter(
            company_id__in=ids, pay_run__status=PayRun.Status.APPROVED, payment_date__lte=on
        )
        .values("company_id")
        .order_by()
        .annotate(total=Sum("net_cents"))
        .values_list("company_id", "total")
    )
    owed: dict[int, int] = defaultdict(int)
    slips = (
        Payslip.objects.filter(company_id__in=ids, pay_run__status__in=POSTED, payment_date__lte=on)
        .values("company_id", "payment_date")
        .order_by()
        .annotate(total=Sum(sum((F(name) for name in LIABILITIES), start=0)))
    )
    for row in slips:
        if row["payment_date"] >= starts[row["company_id"]]:
            owed[row["company_id"]] += int(row["total"] or 0)
    posted: dict[int, int] = defaultdict(int)
    entries = (
        Entry.objects.filter(
            Q(voucher__source=SOURCE) | Q(voucher__reverses__source=SOURCE),
            company_id__in=ids,
            date__lte=on,
            account__number__in=LIABILITY_ACCOUNTS,
        )
        .values("company_id", "date")
        .order_by()
        .annotate(total=Sum("amount_cents"))
    )
    for row in entries:
        if row["date"] >= starts[row["company_id"]]:
            posted[row["company_id"]] += -int(row["total"] or 0)  # credits owe
    books = balances_on(ids, on, numbers=[NET_PAY, *LIABILITY_ACCOUNTS])
    result = {}
    for company_id in ids:
        url = reverse("payroll:runs", args=[company_id])
        liabilities = -sum(books.get((company_id, n), 0) for n in LIABILITY_ACCOUNTS)
        result[company_id] = [
            ClosingValue(
                -books.get((company_id, NET_PAY), 0),
                int(unpaid_net.get(company_id) or 0),
                url,
                _("Net pay of runs not paid"),
            ),
            ClosingValue(
                liabilities,
                liabilities - posted[company_id] + owed[company_id],
                url,
                _("Withholding and contributions"),
            ),
        ]
    return result


def payroll(company, on: dt.date) -> list[ClosingValue] | None:
    return payroll_many([company], on).get(company.pk)


def holiday_liability(company, on: dt.date) -> ClosingValue | None:
    """The liability voucher of ``on`` (its total) against the liability computed now; None
    for a company without holiday-pay liability on that day or that keeps its books elsewhere."""
    from tase.ledger.models import Voucher

    from .services.liability import SOURCE as LIABILITY_SOURCE
    from .services.liability import computed_liability, liability_ref

    settings = PayrollSettings.objects.filter(company=company).first()
    if settings is not None and not settings.post_to_ledger:
        return None
    computed = computed_liability(company, on, rows=False)
    other = int(computed.total * 100)
    voucher = Voucher.objects.filter(
        company=company, source=LIABILITY_SOURCE, source_ref=liability_ref(on)
    ).first()
    booked = (
        sum(e.amount_cents for e in voucher.entries.all() if e.amount_cents > 0) if voucher else 0
    )
    if not other and not booked:
        return None
    return ClosingValue(booked, other, reverse("payroll:holidays", args=[company.pk]))


def holiday_liability_posted_many(companies, on: dt.date) -> dict[int, ClosingValue]:
    """Whether the holiday-pay liability of the month end ``on`` has been posted (it is
    posted at each month end and reversed on the next day, docs/holidays.md), for many
    companies: three queries find those that post payroll to their books, have an approved
    pay run paid by then and no liability voucher of ``on``; only for those is the liability
    computed (the amount to post), shown against nothing in the books with ``detail`` saying
    it is not posted. Nothing when ``on`` is not a month's last day, and nothing for a company
    whose liability is zero or whose year has no contribution rates entered (nothing to
    compare with)."""
    from tase.ledger.models import Voucher

    from .services.liability import SOURCE as LIABILITY_SOURCE
    from .services.liability import computed_liability, liability_ref

    if (on + dt.timedelta(days=1)).day != 1:
        return {}
    by_id = {company.pk: company for company in companies}
    elsewhere = set(
        PayrollSettings.objects.filter(
            company_id__in=list(by_id), post_to_ledger=False
        ).values_list("company_id", flat=True)
    )
    running = set(
        PayRun.objects.filter(
            company_id__in=[pk for pk in by_id if pk not in elsewhere],
            status__in=POSTED,
            payment_date__lte=on,
        ).values_list("company_id", flat=True)
    )
    posted = set(
        Voucher.objects.filter(
            company_id__in=running, source=LIABILITY_SOURCE, source_ref=liability_ref(on)
        ).values_list("company_id", flat=True)
    )
    found = {}
    for company_id in sorted(running - posted):
        company = by_id[company_id]
        try:
            total = int(computed_liability(company, on, rows=False).total * 100)
        except ValidationError:
            continue  # the year's contribution rates are not entered
        if total:
            found[company_id] = ClosingValue(
                0,
                total,
                reverse("payroll:holiday_liability", args=[company_id]) + f"?on={on.isoformat()}",
                _("Holiday-pay liability of %(date)s not posted")
                % {"date": on.strftime("%-d.%-m.%Y")},
            )
    return found


def holiday_liability_posted(company, on: dt.date) -> ClosingValue | None:
    """:func:`holiday_liability_posted_many` for one company."""
    return holiday_liability_posted_many([company], on).get(company.pk)
