"""A pay run past the confirmed year is refused until the new year's values are entered
(issue 11, item 6)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tase.core import parameter_values
from tase.core.roles import Role
from tase.payroll import services
from tase.rules import parameters as params

from .factories import employee, pay_run

SOURCE = "https://example.org/decisions-2027"


@pytest.fixture(autouse=True)
def fresh_parameters():
    params.reload()
    yield
    params.reload()


def test_a_january_2027_run_is_refused_then_runs_once_the_2027_values_are_entered(world, clerk):
    worker = employee(clerk, world.company, card_year=2027)
    run = pay_run(clerk, world.company, dt.date(2027, 1, 15), employees=[worker])
    with pytest.raises(ValidationError) as error:
        services.calculate_pay_run(clerk, run)
    message = str(error.value.message_dict["payment_date"])
    assert "2027" in message and "payroll." in message
    assert "ei ole vahvistettu" in message and "is not confirmed" in message

    admin = world.actor(Role.ADMIN)
    for parameter in params.all_parameters():
        if parameter.confirmed_until is not None:
            parameter_values.enter_value(
                admin,
                name=parameter.name,
                effective_from=dt.date(2027, 1, 1),
                value=parameter.values[-1].value,
                source=SOURCE,
            )
    services.calculate_pay_run(clerk, run)
    (slip,) = run.payslips.all()
    assert slip.gross_cents == 350000
    sources = {line["source"] for line in slip.lines if line["code"] == "employee_tyel"}
    assert sources == {SOURCE}
