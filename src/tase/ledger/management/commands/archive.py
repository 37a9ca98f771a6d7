"""`tase archive --company ID --fiscal-year START --out FILE.zip`: the year's archive package."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tase.ledger import archive
from tase.ledger.models import FiscalYear
from tase.ledger.system import SystemActor

from ._common import company_of


class Command(BaseCommand):
    help = "Write the archive package (ZIP) of a fiscal year."

    def add_arguments(self, parser):
        parser.add_argument("--company", type=int, required=True)
        parser.add_argument(
            "--fiscal-year",
            dest="start",
            type=dt.date.fromisoformat,
            required=True,
            help="The first day of the fiscal year (YYYY-MM-DD).",
        )
        parser.add_argument("--out", required=True, help="The ZIP file to write.")

    def handle(self, *args, **options):
        actor = SystemActor()
        company = company_of(actor, options["company"])
        year = FiscalYear.objects.filter(company=company, start=options["start"]).first()
        if year is None:
            raise CommandError(f"No fiscal year starting {options['start']:%d.%m.%Y}.")
        try:
            with open(options["out"], "wb") as out:
                summary = archive.build_archive(actor, company, year, out)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(
            f"{options['out']}: {len(summary.books)} books, {summary.vouchers} vouchers, "
            f"{summary.attachments} attachments."
        )
