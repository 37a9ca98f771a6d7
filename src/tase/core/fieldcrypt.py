"""Field-level encryption of personal data (henkilötunnus, employees' bank accounts).

- The keys come from the environment: ``TASE_FIELD_KEYS`` is a comma-separated list of Fernet
  keys (``tase keys generate`` prints one). The first encrypts; every key in the list decrypts,
  so a key is rotated by putting a new one first, running ``tase keys rotate`` (which
  re-encrypts every value and recomputes every blind index with the new key) and then
  dropping the old one.
- Fernet (``cryptography``): AES-128-CBC with HMAC-SHA256 over each value and a random IV, so
  two rows with the same henkilötunnus look different in the database and a changed or
  truncated value is detected. A value that no key opens raises :class:`FieldKeyError`: a
  wrong key fails loudly, never as an empty or garbled field.
- Encrypted columns cannot be searched. Where a lookup is needed (an employee by henkilötunnus
  in the tax-card import and the duplicate check) a **blind index** column holds
  HMAC-SHA256 of the normalized value under a key derived from each field key (HKDF, its own
  purpose string), so the index reveals nothing without the key. :func:`blind_indexes` gives
  the index under every configured key: a lookup matches rows indexed before the rotation too.
- Empty values are stored empty (an empty field reveals only that it is empty).

Development and tests use a fixed development key with a warning (check ``tase.W010``);
production refuses to start without ``TASE_FIELD_KEYS`` (settings.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact

# Not a secret: used only where TASE_FIELD_KEYS is unset outside production, so a development
# database stays readable across restarts. Production refuses to start with it unset.
DEVELOPMENT_KEY = (
    "dGFzZS1kZXZlbG9wbWVudC1rZXktbm90LXNlY3JldCE="  # "tase-development-key-not-secret!"
)

PREFIX = "fernet:"  # marks an encrypted value (the migration that encrypts old rows skips these)


class FieldKeyError(ImproperlyConfigured):
    """A stored value that no configured key opens, or a malformed key."""


def configured_keys() -> list[str]:
    keys = list(getattr(settings, "TASE_FIELD_KEYS", []) or [])
    return keys or [DEVELOPMENT_KEY]


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as error:
        raise FieldKeyError(
            "TASE_FIELD_KEYS holds a malformed key: each key is 32 bytes in URL-safe base64 "
            "(`tase keys generate` prints one)."
        ) from error


@cache
def _hash_key(key: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"tase blind index v1"
    ).derive(base64.urlsafe_b64decode(key.encode()))


def generate_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(text: str) -> str:
    if not text:
        return ""
    return PREFIX + _fernet(tuple(configured_keys())).encrypt(text.encode()).decode()


def is_encrypted(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX)


def decrypt(stored: str | None) -> str:
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        raise FieldKeyError("An encrypted field holds a value that is not encrypted.")
    try:
        return _fernet(tuple(configured_keys())).decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise FieldKeyError(
            "No key in TASE_FIELD_KEYS opens an encrypted field: the key that encrypted it is "
            "missing from the list (or the value was changed)."
        ) from None


def rotate(stored: str) -> str:
    """``stored`` encrypted again with the newest key."""
    if not stored:
        return ""
    return encrypt(decrypt(stored))


def uses_newest_key(stored: str) -> bool:
    """Whether ``stored`` opens with the newest key alone (no rotation needed)."""
    if not stored:
        return True
    try:
        Fernet(configured_keys()[0].encode()).decrypt(stored[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


def blind_index(text: str, key: str | None = None) -> str:
    """HMAC-SHA256 of ``text`` under the newest key (or ``key``); empty for an empty value."""
    if not text:
        return ""
    key = key or configured_keys()[0]
    _fernet((key,))  # a malformed key is named, not a base64 error
    return hmac.new(_hash_key(key), text.encode(), hashlib.sha256).hexdigest()


def blind_indexes(text: str) -> list[str]:
    """The blind index of ``text`` under every configured key (a lookup matches them all)."""
    return [blind_index(text, key) for key in configured_keys()] if text else []


class EmptyOnlyExact(Exact):
    """``field=""`` (empty values are stored empty); any other value is refused, since its
    encryption never equals the stored one."""

    def get_prep_lookup(self):
        if self.rhs != "":
            raise TypeError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: only "
                "an empty value can be matched; search by its blind index."
            )
        return ""

    def process_rhs(self, compiler, connection):
        return "%s", [""]


class EncryptedTextField(models.TextField):
    """A text column holding the Fernet token of its value; Python sees the plain text.

    Only ``isnull`` and ``=""`` lookups work (an encrypted value never equals its plain
    text): search through a blind-index column. ``plain_max_length`` limits the plain text in forms."""

    def __init__(self, *args, plain_max_length: int | None = None, **kwargs):
        self.plain_max_length = plain_max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["plain_max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name != "isnull":
            raise TypeError(
                f"{self.model.__name__}.{self.name} is encrypted: it cannot be searched with "
                f"'{lookup_name}'; use its blind index."
            )
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        return forms.CharField(
            label=kwargs.get("label", self.verbose_name),
            required=not self.blank,
            max_length=self.plain_max_length,
            help_text=self.help_text,
        )


class BlindIndexField(models.CharField):
    """The blind index of another field of the row, kept by the row's every save (also
    ``bulk_create``); ``source`` names that field."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("blank", True), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = blind_index(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields():
    """(model, [encrypted field names], [blind-index fields]) for every model that has them."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        encrypted = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
        indexes = [f for f in model._meta.fields if isinstance(f, BlindIndexField)]
        if encrypted:
            found.append((model, encrypted, indexes))
    return found


@checks.register(checks.Tags.security)
def check_field_keys(app_configs=None, **kwargs):
    keys = list(getattr(settings, "TASE_FIELD_KEYS", []) or [])
    messages = []
    if not keys:
        messages.append(
            checks.Warning(
                "TASE_FIELD_KEYS is not set: identity codes and bank accounts are encrypted "
                "with the public development key. Never use this database for real people.",
                hint="Set TASE_FIELD_KEYS to a key from `tase keys generate`.",
                id="tase.W010",
            )
        )
    try:
        _fernet(tuple(keys or [DEVELOPMENT_KEY]))
    except FieldKeyError as error:
        messages.append(checks.Error(str(error), id="tase.E010"))
    return messages


def rotate_all(batch: int = 100) -> dict[str, int]:
    """Encrypt every encrypted field again with the newest key and recompute every blind
    index, in one transaction; returns rows per model. A value no configured key opens stops
    it with :class:`FieldKeyError` and nothing is written."""
    from django.db import transaction

    from . import audit

    done: dict[str, int] = {}
    with transaction.atomic():
        for model, names, indexes in encrypted_fields():
            sources = sorted({f.source for f in indexes} - set(names))
            count, last = 0, 0
            while True:
                rows = list(
                    model._base_manager.filter(pk__gt=last)
                    .order_by("pk")
                    .values_list("pk", *names, *sources)[:batch]
                )
                if not rows:
                    break
                for row in rows:
                    values = dict(zip([*names, *sources], row[1:], strict=True))
                    update = {name: values[name] for name in names}
                    for index in indexes:
                        update[index.attname] = blind_index(values[index.source] or "")
                    model._base_manager.filter(pk=row[0]).update(**update)
                count += len(rows)
                last = rows[-1][0]
            done[model._meta.label] = count
        audit.record(
            None,
            "rotate_field_keys",
            changes={"rows": [None, sum(done.values())], "keys": [None, len(configured_keys())]},
        )
    return done
