"""The audit trail in words: each action's name and each change's field and values in the
reader's language, from the model's own field names and choices."""

from __future__ import annotations

import datetime as dt
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from .templatetags.tase import format_number

ACTION_LABELS = {
    "2fa_disabled": _l("Two-factor authentication turned off"),
    "2fa_enabled": _l("Two-factor authentication turned on"),
    "2fa_failed": _l("Two-factor code refused"),
    "2fa_reset": _l("Authenticator reset"),
    "absence_lines": _l("Absence lines added to the pay run"),
    "absence_lines_refreshed": _l("Absence lines made again after a correction"),
    "absence_lines_stale": _l("Warned of an absence a correction changed"),
    "book_income_tax": _l("Income tax booked"),
    "depreciation_difference": _l("Depreciation difference booked"),
    "holiday_lines": _l("Holiday lines added to the pay run"),
    "ignore": _l("Bank line ignored"),
    "match": _l("Bank line matched"),
    "payments": _l("Payments recorded"),
    "post_holiday_liability": _l("Holiday-pay liability posted"),
    "rule": _l("Matching rule saved"),
    "settings": _l("Settings saved"),
    "accept": _l("Accepted"),
    "activate": _l("Activated"),
    "add_item": _l("Item added"),
    "add_retro_pay": _l("Retro pay added"),
    "apply_chart": _l("Chart of accounts chosen"),
    "approve": _l("Approved"),
    "approve_overrides": _l("Overrides approved"),
    "archive": _l("Archived"),
    "archive_test_environment": _l("Test environment archived"),
    "ask": _l("Question asked"),
    "assign": _l("Assigned"),
    "attach": _l("Attachment added"),
    "auto_complete": _l("Done by its self-check"),
    "auto_reopen": _l("Reopened by its self-check"),
    "autoclose": _l("Closed automatically"),
    "calculate": _l("Calculated"),
    "cancel": _l("Cancelled"),
    "change_with_correction": _l("Set to be changed with a correction run"),
    "close": _l("Closed"),
    "collection": _l("Handed over to collection"),
    "comment": _l("Commented"),
    "complete": _l("Completed"),
    "confirm": _l("Confirmed"),
    "contact": _l("Contact logged"),
    "convert": _l("Converted"),
    "copy_configuration": _l("Configuration copied"),
    "create": _l("Created"),
    "create_correction": _l("Correction created"),
    "create_test_environment": _l("Test environment created"),
    "credit": _l("Credited"),
    "deactivate": _l("Deactivated"),
    "decline": _l("Declined"),
    "delete": _l("Deleted"),
    "delete_item": _l("Item deleted"),
    "depreciation_run": pgettext_lazy("audit", "Depreciation run"),
    "dispose": _l("Disposed of"),
    "download_archive": _l("Archive package downloaded"),
    "draft_status_report": _l("Status report drafted"),
    "email": _l("Emailed"),
    "erase_personal_data": _l("Personal data erased"),
    "explain_overdue": _l("Delay explained"),
    "export_archive": _l("Archive package written"),
    "export_personal_data": _l("Personal data exported"),
    "handover": _l("Handed over"),
    "held": _l("Held"),
    "hold": _l("Put on hold"),
    "import": _l("Imported"),
    "import_books": _l("Earlier books imported"),
    "import_items": _l("Items imported"),
    "import_tax_cards": _l("Tax cards imported"),
    "import_tax_cards_file": _l("Tax card file imported"),
    "incomes_register_download": _l("Incomes Register file downloaded"),
    "incomes_register_invalidate": _l("Incomes Register report invalidated"),
    "incomes_register_produce": _l("Incomes Register report produced"),
    "incomes_register_sent": _l("Incomes Register report sent"),
    "infer_dates": _l("Dates inferred"),
    "invite": _l("Invited"),
    "lock_period": _l("Period locked"),
    "log_hours": _l("Hours logged"),
    "login": _l("Signed in"),
    "login_failed": _l("Sign-in failed"),
    "logout": _l("Signed out"),
    "mark_paid": _l("Marked paid"),
    "mass_entry": _l("Mass entry"),
    "merge": _l("Merged"),
    "migrate": _l("Migrated"),
    "note": _l("Internal note"),
    "notification_preferences": _l("Notification choices changed"),
    "override_check": _l("Self-check overridden"),
    "pass_on": _l("Approved within the limit, passed on"),
    "payment": _l("Payment recorded"),
    "plan": _l("Planned"),
    "post": _l("Posted"),
    "post_batch": _l("Vouchers posted together"),
    "publish": _l("Published"),
    "quote": _l("Quoted"),
    "rate": _l("Rated"),
    "reactivate": _l("Reactivated"),
    "recovery_code_used": _l("Recovery code used"),
    "recovery_codes_renewed": _l("Recovery codes renewed"),
    "remind": _l("Reminded"),
    "remove": _l("Removed"),
    "remove_with_correction": _l("Set to be removed with a correction run"),
    "release_absence_change": _l("Change with a correction released"),
    "reopen": _l("Reopened"),
    "reply": _l("Replied"),
    "reprice": _l("Repriced"),
    "reschedule": _l("Rescheduled"),
    "resend_invitation": _l("Invitation sent again"),
    "reset_test_environment": _l("Test environment reset"),
    "resume": _l("Resumed"),
    "reverse": _l("Reversed"),
    "reverse_accruals": _l("Accruals reversed"),
    "review": _l("Reviewed"),
    "revoke": _l("Revoked"),
    "rotate_field_keys": _l("Encryption keys rotated"),
    "salary_change": _l("Salary changed"),
    "salary_file": _l("Salary file"),
    "save_draft": _l("Draft saved"),
    "send": _l("Sent"),
    "send_for_review": _l("Sent for review"),
    "set_baseline": _l("Baseline set"),
    "sign_go_live": _l("Go-live signed"),
    "status": _l("Status changed"),
    "supersede": _l("Superseded"),
    "unlock_period": _l("Period unlocked"),
    "unwatch": _l("Stopped watching"),
    "update": _l("Updated"),
    "view_identity_code": _l("Identity code viewed"),
    "watch": _l("Watching"),
    "write_minutes": _l("Minutes written"),
}

