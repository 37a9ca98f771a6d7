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
        if ctx.new_logins:
            self.stdout.write(
                "Demo logins (shown only now; `tase demo --reset-passwords` makes new ones):"
            )
            width = max(len(email) for email, _, _ in ctx.new_logins)
            for email, password, role in ctx.new_logins:
                self.stdout.write(f"  {email:<{width}}  {password}  {role}")
        else:
            self.stdout.write(
                "Demo data is in place. Forgot the passwords? Run `tase demo --reset-passwords`."
            )
