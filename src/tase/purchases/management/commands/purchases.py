"""`tase purchases import FILE… --company ID`: Finvoice files in, as the API takes them.
Prints per file its invoices (supplier, number, total, status) or its errors, then the
count; exits non-zero when any file failed.

`tase purchases remind`: email whom the invoices waiting over the company's reminder days
wait for (:func:`tase.purchases.notices.approval_reminders`; ``tase notifications_run`` runs
it too). Prints how many people were told."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tase.ledger.system import SystemActor
from tase.purchases import services
from tase.purchases.services.common import cents


class Command(BaseCommand):
    help = "Purchases: import supplier Finvoice files."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "remind"])
        parser.add_argument("files", nargs="*", help="Finvoice files")
        parser.add_argument("--company", type=int)

    def handle(self, *args, **options):
        if options["action"] == "remind":
            from tase.purchases.notices import approval_reminders

            self.stdout.write(f"{approval_reminders()} reminded")
            return
        if not options["files"] or options["company"] is None:
            raise CommandError("Give the Finvoice files and --company ID.")
        actor = SystemActor()
        try:
            company = actor.company(options["company"])
        except Http404:
            raise CommandError(f"No company {options['company']}.") from None
        files = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            files.append((path.name, path.read_bytes()))
        results = services.import_finvoices(actor, company, files)
        for result in results:
            for invoice in result.invoices:
                self.stdout.write(
                    f"{result.name}\t{invoice.supplier.name}\t{invoice.number}\t"
                    f"{cents(invoice.gross_cents)}\t{invoice.status}"
                )
            for warning in result.warnings:
                self.stdout.write(f"warning\t{warning}")
            for error in result.errors:
                self.stderr.write(f"error\t{error}")
        imported = sum(len(r.invoices) for r in results)
        failed = sum(1 for r in results if r.errors)
        self.stdout.write(f"{imported} imported, {failed} file(s) with errors")
        if failed:
            raise CommandError(f"{failed} file(s) had errors; nothing of them was imported.")
