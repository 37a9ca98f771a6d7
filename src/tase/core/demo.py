"""Demo data of the platform: a vendor with a user of every staff role, and two
customer organizations, each with a company and a user of every customer role.

Loaders are idempotent: they look rows up by natural keys and create only what is
missing, so `tase demo` can run on every `make run`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from .models import Company, Membership, Organization, User
from .roles import Role


@dataclass
class DemoContext:
    reset_passwords: bool = False
    vendor: Organization | None = None
    customers: list[Organization] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)  # by email
    # Every demo user who can sign in: (organization, role label, email, password); the
    # password only when it was made in this run (stored hashed, it cannot be shown again).
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def new_logins(self) -> list[tuple[str, str, str, str]]:
        return [login for login in self.logins if login[3]]


STAFF = [
    ("admin@vendor.example", "Aino Admin", Role.ADMIN),
    ("account.manager@vendor.example", "Antti Asiakkuus", Role.ACCOUNT_MANAGER),
    ("project.lead@vendor.example", "Pia Projekti", Role.PROJECT_LEAD),
    ("consultant@vendor.example", "Kalle Konsultti", Role.CONSULTANT),
    ("support@vendor.example", "Sanna Tuki", Role.SUPPORT_SPECIALIST),
]

CUSTOMERS = [
    {
        "name": "Kahvila Aurinko",
        "domain": "aurinko.example",
        "company": {
            "name": "Kahvila Aurinko Oy",
            "business_id": "2345678-0",
            "city": "Tampere",
            "street_address": "Hämeenkatu 1",
            "postal_code": "33100",
            "contact_name": "Maija Aurinko",
            "contact_phone": "040 100 2000",
        },
        "people": ["Maija", "Aki", "Paula", "Veikko", "Eero"],
    },
    {
        "name": "Rakennus Virtanen",
        "domain": "virtanen.example",
        "company": {
            "name": "Rakennus Virtanen Oy",
            "business_id": "1572860-0",
            "city": "Oulu",
            "street_address": "Kirkkokatu 5",
            "postal_code": "90100",
            "contact_name": "Mikko Virtanen",
            "contact_phone": "040 300 4000",
        },
        "people": ["Mikko", "Anna", "Pekka", "Ville", "Emma"],
    },
]
CUSTOMER_ROLE_ORDER = [
    Role.MAIN_USER,
    Role.ACCOUNTANT,
    Role.PAYROLL_CLERK,
    Role.VIEWER,
    Role.EMPLOYEE,
]
SURNAMES = {
    Role.MAIN_USER: "Pääkäyttäjä",
    Role.ACCOUNTANT: "Kirjanpitäjä",
    Role.PAYROLL_CLERK: "Palkanlaskija",
    Role.VIEWER: "Katselija",
    Role.EMPLOYEE: "Työntekijä",
}


def demo_user(
    ctx: DemoContext, organization: Organization, email: str, full_name: str, role: Role
) -> User:
    """A demo user who can sign in, a member of ``organization`` in ``role``: made with a new
    random password (or given one with ``--reset-passwords``), listed in ``ctx.logins``."""
    user = User.objects.filter(email=email).first()
    password = ""
    if user is None or ctx.reset_passwords or not user.has_usable_password():
        password = "demo-" + secrets.token_urlsafe(9)
        if user is None:
            user = User.objects.create_user(email, password, full_name=full_name)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": role})
    ctx.logins.append((organization.name, str(role.label), email, password))
    ctx.users[email] = user
    return user


def load_platform(ctx: DemoContext) -> None:
    vendor, _ = Organization.objects.get_or_create(
        name="Tase Demo Vendor",
        kind=Organization.Kind.VENDOR,
        defaults={"business_id": "2024111-9"},
    )
    ctx.vendor = vendor
    for email, name, role in STAFF:
        demo_user(ctx, vendor, email, name, role)
    for spec in CUSTOMERS:
        organization, _ = Organization.objects.get_or_create(
            name=spec["name"], kind=Organization.Kind.CUSTOMER, vendor=vendor
        )
        ctx.customers.append(organization)
        company_spec = dict(spec["company"])
        Company.objects.get_or_create(
            organization=organization,
            business_id=company_spec.pop("business_id"),
            defaults=company_spec,
        )
        for first_name, role in zip(spec["people"], CUSTOMER_ROLE_ORDER, strict=True):
            email = f"{role.value.replace('_', '.')}@{spec['domain']}"
            demo_user(ctx, organization, email, f"{first_name} {SURNAMES[role]}", role)
