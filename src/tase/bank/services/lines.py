"""What the accountant does with a line no matcher claimed: post it to an account (with a VAT
code; optionally saving a rule for next time), accept a matcher's proposal (an invoice of that
amount), or ignore it with a reason. Also the rules and the write-off setting.

Posting goes through :func:`tase.ledger.services.post_voucher` in the bank statement series TI
with ``source="bank.line"`` and the line's id, so the voucher drills down to the line.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.formats.reference import InvalidReference, normalize_reference
from tase.ledger import services as ledger
from tase.ledger.models import Account
from tase.rules import vat as vat_rules

from ..matching import Context, matcher_for
from ..models import Line, Rule, Settings
from .common import guard

SOURCE = "bank.line"
MAX_WRITE_OFF_CENTS = 100_000
SERIES = "TI"


def _open_line(actor, line: Line) -> Line:
    guard(actor, line.company, "bank.reconcile")
    line = (
        Line.objects.select_for_update()
        .select_related("company", "statement__bank_account__account")
        .get(pk=line.pk)
    )
    if line.status != Line.Status.OPEN:
        raise ValidationError(
            {"line": _("This line is %(status)s already.") % {"status": line.get_status_display()}}
        )
    return line


def _account(company, number: str, field: str = "account") -> str:
    number = (number or "").strip()
    if not number:
        raise ValidationError({field: _("Choose an account.")})
    if not Account.objects.filter(company=company, number=number).exists():
        raise ValidationError(
            {field: _("No account %(number)s in the chart.") % {"number": number}}
        )
    return number


def _context(actor, line: Line) -> Context:
    settings = Settings.objects.filter(company=line.company).first()
    return Context(
        actor=actor,
        company=line.company,
        bank_ledger_account=line.statement.bank_account.account.number,
        write_off_cents=settings.write_off_cents if settings else 0,
        write_off_account=settings.write_off_account if settings else "",
    )


@transaction.atomic
def post_line(
    actor, line: Line, *, account: str, vat_code: str = "", text: str = "", save_rule=False
) -> Line:
    """Post the line against ``account`` (money in: bank debit; out: bank credit)."""
    line = _open_line(actor, line)
    company = line.company
    account = _account(company, account)
    text = (text or "").strip() or line.counterparty or line.message or _("Bank line")
    euros = abs(line.amount_cents) / 100
    bank = line.statement.bank_account.account.number
    side, other = ("debit", "credit") if line.amount_cents > 0 else ("credit", "debit")
    voucher = ledger.post_voucher(
        actor,
        company,
        date=line.date,
        series=SERIES,
        description=text[:200],
        lines=[
            {"account": bank, side: euros, "text": text[:200]},
            {"account": account, other: euros, "vat_code": vat_code or None, "text": text[:200]},
        ],
        source=SOURCE,
        source_ref=str(line.pk),
    )
    line.status, line.voucher_id = Line.Status.POSTED, voucher.pk
    line.matched_to = f"{account} {vat_code}".strip()
    line.save(update_fields=["status", "voucher_id", "matched_to"])
    if save_rule and line.counterparty:
        create_rule(
            actor, company, counterparty=line.counterparty, account=account, vat_code=vat_code
        )
    audit.record(actor.user, "post", line, company=company, changes={"account": [None, account]})
    return line


@transaction.atomic
def accept_proposal(actor, line: Line, target: str) -> Line:
    """Match the line to what a matcher proposed (``sales.invoice:42``)."""
    line = _open_line(actor, line)
    matcher = matcher_for(target or "")
    if matcher is None or matcher.accept is None:
        raise ValidationError({"target": _("Nothing to match the line to.")})
    claim = matcher.accept(_context(actor, line), line, target)
    line.status, line.matcher = Line.Status.MATCHED, matcher.key
    line.matched_to, line.voucher_id, line.note = claim.matched_to, claim.voucher_id, claim.note
    line.save(update_fields=["status", "matcher", "matched_to", "voucher_id", "note"])
    audit.record(actor.user, "match", line, company=line.company, changes={"to": [None, target]})
    return line


@transaction.atomic
def ignore_line(actor, line: Line, *, reason: str) -> Line:
    line = _open_line(actor, line)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the line is ignored.")})
    line.status, line.note = Line.Status.IGNORED, reason[:300]
    line.save(update_fields=["status", "note"])
    audit.record(
        actor.user, "ignore", line, company=line.company, changes={"reason": [None, reason]}
    )
    return line


@transaction.atomic
def create_rule(
    actor, company, *, counterparty: str = "", reference: str = "", account: str, vat_code=""
) -> Rule:
    company = guard(actor, company, "bank.reconcile")
    counterparty = (counterparty or "").strip()[:140]
    reference = (reference or "").strip()
    if reference:
        try:
            reference = normalize_reference(reference)
        except InvalidReference as error:
            raise ValidationError({"reference": str(error)}) from None
    if not counterparty and not reference:
        raise ValidationError({"counterparty": _("Give the counterparty's name or a reference.")})
    account = _account(company, account)
    vat_code = (vat_code or "").strip()
    if vat_code and vat_code not in vat_rules.CODES:
        raise ValidationError({"vat_code": _("Unknown VAT code %(code)s.") % {"code": vat_code}})
    rule, _created = Rule.objects.update_or_create(
        company=company,
        counterparty=counterparty,
        reference=reference,
        defaults={"account": account, "vat_code": vat_code},
    )
    audit.record(actor.user, "rule", rule, company=company)
    return rule


@transaction.atomic
def delete_rule(actor, rule: Rule) -> None:
    guard(actor, rule.company, "bank.reconcile")
    audit.record(actor.user, "delete", rule, company=rule.company)
    rule.delete()


@transaction.atomic
def update_settings(actor, company, *, write_off_cents: int, write_off_account: str) -> Settings:
    company = guard(actor, company, "bank.reconcile")
    if not 0 <= write_off_cents <= MAX_WRITE_OFF_CENTS:
        raise ValidationError({"write_off": _("The tolerance is between 0 and 1 000 euros.")})
    if write_off_cents and not write_off_account:
        raise ValidationError({"write_off_account": _("Choose the account to write off to.")})
    if write_off_account:
        write_off_account = _account(company, write_off_account, "write_off_account")
    settings, _created = Settings.objects.update_or_create(
        company=company,
        defaults={"write_off_cents": write_off_cents, "write_off_account": write_off_account},
    )
    audit.record(actor.user, "settings", settings, company=company)
    return settings
