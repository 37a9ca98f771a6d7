import pytest

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import PayrollSettings


@pytest.fixture
def clerk(world):
    """The payroll clerk of customer A; its company does not post to the books unless a
    test sets the books up with ``factories.books``."""
    services.ensure_setup(world.company)
    PayrollSettings.objects.filter(company=world.company).update(post_to_ledger=False)
    return world.actor(Role.PAYROLL_CLERK)
