"""Pages of the platform: start page, organizations, companies, users, audit trail,
parameters, account settings and the two-factor sign-in step."""

import io

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model, login
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
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tase.rules import parameters as params

from . import audit, parameter_values, selectors, services
from .access import Actor
from .editing import form_errors_from
from .forms import (
    CompanyForm,
    InviteForm,
    MembershipForm,
    OrganizationForm,
    ParameterFileForm,
    ParameterValueForm,
    PasswordResetForm,
    ProfileForm,
    TokenForm,
    TotpConfirmForm,
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
    organizations = (
        selectors.organizations_for(actor)[:50] if actor.can("organization.view") else []
    )
    return render(
        request,
        "core/start.html",
        {
            "panels": panels,
            "organizations": organizations,
            "companies": actor.companies("organization.view")[:50],
        },
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
            "can_manage_companies": actor.can("company.manage", organization)
            and not organization.is_vendor,
            "can_view_audit": actor.can("audit.view", organization),
        },
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


def _membership(actor: Actor, pk) -> Membership:
    try:
        membership = Membership.objects.select_related("organization", "user").get(pk=pk)
    except (Membership.DoesNotExist, ValueError):
        raise Http404 from None
    actor.organization(membership.organization_id)  # 404 outside one's organizations
    return membership


@login_required
def member_edit(request, pk):
    actor = actor_of(request)
    membership = _membership(actor, pk)
    organization = membership.organization
    actor.require("staff.manage" if organization.is_vendor else "users.manage", organization)
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


# -- account -------------------------------------------------------------------------------


@login_required
def account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.get(pk=request.user.pk)
        try:
            services.update_profile(user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            with translation.override(user.language):
                messages.success(request, _("Changes saved."))
            response = redirect("account")
            response.set_cookie("django_language", user.language, samesite="Lax")
            return response
    return render(
        request,
        "core/account.html",
        {
            "form": form,
            "has_2fa": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
            "token_form": TokenForm(),
            "sign_ins": selectors.own_sign_in_events(request.user),
        },
    )


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


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = services.create_api_token(request.user, form.cleaned_data["name"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Copy the token now; it is not shown again: %(token)s") % {"token": raw}
            )
    return redirect("account")


@login_required
@require_POST
def token_revoke(request, pk):
    token = request.user.api_tokens.filter(pk=pk).first()
    if token is None:
        raise Http404
    services.revoke_api_token(request.user, token)
    messages.success(request, _("Token revoked."))
    return redirect("account")


# -- two-factor authentication -------------------------------------------------------------------


@login_required
def two_factor_setup(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if (request.method == "POST" and "start" in request.POST) or device is None:
        device = services.start_totp(request.user)
    form = TotpConfirmForm(request.POST if "token" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            services.confirm_totp(request.user, device, form.cleaned_data["token"])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("account")
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=4, xmldecl=False, svgns=True
    )
    return render(
        request,
        "core/two_factor_setup.html",
        {"form": form, "qr_svg": buffer.getvalue().decode(), "secret": _base32(device.bin_key)},
    )


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


@login_required
@require_POST
def two_factor_disable(request):
    services.disable_totp(request.user)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("account")


class LoginView(auth_views.LoginView):
    """Password first; a user with an authenticator is then asked for its code."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            self.request.session[PENDING_2FA_KEY] = user.pk
            self.request.session["tase_pending_next"] = self.get_success_url()
            return redirect("login_verify")
        return super().form_valid(form)


@login_not_required  # the password is checked; the second factor is what this page asks
def login_verify(request):
    user_pk = request.session.get(PENDING_2FA_KEY)
    if not user_pk:
        return redirect("login")
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return redirect("login")
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].replace(" ", "")
        device = next(
            (
                d
                for d in TOTPDevice.objects.filter(user=user, confirmed=True)
                if d.verify_token(token)
            ),
            None,
        )
        if device is None:
            audit.record(None, "2fa_failed", user, label=user.email)
            failures = request.session.get("tase_2fa_failures", 0) + 1
            request.session["tase_2fa_failures"] = failures
            if failures >= MAX_2FA_FAILURES:
                request.session.flush()
                messages.error(request, _("Too many wrong codes. Sign in again."))
                return redirect("login")
            form.add_error("token", _("The code is not correct."))
        else:
            next_url = request.session.pop("tase_pending_next", reverse("start"))
            request.session.pop(PENDING_2FA_KEY, None)
            request.session.pop("tase_2fa_failures", None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "registration/login_verify.html", {"form": form})
