"""The camt reader's messages in the user's language.

:mod:`tase.formats.camt` is pure Python and speaks English; each warning and error it gives is a
:class:`~tase.formats.safe_xml.Notice` with a code and parameters. Here each code has its
msgid (the same English template), so the web, the API and the command say it in Finnish
(src/tase/bank/locale/fi). Parameters that are messages themselves (``where``: "Statement 1,
entry 3 Amt") are said the same way; a message without a code (an old warning stored as text)
is given as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tase.formats.safe_xml import Notice

TEXTS = {
    "xml.not_xml": _("Not XML: the file does not start with an XML element or declaration."),
    "xml.unsafe": _(
        "The file declares XML entities or external references (%(detail)s), which an "
        "accounting file never needs; refused for safety."
    ),
    "xml.malformed": _("Not well-formed XML: %(detail)s."),
    "xml.encoding": _(
        "The file says it is UTF-8 but line %(line)s has a byte that is not (%(byte)s); "
        "read as Windows-1252 (ISO-8859-1)."
    ),
    "camt.where.statement": _("Statement %(number)s"),
    "camt.where.notification": _("Notification %(number)s"),
    "camt.where.header": _("Group header"),
    "camt.where.entry": _("%(where)s, entry %(entry)s"),
    "camt.where.payment": _("%(where)s, payment %(payment)s"),
    "camt.where.field": _("%(where)s %(field)s"),
    "camt.where.balance": _("%(where)s, balance %(number)s (%(code)s)"),
    "camt.rounded": _("%(where)s: amount %(raw)s rounded to %(rounded)s (half up)."),
    "camt.bad_datetime": _("%(where)s: %(field)s %(raw)s is not a date and time; ignored."),
    "camt.bad_reference": _("%(where)s: %(reason)s"),
    "camt.batch_sum": _(
        "%(where)s: its %(count)s payments sum to %(total)s, the entry to %(amount)s."
    ),
    "camt.no_iban": _("%(where)s: the account has no IBAN."),
    "camt.no_iban_other": _("%(where)s: the account has no IBAN (other id %(other)s)."),
    "camt.no_opening": _(
        "%(where)s: no opening (OPBD) balance, so the entries cannot be checked against the "
        "balances."
    ),
    "camt.no_closing": _(
        "%(where)s: no closing (CLBD) balance, so the entries cannot be checked against the "
        "balances."
    ),
    "camt.balance_difference": _(
        "%(where)s: opening balance %(opening)s + booked entries %(booked)s ≠ closing balance "
        "%(closing)s; difference %(difference)s."
    ),
    "camt.no_namespace": _("The %(kind)s message has no namespace; read by element names."),
    "camt.unknown_namespace": _(
        "The %(kind)s message has an unknown namespace %(namespace)s; read by element names."
    ),
    "camt.namespace_kind": _(
        "The namespace says %(declared)s but the message is a %(kind)s; read as %(kind)s."
    ),
    "camt.unknown_version": _(
        "%(kind)s.%(version)s is not a version Tase knows (.02, .08); read by element names."
    ),
    "camt.schema": _("The file does not follow the %(schema)s schema (read anyway): %(problems)s"),
    "camt.skipped": _("A part of the file was skipped: %(reason)s"),
    "camt.not_amount": _("%(where)s: %(raw)s is not an amount."),
    "camt.bad_indicator": _("%(where)s: CdtDbtInd %(raw)s is neither CRDT nor DBIT."),
    "camt.not_date": _("%(where)s: %(raw)s is not a date."),
    "camt.no_amount": _("%(where)s: no Amt."),
    "camt.no_indicator": _("%(where)s: no CdtDbtInd (CRDT or DBIT)."),
    "camt.not_camt": _(
        "Not a camt.053 or camt.054 bank statement: the file's root element is <%(root)s>, and "
        "no BkToCstmrStmt or BkToCstmrDbtCdtNtfctn message is inside it."
    ),
    "camt.not_camt_ns": _(
        "Not a camt.053 or camt.054 bank statement: the file's root element is <%(root)s> in "
        "namespace %(namespace)s, and no BkToCstmrStmt or BkToCstmrDbtCdtNtfctn message is "
        "inside it."
    ),
    "camt.no_statement": _("The %(kind)s message holds no %(tag)s (statement)."),
    "camt.mixed": _("The file mixes camt.053 and camt.054 messages; give them as two files."),
}


def say(message) -> str:
    """``message`` in the active language: a notice by its code, anything else as text."""
    if not isinstance(message, Notice) or message.code not in TEXTS:
        return str(message)
    params = {key: say(value) for key, value in message.params.items()}
    return str(TEXTS[message.code]) % params


def say_error(error: Exception) -> str:
    return say(getattr(error, "notice", None) or str(error))
