"""The approval circulation (kierrätys) and the posting that approval makes.

Per company, reviewers (asiatarkastajat) and approvers (hyväksyjät, each up to an optional
amount limit). With none set, one who may approve (``purchases.approve``) approves in one step.
With a circulation, an invoice is first reviewed by a reviewer (when there are any), then
approved by an approver whose limit covers its total. Anyone in the circulation may reject it
with a comment or forward it to another user who may approve.

Approving posts the invoice through :func:`tase.ledger.services.post_voucher` in the purchase
invoice series OL, on the invoice date or the ``posting_date`` given (when the invoice date
falls in a locked or missing period): each line's net to its expense account with its VAT
code (the ledger splits the deductible input VAT by the code's rate; a self-assessed code adds
output and input VAT; a non-deductible or empty code keeps the VAT in the expense), the total
to trade payables, and a rounding line for what the invoice's own rounding leaves. The voucher
carries ``source="purchases.invoice"`` and the invoice's id, so the books drill down to it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Company, User
from tase.ledger import selectors as ledger_selectors
from tase.ledger import services as ledger
from tase.rules import vat as vat_rules

from .. import circulation
from ..models import ApprovalEvent, Approver, PurchaseInvoice
from .common import as_date, cents, clean_cost_centre, guard, to_cents, user_of

SOURCE = "purchases.invoice"
SERIES = "OL"
OPEN = (PurchaseInvoice.Status.RECEIVED, PurchaseInvoice.Status.REVIEWED)


def _member(company: Company, user_id) -> User:
    user = User.objects.filter(pk=str(user_id or "0").strip() or 0, is_active=True).first()
    if user is None or not Actor.of(user).can_in_company("purchases.approve", company):
        raise ValidationError({"user": _("Choose a user who may approve in this company.")})
    return user


@transaction.atomic
def set_approver(
    actor, company: Company, *, user, kind: str, limit=None, cost_centre: str = ""
) -> Approver:
    """Add ``user`` to the circulation as a reviewer or an approver (up to ``limit`` €), for
    the invoices of ``cost_centre`` (empty: the company's invoices no one else is set for)."""
    guard(actor, company, "purchases.manage")
    centre = clean_cost_centre(cost_centre)
    person = _member(company, getattr(user, "pk", user))
    if kind not in Approver.Kind.values:
        raise ValidationError({"kind": _("Choose reviewer or approver.")})
    limit_cents = None if limit in (None, "") else to_cents(limit, "limit")
    if limit_cents is not None and limit_cents <= 0:
        raise ValidationError({"limit": _("The amount limit must be positive.")})
    approver, _created = Approver.objects.update_or_create(
        company=company,
        user=person,
        kind=kind,
        cost_centre=centre,
        defaults={"limit_cents": limit_cents},
    )
    audit.record(actor.user, "update", approver, company=company)
    return approver


@transaction.atomic
def remove_approver(actor, approver: Approver) -> None:
    guard(actor, approver.company, "purchases.manage")
    audit.record(actor.user, "delete", approver, company=approver.company)
    approver.delete()


def _locked(invoice: PurchaseInvoice) -> PurchaseInvoice:
    invoice = (
        PurchaseInvoice.objects.select_for_update()
        .select_related("company", "supplier")
        .get(pk=invoice.pk)
    )
    if invoice.status not in OPEN:
        raise ValidationError(
            {
                "invoice": _("Invoice %(number)s is %(status)s; it is not waiting for approval.")
                % {"number": invoice.number, "status": invoice.get_status_display().lower()}
            }
        )
    return invoice


def _event(actor, invoice, action, comment="", forwarded_to=None):
    ApprovalEvent.objects.create(
        invoice=invoice,
        user=user_of(actor),
        action=action,
        comment=(comment or "").strip(),
        forwarded_to=forwarded_to,
    )
    audit.record(
        actor.user, action, invoice, company=invoice.company, changes={"comment": [None, comment]}
    )


def _step(actor, invoice: PurchaseInvoice) -> circulation.Step:
    """What the actor's approval does: review, approve, or approve within the limit and pass
    on (:func:`tase.purchases.circulation.step`); refused with the reason."""
    user = user_of(actor)
    if user is None:
        return circulation.Step(circulation.APPROVE)
    people = list(Approver.objects.filter(company=invoice.company).select_related("user"))
    return circulation.step(invoice, people, user.pk)


def _amount(value: int) -> dict:
    return {"debit": cents(value)} if value >= 0 else {"credit": cents(-value)}


def voucher_lines(invoice: PurchaseInvoice, payables: str, on) -> list[dict]:
    """The voucher of an approved invoice: expense lines with their VAT, payables, rounding."""
    lines, booked = [], 0
    for line in invoice.lines.all():
        if not line.gross_cents and not line.net_cents:
            continue  # a free row: nothing to book
        code = vat_rules.CODES.get(line.vat_code)
        splits = code is not None and code.kind in (
            vat_rules.DOMESTIC_PURCHASE,
            vat_rules.SELF_ASSESSED,
        )
        amount = line.net_cents if splits else line.gross_cents
        text = (line.description or invoice.number)[:300]
        lines.append(
            {"account": line.account, "vat_code": line.vat_code or None, "gross": False}
            | _amount(amount)
            | {"text": text, "cost_centre": invoice.cost_centre}
        )
        if splits:
            split = vat_rules.line_vat(code, amount, gross=False, on=on)
            booked += split.base + split.input_vat + split.output_vat
        else:
            booked += amount
    rounding = invoice.gross_cents - booked
    if rounding and lines:
        lines.append(
            {"account": lines[0]["account"], "text": _("Rounding and invoice-level discounts")}
            | _amount(rounding)
        )
    if invoice.gross_cents:
        lines.append(
            {"account": payables, "text": invoice.supplier.name[:300]}
            | _amount(-invoice.gross_cents)
        )
    return lines


def _post(actor, invoice: PurchaseInvoice, posting_date) -> None:
    on = as_date(posting_date, "posting_date") if posting_date else invoice.invoice_date
    payables = ledger_selectors.account_number_for_role(invoice.company, "payables")
    if payables is None:
        raise ValidationError(
            {"payables": _("The chart of accounts has no trade payables account.")}
        )
    attachments = [
        (a.name, a.file.read())
        for a in invoice.attachments.all()
        if a.content_type in ("application/pdf", "image/jpeg", "image/png")
    ]
    try:
        voucher = ledger.post_voucher(
            actor,
            invoice.company,
            date=on,
            series=SERIES,
            description=f"{invoice.supplier.name}, {_('invoice')} {invoice.number}"[:300],
            lines=voucher_lines(invoice, payables, on),
            source=SOURCE,
            source_ref=str(invoice.pk),
            attachments=attachments,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "date" in error.error_dict:
            raise ValidationError(
                {
                    "posting_date": " ".join(error.message_dict["date"])
                    + " "
                    + _("Give the posting date in an open period.")
                }
            ) from None
        raise
    invoice.voucher_id = voucher.pk
    invoice.posting_date = on


@transaction.atomic
def approve(actor, invoice: PurchaseInvoice, *, posting_date=None, comment="") -> PurchaseInvoice:
    """The actor's step of the circulation: review; approve within the limit and pass on to
    the next approver; or approve and post."""
    guard(actor, invoice.company, "purchases.approve")
    invoice = _locked(invoice)
    step = _step(actor, invoice)
    if step.action == circulation.PASS_ON:
        invoice.approved_up_to_cents = step.limit_cents
        invoice.assigned_to = None
        invoice.waiting_since, invoice.reminded_at = timezone.now(), None  # the next one's turn
        invoice.save(
            update_fields=["approved_up_to_cents", "assigned_to", "waiting_since", "reminded_at"]
        )
        _event(actor, invoice, ApprovalEvent.Action.PASS_ON, comment)
        return invoice
    if step.action == circulation.REVIEW:
        invoice.status = PurchaseInvoice.Status.REVIEWED
        invoice.assigned_to = None
        invoice.waiting_since, invoice.reminded_at = timezone.now(), None  # the approver's turn
        invoice.save(update_fields=["status", "assigned_to", "waiting_since", "reminded_at"])
        _event(actor, invoice, ApprovalEvent.Action.REVIEW, comment)
        return invoice
    _post(actor, invoice, posting_date)
    invoice.status = PurchaseInvoice.Status.APPROVED
    invoice.assigned_to = None
    invoice.save(update_fields=["status", "assigned_to", "voucher_id", "posting_date"])
    _event(actor, invoice, ApprovalEvent.Action.APPROVE, comment)
    return invoice


@transaction.atomic
def reject(actor, invoice: PurchaseInvoice, *, comment: str) -> PurchaseInvoice:
    guard(actor, invoice.company, "purchases.approve")
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the invoice is rejected.")})
    invoice = _locked(invoice)
    invoice.status = PurchaseInvoice.Status.REJECTED
    invoice.assigned_to = None
    invoice.save(update_fields=["status", "assigned_to"])
    _event(actor, invoice, ApprovalEvent.Action.REJECT, comment)
    return invoice


@transaction.atomic
def forward(actor, invoice: PurchaseInvoice, *, to, comment: str = "") -> PurchaseInvoice:
    """Hand the invoice to another user who may approve in the company."""
    guard(actor, invoice.company, "purchases.approve")
    invoice = _locked(invoice)
    person = _member(invoice.company, getattr(to, "pk", to))
    invoice.assigned_to = person
    invoice.waiting_since, invoice.reminded_at = timezone.now(), None
    invoice.save(update_fields=["assigned_to", "waiting_since", "reminded_at"])
    _event(actor, invoice, ApprovalEvent.Action.FORWARD, comment, forwarded_to=person)
    return invoice


@transaction.atomic
def set_cost_centre(actor, invoice: PurchaseInvoice, cost_centre: str) -> PurchaseInvoice:
    """Change the cost centre of an invoice waiting for approval: its circulation starts over
    with the people of the new cost centre (a review or an approval within a limit given for
    the old one no longer counts)."""
    guard(actor, invoice.company, "purchases.manage")
    invoice = _locked(invoice)
    centre = clean_cost_centre(cost_centre)
    if centre == invoice.cost_centre:
        return invoice
    before = invoice.cost_centre
    invoice.cost_centre = centre
    invoice.status = PurchaseInvoice.Status.RECEIVED
    invoice.approved_up_to_cents = None
    invoice.waiting_since, invoice.reminded_at = timezone.now(), None
    invoice.save(
        update_fields=[
            "cost_centre", "status", "approved_up_to_cents", "waiting_since", "reminded_at"
        ]
    )  # fmt: skip
    audit.record(
        actor.user, "update", invoice, company=invoice.company,
        changes={"cost_centre": [before, centre]},
    )  # fmt: skip
    return invoice
