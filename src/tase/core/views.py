"""Pages of the platform: start page, organizations, companies, users, audit trail,
parameters, account settings and the two-factor sign-in step."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.rules import parameters as params

from . import parameter_values, selectors, services, two_factor
from .access import Actor
from .editing import form_errors_from, save_form
from .forms import (
    CompanyForm,
    InviteForm,
    MembershipForm,
    OrganizationForm,
    OrganizationSecurityForm,
    ParameterFileForm,
    ParameterValueForm,
    PasswordResetForm,
    TwoFactorResetForm,
)
from .models import Membership
from .registry import START_PANELS, ordered

PENDING_2FA_KEY = "tase_pending_2fa_user"
MAX_2FA_FAILURES = 5  # wrong codes before the half-signed-in session is dropped


def actor_of(request) -> Actor:
    return Actor.of(request.user)


@login_required
def start(request):
    actor = actor_of(request)
    panels = [
        {"template": panel.template, **panel.context(request)}
        for panel in ordered(START_PANELS)
        if actor.can(panel.action)
    ]
    # Vendor staff see their customers, everyone else their companies: only that one is read.
    staff = actor.is_vendor_staff
    organizations = (
        selectors.organizations_for(actor)[:50] if staff and actor.can("organization.view") else []
    )
    companies = [] if staff else actor.companies("organization.view")[:50]
    return render(
        request,
        "core/start.html",
        {"panels": panels, "organizations": organizations, "companies": companies},
    )


# -- organizations -------------------------------------------------------------------


@login_required
def organization_list(request):
    actor = actor_of(request)
    if not actor.can("organization.view"):
        raise Http404
    query = request.GET.get("q", "").strip()
    organizations = selectors.organizations_for(actor)
    if query:
        organizations = organizations.filter(name__icontains=query)
    page = Paginator(organizations, 50).get_page(request.GET.get("page"))
    return render(request, "core/organization_list.html", {"page": page, "query": query})


@login_required
def organization_create(request):
    actor = actor_of(request)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.create_customer_organization(actor, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Organization created."))
            return redirect("organization_detail", organization.pk)
    if not actor.can("organization.manage"):
        raise Http404
    return render(
        request, "core/form_page.html", {"form": form, "title": _("New customer organization")}
    )


@login_required
def organization_detail(request, pk):
    actor = actor_of(request)
    organization = actor.organization(pk, "organization.view")
    return render(
        request,
        "core/organization_detail.html",
        {
            "organization": organization,
            "companies": selectors.companies_of(actor, organization),
            "members": selectors.members_of(actor, organization),
            "can_manage_users": actor.can(
                "staff.manage" if organization.is_vendor else "users.manage", organization
            ),
            "can_reset_two_factor": actor.can(
                "staff.manage" if organization.is_vendor else "users.reset_2fa", organization
            ),
            "can_manage_companies": actor.can("company.manage", organization)
            and not organization.is_vendor,
            "can_view_audit": actor.can("audit.view", organization),
            "can_manage_security": actor.can("organization.security", organization)
            and not organization.is_vendor,
        },
    )


@login_required
def organization_security(request, pk):
    """Whether the organization requires two-factor authentication of its finance roles."""
    actor = actor_of(request)
    organization = actor.organization(pk, "organization.security")
    if organization.is_vendor:
        raise Http404
    form = OrganizationSecurityForm(
        request.POST or None,
        initial={"require_2fa_for_finance": organization.require_2fa_for_finance},
    )
    done = save_form(
        request,
        form,
        lambda data: two_factor.set_finance_requirement(
            actor, organization, data["require_2fa_for_finance"]
        ),
        success=_("Changes saved."),
        redirect_to=reverse("organization_detail", args=[organization.pk]),
    )
    if done:
        return done
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Sign-in security"), "subtitle": organization.name},
        status=422 if form.errors else 200,
    )


# -- companies -----------------------------------------------------------------------


@login_required
def company_create(request, organization_pk):
    actor = actor_of(request)
    organization = actor.organization(organization_pk, "company.manage")
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.create_company(actor, organization, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Company created."))
            return redirect("company_detail", company.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New company"), "subtitle": organization.name},
    )


@login_required
def company_detail(request, pk):
    actor = actor_of(request)
    company = actor.company(pk, "organization.view")
    return render(
        request,
        "core/company_detail.html",
        {"company": company, "can_edit": actor.can_in_company("company.manage", company)},
    )


@login_required
def company_edit(request, pk):
    actor = actor_of(request)
    company = actor.company(pk, "company.manage")
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_company(actor, company, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Company saved."))
            return redirect("company_detail", company.pk)
    return render(request, "core/form_page.html", {"form": form, "title": company.name})


# -- users ------------------------------------------------------------------------------


@login_required
def member_invite(request, organization_pk):
    actor = actor_of(request)
    organization = actor.organization(organization_pk)
    actor.require("staff.manage" if organization.is_vendor else "users.manage", organization)
    form = InviteForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invite_user(
                actor,
                organization,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                companies=list(data.get("companies") or []),
                language=data["language"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
            return redirect("organization_detail", organization.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Invite a user"), "subtitle": organization.name},
    )


def _membership(actor: Actor, pk, action: str = "") -> Membership:
    """The membership, 404 outside one's organizations; with ``action``, the actor must be
    allowed it there (the vendor's own staff: ``staff.manage``)."""
    try:
        membership = Membership.objects.select_related("organization", "user").get(pk=pk)
    except (Membership.DoesNotExist, ValueError):
        raise Http404 from None
    organization = actor.organization(membership.organization_id)
    if action:
        actor.require("staff.manage" if organization.is_vendor else action, organization)
    return membership


@login_required
def member_edit(request, pk):
    actor = actor_of(request)
    membership = _membership(actor, pk, "users.manage")
    organization = membership.organization
    initial = {"role": membership.role, "companies": list(membership.companies.all())}
    form = MembershipForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_membership(
                actor,
                membership,
                role=form.cleaned_data["role"],
                companies=list(form.cleaned_data.get("companies") or []),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organization_detail", organization.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": membership.user.full_name, "subtitle": organization.name},
    )


