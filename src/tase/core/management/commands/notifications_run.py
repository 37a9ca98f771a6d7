"""`tase notifications_run`: the periodic notifications (reminders before meetings and due
tasks, the daily digest of overdue items, contact follow-ups) that the apps register.

Run it from cron or a systemd timer, e.g. every 15 minutes; each runner tells each person
once (a repeated run sends nothing new), and the daily ones wait for their hour."""

from django.core.management.base import BaseCommand

from tase.core.notifications import PERIODIC, run_periodic


class Command(BaseCommand):
    help = "Send the due reminders and digests (idempotent: run it as often as you like)."

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", default=[], choices=sorted(PERIODIC))

    def handle(self, *args, only=(), **options):
        for key, written in run_periodic(only=only).items():
            self.stdout.write(f"{key}: {written}")
