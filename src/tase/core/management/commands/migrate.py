"""`tase migrate`: Django's migrate, as the schema's owner when two roles are configured.

With ``MIGRATION_DATABASE_URL`` set on PostgreSQL, the migrations run connected as the role
it names (the owner of the schema; only its user, password, host and port are used: the
database stays the one ``DATABASE_URL`` names), and afterwards the application's role (the
user of ``DATABASE_URL``) is granted what it may do on every table, new ones included
(:func:`tase.core.dbroles.grant_statements`). Without it, this is Django's migrate.
"""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections, transaction

from tase.core import dbroles

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


class Command(MigrateCommand):
    def handle(self, *args, **options):
        owner = getattr(settings, "MIGRATION_DATABASE", None)
        connection = connections[options["database"]]
        if not owner or options["database"] != "default" or connection.vendor != "postgresql":
            return super().handle(*args, **options)
        app_user = connection.settings_dict["USER"]
        saved = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
        connection.close()
        connection.settings_dict.update({key: owner.get(key) for key in CREDENTIALS})
        try:
            super().handle(*args, **options)
            changes_nothing = options.get("plan") or options.get("check_unapplied")
            if app_user and app_user != owner["USER"] and not changes_nothing:
                with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                    for statement in dbroles.grant_statements(app_user, owner["USER"]):
                        cursor.execute(statement)
                if options["verbosity"] >= 1:
                    self.stdout.write(
                        f"Granted the application role {app_user} its privileges "
                        f"(migrations ran as {owner['USER']})."
                    )
        finally:
            connection.close()
            connection.settings_dict.update(saved)
