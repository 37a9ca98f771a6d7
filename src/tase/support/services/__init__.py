"""Every write of customer support: one module per use case, each function permission-checked,
in one transaction, audited. Bad input raises ``ValidationError`` keyed by the field.

Internal notes are never emailed; the email on a public reply carries that reply only.
"""

from .announcements import (
    ANNOUNCEMENT_FIELDS,
    create_announcement,
    mark_read,
    update_announcement,
)
from .guides import (
    GUIDE_FIELDS,
    add_guide_image,
    ensure_category,
    index_guide,
    save_guide,
    vote_guide,
)
from .helpdesk import (
    delete_view,
    fill_canned,
    merge_requests,
    save_canned_reply,
    save_view,
    set_cc,
    set_watching,
)
from .inbound import Refused, inbound_address, receive_email, strip_quoted
from .phone import log_call, set_phone_price
from .requests import (
    add_reply,
    assign,
    change_status,
    close_expired,
    close_expired_lazily,
    create_request,
    rate,
    reopen,
    reopen_deadline,
    support_staff,
)
from .training import (
    accept_training,
    complete_training,
    order_training,
    plan_session,
    quote_training,
)

__all__ = [
    "ANNOUNCEMENT_FIELDS",
    "GUIDE_FIELDS",
    "Refused",
    "accept_training",
    "add_guide_image",
    "add_reply",
    "assign",
    "change_status",
    "close_expired",
    "close_expired_lazily",
    "complete_training",
    "create_announcement",
    "create_request",
    "delete_view",
    "ensure_category",
    "fill_canned",
    "inbound_address",
    "index_guide",
    "log_call",
    "mark_read",
    "merge_requests",
    "order_training",
    "plan_session",
    "quote_training",
    "rate",
    "receive_email",
    "reopen",
    "reopen_deadline",
    "save_canned_reply",
    "save_guide",
    "save_view",
    "set_cc",
    "set_phone_price",
    "set_watching",
    "strip_quoted",
    "support_staff",
    "update_announcement",
    "vote_guide",
]
