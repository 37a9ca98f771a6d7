"""A scratch database for a bench: migrated, used, dropped, so a bench needs no database of
the user's and leaves nothing behind (a temporary SQLite file, or a ``<name>_bench``
PostgreSQL database next to the configured one)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


class Scratch:
    """Point the default connection at a scratch database, migrated, and back."""

    def __enter__(self):
        from django.core.management import call_command
        from django.db import connection

        self.connection = connection
        self.original = dict(connection.settings_dict)
        self.vendor = connection.vendor
        connection.close()
        if self.vendor == "sqlite":
            self.tmp = tempfile.mkdtemp(prefix="tase-bench-")
            connection.settings_dict["NAME"] = str(Path(self.tmp) / "bench.sqlite3")
        else:
            self.name = f"{self.original['NAME']}_bench"
            self._maintenance('DROP DATABASE IF EXISTS "{}"', 'CREATE DATABASE "{}"')
            connection.settings_dict["NAME"] = self.name
        call_command("migrate", verbosity=0)
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

    def _maintenance(self, *statements: str) -> None:
        """Run ``statements`` (with the scratch database's name) from the server's
        maintenance database: the configured database need not exist (a test run has only
        its test_ copy), and a database cannot drop itself."""
        settings = self.connection.settings_dict
        configured = settings["NAME"]
        self.connection.close()
        settings["NAME"] = "postgres"
        try:
            with self.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement.format(self.name))
        finally:
            self.connection.close()
            settings["NAME"] = configured
