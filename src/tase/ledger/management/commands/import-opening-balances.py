"""`tase import-opening-balances FILE --company ID [--fiscal-year START]`: opening balances."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tase.ledger import services
from tase.ledger.models import FiscalYear
from tase.ledger.system import SystemActor

from ._common import command_error, company_of


class Command(BaseCommand):
    help = (
        "Post a fiscal year's opening balances from a CSV file (account,name,debit,credit,balance;"
        " see docs/bookkeeping.md); nothing is written on error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--company", type=int, required=True)
        parser.add_argument(
            "--fiscal-year",
            help="the first day of the fiscal year (default: the earliest open one)",
        )

    def handle(self, *args, **options):
        actor = SystemActor()
        company = company_of(actor, options["company"])
        year = None
        if options["fiscal_year"]:
            year = FiscalYear.objects.filter(company=company, start=options["fiscal_year"]).first()
            if year is None:
                raise CommandError(f"No fiscal year starting {options['fiscal_year']}.")
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from None
        try:
            result = services.import_opening_balances(actor, company, data, fiscal_year=year)
        except ValidationError as error:
            raise command_error(error) from None
        voucher = result["voucher"]
        if result["skipped"]:
            self.stdout.write(f"Imported before as voucher {voucher.label}; nothing posted.")
        else:
            self.stdout.write(
                f"Posted the opening balances of {result['accounts']} accounts "
                f"as voucher {voucher.label}."
            )
