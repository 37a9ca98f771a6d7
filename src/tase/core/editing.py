"""The one way a page writes something. Every page that edits follows the same steps: a POST,
the form parses the input, a service does the write (its rules, permission check, transaction
and audit event), the service's errors go back onto the form next to the field at fault, a
success message, and a redirect so that a reload does not post again. NetBox folds the same
steps into its generic ``ObjectEditView``; ours are two small functions that fit the function
views of every app:

- :func:`save_form` for a page with a form: it returns the redirect after a save, or ``None``
  when the page is to be shown (again, with the errors) — the view renders it its own way;
- :func:`run_action` for a button without a form (publish, approve, cancel): the service's
  errors become messages on the page it returns to;
- :func:`save_posted_form` for a small form that sits on another page and posts to a URL of
  its own (an employment on the employee's page): every outcome is a message on that page;
- :func:`post_or_errors` for a page whose POST handler reads the request itself (the ledger's
  pages of many small forms): the handler's errors come back as a list for the page to show;
- :func:`post_or_message` for such a page that tells the errors in a message (a grid).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse


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
    note: Callable[[Any], str | None] | None = None,
    invalid: str | None = None,
) -> HttpResponseRedirect | None:
    """On a POST whose form is valid, call ``save(form.cleaned_data)`` (the service). When it
    raises ``ValidationError`` the errors are put on the form and ``None`` is returned: the
    caller shows the page again. Otherwise the ``success`` message is shown and the browser is
    sent to ``redirect_to`` (anything ``redirect`` takes: a URL, a view name, an object with
    ``get_absolute_url``). Both may be callables of what ``save`` returned, to name the new
    object; ``note`` of what ``save`` returned is a further information after the message
    (``None`` for none). A GET, or a form that does not parse, returns ``None`` without
    calling ``save``. A page that tells its problems in messages gives ``invalid``: a form that
    does not parse then shows that message, and the service's errors are one error message
    instead of errors on the form."""
    if request.method != "POST":
        return None
    if not form.is_valid():
        if invalid is not None:
            messages.error(request, invalid)
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        if invalid is not None:
            error_messages(request, error, joined=True)
        else:
            form_errors_from(form, error)
        return None
    _tell(request, _of(success, saved), note(saved) if note is not None else None)
    return redirect(_of(redirect_to, saved))


def _tell(request, success: str, told: str | None) -> None:
    messages.success(request, success)
    if told:
        messages.info(request, told)


def error_messages(
    request,
    error: ValidationError,
    *,
    joined: bool = False,
    listed: Callable[[ValidationError], list[str]] | None = None,
) -> None:
    """Each message of a service's ValidationError as an error message on the next page, or
    all of them in one message when ``joined``; ``listed`` makes the list of an error where
    a page words it its own way (the ledger's pages cut a very long list short)."""
    found = listed(error) if listed is not None else error.messages
    for message in [" ".join(found)] if joined else found:
        messages.error(request, message)


def run_action(
    request,
    action: Callable[[], Any],
    *,
    success: str | Callable[[Any], str] | None,
    back: Any,
    joined: bool = False,
    listed: Callable[[ValidationError], list[str]] | None = None,
    done_to: Any = None,
) -> HttpResponseRedirect:
    """A small POST without a form (a button): run the service; its errors become error
    messages (one message when ``joined``; ``listed`` as in :func:`error_messages`),
    otherwise ``success`` is shown (a callable of what the service returned, or ``None`` to
    say nothing); either way back to ``back`` (a URL or a view name, as ``redirect`` takes),
    except that a done action goes to ``done_to`` where it is given (a callable of what the
    service returned may answer ``None`` for ``back``): a deleted object's page is gone."""
    try:
        done = action()
    except ValidationError as error:
        error_messages(request, error, joined=joined, listed=listed)
        return redirect(back)
    if success is not None:
        messages.success(request, _of(success, done))
    return redirect(_of(done_to, done) or back)


def save_posted_form(
    request,
    form,
    save: Callable[[dict], Any],
    *,
    success: str | Callable[[Any], str],
    invalid: str | Callable[[Any], str],
    back: Any,
    note: Callable[[Any], str | None] | None = None,
) -> HttpResponseRedirect:
    """A form on another page that posts to a URL of its own: a form that does not parse
    shows ``invalid`` (a message, or a callable of the form naming the fields); otherwise
    ``save(form.cleaned_data)`` runs, and its errors are shown in one message, or ``success``
    (a message, or a callable of what ``save`` returned) and then ``note`` of what ``save``
    returned (a further information, ``None`` for none). Either way back to ``back``."""
    if not form.is_valid():
        messages.error(request, _of(invalid, form))
        return redirect(back)
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        error_messages(request, error, joined=True)
    else:
        _tell(request, _of(success, saved), note(saved) if note is not None else None)
    return redirect(back)


def error_list(error: ValidationError) -> list[str]:
    """Every message of a service's ValidationError, field by field, for a page's error list."""
    return list(error.messages)


def post_or_errors(
    handle: Callable[[], Any],
    *,
    redirect_to: Any,
    errors: Callable[[ValidationError], list[str]] = error_list,
) -> tuple[HttpResponseRedirect | None, list[str]]:
    """Run a page's POST ``handle`` (it reads the request, calls the services and says what
    was done): after it, the redirect to ``redirect_to`` (or to what a callable
    ``redirect_to`` makes of what ``handle`` returned: the new object's page) and no errors;
    when it raises ``ValidationError``, no redirect and ``errors(error)`` for the page to show
    again with what was typed."""
    try:
        done = handle()
    except ValidationError as error:
        return None, errors(error)
    return redirect(_of(redirect_to, done)), []


def post_or_message(request, handle: Callable[[], Any], *, redirect_to: Any):
    """A page's POST ``handle`` with no form to carry its errors (a grid of many fields):
    after it, the redirect to ``redirect_to`` (a callable of what ``handle`` returned, or
    anything ``redirect`` takes); when it raises ``ValidationError``, its errors in one error
    message and ``None``: the page is shown again."""
    try:
        done = handle()
    except ValidationError as error:
        error_messages(request, error, joined=True)
        return None
    return redirect(_of(redirect_to, done))


def this_page(request) -> str:
    """The address of the page the request is for, as the URL conf writes it (no query): where
    a page's POST goes back to after a save."""
    match = request.resolver_match
    return reverse(match.view_name, args=match.args, kwargs=match.kwargs)


def row_count(value, default: int, most: int) -> int:
    """How many numbered rows (``item-0-…``, ``account_0``…) a posted form says it carries:
    ``default`` when the field is missing or not a whole number, never below zero and never
    above ``most`` (a forged count of a billion would otherwise loop that many times)."""
    try:
        count = int(value)
    except (TypeError, ValueError):
        return default
    return max(0, min(count, most))
