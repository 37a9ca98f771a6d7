"""What every product's API shares: authentication, the acting user, errors.

The API accepts a personal token (``Authorization: Bearer tase_…``, made on the
account page) or the browser session (with its CSRF token on writes). A call with
neither answers 401 with ``how_to_sign_in``. Service
errors answer 422 with the field at fault, in the same shape as Ninja's own
validation errors: ``{"detail": [{"loc": ["body", "business_id"], "msg": "…"}]}``; so does a
body that is JSON but not an object (``null``, a list), with ``loc`` ``["body"]``. A body that
is not JSON at all answers 400.
"""

import datetime as dt
import json
from functools import wraps
from typing import Annotated

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.defaults import page_not_found
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from pydantic import AfterValidator

from tase.core import days, two_factor
from tase.core.access import Actor
from tase.core.models import API_PRODUCTS, ApiToken
from tase.core.services import password_stamp, token_digest


def required_scope(request) -> str:
    """The scope a request needs: its product (the path's first part under /api/v1/, else
    ``platform``) and ``read`` for GET/HEAD/OPTIONS, ``write`` for the rest."""
    first = request.path.removeprefix("/api/v1/").split("/", 1)[0]
    product = first if first in API_PRODUCTS else "platform"
    mode = "read" if request.method in ("GET", "HEAD", "OPTIONS") else "write"
    return f"{product}:{mode}"


class TokenAuth(HttpBearer):
    """A live token: not revoked, not expired, made under its owner's current password.
    It must carry the request's scope (write includes read), and an owner who must use
    two-factor authentication (vendor staff, an organization's finance roles when it requires
    it) needs a confirmed authenticator, as a session does: without one the token is
    refused too (403)."""

    def authenticate(self, request, token):
        now = timezone.now()
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
        if row is None or row.password_stamp != password_stamp(row.user):
            return None
        needed = required_scope(request)
        granted = set(row.scopes)
        if needed not in granted and needed.replace(":read", ":write") not in granted:
            raise HttpError(403, f"The token does not carry the scope {needed}.")
        if two_factor.two_factor_required(row.user) and not two_factor.has_two_factor(row.user):
            raise HttpError(403, "Two-factor authentication is required.")
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row  # a token's call: a fresh 2FA check needs a code in the body
        return row.user


