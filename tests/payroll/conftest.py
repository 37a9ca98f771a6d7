import pytest

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import PayrollSettings

# A TyEL policy number in the Incomes Register's format (provider code 46, a dash, the policy).
TYEL_POLICY = "46-1234567"


@pytest.fixture
def clerk(world):
    """The payroll clerk of customer A; its company does not post to the books unless a
    test sets the books up with ``factories.books``, and has a TyEL policy (the Incomes
    Register reports of an approved run need it)."""
    services.ensure_setup(world.company)
    PayrollSettings.objects.filter(company=world.company).update(
        post_to_ledger=False, tyel_policy_number=TYEL_POLICY
    )
    return world.actor(Role.PAYROLL_CLERK)