# Changes recorded under a name that is no field of the object's model.
CHANGE_LABELS = {
    "companies": _l("Companies"),
    "email": _l("Email"),
    "items": _l("Items"),
    "note": _l("Note"),
    "participants": _l("Participants"),
    "reason": _l("Reason"),
    "reply": _l("Reply"),
    "state": _l("State"),
}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")
DECIMAL = re.compile(r"^-?\d+\.\d+$")
NOTHING = "\N{EN DASH}"


def action_label(action: str) -> str:
    """The action's name in the active language; an action without one shows its key."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def _field(object_type: str, name: str):
    """The model's own field ``name``; not a reverse relation (a pay run's "items" change is a
    count, not its PayItem relation, which has no name or choices of its own)."""
    try:
        field = apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return None if field.auto_created and not field.concrete else field


def _value(field, value) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_value(field, v) for v in value) or NOTHING
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, str):
        if ISO_DATE.match(value):
            return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        if ISO_DATETIME.match(value):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
            return date_format(moment, "SHORT_DATETIME_FORMAT")
        if DECIMAL.match(value):
            return format_number(value)
    return str(value)


def change_rows(event) -> list[tuple[str, str, str]]:
    """(field, before, after) of each change, the field by its model's name for it."""
    rows = []
    for name, change in (event.changes or {}).items():
        field = _field(event.object_type, name) if event.object_type else None
        label = str(getattr(field, "verbose_name", "") or CHANGE_LABELS.get(name, name))
        before, after = (
            change if isinstance(change, list | tuple) and len(change) == 2 else (None, change)
        )
        rows.append((label[:1].upper() + label[1:], _value(field, before), _value(field, after)))
    return rows
