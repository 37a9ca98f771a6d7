"""`tase import-books FILE --company ID --from tilitin|kitsas`: the earlier program's books."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from tase.ledger import services
from tase.ledger.services.earlier_books import PROGRAMS
from tase.ledger.system import SystemActor

from ._common import command_error, company_of


class Command(BaseCommand):
    help = (
        "Import a Tilitin database (kirjanpito.sqlite) or a Kitsas book (.kitsas): missing "
        "accounts, every period as a fiscal year and every posted voucher, each year's trial "
        "balance checked against the earlier program's; nothing is written on error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--company", type=int, required=True)
        parser.add_argument("--from", dest="program", choices=sorted(PROGRAMS), required=True)

    def handle(self, *args, **options):
        actor = SystemActor()
        company = company_of(actor, options["company"])
        try:
            report = services.import_books(
                actor, company, options["file"], program=options["program"]
            )
        except ValidationError as error:
            raise command_error(error) from None
        self.stdout.write(
            f"{report.program}: {report.name} {report.business_id}: {report.accounts_added} "
            f"accounts added, {report.vouchers} vouchers posted, {report.already_imported} "
            "imported before."
        )
        for year in report.years:
            closed = ", closed" if year.closed else ""
            self.stdout.write(
                f"  {year.start}..{year.end}: {year.vouchers} vouchers, {year.skipped} empty "
                f"skipped, {year.accounts} accounts equal the earlier trial balance{closed}"
            )
