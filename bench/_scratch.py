"""A scratch database for a bench: migrated, used, dropped, so a bench needs no database of
the user's and leaves nothing behind (a temporary SQLite file, or a ``<name>_bench``
PostgreSQL database next to the configured one).

Migrating a fresh database runs every migration of every app (about 20 s of CPU), which is
most of what a bench at a small size costs (tests/test_bench.py runs ten of them). So the
first bench migrates and keeps the result as a template, named by a digest of the migration
files: later benches with the same migrations copy it (a file copy on SQLite, ``CREATE
DATABASE … TEMPLATE`` on PostgreSQL) instead of migrating again. A changed migration changes
the digest, and the next bench migrates afresh and replaces the template. The SQLite template
lives under ``TASE_VAR_DIR``; the PostgreSQL one is ``<name>_bench_template``, with the digest
in its comment."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


def migrations_digest() -> str:
    """A digest of every migration file of Tase and of Django's version: what decides the
    schema and the rows a fresh migrate leaves."""
    import django

    import tase

    root = Path(tase.__file__).parent
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(root.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Scratch:
    """Point the default connection at a scratch database, migrated, and back."""

    def __enter__(self):
        from django.db import connection

        self.connection = connection
        self.original = dict(connection.settings_dict)
        self.vendor = connection.vendor
        self.digest = migrations_digest()
        connection.close()
        if self.vendor == "sqlite":
            self.tmp = tempfile.mkdtemp(prefix="tase-bench-")
            path = Path(self.tmp) / "bench.sqlite3"
            connection.settings_dict["NAME"] = str(path)
            self._sqlite(path)
        else:
            self.name = f"{self.original['NAME']}_bench"
            self._postgresql()
        return self

    def __exit__(self, *exc):
        self.connection.close()
        self.connection.settings_dict.clear()
        self.connection.settings_dict.update(self.original)
        if self.vendor == "sqlite":
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            self._maintenance('DROP DATABASE IF EXISTS "{}"')
        return False

    def _migrate(self) -> None:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    def _sqlite(self, path: Path) -> None:
        """Copy the template when it is this digest's; otherwise migrate and write it, under
        a name of its own first so that a bench running beside never reads half a file."""
        folder = Path(os.environ.get("TASE_VAR_DIR", "var")).resolve() / "bench-templates"
        template = folder / f"{self.digest}.sqlite3"
        if template.exists():
            shutil.copyfile(template, path)
            return
        self._migrate()
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.sqlite3"):
            old.unlink(missing_ok=True)
        partial = folder / f"{self.digest}.{os.getpid()}.partial"
        with self.connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(partial)])  # one clean file, no WAL beside
        os.replace(partial, template)

    def _postgresql(self) -> None:
        """Create the scratch database from the template when its comment is this digest;
        otherwise migrate a new one and make it the template."""
        template = f"{self.original['NAME']}_bench_template"
        if self._template_digest(template) == self.digest:
            self._maintenance(
                'DROP DATABASE IF EXISTS "{}"', f'CREATE DATABASE "{{}}" TEMPLATE "{template}"'
            )
            self.connection.settings_dict["NAME"] = self.name
            return
        self._maintenance('DROP DATABASE IF EXISTS "{}"', 'CREATE DATABASE "{}"')
        self.connection.settings_dict["NAME"] = self.name
        self._migrate()
        self.connection.close()
        self._maintenance(
            f'DROP DATABASE IF EXISTS "{template}"',
            f'CREATE DATABASE "{template}" TEMPLATE "{{}}"',
            f"COMMENT ON DATABASE \"{template}\" IS '{self.digest}'",
        )
        self.connection.settings_dict["NAME"] = self.name

    def _template_digest(self, template: str) -> str | None:
        with self._maintenance_cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [template],
            )
            row = cursor.fetchone()
        return row[0] if row else None

    def _maintenance(self, *statements: str) -> None:
        """Run ``statements`` (with the scratch database's name) from the server's
        maintenance database: the configured database need not exist (a test run has only
        its test_ copy), and a database cannot drop itself."""
        with self._maintenance_cursor() as cursor:
            for statement in statements:
                cursor.execute(statement.format(self.name))

    @contextmanager
    def _maintenance_cursor(self):
        """A cursor on the server's maintenance database ``postgres``; the connection is
        pointed back at the database it was configured with afterwards."""
        settings = self.connection.settings_dict
        configured = settings["NAME"]
        self.connection.close()
        settings["NAME"] = "postgres"
        try:
            with self.connection.cursor() as cursor:
                yield cursor
        finally:
            self.connection.close()
            settings["NAME"] = configured
