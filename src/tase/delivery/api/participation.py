"""The customer takes part: specification reviews, training questions and minutes, needs
proposed outside the contract."""

from __future__ import annotations

from django.http import Http404
from ninja import Status

from tase.apiutil import actor

from .. import selectors, services
from ..models import ScopeProposal, SpecReview
from ._common import router
from .schemas import (
    ChangeRequestOut,
    ConvertProposalIn,
    DocumentOut,
    ProposalIn,
    ProposalOut,
    QuestionIn,
    QuestionOut,
    ReasonIn,
    SpecReviewIn,
    SpecReviewOut,
    TrainingMinutesIn,
)


@router.get("/spec-versions/{int:version_id}/reviews", response=list[SpecReviewOut])
def list_spec_reviews(request, version_id: int):
    version = selectors.spec_version(actor(request), version_id)
    return list(SpecReview.objects.filter(version=version))


@router.post("/spec-versions/{int:version_id}/reviews", response={201: SpecReviewOut})
def review_spec_version(request, version_id: int, payload: SpecReviewIn):
    """A comment; or the main user's request for changes (kind "changes") or rejection
    (kind "rejected"), with the reason in ``body``."""
    a = actor(request)
    version = selectors.spec_version(a, version_id)
    return Status(201, services.review_spec_version(a, version, **payload.dict()))


@router.get("/trainings/{int:training_id}/questions", response=list[QuestionOut])
def list_training_questions(request, training_id: int):
    return list(selectors.training(actor(request), training_id).questions.all())


@router.post("/trainings/{int:training_id}/questions", response={201: QuestionOut})
def ask_training_question(request, training_id: int, payload: QuestionIn):
    """A question for a coming session; one already held or cancelled refuses."""
    a = actor(request)
    session = selectors.training(a, training_id)
    return Status(201, services.ask_training_question(a, session, payload.body))


@router.post("/trainings/{int:training_id}/minutes", response={201: DocumentOut})
def write_training_minutes(request, training_id: int, payload: TrainingMinutesIn):
    """The held session's minutes with an answer to every question (``answers``: {id: text})."""
    a = actor(request)
    session = selectors.training(a, training_id, "delivery.manage")
    if not selectors.is_staff_view(a, session.organization):
        raise Http404
    document = services.write_training_minutes(
        a, session, body=payload.body, answers=payload.answers
    )
    return Status(201, document)


@router.get("/projects/{int:project_id}/proposals", response=list[ProposalOut])
def list_proposals(request, project_id: int):
    return list(selectors.project(actor(request), project_id).proposals.all())


@router.post("/projects/{int:project_id}/proposals", response={201: ProposalOut})
def propose_need(request, project_id: int, payload: ProposalIn):
    """The customer's users propose a need outside the contract."""
    a = actor(request)
    project = selectors.project(a, project_id)
    return Status(201, services.propose_need(a, project, **payload.dict()))


def _proposal(a, proposal_id: int) -> ScopeProposal:
    proposal = (
        ScopeProposal.objects.filter(pk=proposal_id).first() if 0 < proposal_id < 2**63 else None
    )
    if proposal is None:
        raise Http404
    selectors.project(a, proposal.project_id, "delivery.contracts")
    return proposal


@router.post("/proposals/{int:proposal_id}/convert", response={201: ChangeRequestOut})
def convert_proposal(request, proposal_id: int, payload: ConvertProposalIn):
    a = actor(request)
    return Status(201, services.convert_proposal(a, _proposal(a, proposal_id), **payload.dict()))


@router.post("/proposals/{int:proposal_id}/decline", response=ProposalOut)
def decline_proposal(request, proposal_id: int, payload: ReasonIn):
    a = actor(request)
    return services.decline_proposal(a, _proposal(a, proposal_id), reason=payload.reason)
