"""`tase company create --name NAME --business-id ID --chart limited-company`.

Creates a company with the chart of accounts and its first fiscal year (the current
calendar year unless --fiscal-year-start/--fiscal-year-end), and prints its id.
Runs as the system actor (:class:`tase.ledger.system.SystemActor`).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tase.core import services as core_services
from tase.core.models import Company, Organization
from tase.ledger import services
from tase.ledger.charts import CHARTS
from tase.ledger.system import SystemActor


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
    return "; ".join(error.messages)


class Command(BaseCommand):
    help = "Companies: `company create --name … --business-id … --chart limited-company`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a company and print its id.")
        create.add_argument("--name", required=True)
        create.add_argument("--business-id", required=True)
        create.add_argument("--chart", choices=sorted(CHARTS), default="limited-company")
        create.add_argument("--organization", type=int, help="Customer organization id.")
        create.add_argument("--fiscal-year-start", type=dt.date.fromisoformat)
        create.add_argument("--fiscal-year-end", type=dt.date.fromisoformat)

    def handle(self, *args, **options):
        if options["action"] == "create":
            self.stdout.write(str(self.create(options)))

    @transaction.atomic
    def create(self, options) -> int:
        actor = SystemActor()
        today = dt.date.today()
        start = options["fiscal_year_start"] or dt.date(today.year, 1, 1)
        end = options["fiscal_year_end"] or (
            dt.date(today.year, 12, 31)
            if not options["fiscal_year_start"]
            else services.add_months(start, 12) - dt.timedelta(days=1)
        )
        try:
            if options["organization"]:
                organization = Organization.objects.get(
                    pk=options["organization"], kind=Organization.Kind.CUSTOMER
                )
            else:
                vendor = Organization.objects.filter(kind=Organization.Kind.VENDOR).first()
                if vendor is None:
                    vendor = Organization.objects.create(name="Tase", kind=Organization.Kind.VENDOR)
                organization, _ = Organization.objects.get_or_create(
                    name=options["name"], kind=Organization.Kind.CUSTOMER, vendor=vendor
                )
            form = (
                Company.Form.SOLE_TRADER
                if options["chart"] == "sole-trader"
                else Company.Form.LIMITED
            )
            company = core_services.create_company(
                actor,
                organization,
                name=options["name"],
                business_id=options["business_id"],
                form=form,
            )
            services.apply_chart(actor, company, options["chart"])
            services.create_fiscal_year(actor, company, start=start, end=end)
        except Organization.DoesNotExist:
            raise CommandError("No customer organization with that id.") from None
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        return company.pk
