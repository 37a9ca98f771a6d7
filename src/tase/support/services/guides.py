"""Guides: versions kept on each save, images, votes, categories and the search index."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor

from .. import files, selectors
from ..models import (
    Guide,
    GuideCategory,
    GuideImage,
    GuideVersion,
)
from ..search import stem_text
from ._common import _choice, _publisher_vendor, _required

GUIDE_FIELDS = ["title", "body", "language", "visibility", "is_published", "category"]


def index_guide(guide: Guide) -> None:
    """Store the guide's title and text as Finnish stems (tase.support.search), and keep the
    SQLite FTS5 index of those stems in step (PostgreSQL searches the stored columns)."""
    from django.db import connection

    guide.search_title, guide.search_body = stem_text(guide.title), stem_text(guide.body)
    Guide.objects.filter(pk=guide.pk).update(
        search_title=guide.search_title, search_body=guide.search_body
    )
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM support_guide_fts WHERE rowid = %s", [guide.pk])
        cursor.execute(
            "INSERT INTO support_guide_fts(rowid, title, body) VALUES (%s, %s, %s)",
            [guide.pk, guide.search_title, guide.search_body],
        )


@transaction.atomic
def save_guide(actor: Actor, guide: Guide | None = None, *, related=None, **fields) -> Guide:
    """Create a guide or save a new version of it (each save keeps the text as a version)."""
    vendor = _publisher_vendor(actor)
    unknown = set(fields) - set(GUIDE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    if guide is None:
        guide = Guide(organization=vendor, updated_by=actor.user, version=0)
        before = {}
    else:
        guide = Guide.objects.select_for_update().get(pk=selectors.get_guide(actor, guide.pk).pk)
        actor.require("support.publish", guide.organization)
        before = audit.snapshot(guide, GUIDE_FIELDS)
    if "category" in fields:
        category = fields.pop("category")
    else:
        category = guide.category if guide.category_id else None
    if category is not None and not isinstance(category, GuideCategory):
        category = GuideCategory.objects.filter(
            pk=category, organization=guide.organization
        ).first()
    if category is None or category.organization_id != guide.organization_id:
        raise ValidationError({"category": _("Choose a category.")})
    guide.category = category
    for name, value in fields.items():
        setattr(guide, name, value.strip() if isinstance(value, str) else value)
    guide.title = _required(guide.title, "title", 200)
    guide.body = _required(guide.body, "body")
    _choice(guide.language, Guide.Language, "language")
    _choice(guide.visibility, Guide.Visibility, "visibility")
    changed = not before or before.get("title") != guide.title or before.get("body") != guide.body
    if changed:
        guide.version += 1
    guide.updated_by = actor.user
    guide.save()
    if changed:
        GuideVersion.objects.create(
            guide=guide,
            version=guide.version,
            title=guide.title,
            body=guide.body,
            created_by=actor.user,
        )
    if related is not None:
        ids = [g.pk if isinstance(g, Guide) else g for g in related]
        guide.related.set(
            Guide.objects.filter(pk__in=ids, organization=guide.organization).exclude(pk=guide.pk)
        )
    index_guide(guide)
    changes = audit.changes_between(before, audit.snapshot(guide, GUIDE_FIELDS))
    if changes:
        audit.record(actor.user, "create" if not before else "update", guide, changes=changes)
    return guide


@transaction.atomic
def add_guide_image(actor: Actor, guide: Guide, upload) -> GuideImage:
    guide = selectors.get_guide(actor, guide.pk)
    actor.require("support.publish", guide.organization)
    kind = files.check_upload(upload, field="image", images_only=True)
    image = GuideImage(guide=guide, name=upload.name[:200], content_type=kind.content_type)
    image.file.save(f"image.{kind.extension}", upload, save=False)
    image.save()
    audit.record(actor.user, "create", image, organization=guide.organization)
    return image


def vote_guide(guide: Guide, helpful: bool) -> None:
    """'Was this helpful?' — counted once per browser session by the view."""
    field = "helpful_yes" if helpful else "helpful_no"
    Guide.objects.filter(pk=guide.pk).update(**{field: F(field) + 1})


@transaction.atomic
def ensure_category(actor: Actor, name: str, name_en: str = "", order: int = 100) -> GuideCategory:
    vendor = _publisher_vendor(actor)
    category, created = GuideCategory.objects.get_or_create(
        organization=vendor,
        name=_required(name, "name", 100),
        defaults={"name_en": name_en, "order": order},
    )
    if created:
        audit.record(actor.user, "create", category, organization=vendor)
    return category
