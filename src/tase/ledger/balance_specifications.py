"""The balance-sheet specifications (tase-erittelyt) of a fiscal year.

Kirjanpitolaki 1336/1997 3:13 §: the financial statements are verified by balance-sheet
specifications; they are kept like the books (2:7, 2:9 and 2:10 § 1 and 3 mom.: ten years)
and are not filed for registration (not public). Kirjanpitolautakunta's statement 2068/2024
on the specifications: each balance-sheet item is specified so that its balance can be
traced to the items behind it.

Per balance-sheet account with a balance at the year's end (or anything written for it):
its balance, with the balance sheet's sign (an asset debit positive, a liability or equity
credit positive), and the items behind it, found in the ledgers Tase keeps —

- the fixed-asset register (residual value per asset, :mod:`.asset_register`),
- the accruals open at the year's end (:mod:`.accrual_register`),
- the VAT accounts (the entries since the account was last at zero),
- the other apps' ledgers through :data:`tase.core.registry.SPECIFICATION_SOURCES` (the open
  sales and purchase invoices, the bank statements, the holiday-pay liability),

and the items and the free text the accountant writes
(:class:`tase.ledger.models.BalanceSpecification`). The difference between the balance and
the items is shown; it is zero when the specification ties.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase.core.registry import SPECIFICATION_SOURCES, ordered

from . import accrual_register, asset_register
from .closing import balances_on
from .models import Account, BalanceSpecification, Entry, FiscalYear
from .services import cents_to_decimal

BALANCE_TYPES = (Account.Type.ASSET, Account.Type.LIABILITY, Account.Type.EQUITY)
VAT_ROLES = (
    Account.Role.VAT_PAYABLE,
    Account.Role.VAT_RECEIVABLE,
    Account.Role.VAT_OUTPUT,
    Account.Role.VAT_INPUT,
)
MAX_VAT_ENTRIES = 500  # a VAT account is cleared every period; more would be a mistake


@dataclass
class Item:
    text: str
    amount_cents: int
    reference: str = ""
    url: str = ""
    written: bool = False  # entered by the accountant, not found in a ledger


@dataclass
class AccountSpecification:
    number: str
    name: str
    balance_cents: int
    sources: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    text: str = ""

    @property
    def specified_cents(self) -> int:
        return sum(item.amount_cents for item in self.items)

    @property
    def difference_cents(self) -> int:
        return self.balance_cents - self.specified_cents

    @property
    def ties(self) -> bool:
        return self.difference_cents == 0


@dataclass
class Specifications:
    company: object
    year: FiscalYear
    accounts: list[AccountSpecification]

    @property
    def on(self) -> dt.date:
        return self.year.end

    @property
    def untied(self) -> list[AccountSpecification]:
        return [spec for spec in self.accounts if not spec.ties]


def _fmt(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _vat_items(account: Account, balance: int, on: dt.date, sign: int) -> list[Item]:
    """The entries of a VAT account that make up its balance: walking back from ``on``
    until the balance before them is zero (the period's settlement and its VAT not yet
    paid or refunded); what is left after :data:`MAX_VAT_ENTRIES` is one item."""
    items, rest = [], balance * sign  # back to debit-positive
    entries = (
        Entry.objects.filter(account=account, date__lte=on)
        .select_related("voucher__series")
        .order_by("-date", "-pk")
    )
    for entry in entries[:MAX_VAT_ENTRIES]:
        if not rest:
            break
        text = entry.text or entry.voucher.description
        items.append(
            Item(
                f"{entry.voucher.label} {text}".strip(),
                entry.amount_cents * sign,
                _fmt(entry.date),
            )
        )
        rest -= entry.amount_cents
    if rest:
        items.append(Item(_("Earlier entries"), rest * sign))
    items.reverse()
    return items


def specifications(company, year: FiscalYear) -> Specifications:
    """The balance-sheet specifications of ``year`` at its last day."""
    on = year.end
    accounts = {
        account.number: account
        for account in Account.objects.filter(
            company=company, type__in=BALANCE_TYPES, is_header=False
        ).order_by("number")
    }
    balances = balances_on([company.pk], on, numbers=list(accounts))
    first_of_role: dict[str, str] = {}
    for account in accounts.values():
        if account.role:
            first_of_role.setdefault(account.role, account.number)
    specs: dict[str, AccountSpecification] = {}

    def spec(number: str) -> AccountSpecification | None:
        account = accounts.get(number)
        if account is None:
            return None
        if number not in specs:
            sign = 1 if account.type == Account.Type.ASSET else -1
            net = balances.get((company.pk, number), 0)
            specs[number] = AccountSpecification(number, account.name_fi, net * sign)
        return specs[number]

    def add(number: str, source: str, item: Item) -> None:
        found = spec(number)
        if found is None:
            return
        if source not in found.sources:
            found.sources.append(source)
        found.items.append(item)

    for number in accounts:
        if balances.get((company.pk, number), 0):
            spec(number)

    for total in asset_register.specification(company, on):
        for asset in total.assets:
            add(
                total.number,
                _("Fixed assets"),
                Item(f"{asset.number} {asset.name}", asset.residual_cents, _fmt(asset.acquired)),
            )
    for row in accrual_register.specification(company, on):
        for accrual in row.accruals:
            add(
                row.number,
                _("Accruals"),
                Item(accrual.description, accrual.amount_cents, _fmt(accrual.reverses_on)),
            )
    for source in ordered(SPECIFICATION_SOURCES):
        for found in source.items(company, on):
            number = found.number or first_of_role.get(found.role, "")
            add(
                number,
                str(source.label),
                Item(found.text, found.amount_cents, found.reference, found.url),
            )
    for number, account in accounts.items():
        if account.role in VAT_ROLES and number in specs and specs[number].balance_cents:
            sign = 1 if account.type == Account.Type.ASSET else -1
            for item in _vat_items(account, specs[number].balance_cents, on, sign):
                add(number, _("VAT entries"), item)

    for written in BalanceSpecification.objects.filter(fiscal_year=year):
        found = spec(written.account_number)
        if found is None:
            continue
        found.text = written.text
        for line in written.lines or []:
            found.items.append(Item(line["text"], int(line["amount_cents"]), written=True))

    result = [specs[number] for number in sorted(specs)]
    result = [s for s in result if s.balance_cents or s.items or s.text]
    return Specifications(company, year, result)


def to_data(found: Specifications) -> dict:
    """The JSON of the API: euros as decimal strings."""

    def euros(cents: int) -> str:
        return f"{cents_to_decimal(cents):.2f}"

    return {
        "on": found.on.isoformat(),
        "accounts": [
            {
                "account": spec.number,
                "name": spec.name,
                "balance": euros(spec.balance_cents),
                "specified": euros(spec.specified_cents),
                "difference": euros(spec.difference_cents),
                "sources": spec.sources,
                "text": spec.text,
                "items": [
                    {
                        "text": item.text,
                        "reference": item.reference,
                        "amount": euros(item.amount_cents),
                        "written": item.written,
                    }
                    for item in spec.items
                ],
            }
            for spec in found.accounts
        ],
    }


def standalone_html(found: Specifications) -> str:
    """The specifications as a document of their own (the archive's ``tase-erittelyt.pdf``)."""
    from django.template.loader import render_to_string

    return render_to_string(
        "ledger/balance_specifications_pdf.html",
        {"company": found.company, "year": found.year, "specifications": found},
    )


def specifications_pdf(found: Specifications) -> bytes:
    from tase.core import pdf

    return pdf.render(standalone_html(found), test_environment=found.company.is_test_environment)
