"""Delivery pages where the customer takes part: reviewing a specification version, questions
for a training session (and the minutes that answer them), needs outside the contract."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core.editing import save_form

from .. import forms, selectors, services
from ..models import ScopeProposal
from ._common import _actor, _form_page


@login_required
def spec_review(request, pk):
    """Comment on a version; the main user may also request changes or reject, with a reason."""
    actor = _actor(request)
    version = selectors.spec_version(actor, pk)
    can_decide = not selectors.is_staff_view(actor, version.organization) and actor.can(
        "delivery.approve", version.organization
    )
    form = forms.SpecReviewForm(request.POST or None, can_decide=can_decide)
    if done := save_form(
        request,
        form,
        lambda data: services.review_spec_version(actor, version, **data),
        success=lambda review: _("Saved: %(kind)s.") % {"kind": review.get_kind_display()},
        redirect_to=reverse("delivery:spec", args=[version.spec_id]),
    ):
        return done
    return _form_page(
        request,
        form,
        _("Review %(title)s v%(n)s") % {"title": version.spec.title, "n": version.number},
        _("A request for changes or a rejection sends the version back to the project lead."),
    )


@login_required
def training_questions(request, pk):
    """The session's questions: the customer's users send theirs before it (the invitation
    links here); the trainer sees what was gathered."""
    actor = _actor(request)
    session = selectors.training(actor, pk)
    form = forms.QuestionForm(request.POST or None)
    if done := save_form(
        request,
        form,
        lambda data: services.ask_training_question(actor, session, data["body"]),
        success=_("Thank you: your question was sent to the trainer."),
        redirect_to=reverse("delivery:training_questions", args=[pk]),
    ):
        return done
    staff = selectors.is_staff_view(actor, session.organization)
    return render(
        request,
        "delivery/training_questions.html",
        {
            "session": session,
            "questions": session.questions.select_related("author"),
            "form": form,
            "open": selectors.training_open_for_questions(session),
            "staff": staff,
            "can_manage": staff and actor.can("delivery.manage", session.organization),
        },
    )


@login_required
def training_minutes(request, pk):
    """The trainer answers the gathered questions in the session's minutes."""
    actor = _actor(request)
    session = selectors.training(actor, pk, "delivery.manage")
    if not selectors.is_staff_view(actor, session.organization):
        raise Http404
    questions = list(session.questions.select_related("author"))
    form = forms.TrainingMinutesForm(request.POST or None, questions=questions)
    if done := save_form(
        request,
        form,
        lambda data: services.write_training_minutes(
            actor, session, body=data.get("body", ""), answers=form.answers()
        ),
        success=_("Minutes saved and published to the customer."),
        redirect_to=lambda document: reverse("delivery:document", args=[document.pk]),
    ):
        return done
    return _form_page(
        request,
        form,
        _("Minutes: training part %(part)s") % {"part": session.part},
        _("Answer each question the participants sent beforehand."),
    )


@login_required
def proposal_create(request, pk):
    actor = _actor(request)
    project = selectors.project(actor, pk)
    form = forms.ProposalForm(request.POST or None)
    if done := save_form(
        request,
        form,
        lambda data: services.propose_need(actor, project, **data),
        success=_("Your proposal was sent to the project lead."),
        redirect_to=reverse("delivery:project", args=[pk]) + "#changes",
    ):
        return done
    return _form_page(
        request,
        form,
        _("Propose a need outside the contract"),
        _("The vendor answers with a change request and its estimate, or with a reason."),
    )


def _proposal(actor, pk) -> ScopeProposal:
    try:
        proposal = ScopeProposal.objects.select_related("project").get(pk=pk)
    except (ScopeProposal.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    selectors.project(actor, proposal.project_id, "delivery.contracts")
    return proposal


def _on_proposal(request, pk, form_class, act, success: str, title: str):
    """Staff answer a customer's proposal with a form: ``act(actor, proposal, **data)``."""
    actor = _actor(request)
    proposal = _proposal(actor, pk)
    form = form_class(request.POST or None)
    if done := save_form(
        request,
        form,
        lambda data: act(actor, proposal, **data),
        success=success,
        redirect_to=reverse("delivery:project", args=[proposal.project_id]) + "#changes",
    ):
        return done
    return _form_page(request, form, title, proposal.title)


@login_required
def proposal_convert(request, pk):
    return _on_proposal(
        request,
        pk,
        forms.ConvertProposalForm,
        services.convert_proposal,
        _("Change request made of the proposal."),
        _("Make a change request"),
    )


@login_required
def proposal_decline(request, pk):
    return _on_proposal(
        request,
        pk,
        forms.DeclineProposalForm,
        services.decline_proposal,
        _("Proposal declined."),
        _("Decline the proposal"),
    )
