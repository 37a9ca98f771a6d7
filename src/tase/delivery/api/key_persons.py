"""The project's key persons."""

from __future__ import annotations

from ninja import Status

from tase.apiutil import actor

from .. import selectors, services
from ._common import _user, router
from .schemas import (
    KeyPersonEditIn,
    KeyPersonIn,
    KeyPersonOut,
)

# -- key persons -----------------------------------------------------------------------------


def _key_person_out(person):
    """The person as listed (with the live main-user marker)."""
    return next(p for p in selectors.key_persons(person.project) if p.pk == person.pk)


@router.get("/projects/{int:project_id}/key-persons", response=list[KeyPersonOut])
def list_key_persons(request, project_id: int):
    """Current and former key persons; ``is_main_user`` follows the organization's main users."""
    return selectors.key_persons(selectors.project(actor(request), project_id))


@router.post("/projects/{int:project_id}/key-persons", response={201: KeyPersonOut})
def add_key_person(request, project_id: int, payload: KeyPersonIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    person = services.add_key_person(
        a,
        project,
        user=_user(payload.user_id, "user_id"),
        **payload.dict(exclude={"user_id"}),
    )
    return Status(201, _key_person_out(person))


@router.post("/key-persons/{int:person_id}", response=KeyPersonOut)
def update_key_person(request, person_id: int, payload: KeyPersonEditIn):
    a = actor(request)
    person = selectors.key_person(a, person_id, "delivery.manage")
    return _key_person_out(services.update_key_person(a, person, **payload.dict()))


@router.post("/key-persons/{int:person_id}/remove", response=KeyPersonOut)
def remove_key_person(request, person_id: int):
    """Deactivate, never delete: the person stays listed as a former key person."""
    a = actor(request)
    person = selectors.key_person(a, person_id, "delivery.manage")
    return _key_person_out(services.remove_key_person(a, person))
