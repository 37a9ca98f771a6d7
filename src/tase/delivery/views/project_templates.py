"""Delivery pages: templates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core.access import Actor
from tase.core.editing import save_form
from tase.core.models import Organization

from .. import forms, services
from ..models import (
    ProjectTemplate,
    TemplateTask,
)
from ._common import _actor, _form_page


def _vendor_for_templates(actor: Actor) -> Organization:
    for m in actor.staff_memberships:
        if actor.can("delivery.templates", m.organization):
            return m.organization
    raise Http404


@login_required
def templates(request):
    actor = _actor(request)
    vendor = _vendor_for_templates(actor)
    services.default_template(vendor)
    return render(
        request,
        "delivery/templates.html",
        {"templates": ProjectTemplate.objects.filter(vendor=vendor)},
    )


@login_required
def template_edit(request, pk):
    actor = _actor(request)
    vendor = _vendor_for_templates(actor)
    template = ProjectTemplate.objects.filter(vendor=vendor, pk=pk).first()
    if template is None:
        raise Http404
    form = forms.TemplateForm(
        request.POST or None,
        template=template,
        prefix="tpl",
        initial={
            "name": template.name,
            "second_training_gap_weeks": template.second_training_gap_weeks,
        },
    )
    task_form = forms.TemplateTaskForm(request.POST or None, prefix="task")
    back = reverse("delivery:template", args=[template.pk])
    done = None
    if "tpl-name" in request.POST:
        done = save_form(
            request,
            form,
            lambda data: services.update_template(
                actor,
                template,
                name=data["name"],
                schedule=form.schedule(),
                second_training_gap_weeks=data["second_training_gap_weeks"],
            ),
            success=_("Template saved."),
            redirect_to=back,
        )
    elif "task-title" in request.POST:
        done = save_form(
            request,
            task_form,
            lambda data: services.save_template_task(actor, template, **data),
            success=_("Task added to the template."),
            redirect_to=back,
        )
    if done:
        return done
    return render(
        request,
        "delivery/template.html",
        {"template": template, "form": form, "task_form": task_form, "tasks": template.tasks.all()},
    )


@login_required
def template_task_edit(request, pk):
    actor = _actor(request)
    vendor = _vendor_for_templates(actor)
    task = (
        TemplateTask.objects.filter(pk=pk, template__vendor=vendor)
        .select_related("template")
        .first()
    )
    if task is None:
        raise Http404
    form = forms.TemplateTaskForm(
        request.POST or None,
        initial={
            "phase": task.phase,
            "title": task.title,
            "description": task.description,
            "customer_visible": task.customer_visible,
            "state_check": task.state_check,
            "order": task.order,
            "is_active": task.is_active,
        },
    )
    if done := save_form(
        request,
        form,
        lambda data: services.save_template_task(actor, task.template, task=task, **data),
        success=_("Template task saved."),
        redirect_to=reverse("delivery:template", args=[task.template_id]),
    ):
        return done
    return _form_page(request, form, task.title, task.template.name)
