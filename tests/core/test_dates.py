"""Dates given to the API fall in the years tase.apiutil.FIRST_YEAR-LAST_YEAR: a date at the
edge of what Python holds (9999-12-31) used to reach date arithmetic (the cash-basis VAT's
outer limit a year on) and answer a server error."""

import datetime as dt
import typing

import pytest
from pydantic import BaseModel

from tase.api import api
from tase.apiutil import _within_years
from tase.core import services
from tase.core.roles import Role


def _operations():
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield path, operation


def _date_fields(model: type[BaseModel], where: str, seen: set):
    """Every field of a request model, nested models included, whose value is a date."""
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        kinds = [field.annotation, *typing.get_args(field.annotation)]
        for kind in kinds:
            for inner in [kind, *typing.get_args(kind)]:
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    yield from _date_fields(inner, f"{where}.{name}", seen)
        if any(kind in (dt.date, dt.datetime) for kind in kinds):
            yield f"{where}.{name}", field


def test_every_date_the_api_reads_is_bounded():
    unbounded = []
    for path, operation in _operations():
        for model in operation.models:
            for where, field in _date_fields(model, f"{operation.view_func.__name__}", set()):
                validators = [getattr(m, "func", None) for m in field.metadata]
                if _within_years not in validators:
                    unbounded.append(f"{path} {where}")
    assert unbounded == []


@pytest.fixture
def bearer(world):
    _token, raw = services.create_api_token(world.users[Role.ADMIN], "dates")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@pytest.mark.parametrize("on", ["9999-03-21", "0001-01-01"])
def test_a_date_beyond_the_years_is_refused_naming_the_parameter(client, bearer, on):
    response = client.get(f"/api/v1/ledger/closing-gates?on={on}", headers=bearer)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "on"
    assert "1900-2999" in error["msg"]


@pytest.mark.django_db
def test_a_date_inside_the_years_is_answered(client, bearer):
    response = client.get("/api/v1/ledger/closing-gates?on=2999-12-31", headers=bearer)
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_page_given_a_day_beyond_the_years_shows_today(world):
    client = world.client(Role.ADMIN)
    page = client.get(f"/sales/{world.company.pk}/receivables/?on=9999-12-31")
    assert page.status_code == 200
    assert "31.12.9999" not in page.content.decode()


def test_a_form_refuses_a_day_beyond_the_years_in_finnish():
    from django import forms
    from django.utils import translation

    from tase.core.forms import DayField

    class Form(forms.Form):
        on = DayField()

    with translation.override("fi"):
        form = Form({"on": "9999-12-31"})
        assert form.errors == {"on": ["Anna päivämäärä vuosilta 1900\N{EN DASH}2999."]}
    assert Form({"on": "2999-12-31"}).is_valid()


@pytest.mark.parametrize(
    "text, day",
    [
        ("2026-12-07", dt.date(2026, 12, 7)),
        (" 2026-12-07 ", dt.date(2026, 12, 7)),
        ("9999-12-31", None),
        ("1899-12-31", None),
        ("7.12.2026", None),
        ("", None),
        (None, None),
    ],
)
def test_iso_day(text, day):
    from tase.core.days import iso_day

    assert iso_day(text) == day
