"""Every write of implementation projects, one module per use case. Each function checks the
actor's permission, runs in one transaction, records an audit event and raises
``ValidationError`` keyed by the field at fault. Nothing is deleted: documents are archived,
versions superseded.
"""

from ._common import customer_recipients, quiet
from .change_requests import (
    CR_TRANSITIONS,
    _euros_to_cents,
    create_change_request,
    set_change_request_status,
)
from .contracts import create_contract, log_contact, set_account_manager
from .documents import (
    EMAIL_SUBJECTS,
    add_document,
    approve_document,
    archive_document,
    publish_document,
    update_document_text,
)
from .environments import (
    create_project_test_environment,
    reset_test_environment,
    source_of_test_environment,
)
from .go_live import approve_overrides, sign_go_live
from .hours import change_request_from_hours, log_hours, set_module_hours
from .meetings import AGENDA_TEMPLATES, agenda_text, create_meeting, write_minutes
from .participation import (
    ask_training_question,
    convert_proposal,
    decline_proposal,
    propose_need,
    review_spec_version,
    write_training_minutes,
)
from .project_tasks import (
    TASK_FIELDS,
    comment_task,
    explain_overdue,
    follow_product,
    override_check,
    save_task,
    set_task_status,
    sync_state_checks,
)
from .projects import (
    KEY_PERSON_FIELDS,
    STATUS_ACTIONS,
    add_key_person,
    create_project,
    proposed_schedule,
    remove_key_person,
    set_project_status,
    update_key_person,
    update_team,
)
from .schedule import (
    MEETING_PHASES,
    _validate_phases,
    infer_phase_dates,
    inferred_phase_dates,
    record_phase_progress,
    reschedule,
)
from .specs import add_spec, approve_spec_version, save_spec_version, send_spec_for_review
from .status_reports import draft_status_report
from .templates import DEFAULT_TASKS, default_template, save_template_task, update_template
from .training import (
    cancel_training,
    confirm_training,
    mark_training_held,
    plan_training,
    plan_two_part_training,
    reschedule_training,
)

__all__ = [
    "AGENDA_TEMPLATES",
    "CR_TRANSITIONS",
    "DEFAULT_TASKS",
    "EMAIL_SUBJECTS",
    "KEY_PERSON_FIELDS",
    "MEETING_PHASES",
    "STATUS_ACTIONS",
    "TASK_FIELDS",
    "_euros_to_cents",
    "_validate_phases",
    "add_document",
    "add_key_person",
    "add_spec",
    "agenda_text",
    "approve_document",
    "approve_overrides",
    "approve_spec_version",
    "archive_document",
    "ask_training_question",
    "cancel_training",
    "change_request_from_hours",
    "comment_task",
    "confirm_training",
    "convert_proposal",
    "create_change_request",
    "create_contract",
    "create_meeting",
    "create_project",
    "create_project_test_environment",
    "customer_recipients",
    "decline_proposal",
    "default_template",
    "draft_status_report",
    "explain_overdue",
    "follow_product",
    "infer_phase_dates",
    "inferred_phase_dates",
    "log_contact",
    "log_hours",
    "mark_training_held",
    "override_check",
    "plan_training",
    "plan_two_part_training",
    "propose_need",
    "proposed_schedule",
    "publish_document",
    "quiet",
    "record_phase_progress",
    "remove_key_person",
    "reschedule",
    "reschedule_training",
    "reset_test_environment",
    "review_spec_version",
    "save_spec_version",
    "save_task",
    "save_template_task",
    "send_spec_for_review",
    "set_account_manager",
    "set_change_request_status",
    "set_module_hours",
    "set_project_status",
    "set_task_status",
    "sign_go_live",
    "source_of_test_environment",
    "sync_state_checks",
    "update_document_text",
    "update_key_person",
    "update_team",
    "update_template",
    "write_minutes",
    "write_training_minutes",
]
