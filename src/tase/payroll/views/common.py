"""What the payroll pages share: the actor of a request, the page's language and the
calculator's errors on a form."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation

from tase.core.access import Actor


def actor_of(request) -> Actor:
    return Actor.of(request.user)


def language() -> str:
    return translation.get_language() or "fi"


def engine_errors_to(form, error: ValidationError) -> None:
    """Put a calculator's field errors (``items[1].quantity``) on the form's fields."""
    for field, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_engine_error(field, message)
