"""The tenant every bench starts from: a vendor, its customer with one company, and one user of
the customer in the bench's role."""

from __future__ import annotations

import time


def bench_tenant(
    role, *, vendor: str = "Bench vendor", customer: str = "Bench customer", **company_fields
):
    """``(actor, company)``: the user of ``role`` acting in the new customer's company "Bench
    Oy" (``company_fields`` add to or replace its defaults)."""
    from tase.core.access import Actor
    from tase.core.models import Company, Membership, Organization, User

    vendor_org = Organization.objects.create(name=vendor, kind="vendor")
    org = Organization.objects.create(name=customer, kind="customer", vendor=vendor_org)
    fields = {
        "name": "Bench Oy",
        "business_id": "1234567-1",
        "contact_name": "Bench",
        "contact_phone": "040 000 0000",
    }
    company = Company.objects.create(organization=org, **(fields | company_fields))
    user = User.objects.create_user(
        f"bench-{time.time_ns()}@example.com", "x" * 20, full_name="Bench"
    )
    Membership.objects.create(user=user, organization=org, role=role)
    return Actor.of(user), company
