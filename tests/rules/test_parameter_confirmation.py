"""Yearly-set parameters are refused past their confirmed date; open-ended ones (VAT) are
not; values entered through the overlay extend them (issue 11, item 6)."""

import datetime as dt
from decimal import Decimal

import pytest

from tase.rules import parameters as params
from tase.rules.parameters import EnteredValue, NotConfirmed
from tase.rules.payroll import PayItem, PayrollInputError, PayslipInput, TaxCard, calculate

JAN_2027 = dt.date(2027, 1, 15)
SOURCE = "https://example.org/decision-2027"


class FakeOverlay:
    """An overlay as the application installs one: a list of entered values."""

    def __init__(self, rows=()):
        self.rows = list(rows)

    def values(self):
        return self.rows

    def version(self):
        return len(self.rows)


@pytest.fixture
def overlay():
    fake = FakeOverlay()
    previous = params.install_overlay(fake, check_every=0)
    yield fake
    params.install_overlay(previous)


def _slip(on):
    card = TaxCard(Decimal("20"), Decimal("40"), Decimal("50000"))
    items = (PayItem("monthly_salary", amount=Decimal("3000")),)
    return calculate(PayslipInput(on, dt.date(1990, 1, 1), card, items))


def test_a_yearly_parameter_past_its_confirmed_year_is_refused_naming_it_and_the_year():
    assert params.value_at("payroll.unemployment.employee_rate", dt.date(2026, 12, 31))
    with pytest.raises(NotConfirmed) as error:
        params.value_at("payroll.unemployment.employee_rate", JAN_2027)
    assert error.value.name == "payroll.unemployment.employee_rate"
    assert "vuodelle 2027 ei ole vahvistettu" in error.value.message("fi")
    assert "for 2027 is not confirmed" in error.value.message("en")
    assert "31.12.2026" in error.value.message("fi")


def test_vat_is_in_force_until_changed_and_never_refused_for_a_later_date():
    assert params.value_at("vat.general_rate", dt.date(2031, 5, 1)) == Decimal("25.5")
    assert params.parameter("vat.general_rate").confirmed_until is None


def test_every_yearly_payroll_rate_is_confirmed_only_through_2026():
    yearly = [p for p in params.all_parameters() if p.confirmed_until is not None]
    assert {p.name for p in yearly} >= {
        "payroll.tyel.employer_average_rate",
        "payroll.tyel.employee_rate_bands",
        "payroll.unemployment.employer_rate_below_threshold",
        "payroll.health.employer_rate",
        "payroll.allowances.mileage_allowance",
        "payroll.benefits.meal_benefit_value",
    }
    # Payroll's figures are set per calendar year; the Interest Act's reference rate per half-year.
    assert all(p.name.startswith(("payroll.", "sales.collection.")) for p in yearly)


def test_a_january_2027_payslip_is_refused_not_computed_with_2026_rates():
    assert _slip(dt.date(2026, 12, 31)).employee_tyel
    with pytest.raises(PayrollInputError) as error:
        _slip(JAN_2027)
    assert error.value.field == "payment_date"
    assert "2027" in error.value.message and "payroll." in error.value.message


def test_entered_values_extend_the_confirmation_and_replace_a_shipped_value(overlay):
    name = "payroll.unemployment.employee_rate"
    overlay.rows.append(
        EnteredValue(
            name,
            dt.date(2027, 1, 1),
            "0.95",
            SOURCE,
            confirmed_until=dt.date(2027, 12, 31),
            entered_by="admin@vendor.example",
        )
    )
    params.reload()
    assert params.value_at(name, JAN_2027) == Decimal("0.95")
    entry = params.parameter(name).entry_at(JAN_2027)
    assert (entry.source, entry.entered_by) == (SOURCE, "admin@vendor.example")
    assert params.value_at(name, dt.date(2026, 6, 1)) == Decimal("0.89")  # shipped, unchanged
    with pytest.raises(NotConfirmed):
        params.value_at(name, dt.date(2028, 1, 1))
    overlay.rows.append(EnteredValue(name, dt.date(2026, 1, 1), "0.90", SOURCE))
    params.reload()
    assert params.value_at(name, dt.date(2026, 6, 1)) == Decimal("0.90")


def test_an_overlay_change_reaches_the_payroll_engine_cache(overlay):
    with pytest.raises(PayrollInputError):
        _slip(JAN_2027)
    until = dt.date(2027, 12, 31)
    for parameter in params.all_parameters():
        if parameter.confirmed_until is not None:
            value = parameter.values[-1].value
            overlay.rows.append(
                EnteredValue(
                    parameter.name, dt.date(2027, 1, 1), value, SOURCE, confirmed_until=until
                )
            )
    # no reload(): the overlay's version changed, and the check interval is 0 s
    assert _slip(JAN_2027).employee_tyel == Decimal("219.00")


def test_an_overlay_that_fails_leaves_the_shipped_values():
    class Broken:
        def values(self):
            raise RuntimeError("database not ready")

        def version(self):
            raise RuntimeError("database not ready")

    previous = params.install_overlay(Broken(), check_every=0)
    try:
        assert params.value_at("vat.general_rate", dt.date(2026, 1, 1)) == Decimal("25.5")
    finally:
        params.install_overlay(previous)