class SignedInSessionAuth(SessionAuth):
    """The browser session, CSRF-checked only when someone is signed in: a call without a
    session (curl, an integration without its token) is then simply unauthenticated and
    answers 401 with how to sign in, not a misleading 403 "CSRF check Failed"."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


AUTH = [TokenAuth(), SignedInSessionAuth()]

SIGN_IN_HELP = (
    "Sign in: send a personal API token as 'Authorization: Bearer tase_…' (make one on your "
    "account page, /account/, under API tokens), or call from a signed-in browser session "
    "with its CSRF token in the X-CSRFToken header. See /api/v1/docs."
)


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=`` with both bounded, so no request can overflow a database integer."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=2**31)


def _within_years(value: dt.date) -> dt.date:
    if not days.within_years(value):
        raise ValueError(f"Give a date in the years {days.FIRST_YEAR}-{days.LAST_YEAR}.")
    return value


Day = Annotated[dt.date, AfterValidator(_within_years)]
"""A date the API accepts (``YYYY-MM-DD``) in the years of tase.core.days."""
Moment = Annotated[dt.datetime, AfterValidator(_within_years)]
"""A moment the API accepts (ISO 8601) in the years of tase.core.days."""


def actor(request) -> Actor:
    return Actor.of(request.auth)


def validation_error_body(error: ValidationError, request=None) -> dict:
    """A service's ValidationError in Ninja's shape: ``loc`` is ``[part, field]``, the part of
    the request the field came from (:func:`_part`); a message without a field names the part
    alone."""
    if hasattr(error, "error_dict"):
        detail = [
            {"loc": [_part(request, field), field], "msg": message, "type": "value_error"}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        detail = [
            {"loc": [_part(request, None)], "msg": message, "type": "value_error"}
            for message in error.messages
        ]
    return {"detail": detail}


def _part(request, field: str | None) -> str:
    """``path`` for a part of the URL, ``query`` for a parameter of the query string, else
    ``body`` (also for a field of stored state a call needs, such as a missing setting), as
    Ninja names the parts in its own errors."""
    if request is None or field is None:
        return "body"
    match = getattr(request, "resolver_match", None)
    if match is not None and field in match.kwargs:
        return "path"
    return "query" if field in request.GET else "body"


def install_error_handlers(api) -> None:
    @api.exception_handler(ValidationError)
    def _invalid(request, error):
        return api.create_response(request, validation_error_body(error, request), status=422)

    @api.exception_handler(OverflowError)
    def _out_of_range(request, error):
        # An id beyond any database integer names nothing.
        return api.create_response(request, {"detail": "Not Found"}, status=404)

    @api.exception_handler(DataError)
    def _bad_value(request, error):
        return api.create_response(request, {"detail": "A value is out of range."}, status=400)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, error):
        response = api.create_response(
            request, {"detail": "Unauthorized", "how_to_sign_in": SIGN_IN_HELP}, status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="Tase API"'
        return response

    @api.exception_handler(HttpError)
    def _http_error(request, error):
        # Ninja wraps whatever the parser raises in a 400 "Cannot parse request body"; a body
        # that is JSON but not an object is an invalid value, answered as the other ones.
        if isinstance(error.__cause__, BodyNotAnObject):
            body = {
                "detail": [{"loc": ["body"], "msg": str(error.__cause__), "type": "type_error"}]
            }
            return api.create_response(request, body, status=422)
        return api.create_response(request, {"detail": str(error)}, status=error.status_code)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, error):
        return api.create_response(
            request, {"detail": "You do not have permission to do this."}, status=403
        )


class BodyNotAnObject(ValueError):
    """The body parsed as JSON, but to something other than an object."""


class ObjectBodyParser(Parser):
    """A request body is a JSON object: ``null``, a list or a bare string is refused (422,
    ``loc`` ``["body"]``) instead of being read as 'no fields given'."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotAnObject("The request body must be a JSON object.")
        return data


# The errors any operation may answer, in the shapes above: documented once for all.
_MESSAGE = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_FIELD_ERRORS = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        }
    },
    "required": ["detail"],
}
ERROR_RESPONSES = {
    400: (
        "The request could not be read (not JSON, a value out of range).",
        _MESSAGE,
    ),
    401: ("No valid token or session.", _MESSAGE),
    403: (
        "Signed in, but the role does not allow this (or two-factor authentication is missing).",
        _MESSAGE,
    ),
    404: ("No such object, or one outside the organizations the user belongs to.", _MESSAGE),
    422: (
        "A field is invalid, or the body is not a JSON object; ``loc`` names the field (or"
        " ``body``) and ``msg`` says why.",
        _FIELD_ERRORS,
    ),
}


def docs_visibility(view):
    """The schema and the interactive docs: public with TASE_API_DOCS_PUBLIC (the default in
    development), else only for a signed-in user (production's default)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.TASE_API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


class TaseAPI(NinjaAPI):
    """Tase's NinjaAPI: JSON-object bodies only, and every operation's schema lists the
    error answers it may give (400, 401, 403, 404, 422) besides its own."""

    def __init__(self, **kwargs):
        super().__init__(parser=ObjectBodyParser(), docs_decorator=docs_visibility, **kwargs)

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, (description, body) in ERROR_RESPONSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": body}},
                        },
                    )
        return schema


def not_found(request, exception=None):
    """The site's 404 (``handler404``): under /api/ a JSON answer in the API's shape, as the
    schema documents (a path whose id is not a number, e.g. /api/v1/companies/abc, is refused
    by the URL resolver before Ninja sees it); elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return page_not_found(request, exception)
