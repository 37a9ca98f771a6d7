"""The one way a page writes something. Every page that edits follows the same steps: a POST,
the form parses the input, a service does the write (its rules, permission check, transaction
and audit event), the service's errors go back onto the form next to the field at fault, a
success message, and a redirect so that a reload does not post again. NetBox folds the same
steps into its generic ``ObjectEditView``; ours are two small functions that fit the function
views of every app:

- :func:`save_form` for a page with a form: it returns the redirect after a save, or ``None``
  when the page is to be shown (again, with the errors) — the view renders it its own way;
- :func:`run_action` for a button without a form (publish, approve, cancel): the service's
  errors become messages on the page it returns to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where the field exists."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _of(value, saved):
    return value(saved) if callable(value) else value


def save_form(
    request,
    form,
    save: Callable[[dict], Any],
    *,
    success: str | Callable[[Any], str],
    redirect_to: Any,
) -> HttpResponseRedirect | None:
    """On a POST whose form is valid, call ``save(form.cleaned_data)`` (the service). When it
    raises ``ValidationError`` the errors are put on the form and ``None`` is returned: the
    caller shows the page again. Otherwise the ``success`` message is shown and the browser is
    sent to ``redirect_to`` (anything ``redirect`` takes: a URL, a view name, an object with
    ``get_absolute_url``). Both may be callables of what ``save`` returned, to name the new
    object. A GET, or a form that does not parse, returns ``None`` without calling ``save``."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        form_errors_from(form, error)
        return None
    messages.success(request, _of(success, saved))
    return redirect(_of(redirect_to, saved))


def error_messages(request, error: ValidationError) -> None:
    """Each message of a service's ValidationError as an error message on the next page."""
    for message in error.messages:
        messages.error(request, message)


def run_action(
    request,
    action: Callable[[], Any],
    *,
    success: str | Callable[[Any], str] | None,
    back: Any,
) -> HttpResponseRedirect:
    """A small POST without a form (a button): run the service; its errors become error
    messages, otherwise ``success`` is shown (a callable of what the service returned, or
    ``None`` to say nothing); either way back to ``back`` (a URL or a view name, as
    ``redirect`` takes)."""
    try:
        done = action()
    except ValidationError as error:
        error_messages(request, error)
    else:
        if success is not None:
            messages.success(request, _of(success, done))
    return redirect(back)
