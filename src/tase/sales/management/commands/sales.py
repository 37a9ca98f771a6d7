"""`tase sales export-finvoice --company ID --from D --to D DIR [--batch]`: write the sent
invoices of a period as Finvoice 3.0 files (one per invoice, schema-validated), or with
``--batch`` one operator file with each invoice's envelope. Prints a line per file and what
was left out and why."""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tase.ledger.system import SystemActor
from tase.sales import selectors
from tase.sales.services import delivery


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Give dates as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = "Sales: write a period's invoices as Finvoice files."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export-finvoice"])
        parser.add_argument("dir", help="Directory to write to.")
        parser.add_argument("--company", type=int, required=True)
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--batch", action="store_true", help="One operator file with envelopes."
        )

    def handle(self, *args, **options):
        try:
            company = SystemActor().company(options["company"])
        except Http404:
            raise CommandError(f"No company {options['company']}.") from None
        start, end = _date(options["start"]), _date(options["end"])
        folder = Path(options["dir"])
        folder.mkdir(parents=True, exist_ok=True)
        invoices = selectors.sent_between(company, start, end).prefetch_related("lines")
        if options["batch"]:
            data, skipped = delivery.finvoice_batch(invoices)
            if data:
                path = folder / f"finvoice-{start}-{end}.xml"
                path.write_bytes(data)
                self.stdout.write(str(path))
        else:
            skipped = []
            for invoice in invoices:
                try:
                    data = delivery.finvoice_file(invoice)
                except ValidationError as error:
                    skipped.append((invoice, " ".join(error.messages)))
                    continue
                path = folder / f"finvoice-{invoice.number}.xml"
                path.write_bytes(data)
                self.stdout.write(str(path))
        for invoice, reason in skipped:
            self.stderr.write(f"{invoice.number}\t{reason}")
