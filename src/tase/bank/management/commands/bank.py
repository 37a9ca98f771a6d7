"""`tase bank import FILE --company ID [--entries]`: import a camt.053 / camt.054 file as the
API does and print the same summary: per statement the account, period, balances, counts of
lines matched and left, whether it was imported before, and the reader's warnings; with
``--entries`` every line (date, amount, counterparty, reference, end-to-end id, matched to)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tase.bank import services
from tase.bank.models import Line
from tase.ledger.system import SystemActor


def _euros(cents) -> str:
    return "" if cents is None else f"{cents / 100:.2f}"


class Command(BaseCommand):
    help = "Bank: import a camt.053 statement or camt.054 reference payments."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file", help="The camt.053 or camt.054 file.")
        parser.add_argument("--company", type=int, required=True)
        parser.add_argument("--entries", action="store_true", help="Print every line too.")

    def handle(self, *args, **options):
        actor = SystemActor()
        try:
            company = actor.company(options["company"])
        except Http404:
            raise CommandError(f"No company {options['company']}.") from None
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        try:
            with path.open("rb") as file:
                results = services.import_statements(actor, company, file, name=path.name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        out = self.stdout.write
        out("iban\tfrom\tto\topening\tclosing\tentries\tmatched\tunmatched\timported")
        for result in results:
            s, count = result.statement, result.statement.lines.count()
            matched = result.statement.lines.exclude(status=Line.Status.OPEN).count()
            out(
                "\t".join(
                    str(v)
                    for v in (
                        s.bank_account.iban,
                        s.from_date or "",
                        s.to_date or "",
                        _euros(s.opening_cents),
                        _euros(s.closing_cents),
                        count,
                        matched,
                        count - matched,
                        "already imported" if result.already else "yes",
                    )
                )
            )
            for warning in s.warnings:
                self.stderr.write(f"warning\t{warning}")
            if options["entries"]:
                for line in s.lines.order_by("position").iterator(chunk_size=2000):
                    out(
                        f"  {line.date}\t{_euros(line.amount_cents)}\t{line.counterparty}\t"
                        f"{line.reference}\t{line.end_to_end_id}\t{line.status}\t{line.matched_to}"
                    )
