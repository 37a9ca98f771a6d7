"""`tase keys generate` prints a new key for TASE_FIELD_KEYS; `tase keys rotate` encrypts every
encrypted field again with the list's first key and recomputes the blind indexes, so that the
older keys can then be dropped from the list (docs/deployment.md, "Keys of personal data")."""

from django.core.management.base import BaseCommand, CommandError

from tase.core import fieldcrypt


class Command(BaseCommand):
    help = "Generate a field-encryption key, or re-encrypt personal data with the newest key."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("generate", help="print a new key (put it first in TASE_FIELD_KEYS)")
        commands.add_parser("rotate", help="re-encrypt everything with the first key")

    def handle(self, *args, action, **options):
        if action == "generate":
            self.stdout.write(fieldcrypt.generate_key())
            return
        try:
            done = fieldcrypt.rotate_all()
        except fieldcrypt.FieldKeyError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        for label, count in done.items():
            self.stdout.write(f"{label}: {count} rows encrypted with the newest key")
        self.stdout.write(
            "Done. Keys other than the first can now be removed from TASE_FIELD_KEYS."
        )
