from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from tase.core.demo import DemoContext
from tase.core.registry import DEMO_LOADERS, ordered

NO_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


class Command(BaseCommand):
    help = "Create the demo vendor, customers and data (idempotent). Refused in production."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every demo user a new password and print them.",
        )

    def handle(self, *args, reset_passwords=False, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Demo data is never created with production settings (TASE_ENV=production)."
            )
        ctx = DemoContext(reset_passwords=reset_passwords)
        # Demo data sends no email: the people in it are made up.
        with override_settings(MAILERS=NO_MAIL), transaction.atomic():
            for loader in ordered(DEMO_LOADERS):
                loader.load(ctx)
        self.stdout.write(login_table(ctx.logins))


def login_table(logins: list[tuple[str, str, str, str]]) -> str:
    """Every demo login in one table (organization, role, email, password): the passwords made
    in this run, and for the others a hint, since a stored password cannot be shown again."""
    if not logins:
        return ""
    rows = [("Organization", "Role", "Email (username)", "Password")]
    rows += [(org, role, email, password or "-") for org, role, email, password in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    if any(password for *_, password in logins):
        note = "Passwords are shown only now; `tase demo --reset-passwords` makes new ones."
    else:
        note = "Passwords were shown when they were made; `tase demo --reset-passwords` makes new ones."
    return "\n".join(["", "Demo logins", *lines, note])
