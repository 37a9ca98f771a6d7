"""`tase import-vouchers FILE --company ID`: post a voucher CSV, all or nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tase.ledger import services
from tase.ledger.system import SystemActor

from ._common import command_error, company_of


class Command(BaseCommand):
    help = "Import vouchers from a CSV file (see docs/bookkeeping.md); nothing is written on error."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--company", type=int, required=True)

    def handle(self, *args, **options):
        actor = SystemActor()
        company = company_of(actor, options["company"])
        try:
            with Path(options["file"]).open("rb") as source:
                result = services.import_vouchers(actor, company, source, progress=self._progress)
        except OSError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise command_error(error) from None
        if self.stderr.isatty():
            self.stderr.write("")
        self.stdout.write(
            f"Posted {result['posted']} vouchers, skipped {result['skipped']} imported before."
        )

    def _progress(self, stage: str, done: int, total: int) -> None:
        """A progress line on a terminal (not in pipes or logs)."""
        if self.stderr.isatty():
            self.stderr.write(f"\r{stage} {done:,}/{total:,}", ending="")