@login_required
@require_POST
def member_set_active(request, pk):
    actor = actor_of(request)
    membership = _membership(actor, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_membership_active(actor, membership, active)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("User activated.") if active else _("User deactivated."))
    return redirect("organization_detail", membership.organization_id)


@login_required
def member_reset_two_factor(request, pk):
    """A main user resets a member's lost authenticator, after confirming what it does."""
    actor = actor_of(request)
    membership = _membership(actor, pk, "users.reset_2fa")
    organization = membership.organization
    form = TwoFactorResetForm(request.POST or None)
    done = save_form(
        request,
        form,
        lambda _data: services.reset_two_factor(actor, membership),
        success=_("The authenticator was reset. %(name)s sets up a new one when signing in next.")
        % {"name": membership.user.full_name},
        redirect_to=reverse("organization_detail", args=[organization.pk]),
    )
    if done:
        return done
    return render(
        request,
        "core/member_two_factor_reset.html",
        {"form": form, "membership": membership, "member": membership.user},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def member_resend_invitation(request, pk):
    actor = actor_of(request)
    membership = _membership(actor, pk)
    try:
        services.resend_invitation(actor, membership)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The invitation was sent again to %(email)s.") % {"email": membership.user.email},
        )
    return redirect("organization_detail", membership.organization_id)


# -- password reset ----------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the reset link; if the mail server refuses it, says so instead of 'sent'."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.send_failed:
            return response
        form.add_error(
            None,
            _(
                "The message could not be sent right now. Try again in a moment, or ask "
                "your administrator to reset the password."
            ),
        )
        return self.render_to_response(self.get_context_data(form=form), status=503)


# -- audit trail -------------------------------------------------------------------------


@login_required
def audit_list(request):
    actor = actor_of(request)
    if not actor.can_read_audit():
        raise Http404
    organization = None
    if request.GET.get("organization"):
        organization = selectors.audit_organization(actor, request.GET["organization"])
    events = selectors.audit_events(
        actor,
        organization=organization,
        object_type=request.GET.get("object_type", ""),
        object_id=request.GET.get("object_id", ""),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page, "organization": organization})


# -- parameters ---------------------------------------------------------------------------


def _parameter_context(actor) -> dict:
    language = translation.get_language()
    parameters = params.all_parameters()
    context = {
        "rows": [
            {
                "parameter": p,
                "description": p.describe(language),
                "values": list(reversed(p.values)),
            }
            for p in parameters
        ]
    }
    if actor.can("parameters.manage"):
        context["form"] = ParameterValueForm(names=[p.name for p in parameters])
        context["file_form"] = ParameterFileForm()
    return context


@login_required
def parameter_list(request):
    actor = actor_of(request)
    if not actor.can("parameters.view"):
        raise Http404
    return render(request, "core/parameter_list.html", _parameter_context(actor))


@login_required
@require_POST
def parameter_enter(request):
    """Enter one new value (vendor admin); errors show on the list page's form."""
    actor = actor_of(request)
    actor.require("parameters.manage")
    names = [p.name for p in params.all_parameters()]
    form = ParameterValueForm(request.POST, names=names)
    if form.is_valid():
        try:
            parameter_values.enter_value(actor, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The value was saved."))
            return redirect("parameter_list")
    return _parameter_page_with(request, form=form)


@login_required
@require_POST
def parameter_load(request):
    """Load a reviewed data file of new values (vendor admin): all or nothing."""
    actor = actor_of(request)
    actor.require("parameters.manage")
    form = ParameterFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            text = form.cleaned_data["file"].read().decode("utf-8-sig")
            rows = parameter_values.load_file(actor, text)
        except UnicodeDecodeError:
            form.add_error("file", _("The file is not UTF-8 text."))
        except ValidationError as error:
            form.add_error(
                "file", [f"{key}: {m}" for key, ms in error.message_dict.items() for m in ms]
            )
        else:
            messages.success(request, _("%(count)d values loaded.") % {"count": len(rows)})
            return redirect("parameter_list")
    return _parameter_page_with(request, file_form=form)


def _parameter_page_with(request, **bound_forms):
    """The parameters page again, with the bound form holding its errors."""
    context = _parameter_context(actor_of(request)) | bound_forms
    return render(request, "core/parameter_list.html", context, status=422)


@login_not_required  # the login page has the switch too
@require_POST
def set_language(request):
    """Switch the interface language; saved on the user, and in a cookie for the login page."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if request.user.is_authenticated:
        try:
            services.update_profile(
                get_user_model().objects.get(pk=request.user.pk), language=language
            )
        except ValidationError:
            return response
    if language in {"fi", "en"}:
        response.set_cookie("django_language", language, samesite="Lax", max_age=365 * 24 * 3600)
    return response
