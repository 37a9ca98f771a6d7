"""Finnish number formats on the payroll pages: rates, prices, quantities and years
(issue 11: a tax card read `20.5 % / 4E+1 %`, prices `1.5000000 €`, years `2 026`)."""

import re

from tase.core.roles import Role
from tase.core.templatetags.tase import format_number
from tase.payroll import services

from .factories import employee, pay_run


def test_format_number_has_no_exponent_or_trailing_zeros():
    assert format_number("40.0000") == "40"
    assert format_number("20.5000") == "20,5"
    assert format_number("1.5000000") == "1,5"
    assert format_number("12345.5") == "12\xa0345,5"


def test_payroll_pages_show_rates_prices_and_years_in_finnish(world, clerk):
    worker = employee(clerk, world.company, card=("20.5", "40", "40000"), salary="3200.00")
    run = pay_run(clerk, world.company)
    services.add_item(clerk, run, worker, wage_type="overtime_50", quantity="1.5", unit_price="1")
    services.calculate_pay_run(clerk, run)
    client = world.client(Role.PAYROLL_CLERK)
    pages = [
        client.get(f"/payroll/employees/{worker.pk}/").content.decode(),
        client.get(f"/payroll/payslips/{run.payslips.get().pk}/").content.decode(),
        client.get(f"/payroll/runs/{run.pk}/").content.decode(),
        client.get(f"/payroll/c/{world.company.pk}/summary/?year=2026").content.decode(),
    ]
    text = "\n".join(pages)
    assert "20,5\xa0% / 40\xa0%" in pages[0] and ">2026<" in pages[0]
    assert "E+" not in text
    assert "2\xa0026" not in text and "2 026" not in text
    assert not re.search(r"\d[.,]\d{5,}", text), "a number with a string of decimals"
    assert "1,50\xa0€" in pages[1]  # the overtime unit price 1.00 x 1.5
