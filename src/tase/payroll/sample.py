"""Sample employees for a test environment (testiympäristö), so trainees can run a practice pay
run without the real employees' personal data: a test copy never gets the real people.

Two made-up employees, one monthly and one hourly, with tax cards for the current year. Their
identity codes are well-formed but invented.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services

# number, first name, last name, identity code, pay basis, salary or hourly rate, tax card
PEOPLE = (
    ("T1", "Maija", "Malli", "150585-123L", "monthly", "3200.00", ("20", "40", "45000")),
    ("T2", "Tapio", "Testi", "020796-2348", "hourly", "15.50", ("15", "35", "30000")),
)


def add_sample_employees(actor, company) -> int:
    """Add the sample employees to ``company`` (a test environment); how many were added."""
    today = timezone.localdate()
    added = 0
    for number, first, last, code, basis, pay, card in PEOPLE:
        try:
            employee = services.create_employee(
                actor,
                company,
                number=number,
                first_name=first,
                last_name=last,
                identity_code=code,
                birth_date=None,
                language="fi",
            )
            services.add_employment(
                actor,
                employee,
                start_date=dt.date(today.year, 1, 1),
                end_date=None,
                pay_basis=basis,
                weekly_hours=Decimal("37.5"),
                job_title=_("Sample employee"),
                salary=pay,
            )
            services.add_tax_card(
                actor,
                employee,
                year=today.year,
                valid_from=dt.date(today.year, 1, 1),
                kind="card",
                base_rate=card[0],
                additional_rate=card[1],
                income_limit=card[2],
            )
        except ValidationError:
            continue  # a clash with what the copy already has: leave it out
        added += 1
    return added
