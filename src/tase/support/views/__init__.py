"""Pages of customer support, one module per use case: thin — parse, call a service or a
selector, render. urls.py reaches every page through this package."""

from .announcements import (
    announcement_create,
    announcement_detail,
    announcement_edit,
    announcement_list,
)
from .desk import dashboard, queue
from .guides import (
    guide_create,
    guide_detail,
    guide_edit,
    guide_image,
    guide_image_upload,
    guide_list,
    guide_vote,
)
from .phone import call_list, phone_prices, statement, statement_csv, statement_index, statement_pdf
from .requests import (
    attachment_download,
    deflect,
    home,
    request_assign,
    request_create,
    request_detail,
    request_export_csv,
    request_list,
    request_rate,
    request_reopen,
    request_reply,
    request_status,
    request_transcript_csv,
    request_transcript_pdf,
)
from .training import training_create, training_detail, training_list

__all__ = [
    "announcement_create",
    "announcement_detail",
    "announcement_edit",
    "announcement_list",
    "attachment_download",
    "call_list",
    "dashboard",
    "deflect",
    "guide_create",
    "guide_detail",
    "guide_edit",
    "guide_image",
    "guide_image_upload",
    "guide_list",
    "guide_vote",
    "home",
    "phone_prices",
    "queue",
    "request_assign",
    "request_create",
    "request_detail",
    "request_export_csv",
    "request_list",
    "request_rate",
    "request_reopen",
    "request_reply",
    "request_status",
    "request_transcript_csv",
    "request_transcript_pdf",
    "statement",
    "statement_csv",
    "statement_index",
    "statement_pdf",
    "training_create",
    "training_detail",
    "training_list",
]
