"""Roles of the vendor's staff and of a customer's users."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The vendor's staff.
    ADMIN = "admin", _("Administrator")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    PROJECT_LEAD = "project_lead", _("Project lead")
    CONSULTANT = "consultant", _("Application consultant")
    SUPPORT_SPECIALIST = "support_specialist", _("Support specialist")
    # A customer organization's users.
    MAIN_USER = "main_user", _("Main user")
    ACCOUNTANT = "accountant", _("Accountant")
    PAYROLL_CLERK = "payroll_clerk", _("Payroll clerk")
    VIEWER = "viewer", _("Viewer")
    EMPLOYEE = "employee", _("Employee")


STAFF_ROLES = frozenset(
    {Role.ADMIN, Role.ACCOUNT_MANAGER, Role.PROJECT_LEAD, Role.CONSULTANT, Role.SUPPORT_SPECIALIST}
)
CUSTOMER_ROLES = frozenset(set(Role) - STAFF_ROLES)

# A customer's roles that keep the books or the payroll: an organization may require them to
# sign in with two-factor authentication (Organization.require_2fa_for_finance). The test
# tests/core/test_two_factor.py derives the same set from the permission matrix.
FINANCE_ROLES = frozenset({Role.MAIN_USER, Role.ACCOUNTANT, Role.PAYROLL_CLERK})
