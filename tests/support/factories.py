"""Support rows for tests, made through the services so every rule applies."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tase.core.access import Actor
from tase.core.roles import Role
from tase.support import services
from tase.support.models import GuideCategory, PhonePrice

TZ = timezone.get_default_timezone()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def fresh(user) -> Actor:
    """A new Actor (the cached one may predate a membership change)."""
    if hasattr(user, "_tase_actor"):
        del user._tase_actor
    return Actor.of(user)


def customer(world, role=Role.MAIN_USER, other=False) -> Actor:
    return fresh((world.other_users if other else world.users)[role])


def specialist(world) -> Actor:
    return fresh(world.users[Role.SUPPORT_SPECIALIST])


def make_request(world, *, other=False, now=None, urgency="normal", **fields):
    actor = customer(world, other=other)
    company = world.other_company if other else world.company
    data = {
        "category": "bookkeeping",
        "subject": "Alv-laskelma",
        "description": "Syyskuun alv näyttää väärältä.",
    } | fields
    return services.create_request(
        actor, company=company, urgency=urgency, now=now or timezone.now(), **data
    )


def phone_price(world, cents=30, since=dt.date(2020, 1, 1)):
    return PhonePrice.objects.create(
        organization=world.vendor, effective_from=since, cents_per_minute=cents
    )


def category(world, name="Kirjanpito"):
    return GuideCategory.objects.get_or_create(organization=world.vendor, name=name)[0]


def make_guide(world, title="Tositteen kirjaaminen", body="Kirjaa tosite.", **fields):
    data = {"language": "fi", "visibility": "public", "is_published": True} | fields
    return services.save_guide(
        specialist(world), title=title, body=body, category=category(world), **data
    )
