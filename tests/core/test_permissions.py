"""The permission matrix: every role against every action, allowed and denied."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tase.core.permissions import ACTIONS, MATRIX, UnknownAction, allowed, render_markdown
from tase.core.roles import CUSTOMER_ROLES, STAFF_ROLES, Role

# The expected matrix, written out independently of permissions.py so a change there
# must be made here too, on purpose.
EXPECTED = {
    "organization.view": STAFF_ROLES
    | {Role.MAIN_USER, Role.ACCOUNTANT, Role.PAYROLL_CLERK, Role.VIEWER},
    "organization.manage": {Role.ADMIN, Role.ACCOUNT_MANAGER},
    "company.manage": {
        Role.ADMIN,
        Role.ACCOUNT_MANAGER,
        Role.PROJECT_LEAD,
        Role.CONSULTANT,
        Role.MAIN_USER,
    },
    "users.manage": {Role.ADMIN, Role.ACCOUNT_MANAGER, Role.PROJECT_LEAD, Role.MAIN_USER},
    "organization.security": {Role.ADMIN, Role.ACCOUNT_MANAGER, Role.MAIN_USER},
    "users.reset_2fa": {Role.ADMIN, Role.MAIN_USER},
    "staff.manage": {Role.ADMIN},
    "audit.view": STAFF_ROLES | {Role.MAIN_USER},
    "parameters.view": STAFF_ROLES
    | {Role.MAIN_USER, Role.ACCOUNTANT, Role.PAYROLL_CLERK, Role.VIEWER},
    "parameters.manage": {Role.ADMIN},
    "ledger.view": STAFF_ROLES | {Role.MAIN_USER, Role.ACCOUNTANT, Role.VIEWER},
    "ledger.post": {Role.ADMIN, Role.CONSULTANT, Role.MAIN_USER, Role.ACCOUNTANT},
    "ledger.manage": {Role.ADMIN, Role.CONSULTANT, Role.MAIN_USER, Role.ACCOUNTANT},
    "ledger.reopen_year": {Role.MAIN_USER},
    "sales.view": STAFF_ROLES | {Role.MAIN_USER, Role.ACCOUNTANT, Role.VIEWER},
    "sales.invoice": {Role.ADMIN, Role.CONSULTANT, Role.MAIN_USER, Role.ACCOUNTANT},
    "sales.payments": {Role.ADMIN, Role.CONSULTANT, Role.MAIN_USER, Role.ACCOUNTANT},
    "purchases.view": STAFF_ROLES | {Role.MAIN_USER, Role.ACCOUNTANT, Role.VIEWER},
    "purchases.manage": {Role.ADMIN, Role.CONSULTANT, Role.MAIN_USER, Role.ACCOUNTANT},
    "purchases.approve": {Role.ADMIN, Role.CONSULTANT, Role.MAIN_USER, Role.ACCOUNTANT},
    "purchases.pay": {Role.ADMIN, Role.CONSULTANT, Role.MAIN_USER, Role.ACCOUNTANT},
    "bank.view": STAFF_ROLES | {Role.MAIN_USER, Role.ACCOUNTANT, Role.VIEWER},
    "bank.reconcile": {Role.ADMIN, Role.CONSULTANT, Role.MAIN_USER, Role.ACCOUNTANT},
    "payroll.view": {
        Role.ADMIN,
        Role.CONSULTANT,
        Role.SUPPORT_SPECIALIST,
        Role.MAIN_USER,
        Role.PAYROLL_CLERK,
    },
    "payroll.manage": {Role.ADMIN, Role.CONSULTANT, Role.MAIN_USER, Role.PAYROLL_CLERK},
    "payroll.approve": {Role.MAIN_USER, Role.PAYROLL_CLERK},
    "payroll.identity_codes": {Role.MAIN_USER, Role.PAYROLL_CLERK},
    "payroll.personal_data": {Role.MAIN_USER, Role.PAYROLL_CLERK},
    "payslip.view_own": set(Role),
    "delivery.view": STAFF_ROLES
    | {Role.MAIN_USER, Role.ACCOUNTANT, Role.PAYROLL_CLERK, Role.VIEWER},
    "delivery.manage": {Role.ADMIN, Role.ACCOUNT_MANAGER, Role.PROJECT_LEAD, Role.CONSULTANT},
    "delivery.contracts": {Role.ADMIN, Role.ACCOUNT_MANAGER, Role.PROJECT_LEAD},
    "delivery.templates": {Role.ADMIN},
    "delivery.approve": {Role.MAIN_USER},
    "support.use": {Role.MAIN_USER, Role.ACCOUNTANT, Role.PAYROLL_CLERK, Role.VIEWER},
    "support.handle": {Role.ADMIN, Role.SUPPORT_SPECIALIST, Role.ACCOUNT_MANAGER},
    "support.publish": {Role.ADMIN, Role.SUPPORT_SPECIALIST},
    "support.order_training": {Role.MAIN_USER},
    "support.billing": {Role.ADMIN, Role.ACCOUNT_MANAGER, Role.SUPPORT_SPECIALIST, Role.MAIN_USER},
}


def test_matrix_lists_exactly_the_expected_actions():
    assert set(MATRIX) == set(EXPECTED)
    assert len(ACTIONS) == len(MATRIX)  # no action written twice


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_role_against_every_action(role, action):
    assert allowed(role, action) is (role in EXPECTED[action])


def test_an_employee_only_sees_own_payslips():
    granted = {code for code, action in MATRIX.items() if Role.EMPLOYEE in action.roles}
    assert granted == {"payslip.view_own"}


def test_unknown_action_is_an_error():
    with pytest.raises(UnknownAction):
        allowed(Role.ADMIN, "ledger.delete_everything")


def test_staff_and_customer_roles_split_the_roles():
    assert STAFF_ROLES.isdisjoint(CUSTOMER_ROLES) and set(Role) == STAFF_ROLES | CUSTOMER_ROLES


def test_docs_permissions_md_is_generated_from_the_matrix():
    with translation.override("en"):
        expected = render_markdown()
    path = Path(settings.PROJECT_DIR) / "docs" / "permissions.md"
    assert path.read_text(encoding="utf-8") == expected, (
        "run `tase permissions_doc` and commit docs/permissions.md"
    )


@pytest.mark.parametrize("role", list(Role))
def test_actor_applies_the_matrix_inside_the_organization(world, role):
    """A staff role acts in every customer of its vendor; a customer role in its own."""
    actor = world.actor(role)
    for action in EXPECTED:
        assert actor.can(action, world.org) is (role in EXPECTED[action])
        assert actor.can(action, world.other_org) is (
            role in STAFF_ROLES and role in EXPECTED[action]
        )
