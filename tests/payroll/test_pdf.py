"""Payslip PDFs: names print whatever their script, and a run's payslips print in a pool."""

import pytest

from tase.core import pdf
from tase.payroll import pdf as payslip_pdf
from tase.payroll import services

from .factories import employee, pay_run


@pytest.fixture
def slips(world, clerk):
    for n in range(3):
        employee(clerk, world.company, last_name=f"Åström{n}", language="en" if n == 1 else "fi")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    return list(run.payslips.select_related("employee", "company", "pay_run").order_by("position"))


def test_payslip_prints_names_in_any_script(slips):
    document = pdf.layout(payslip_pdf.payslip_html(slips[0]))
    document.write_pdf()
    assert "Åström0" in pdf.page_texts(document)[0]
    greek = pdf.layout("<html><body>Ωμέγα Åström</body></html>")
    greek.write_pdf()
    assert "Ωμέγα Åström" in pdf.page_texts(greek)[0]


def test_a_runs_payslips_print_in_a_process_pool_in_order(slips):
    alone = [pdf for _slip, pdf in payslip_pdf.payslip_pdfs(slips, workers=0)]
    pooled = list(payslip_pdf.payslip_pdfs(iter(slips), workers=2))
    assert [slip.pk for slip, _pdf in pooled] == [slip.pk for slip in slips]
    assert all(data[:4] == b"%PDF" for _slip, data in pooled)
    # The same documents whichever way they were printed (sizes differ only by metadata).
    assert [abs(len(a) - len(b)) < 64 for a, (_s, b) in zip(alone, pooled, strict=True)] == [
        True
    ] * len(slips)


def test_payslip_pdf_is_one_page_with_year_to_date_in_rows(world, clerk):
    """A payslip with pay, a benefit, a reimbursement and hourly lines fits one A4 page, and
    each year-to-date figure sits on its label's row (a wrapping label shifted the values)."""
    import re

    worker = employee(clerk, world.company, street_address="Katu 1", postal_code="00100")
    run = pay_run(clerk, world.company)
    services.add_item(clerk, run, worker, wage_type="overtime_50", quantity="3")
    services.add_item(clerk, run, worker, wage_type="phone_benefit", quantity="1")
    services.add_item(clerk, run, worker, wage_type="mileage_allowance", quantity="100")
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    slip = run.payslips.get()
    html = payslip_pdf.payslip_html(slip)
    assert len(pdf.layout(html).pages) == 1
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', html))
    assert rows["Työntekijän työttömyysvakuutusmaksu"] == pdf_money(
        slip.employee_unemployment_cents
    )


def pdf_money(cents):
    from tase.core.templatetags.tase import format_money

    return format_money(cents, "fi")
