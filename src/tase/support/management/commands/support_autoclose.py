"""`tase support_autoclose`: close service requests resolved more than 14 days ago.

Run it daily (cron or the task worker); the same rule is also applied lazily
whenever requests are read, so a missed run changes nothing a user can see."""

from django.core.management.base import BaseCommand

from tase.support.services import close_expired


class Command(BaseCommand):
    help = "Close service requests resolved more than 14 days ago."

    def handle(self, *args, **options):
        closed = close_expired()
        self.stdout.write(f"{closed} service requests closed.")
