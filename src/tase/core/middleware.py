import logging
import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views import defaults

from . import two_factor
from .audit import current_ip
from .notifications import current_base_url
from .throttle import client_ip


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header (settings.TASE_PERMISSIONS_POLICY): Tase needs no
    camera, microphone, location, payment or USB, so no page may ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.TASE_PERMISSIONS_POLICY)
        return response


class UserLanguageMiddleware:
    """Finnish unless the user chose English: the user's saved language, else the
    language cookie, else Finnish. The browser's Accept-Language is not consulted,
    so the product speaks Finnish first. Also notes the client address for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        token = current_ip.set(client_ip(request))
        base_token = current_base_url.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            response = self.get_response(request)
        finally:
            current_ip.reset(token)
            current_base_url.reset(base_token)
        response.headers.setdefault("Content-Language", language)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):  # /companies/99999999999999999999/ names nothing
            raise Http404 from exception
        return None


class RequireTwoFactorMiddleware:
    """A user who must use two-factor authentication (tase.core.two_factor: the vendor's
    staff under TASE_REQUIRE_STAFF_2FA, a finance or payroll role of an organization that
    requires it) and whose session has no verified second factor is sent to enter a code
    (with an authenticator) or to set one up (without); the API answers 403."""

    ALLOWED_PREFIXES = ("/account/2fa/", "/logout/", "/login/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and two_factor.two_factor_required(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-factor authentication is required."}, status=403
                )
            if two_factor.has_two_factor(user):
                return redirect(
                    reverse("two_factor_verify")
                    + "?"
                    + urlencode({"next": request.get_full_path()})
                )
            return redirect(reverse("two_factor_setup"))
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page asks for a signed-in user unless its view is marked ``@login_not_required``
    (the login and password reset pages, the language switch, public guides): a view that
    forgets its decorator is closed, not open. The API is left to its own authentication
    (tokens or the session), which answers 401 rather than redirecting to the login page."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SessionTouchMiddleware:
    """Keeps a signed-in session alive while it is used, writing it at most once a minute.

    Sessions end after SESSION_COOKIE_AGE without a request. Django's way to slide the expiry,
    SESSION_SAVE_EVERY_REQUEST, writes the session row on every request: a write transaction
    per page view, which on SQLite queues every page behind the one writer. This marks the
    session for saving only when its last save is more than ``TOUCH_SECONDS`` old, so the
    idle limit holds to within a minute and a page that changes nothing writes nothing."""

    TOUCH_SECONDS = 60
    KEY = "_tase_touched"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.TOUCH_SECONDS:
                session[self.KEY] = now  # marks it modified: saved, expiry slid
        return self.get_response(request)


class AppErrorPagesMiddleware:
    """The app's own 404 and 500 pages in development too. With DEBUG on, Django answers an
    unknown address or an uncaught error with its technical pages (settings, traceback, every
    URL pattern): right for whoever writes the code, baffling for someone trying the demo.
    Unless ``TASE_TECHNICAL_ERRORS`` is on, this renders 404.html and 500.html as production
    does; the traceback still goes to the log. With DEBUG off it does nothing (Django already
    renders those templates). The API keeps its JSON errors."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _active(request) -> bool:
        return (
            settings.DEBUG
            and not settings.TASE_TECHNICAL_ERRORS
            and not request.path.startswith("/api/")
        )

    def __call__(self, request):
        response = self.get_response(request)
        # An address no URL pattern matches never reaches a view (nor process_exception).
        if response.status_code == 404 and request.resolver_match is None and self._active(request):
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if not self._active(request) or isinstance(exception, PermissionDenied):
            return None  # a 403 renders 403.html whatever DEBUG says
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", request.path, exc_info=exception
        )
        return defaults.server_error(request)
