"""The customer takes part: reviews a specification version (a comment, a request for
changes, a rejection with the reason), sends questions for a training session that the
trainer answers in its minutes, and proposes needs outside the contract that vendor staff turn
into change requests (or decline, with a reason)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor

from ..models import (
    ChangeRequest,
    Document,
    Project,
    ScopeProposal,
    SpecReview,
    SpecVersion,
    TrainingQuestion,
    TrainingSession,
)
from ._common import _email, _is_staff, _link, _required, _writable

# -- specification reviews -----------------------------------------------------------------

REVIEW_STATUS = {
    SpecReview.Kind.CHANGES_REQUESTED: SpecVersion.Status.CHANGES_REQUESTED,
    SpecReview.Kind.REJECTED: SpecVersion.Status.REJECTED,
}


@transaction.atomic
def review_spec_version(actor: Actor, version: SpecVersion, *, kind: str, body: str) -> SpecReview:
    """A comment on a version sent for review (anyone who reads the project), or the main
    user's request for changes or rejection, with the reason: the version then stops waiting
    for approval and the project lead writes the next one."""
    organization = version.organization
    actor.require("delivery.view", organization)
    _writable(version.spec.project)
    if kind not in SpecReview.Kind.values:
        raise ValidationError(
            {"kind": _("Choose a comment, a request for changes or a rejection.")}
        )
    version = SpecVersion.objects.select_for_update().select_related("spec").get(pk=version.pk)
    staff = _is_staff(actor, organization)
    if version.status == SpecVersion.Status.DRAFT and not staff:
        raise PermissionDenied
    text = _required(body, "body")
    if kind in REVIEW_STATUS:
        if staff:
            raise ValidationError(
                {"kind": _("Only the customer's main user requests changes or rejects a version.")}
            )
        actor.require("delivery.approve", organization)
        if version.status != SpecVersion.Status.IN_REVIEW:
            raise ValidationError(
                {
                    "kind": _("Version %(n)s is not waiting for review (it is %(status)s).")
                    % {"n": version.number, "status": version.get_status_display()}
                }
            )
    elif version.status == SpecVersion.Status.SUPERSEDED:
        raise ValidationError({"kind": _("A superseded version takes no more comments.")})
    review = SpecReview.objects.create(
        version=version, organization=organization, author=actor.user, kind=kind, body=text
    )
    changes = {"review": [None, kind]}
    if kind in REVIEW_STATUS:
        changes["status"] = [version.status, REVIEW_STATUS[kind]]
        version.status = REVIEW_STATUS[kind]
        version.save(update_fields=["status"])
        project = version.spec.project
        _email(
            [project.lead],
            lambda: (
                _("%(title)s v%(n)s: %(kind)s")
                % {
                    "title": version.spec.title,
                    "n": version.number,
                    "kind": review.get_kind_display(),
                }
            ),
            "delivery/email/spec_review.txt",
            {
                "review": review,
                "version": version,
                "link": _link(f"/delivery/specs/{version.spec_id}/"),
            },
        )
    audit.record(actor.user, "review", version, changes=changes)
    return review


# -- training questions --------------------------------------------------------------------


def _open_for_questions(session: TrainingSession) -> None:
    """Questions go to a session still to come: not one held, cancelled or already begun."""
    if session.status in (TrainingSession.Status.HELD, TrainingSession.Status.CANCELLED) or (
        session.starts_at <= timezone.now()
    ):
        raise ValidationError(
            {
                "body": _(
                    "Training part %(part)s (%(date)s) has already been held or cancelled: "
                    "send your question for the next part instead."
                )
                % {
                    "part": session.part,
                    "date": timezone.localtime(session.starts_at).strftime("%d.%m.%Y"),
                }
            }
        )


@transaction.atomic
def ask_training_question(actor: Actor, session: TrainingSession, body: str) -> TrainingQuestion:
    """A question for a coming training session, from the customer's users (the invitation
    links here) or from staff writing down what a customer asked by phone."""
    actor.require("delivery.view", session.organization)
    _writable(session.project)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    _open_for_questions(session)
    question = TrainingQuestion.objects.create(
        training=session,
        organization=session.organization,
        author=actor.user,
        body=_required(body, "body"),
    )
    audit.record(actor.user, "ask", session, changes={"question": [None, question.body[:200]]})
    return question


@transaction.atomic
def write_training_minutes(
    actor: Actor, session: TrainingSession, *, body: str = "", answers: dict | None = None
) -> Document:
    """The minutes of a held session: the trainer's notes and an answer to each question the
    participants sent. Saved as a published, customer-visible minutes document of the
    project (written again, the same document is updated). Every question needs an answer."""
    actor.require("delivery.manage", session.organization)
    _writable(session.project)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != TrainingSession.Status.HELD:
        raise ValidationError({"status": _("Write the minutes once the session has been held.")})
    answers = {int(k): (v or "").strip() for k, v in (answers or {}).items()}
    questions = list(session.questions.select_related("author"))
    missing = [q for q in questions if not (answers.get(q.pk) or q.answer)]
    if missing:
        raise ValidationError(
            {
                f"answer_{q.pk}": _("Answer the question “%(question)s”.")
                % {"question": q.body[:80]}
                for q in missing
            }
        )
    now = timezone.now()
    for q in questions:
        if answers.get(q.pk) and answers[q.pk] != q.answer:
            q.answer, q.answered_at = answers[q.pk], now
            q.save(update_fields=["answer", "answered_at"])
    text = render_to_string(
        "delivery/training_minutes.txt",
        {"session": session, "notes": (body or "").strip(), "questions": questions},
    ).strip()
    title = _("Minutes: training part %(part)s") % {"part": session.part}
    document = session.minutes
    if document is None:
        document = Document.objects.create(
            organization=session.organization,
            project=session.project,
            kind=Document.Kind.MINUTES,
            title=title,
            body=text,
            customer_visible=True,
            published_at=now,
            created_by=actor.user,
        )
        session.minutes = document
        session.save(update_fields=["minutes"])
    else:
        document.body = text
        document.save(update_fields=["body"])
    audit.record(actor.user, "write_minutes", session, changes={"answered": [None, len(questions)]})
    return document


# -- needs outside the contract --------------------------------------------------------------


@transaction.atomic
def propose_need(actor: Actor, project: Project, *, title: str, description: str) -> ScopeProposal:
    """The customer's users raise a need outside the contract; only vendor staff make change
    requests, from these proposals."""
    organization = project.organization
    actor.require("delivery.view", organization)
    if _is_staff(actor, organization):
        raise ValidationError(
            {"title": _("Vendor staff record a change request directly, not a proposal.")}
        )
    _writable(project)
    proposal = ScopeProposal.objects.create(
        project=project,
        organization=organization,
        title=_required(title, "title")[:200],
        description=_required(description, "description"),
        proposed_by=actor.user,
    )
    audit.record(actor.user, "create", proposal, changes={"title": [None, proposal.title]})
    _email(
        [project.lead],
        lambda: _("A need outside the contract: %(title)s") % {"title": proposal.title},
        "delivery/email/proposal.txt",
        {"proposal": proposal, "link": _link(f"/delivery/projects/{project.pk}/#changes")},
    )
    return proposal


def _open_proposal(proposal: ScopeProposal) -> ScopeProposal:
    proposal = ScopeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ScopeProposal.Status.OPEN:
        raise ValidationError(
            {
                "status": _("The proposal has been decided already (%(status)s).")
                % {"status": proposal.get_status_display()}
            }
        )
    return proposal


@transaction.atomic
def convert_proposal(
    actor: Actor, proposal: ScopeProposal, *, estimate_hours=None, estimate_euros=None
) -> ChangeRequest:
    """Staff turn the customer's proposal into a change request asked by its proposer."""
    from .change_requests import create_change_request

    actor.require("delivery.contracts", proposal.organization)
    proposal = _open_proposal(proposal)
    cr = create_change_request(
        actor,
        proposal.organization,
        title=proposal.title,
        description=proposal.description,
        project=proposal.project,
        asked_by=proposal.proposed_by,
        estimate_hours=estimate_hours,
        estimate_euros=estimate_euros,
    )
    proposal.status, proposal.change_request = ScopeProposal.Status.CONVERTED, cr
    proposal.decided_by, proposal.decided_at = actor.user, timezone.now()
    proposal.save(update_fields=["status", "change_request", "decided_by", "decided_at"])
    audit.record(actor.user, "convert", proposal, changes={"change_request": [None, cr.pk]})
    return cr


@transaction.atomic
def decline_proposal(actor: Actor, proposal: ScopeProposal, *, reason: str) -> ScopeProposal:
    actor.require("delivery.contracts", proposal.organization)
    proposal = _open_proposal(proposal)
    proposal.status = ScopeProposal.Status.DECLINED
    proposal.decision_reason = _required(reason, "reason")
    proposal.decided_by, proposal.decided_at = actor.user, timezone.now()
    proposal.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit.record(
        actor.user, "decline", proposal, changes={"reason": [None, proposal.decision_reason]}
    )
    return proposal
