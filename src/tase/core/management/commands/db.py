"""`tase db setup-roles` and `tase db grant`: the two PostgreSQL roles (tase.core.dbroles).

``setup-roles`` creates the owner role (the user of ``MIGRATION_DATABASE_URL``) and the
application role (the user of ``DATABASE_URL``) with the passwords those URLs carry, hands
the schema and everything in it to the owner and grants the application its privileges.
It connects to the database of ``DATABASE_URL`` as a superuser given by ``--admin-url`` (or
``DATABASE_ADMIN_URL``); ``--print-sql`` prints the statements instead, for psql.

``grant`` re-applies the application's privileges as the owner; ``tase migrate`` does it
after every migration, so it is needed only after a table was made by hand.

``check`` connects as the application (``DATABASE_URL``) and exits 1 when that role is a
superuser or owns a table of the schema: then it could disable the triggers that guard the
books. Run it after deploying, or from monitoring.
"""

import os

import dj_database_url
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tase.core import dbroles


class Command(BaseCommand):
    help = "PostgreSQL roles: `db setup-roles` (once, as a superuser), `db grant`, `db check`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        setup = sub.add_parser(
            "setup-roles", help="Create the owner and the application role; grant."
        )
        setup.add_argument(
            "--admin-url",
            default=os.environ.get("DATABASE_ADMIN_URL", ""),
            help="a superuser's postgres:// URL (default: $DATABASE_ADMIN_URL); "
            "only its credentials are used",
        )
        setup.add_argument("--print-sql", action="store_true", help="print, do not run")
        grant = sub.add_parser("grant", help="Grant the application role its privileges.")
        grant.add_argument("--print-sql", action="store_true", help="print, do not run")
        sub.add_parser("check", help="Exit 1 if the application's role owns tables.")

    def handle(self, *args, action, **options):
        if action == "check":
            return self.check_role()
        app = settings.DATABASES["default"]
        owner = getattr(settings, "MIGRATION_DATABASE", None)
        if "postgresql" not in app["ENGINE"]:
            raise CommandError(
                "Database roles are for PostgreSQL: DATABASE_URL is not postgres://."
            )
        if not owner:
            raise CommandError(
                "Set MIGRATION_DATABASE_URL to the owner role's postgres:// URL "
                "(and DATABASE_URL to the application role's)."
            )
        try:
            if action == "setup-roles":
                statements = dbroles.setup_statements(
                    database=app["NAME"],
                    owner=owner["USER"],
                    app=app["USER"],
                    owner_password=owner.get("PASSWORD") or None,
                    app_password=app.get("PASSWORD") or None,
                )
                admin = options["admin_url"]
                credentials = dj_database_url.parse(admin) if admin else None
            else:
                statements = dbroles.grant_statements(app["USER"], owner["USER"])
                credentials = owner
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["print_sql"]:
            for statement in statements:
                self.stdout.write(statement + ";")
            return
        if credentials is None:
            raise CommandError("Give a superuser's URL: --admin-url or DATABASE_ADMIN_URL.")
        params = {
            "dbname": app["NAME"],
            "user": credentials.get("USER"),
            "password": credentials.get("PASSWORD"),
            "host": credentials.get("HOST") or app.get("HOST"),
            "port": credentials.get("PORT") or app.get("PORT"),
        }
        try:
            with (
                psycopg.connect(**{k: v for k, v in params.items() if v}) as conn,
                conn.cursor() as cursor,
            ):
                for statement in statements:
                    cursor.execute(statement)
        except psycopg.Error as error:
            raise CommandError(f"{action}: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{action}: the application role {app['USER']} owns nothing; "
                f"the owner role {owner['USER']} owns the schema."
                if action == "setup-roles"
                else f"grant: the application role {app['USER']} has its privileges."
            )
        )

    def check_role(self) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            raise CommandError(
                "Database roles are for PostgreSQL: DATABASE_URL is not postgres://."
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            role = cursor.fetchone()[0]
            if dbroles.owns_schema_tables(cursor):
                raise CommandError(
                    f"The application connects as {role}, which is a superuser or owns tables: "
                    "it could disable the triggers that guard the books. Connect as a role that "
                    "owns nothing (tase db setup-roles, docs/deployment.md)."
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"check: the application's role {role} owns no table and is not a superuser."
            )
        )
