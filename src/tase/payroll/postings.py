"""The pay run's vouchers in the books, through the ledger's services.

Approving a run posts one voucher in series "PA": wage expenses per wage type's account
and cost centre, benefits in kind against their contra account, tax-free reimbursements,
employer contribution expenses, and liabilities for withholding, TyEL, unemployment
insurance, health insurance, union dues, deductions and net wages. Marking the run paid
posts the payment of net wages from the bank; cancelling an approved run reverses the
voucher. Lines are summed per (account, cost centre, side) so the voucher stays short.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from tase.core.models import Company
from tase.rules.payroll_catalogue import STATUTORY_ACCOUNTS

SERIES = "PA"
SOURCE = "payroll"


class PayrollPostingActor:
    """Posts on behalf of a user who may approve pay runs in ``company``.

    Approving a pay run is the payroll clerk's right (``payroll.approve``, checked by the
    payroll service before this is used); the voucher it produces is part of that act,
    so the ledger's ``ledger.post`` check is answered for this one company only. The
    audit trail still names the user.
    """

    is_vendor_staff = False
    memberships: list = []

    def __init__(self, actor, company: Company):
        self.user = actor.user
        self._company = company

    def company(self, pk, action=None):
        if pk != self._company.pk:
            raise Http404
        return self._company

    def companies(self, action=None):
        return Company.objects.filter(pk=self._company.pk)

    def can(self, action, organization=None) -> bool:
        return organization is None or organization.pk == self._company.organization_id

    def can_in_company(self, action, company) -> bool:
        return company.pk == self._company.pk

    def require(self, action, organization=None) -> None:
        return None


def _ref(run) -> str:
    return f"payrun:{run.pk}"


def voucher_lines(slips) -> list[dict]:
    """The voucher's lines for ``slips`` (Decimal euros), debits and credits summed."""
    totals: dict[tuple[str, str, str, str], Decimal] = defaultdict(Decimal)

    def add(account, side, amount, text, cost_centre=""):
        amount = Decimal(amount)
        if amount == 0:
            return
        if amount < 0:
            side, amount = ("credit" if side == "debit" else "debit"), -amount
        totals[(account, cost_centre, side, text)] += amount

    for slip in slips:
        for line in slip.lines:
            amount = Decimal(line["amount"])
            section, code = line["section"], line["code"]
            centre = line.get("cost_centre") or ""
            label = line["label_fi"]
            if section in ("pay", "tax_free"):
                add(line["ledger_account"], "debit", amount, label, centre)
            elif section == "benefit":
                add(line["ledger_account"], "debit", amount, label, centre)
                add(
                    STATUTORY_ACCOUNTS["benefits_in_kind"][1],
                    "credit",
                    amount,
                    _("Benefits in kind"),
                )
            elif section == "withholding":
                add(STATUTORY_ACCOUNTS["withholding"][1], "credit", amount, _("Withholding"))
            elif section == "contribution":
                add(STATUTORY_ACCOUNTS[code][1], "credit", amount, label)
            elif section == "deduction":
                if code == "union_dues":
                    add(STATUTORY_ACCOUNTS["union_dues"][1], "credit", amount, label)
                else:
                    add(line.get("ledger_account") or "2900", "credit", amount, label)
            elif section == "employer":
                expense, liability = STATUTORY_ACCOUNTS[code]
                add(expense, "debit", amount, label, centre)
                add(liability, "credit", amount, label)
            # "pre_tax" (a deduction before withholding, 419) moves no money: the pay stays
            # gross pay and is paid out; only the withholding it lowered is posted.
        add(
            STATUTORY_ACCOUNTS["net_pay"][1],
            "credit",
            Decimal(slip.net_cents) / 100,
            _("Net wages"),
        )
    lines = []
    for (account, centre, side, text), amount in sorted(totals.items()):
        lines.append(
            {
                "account": account,
                "debit": amount if side == "debit" else None,
                "credit": amount if side == "credit" else None,
                "text": text,
                "cost_centre": centre,
            }
        )
    return lines


def _ledger():
    try:
        from tase.ledger import services as ledger
    except ImportError:  # pragma: no cover - the ledger app is part of Tase
        return None
    return ledger if hasattr(ledger, "post_voucher") else None


def post_pay_run(actor, run, slips):
    ledger = _ledger()
    if ledger is None:
        return None
    description = _("Payroll %(period)s, paid %(date)s") % {
        "period": f"{run.period_start:%d.%m.}-{run.period_end:%d.%m.%Y}",
        "date": f"{run.payment_date:%d.%m.%Y}",
    }
    try:
        return ledger.post_voucher(
            PayrollPostingActor(actor, run.company),
            run.company,
            date=run.payment_date,
            series=SERIES,
            description=description,
            lines=voucher_lines(slips),
            source=SOURCE,
            source_ref=_ref(run),
        )
    except ValidationError as error:
        messages = "; ".join(error.messages)
        raise ValidationError(
            {
                "status": _("The voucher could not be posted to the books: %(error)s")
                % {"error": messages}
            }
        ) from None


def post_payment(actor, run):
    ledger = _ledger()
    if ledger is None:
        return None
    net = sum(slip.net_cents for slip in run.payslips.all())
    if not net:
        return None
    debit, credit = STATUTORY_ACCOUNTS["payment"]
    amount = Decimal(net) / 100
    text = _("Net wages paid")
    if amount < 0:
        # A correction run that recovers more than it pays: the employees pay the net back.
        debit, credit, amount = credit, debit, -amount
    return ledger.post_voucher(
        PayrollPostingActor(actor, run.company),
        run.company,
        date=run.payment_date,
        series=SERIES,
        description=_("Salary payment %(date)s") % {"date": f"{run.payment_date:%d.%m.%Y}"},
        lines=[
            {"account": debit, "debit": amount, "credit": None, "text": text, "cost_centre": ""},
            {"account": credit, "debit": None, "credit": amount, "text": text, "cost_centre": ""},
        ],
        source=SOURCE,
        source_ref=f"{_ref(run)}:payment",
    )


def reverse_pay_run(actor, run, date):
    ledger = _ledger()
    from tase.ledger.models import Voucher

    voucher = Voucher.objects.get(pk=run.voucher_id, company=run.company)
    return ledger.reverse_voucher(
        PayrollPostingActor(actor, run.company),
        voucher,
        date=date,
        description=_("Cancelled pay run %(date)s") % {"date": f"{run.payment_date:%d.%m.%Y}"},
    )
