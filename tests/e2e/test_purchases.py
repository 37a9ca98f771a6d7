"""An accountant imports a supplier's Finvoice, approves it, makes and accepts a payment
proposal and downloads its pain.001 file; the bank statement that shows the transfer (its
end-to-end id from that file) is imported and its line matched, and the invoice is paid, all
in the browser (issue 15, "Done when")."""

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import expect

from tase.bank.sample import Payment, statement_xml
from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.system import SystemActor

FINVOICE = (
    Path(__file__).parent.parent / "formats" / "data" / "finvoice" / "finvoice30_iso885915.xml"
)
IBAN = "FI7944052020036082"
PAIN = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}"


@pytest.fixture
def books(world):
    """The Finvoice's buyer (Y-tunnus 2085253-4) with books for 2026 and this year."""
    actor = SystemActor()
    company = world.company
    company.business_id = "2085253-4"
    company.save()
    services.apply_chart(actor, company, "limited-company")
    for year in sorted({2026, dt.date.today().year}):
        services.create_fiscal_year(
            actor, company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
        )
    services.create_bank_account(actor, company, iban=IBAN, bic="OKOYFIHH", account="1910")
    return company


def test_finvoice_to_approval_payment_file_and_the_bank_line_that_pays_it(
    world, books, login, live_server, tmp_path
):
    page = login(world.users[Role.ACCOUNTANT])
    base = live_server.url
    page.goto(f"{base}/purchases/{books.pk}/")
    page.locator("#files").set_input_files(str(FINVOICE))
    page.get_by_test_id("import").click()
    results = page.get_by_test_id("import-results")
    expect(results).to_contain_text("2026-0317")
    results.get_by_role("link").first.click()
    expect(page.get_by_test_id("total")).to_contain_text("1 279,48")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("status")).to_have_text("Hyväksytty")
    invoice_url = page.url

    page.goto(f"{base}/purchases/{books.pk}/payments/")
    page.locator("#due_until").fill("2026-12-31")
    page.get_by_test_id("propose").click()
    expect(page.get_by_test_id("payments")).to_contain_text("2026-0317")
    page.get_by_test_id("accept").click()
    with page.expect_download() as download:
        page.get_by_test_id("pain001").click()
    pain = etree.fromstring(Path(download.value.path()).read_bytes())
    [transfer] = pain.iter(f"{PAIN}CdtTrfTxInf")
    end_to_end = transfer.findtext(f"{PAIN}PmtId/{PAIN}EndToEndId")
    amount = transfer.findtext(f"{PAIN}Amt/{PAIN}InstdAmt")
    assert amount == "1279.48" and end_to_end

    today = dt.date.today()
    statement = tmp_path / "tiliote.xml"
    statement.write_bytes(
        statement_xml(
            IBAN,
            today - dt.timedelta(days=3),
            today,
            500_000,
            [Payment(today, -127_948, "Toimittaja Oy", end_to_end_id=end_to_end)],
        )
    )
    page.goto(f"{base}/bank/{books.pk}/")
    page.locator("#statement-file").set_input_files(str(statement))
    page.get_by_test_id("import-statement").get_by_role("button", name="Tuo").click()
    expect(page.get_by_test_id("open-count")).to_have_text("0")  # the statement's page
    expect(page.get_by_test_id("lines")).to_contain_text("Ostolasku 2026-0317")

    page.goto(invoice_url)
    expect(page.get_by_test_id("status")).to_have_text("Maksettu")
    expect(page.get_by_test_id("open-amount")).to_contain_text("0,00")
