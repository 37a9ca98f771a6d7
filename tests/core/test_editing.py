"""The one way a page writes something: save_form and run_action (tase.core.editing)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError

from tase.core.editing import row_count, run_action, save_form


class NameForm(forms.Form):
    name = forms.CharField()


def _request(rf, method="post", data=None):
    request = getattr(rf, method)("/edit/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


class Service:
    """Stands in for a service function: records its calls, raises what it is told to."""

    def __init__(self, raises=None, returns="saved"):
        self.calls, self.raises, self.returns = [], raises, returns

    def __call__(self, data):
        self.calls.append(dict(data))
        if self.raises:
            raise self.raises
        return self.returns


def test_get_shows_the_page_without_saving(rf):
    request = _request(rf, "get")
    save = Service()
    assert save_form(request, NameForm(), save, success="Saved.", redirect_to="/x/") is None
    assert save.calls == [] and _messages(request) == []


def test_invalid_form_is_shown_again_without_saving(rf):
    request = _request(rf, data={"name": ""})
    form, save = NameForm(request.POST), Service()
    assert save_form(request, form, save, success="Saved.", redirect_to="/x/") is None
    assert save.calls == [] and "name" in form.errors


def test_service_errors_go_onto_their_fields_and_nothing_is_said_saved(rf):
    request = _request(rf, data={"name": "Ada"})
    form = NameForm(request.POST)
    save = Service(raises=ValidationError({"name": "Taken.", "elsewhere": "Not on this form."}))
    assert save_form(request, form, save, success="Saved.", redirect_to="/x/") is None
    assert save.calls == [{"name": "Ada"}]
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Not on this form."]
    assert _messages(request) == []


def test_a_plain_service_error_is_a_form_error(rf):
    request = _request(rf, data={"name": "Ada"})
    form = NameForm(request.POST)
    save_form(request, form, Service(raises=ValidationError("No.")), success="-", redirect_to="/x/")
    assert form.non_field_errors() == ["No."]


@pytest.mark.parametrize(
    ("success", "redirect_to", "message", "location"),
    [
        ("Saved.", "/done/", "Saved.", "/done/"),
        (lambda obj: f"{obj} saved.", lambda obj: f"/things/{obj}/", "42 saved.", "/things/42/"),
    ],
)
def test_success_says_so_and_redirects(rf, success, redirect_to, message, location):
    request = _request(rf, data={"name": "Ada"})
    response = save_form(
        request,
        NameForm(request.POST),
        Service(returns=42),
        success=success,
        redirect_to=redirect_to,
    )
    assert response.status_code == 302 and response["Location"] == location
    assert _messages(request) == [("success", message)]


def test_run_action_reports_success_and_goes_back(rf):
    request = _request(rf)
    done = []
    response = run_action(request, lambda: done.append(1), success="Published.", back="/doc/")
    assert done == [1]
    assert response["Location"] == "/doc/"
    assert _messages(request) == [("success", "Published.")]


def test_run_action_turns_every_service_error_into_a_message(rf):
    request = _request(rf)

    def refuse():
        raise ValidationError({"status": "Not yet.", "body": "Write the text first."})

    response = run_action(request, refuse, success="Published.", back="/doc/")
    assert response["Location"] == "/doc/"
    assert sorted(_messages(request)) == [("error", "Not yet."), ("error", "Write the text first.")]


def test_run_action_may_name_what_was_done_or_say_nothing(rf):
    request = _request(rf)
    run_action(request, lambda: 3, success=lambda n: f"{n} assigned.", back="/q/")
    run_action(request, lambda: None, success=None, back="/q/")
    assert _messages(request) == [("success", "3 assigned.")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 3), ("", 3), ("kolme", 3), ("2.5", 3), ("7", 7), ("-1", 0), ("10000000000", 50)],
)
def test_a_posted_row_count_is_a_whole_number_within_bounds(value, expected):
    assert row_count(value, 3, 50) == expected
