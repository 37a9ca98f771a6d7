"""VAT settlement: move the period's VAT to the VAT payable account, with the return file."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core.models import Company
from tase.formats.vat_return_file import VatFileError

from ..models import Account, Voucher
from .attachments import _store
from .common import _as_date, fmt_date, guard, locked_until
from .periods import lock_period
from .posting import _existing_by_source, _post


@transaction.atomic
def settle_vat(
    actor, company: Company, *, start, end, date=None, lock: bool = True, override_reason=""
) -> Voucher | None:
    """The VAT settlement voucher (alv-tilitys) of a period: output and input VAT moved
    to VAT payable (or receivable), then the period locked (through the closing gate, which
    sees the settlement: :func:`~.periods.lock_period`)."""
    guard(actor, company, "ledger.manage")
    start, end = _as_date(start, "start"), _as_date(end, "end")
    on = _as_date(date, "date") if date else end
    from ..selectors import account_totals

    accounts = {
        a.role: a
        for a in Account.objects.filter(
            company=company,
            is_header=False,
            role__in=[
                Account.Role.VAT_OUTPUT,
                Account.Role.VAT_INPUT,
                Account.Role.VAT_PAYABLE,
                Account.Role.VAT_RECEIVABLE,
            ],
        )
    }
    missing = {Account.Role.VAT_OUTPUT, Account.Role.VAT_INPUT, Account.Role.VAT_PAYABLE} - set(
        accounts
    )
    if missing:
        raise ValidationError({"company": _("The chart lacks the VAT accounts.")})
    ids = [accounts[Account.Role.VAT_OUTPUT].pk, accounts[Account.Role.VAT_INPUT].pk]
    totals = account_totals(company, start, end, account_ids=ids)
    entries = []
    net_total = 0
    for role in (Account.Role.VAT_OUTPUT, Account.Role.VAT_INPUT):
        debit, credit = totals.get(accounts[role].pk, (0, 0))
        net = debit - credit
        if net:
            entries.append({"account": accounts[role], "amount_cents": -net})
            net_total += net
    voucher = None
    if entries:
        target = accounts[Account.Role.VAT_PAYABLE]
        if net_total > 0 and Account.Role.VAT_RECEIVABLE in accounts:
            target = accounts[Account.Role.VAT_RECEIVABLE]
        entries.append({"account": target, "amount_cents": net_total})
        ref = f"{start.isoformat()}:{end.isoformat()}"
        voucher = _existing_by_source(company, "vat-settlement", ref) or _post(
            actor,
            company,
            date=on,
            series="MU",
            description=_("VAT settlement %(start)s to %(end)s")
            % {"start": fmt_date(start), "end": fmt_date(end)},
            lines=(),
            entries=entries,
            source="vat-settlement",
            source_ref=ref,
            allow_hidden=True,
        )
    if voucher is not None and not voucher.attachments.exists():
        _attach_return_file(company, voucher, start, end)
    if lock:
        current = locked_until(company)
        if current is None or current < end:
            lock_period(actor, company, end, override_reason=override_reason)
    return voucher


def _attach_return_file(company: Company, voucher: Voucher, start, end) -> None:
    """The return as filed (the VSRALVKV file of the period's figures) kept with the
    settlement voucher, so the books show what was reported (KPL 2:5 §: a voucher shows the
    basis of its entry). A period that is not one of the company's tax periods has no file."""
    from ..selectors import vat_return_file

    try:
        name, text = vat_return_file(company, start, end, sent_at=timezone.localtime())
    except VatFileError:
        return
    _store(voucher, name, text.encode("iso-8859-1"), "text/plain; charset=iso-8859-1")
