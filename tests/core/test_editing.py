"""The one way a page writes something: save_form and run_action (tase.core.editing)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError

from tase.core.editing import (
    post_or_errors,
    post_or_message,
    row_count,
    run_action,
    save_form,
    save_posted_form,
)


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


def test_a_note_follows_the_success_message_when_there_is_one(rf):
    request = _request(rf, data={"name": "Ada"})
    for returns in ("Check the tax card.", ""):
        save_form(
            request,
            NameForm(request.POST),
            Service(returns=returns),
            success="Saved.",
            redirect_to="/x/",
            note=lambda told: told,
        )
    assert _messages(request) == [
        ("success", "Saved."),
        ("info", "Check the tax card."),
        ("success", "Saved."),
    ]


def test_a_page_that_tells_its_problems_in_messages(rf):
    request = _request(rf, data={"name": ""})
    form, save = NameForm(request.POST), Service()
    assert save_form(request, form, save, success="-", redirect_to="/x/", invalid="Check.") is None
    assert save.calls == [] and _messages(request) == [("error", "Check.")]
    request = _request(rf, data={"name": "Ada"})
    form = NameForm(request.POST)
    refuse = Service(raises=ValidationError({"name": "Taken.", "day": "A holiday."}))
    assert save_form(request, form, refuse, success="-", redirect_to="/x/", invalid="?") is None
    assert _messages(request) == [("error", "Taken. A holiday.")]
    assert not form.errors


def test_run_action_goes_where_the_done_act_says_but_back_on_an_error(rf):
    request = _request(rf)
    where = {"done_to": lambda pk: f"/new/{pk}/" if pk else None, "back": "/old/"}
    assert run_action(request, lambda: 7, success=None, **where)["Location"] == "/new/7/"
    assert run_action(request, lambda: 0, success=None, **where)["Location"] == "/old/"

    def refuse():
        raise ValidationError("Locked.")

    assert run_action(request, refuse, success="-", **where)["Location"] == "/old/"
    assert _messages(request) == [("error", "Locked.")]


def test_run_action_may_word_the_errors_its_own_way(rf):
    request = _request(rf)

    def refuse():
        raise ValidationError(["One.", "Two.", "Three."])

    run_action(request, refuse, success="-", back="/", listed=lambda e: e.messages[:2])
    run_action(request, refuse, success="-", back="/", joined=True)
    assert _messages(request) == [
        ("error", "One."),
        ("error", "Two."),
        ("error", "One. Two. Three."),
    ]


def test_a_posted_form_may_name_what_was_saved(rf):
    request = _request(rf, data={"name": "Ada"})
    response = save_posted_form(
        request,
        NameForm(request.POST),
        Service(returns=(12, None)),
        success=lambda done: f"Posted as voucher {done[0]}.",
        invalid="Check.",
        back="/page/",
    )
    assert response["Location"] == "/page/"
    assert _messages(request) == [("success", "Posted as voucher 12.")]


def test_post_or_errors_goes_to_the_page_of_what_was_made(rf):
    done, errors = post_or_errors(lambda: 5, redirect_to=lambda pk: f"/v/{pk}/", errors=list)
    assert done["Location"] == "/v/5/" and errors == []

    def refuse():
        raise ValidationError("No.")

    assert post_or_errors(refuse, redirect_to="/", errors=lambda e: e.messages) == (None, ["No."])


def test_post_or_message_shows_the_page_again_with_one_message(rf):
    request = _request(rf)

    def refuse():
        raise ValidationError({"a": "One.", "b": "Two."})

    assert post_or_message(request, refuse, redirect_to="/grid/") is None
    assert _messages(request) == [("error", "One. Two.")]
    assert post_or_message(request, lambda: None, redirect_to="/run/")["Location"] == "/run/"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 3), ("", 3), ("kolme", 3), ("2.5", 3), ("7", 7), ("-1", 0), ("10000000000", 50)],
)
def test_a_posted_row_count_is_a_whole_number_within_bounds(value, expected):
    assert row_count(value, 3, 50) == expected
