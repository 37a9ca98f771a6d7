"""`tase incomes-register export --company ID --month YYYY-MM [--dir DIR]`: write a month's
Incomes Register files (the earnings payment deliveries and invalidations of the runs paid
that month, and the month's separate report, produced first if needed) for upload in the
Register's e-service. Writing a file marks a produced report downloaded, as the page does."""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tase.ledger.system import SystemActor
from tase.payroll import selectors, services
from tase.payroll.models import IncomesRegisterReport


def _month(text: str) -> tuple[int, int]:
    try:
        day = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise CommandError(f"Give the month as YYYY-MM, not {text!r}.") from None
    return day.year, day.month


class Command(BaseCommand):
    help = "Write a month's Incomes Register files for upload in the e-service."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export"])
        parser.add_argument("--company", type=int, required=True)
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--dir", default=".", help="Directory to write to (default: here).")

    def handle(self, *args, **options):
        actor = SystemActor()
        try:
            company = actor.company(options["company"])
        except Http404:
            raise CommandError(f"No company {options['company']}.") from None
        year, month = _month(options["month"])
        folder = Path(options["dir"])
        folder.mkdir(parents=True, exist_ok=True)
        try:
            separate = services.produce_separate_report(actor, company, year, month)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        current = [
            IncomesRegisterReport.State.PRODUCED,
            IncomesRegisterReport.State.DOWNLOADED,
            IncomesRegisterReport.State.SENT,
        ]
        reports = list(
            selectors.register_reports(company)
            .filter(
                payment_date__year=year,
                payment_date__month=month,
                state__in=current,
            )
            .exclude(kind=IncomesRegisterReport.Kind.SEPARATE)
        )
        for report in [*reports, separate]:
            path = folder / report.filename
            with path.open("wb") as out:
                for chunk in services.open_download(actor, report).chunks():
                    out.write(chunk)
            self.stdout.write(f"{path}\t{report.get_kind_display()}\t{report.deadline}")
