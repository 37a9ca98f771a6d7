"""Bank tables: imported statements, their lines, the accountant's matching rules.

A statement (camt.053 ``Stmt``, or a camt.054 notification) belongs to one of the company's
bank accounts (``ledger.BankAccount``, by IBAN) and is imported once: its ``fingerprint`` is a
hash of what the bank said (account, period, balances, entries), unique per company. Each booked
payment becomes one :class:`BankLine` (an entry of one payment, or each payment of a batch of
reference payments). A line ends ``matched`` (a matcher of :mod:`tase.bank.matching` claimed it,
e.g. sales marked an invoice paid), ``posted`` (the accountant posted it to an account) or
``ignored`` (with a reason); until then it is ``open``. Money is integer cents, signed: + in.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tase.core.models import Company, User
from tase.ledger.models import BankAccount


class Statement(models.Model):
    class Kind(models.TextChoices):
        STATEMENT = "camt.053", _("Bank statement")
        NOTIFICATION = "camt.054", _("Reference payments")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    bank_account = models.ForeignKey(
        BankAccount, verbose_name=_("bank account"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    bank_id = models.CharField(_("statement id"), max_length=35, blank=True)
    number = models.CharField(_("statement number"), max_length=20, blank=True)
    from_date = models.DateField(_("from"), null=True, blank=True)
    to_date = models.DateField(_("to"), null=True, blank=True)
    opening_cents = models.BigIntegerField(null=True, blank=True)
    closing_cents = models.BigIntegerField(null=True, blank=True)
    fingerprint = models.CharField(max_length=64)
    warnings = models.JSONField(default=list, blank=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["company", "-to_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["company", "fingerprint"], name="bank_statement_once")
        ]
        indexes = [models.Index(fields=["bank_account", "to_date"])]

    def __str__(self):
        return f"{self.bank_account.iban} {self.from_date}–{self.to_date}"  # noqa: RUF001


class Line(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("bank line", "Open")
        MATCHED = "matched", _("Matched")
        POSTED = "posted", _("Posted")
        IGNORED = "ignored", _("Ignored")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    date = models.DateField(_("date"))
    amount_cents = models.BigIntegerField(_("amount"))
    counterparty = models.CharField(_("counterparty"), max_length=140, blank=True)
    counterparty_iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    reference = models.CharField(_("reference"), max_length=35, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, blank=True)
    archive_id = models.CharField(_("archive id"), max_length=35, blank=True)
    bank_code = models.CharField(_("transaction code"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    matched_to = models.CharField(_("matched to"), max_length=200, blank=True)
    matcher = models.CharField(max_length=40, blank=True)
    voucher_id = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bank line")
        verbose_name_plural = _("bank lines")
        ordering = ["statement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "position"], name="bank_line_position"),
            models.CheckConstraint(
                condition=~Q(status="ignored") | ~Q(note=""), name="bank_line_ignored_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["company", "archive_id"]),
        ]

    def __str__(self):
        return f"{self.date} {self.amount_cents / 100:.2f} {self.counterparty}"

    @property
    def done(self) -> bool:
        return self.status != self.Status.OPEN


class Rule(models.Model):
    """What the accountant saved: a line whose counterparty contains ``counterparty`` (case
    ignored) or whose reference is ``reference`` is proposed for ``account`` with ``vat_code``."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    counterparty = models.CharField(_("counterparty contains"), max_length=140, blank=True)
    reference = models.CharField(_("reference"), max_length=35, blank=True)
    account = models.CharField(_("account"), max_length=10)
    vat_code = models.CharField(_("VAT code"), max_length=10, blank=True)
    text = models.CharField(_("text"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("matching rule")
        verbose_name_plural = _("matching rules")
        ordering = ["company", "counterparty", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(counterparty="") | ~Q(reference=""), name="bank_rule_has_a_key"
            )
        ]

    def __str__(self):
        return f"{self.counterparty or self.reference} → {self.account}"


class Settings(models.Model):
    """Per company: a short payment of a sales invoice within ``write_off_cents`` is paid in
    full, the difference posted to ``write_off_account`` (0 turns it off)."""

    company = models.OneToOneField(Company, on_delete=models.PROTECT, related_name="+")
    write_off_cents = models.PositiveIntegerField(_("write-off tolerance"), default=0)
    write_off_account = models.CharField(_("write-off account"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("bank settings")
        verbose_name_plural = _("bank settings")

    def __str__(self):
        return str(self.company)

    @property
    def write_off_euros(self) -> str:
        return f"{self.write_off_cents / 100:.2f}"
