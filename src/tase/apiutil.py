"""What every product's API shares: authentication, the acting user, errors.

The API accepts a personal token (``Authorization: Bearer tase_…``, made on the
account page) or the browser session (with its CSRF token on writes). A call with
neither answers 401 with ``how_to_sign_in``. Service
errors answer 422 with the field at fault, in the same shape as Ninja's own
validation errors: ``{"detail": [{"loc": ["body", "business_id"], "msg": "…"}]}``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import AuthenticationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import HttpBearer, SessionAuth

from tase.core.access import Actor
from tase.core.models import ApiToken
from tase.core.services import token_digest


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        if row.last_used_at is None or (timezone.now() - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
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


def actor(request) -> Actor:
    return Actor.of(request.auth)


def validation_error_body(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        detail = [
            {"loc": ["body", field], "msg": message, "type": "value_error"}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        detail = [
            {"loc": ["body"], "msg": message, "type": "value_error"} for message in error.messages
        ]
    return {"detail": detail}


def install_error_handlers(api) -> None:
    @api.exception_handler(ValidationError)
    def _invalid(request, error):
        return api.create_response(request, validation_error_body(error), status=422)

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

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, error):
        return api.create_response(
            request, {"detail": "You do not have permission to do this."}, status=403
        )
