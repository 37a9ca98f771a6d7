"""The signed-in user's own pages: the account (profile, two-factor authentication, recovery
codes, API tokens, recent sign-ins), and the sign-in steps (password, then the second factor).

A secret Tase makes (an API token, recovery codes) is shown once in the response that made
it, never put in a message or a cookie."""

import base64
import datetime as dt
import io

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import selectors, services, two_factor
from .editing import form_errors_from
from .forms import CodeField, CodeForm, ProfileForm, TokenForm, TotpConfirmForm

PENDING_2FA_KEY = "tase_pending_2fa_user"
MAX_2FA_FAILURES = 5  # wrong codes before the half-signed-in session is dropped


def _disable_form(data=None):
    return CodeForm(
        data,
        prefix="off",
        confirm_label=_(
            "Turn off: signing in asks only for the password, and the recovery codes stop working"
        ),
    )


def _renew_form(data=None):
    return CodeForm(
        data,
        prefix="renew",
        confirm_label=_("Make new recovery codes: the earlier ones stop working"),
    )


def _account_page(request, *, status=200, **forms):
    user = request.user
    has_2fa = two_factor.has_two_factor(user)
    context = {
        "form": ProfileForm(instance=user),
        "has_2fa": has_2fa,
        "required_2fa": two_factor.two_factor_required(user),
        "fresh": two_factor.is_fresh(two_factor.verified_at(request.session)),
        "recovery_left": two_factor.recovery_codes_left(user) if has_2fa else 0,
        "tokens": user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at"),
        "now": timezone.now(),
        "token_form": TokenForm(),
        "disable_form": _disable_form(),
        "renew_form": _renew_form(),
        "sign_ins": selectors.own_sign_in_events(user),
    } | forms
    return render(request, "core/account.html", context, status=status)


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
    return _account_page(request, form=form, status=422 if form.errors else 200)


def _check_code_into_session(request, code: str, form, field="code") -> bool:
    """A code typed into a form: checked now (and remembered in the session as fresh), so the
    service sees a fresh check. False, with the error on the form, when it is wrong."""
    if not code:
        return True
    try:
        two_factor.check_code(request.user, code)
    except ValidationError as error:
        form_errors_from(form, error)
        return False
    two_factor.mark_verified(request.session)
    return True


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid() and _check_code_into_session(request, form.cleaned_data["code"], form):
        data = form.cleaned_data
        try:
            token, raw = services.create_api_token(
                request.user,
                data["name"],
                scopes=data["scopes"],
                expires_at=timezone.make_aware(
                    dt.datetime.combine(data["expires_at"], dt.time.max)
                ),
                verified_at=two_factor.verified_at(request.session),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return render(request, "core/token_created.html", {"token": token, "raw": raw})
    return _account_page(request, token_form=form, status=422)


@login_required
@require_POST
def token_revoke(request, pk):
    token = request.user.api_tokens.filter(pk=pk).first()
    if token is None:
        raise Http404
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the box to confirm that the token stops working."))
        return redirect("account")
    services.revoke_api_token(request.user, token)
    messages.success(request, _("Token revoked."))
    return redirect("account")


# -- two-factor authentication -------------------------------------------------------------


@login_required
def two_factor_setup(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if (request.method == "POST" and "start" in request.POST) or device is None:
        device = services.start_totp(request.user)
    form = TotpConfirmForm(request.POST if "token" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            codes = services.confirm_totp(request.user, device, form.cleaned_data["token"])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            otp_login(request, device)
            two_factor.mark_verified(request.session)
            return render(request, "core/recovery_codes.html", {"codes": codes, "first_time": True})
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=4, xmldecl=False, svgns=True
    )
    return render(
        request,
        "core/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": buffer.getvalue().decode(),
            "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
            "required": two_factor.two_factor_required(request.user),
            "was_reset": request.user.must_set_up_2fa,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def two_factor_disable(request):
    form = _disable_form(request.POST)
    if form.is_valid() and _check_code_into_session(request, form.cleaned_data["code"], form):
        try:
            two_factor.disable_totp(request.user, at=two_factor.verified_at(request.session))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            request.session.pop(two_factor.SESSION_KEY, None)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("account")
    return _account_page(request, disable_form=form, status=422)


@login_required
@require_POST
def recovery_codes_renew(request):
    form = _renew_form(request.POST)
    if form.is_valid() and _check_code_into_session(request, form.cleaned_data["code"], form):
        try:
            codes = two_factor.renew_recovery_codes(
                request.user, at=two_factor.verified_at(request.session)
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return render(request, "core/recovery_codes.html", {"codes": codes})
    return _account_page(request, renew_form=form, status=422)


class SecondFactorForm(CodeForm):
    """The sign-in's second step: the app's code or a recovery code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = CodeField(
            label=_("Code from the app, or a recovery code"),
            widget=forms.TextInput(
                attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
            ),
        )


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return default
    return target


@login_required
def two_factor_verify(request):
    """A signed-in session whose user must use a second factor enters its code here (the
    organization started to require it, or the session began without it)."""
    if not two_factor.has_two_factor(request.user):
        return redirect("two_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.check_code(request.user, form.cleaned_data["code"])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
            otp_login(request, device)
            two_factor.mark_verified(request.session)
            return redirect(_safe_next(request, reverse("start")))
    return render(
        request,
        "registration/login_verify.html",
        {"form": form, "next": _safe_next(request, "")},
        status=422 if form.errors else 200,
    )


# -- signing in ------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Password first; a user with an authenticator is then asked for its code."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.has_two_factor(user):
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
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.check_code(user, form.cleaned_data["code"])
        except ValidationError as error:
            failures = request.session.get("tase_2fa_failures", 0) + 1
            request.session["tase_2fa_failures"] = failures
            if failures >= MAX_2FA_FAILURES:
                request.session.flush()
                messages.error(request, _("Too many wrong codes. Sign in again."))
                return redirect("login")
            form_errors_from(form, error)
        else:
            next_url = request.session.pop("tase_pending_next", reverse("start"))
            request.session.pop(PENDING_2FA_KEY, None)
            request.session.pop("tase_2fa_failures", None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, TOTPDevice.objects.filter(user=user, confirmed=True).first())
            two_factor.mark_verified(request.session)
            if two_factor.recovery_codes_left(user) <= 2:
                messages.warning(
                    request,
                    _("You have %(count)d recovery codes left. Make new ones on your account page.")
                    % {"count": two_factor.recovery_codes_left(user)},
                )
            return redirect(next_url)
    return render(request, "registration/login_verify.html", {"form": form}, status=200)
