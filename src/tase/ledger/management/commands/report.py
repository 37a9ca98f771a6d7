"""`tase report KIND --company ID --from DATE --to DATE --format csv|json|xlsx|pdf` to stdout.

`tase report vat-return … --format vsralvkv` prints the periodic VAT return as the Tax
Administration's file, ready to upload in OmaVero; `--format vsralvyv` the recapitulative
statement of EU sales of a calendar month.

`tase report financial-statements --company ID --year-end D --form micro|small|full
--format json|pdf` writes the income statement and the balance sheet of the fiscal year
ending D in a statutory form, the previous year beside; `statement-book` the whole
statement book (tasekirja) as PDF."""

import datetime as dt
import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from tase.formats.vat_return_file import VatFileError
from tase.ledger import financial_statements, reports
from tase.ledger.selectors import eu_sales_file, fiscal_year_of, vat_return_file
from tase.ledger.system import SystemActor
from tase.rules import financial_statements as statement_rules

from ._common import company_of

STATEMENT_KINDS = ("financial-statements", "statement-book")
FILES = {"vsralvkv": vat_return_file, "vsralvyv": eu_sales_file}


class Command(BaseCommand):
    help = "Write a bookkeeping report to standard output."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*reports.REPORTS, *STATEMENT_KINDS])
        parser.add_argument("--company", type=int, required=True)
        parser.add_argument("--from", dest="start", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="end", type=dt.date.fromisoformat)
        parser.add_argument(
            "--format",
            choices=["csv", "json", "pdf", "xlsx", "vsralvkv", "vsralvyv"],
            default="csv",
        )
        parser.add_argument("--language", choices=["fi", "sv", "en"], default="fi")
        parser.add_argument("--year-end", type=dt.date.fromisoformat)
        parser.add_argument("--form", choices=list(statement_rules.FORMS), default="small")
        parser.add_argument(
            "--basis",
            choices=list(statement_rules.BASES),
            default="nature",
            help="Income statement by nature of expense (KPA 1:1 §) or by function (1:2 §).",
        )
        parser.add_argument(
            "--gross",
            action="store_true",
            help="Bruttotulos: the first income statement items combined (small or micro form, "
            "PMA 1753/2015 2:1 § 2 mom., 4:1 §).",
        )
        parser.add_argument("--cost-centre", default="")
        parser.add_argument("--project", default="")
        parser.add_argument("--pma", action="store_true", help="Small-company (PMA) layout.")

    def handle(self, *args, **options):
        actor = SystemActor()
        company = company_of(actor, options["company"])
        if options["kind"] in STATEMENT_KINDS:
            self._statements(company, options)
            return
        if options["language"] == "sv":
            raise CommandError("--language sv is for the financial statements only.")
        start, end = options["start"], options["end"]
        if start is None or end is None:
            year = fiscal_year_of(company, end or start or dt.date.today())
            if year is None:
                raise CommandError("Give --from and --to (no fiscal year covers today).")
            start, end = start or year.start, end or year.end
        if options["format"] in FILES:
            if options["kind"] != "vat-return":
                raise CommandError(
                    f"--format {options['format']} is for the vat-return report only."
                )
            writer = FILES[options["format"]]
            try:
                _name, text = writer(company, start, end, sent_at=timezone.localtime())
            except VatFileError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(text, ending="")
            return
        with translation.override(options["language"]):
            table = reports.build(
                options["kind"],
                company,
                start,
                end,
                language=options["language"],
                cost_centre=options["cost_centre"],
                project=options["project"],
                pma=options["pma"],
            )
            if options["format"] == "csv":
                reports.write_csv(table, self.stdout)
            elif options["format"] == "json":
                self.stdout.write(reports.to_json(table))
            else:
                data = (
                    reports.to_pdf(table) if options["format"] == "pdf" else reports.to_xlsx(table)
                )
                self.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()

    def _statements(self, company, options):
        year_end = options["year_end"]
        if year_end is None:
            raise CommandError("Give --year-end (the last day of the fiscal year).")
        fmt = options["format"]
        if fmt not in ("json", "pdf") or (options["kind"] == "statement-book" and fmt != "pdf"):
            raise CommandError(f"--format {fmt} is not one of {options['kind']}'s formats.")
        language = options["language"]
        with translation.override("en" if language == "en" else "fi"):
            try:
                if options["kind"] == "statement-book":
                    data = financial_statements.statement_book_pdf(
                        company, year_end, language=language
                    )
                else:
                    statements = financial_statements.financial_statements(
                        company,
                        year_end,
                        form=options["form"],
                        language=language,
                        basis=options["basis"],
                        gross=options["gross"],
                    )
                    if fmt == "json":
                        text = json.dumps(
                            financial_statements.to_data(statements), ensure_ascii=False, indent=1
                        )
                        self.stdout.write(text)
                        return
                    data = financial_statements.statements_pdf(statements)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        self.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
