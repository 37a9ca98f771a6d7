"""Browser: a payroll clerk fills in a credit year in the holiday calculator and reads the
explained holiday pay."""

from playwright.sync_api import expect

from tase.core.roles import Role


def test_holiday_calculator_explains_the_average_daily_wage(world, page, live_server, login):
    login(world.users[Role.PAYROLL_CLERK])
    page.goto(f"{live_server.url}/payroll/")
    page.get_by_role("link", name="Lomalaskuri").first.click()
    page.get_by_label("Lomanmääräytymisvuosi päättyy (31.3.)").fill("2026-03-31")
    page.get_by_label("Työsuhde alkoi").fill("2020-01-01")
    page.get_by_label("Palkkaperuste").select_option("hourly")
    page.get_by_label("Lomaraha (% lomapalkasta)").fill("50")
    for month in ("huhtikuu", "toukokuu", "kesäkuu", "heinäkuu", "elokuu", "syyskuu",
                  "lokakuu", "marraskuu", "joulukuu", "tammikuu", "helmikuu", "maaliskuu"):  # fmt: skip
        page.get_by_label(f"Työpäivät, {month}", exact=True).fill("20")
        page.get_by_label(f"Palkka (€), {month}", exact=True).fill("2900,00")
    page.get_by_role("button", name="Laske").click()
    result = page.get_by_test_id("holiday-calculator-result")
    expect(result).to_be_visible()
    expect(page.get_by_test_id("earned-days")).to_have_text("30")
    expect(page.get_by_test_id("holiday-pay")).to_contain_text("4\xa0031,00\xa0€")
    expect(result.get_by_role("cell", name="145,00 \N{MULTIPLICATION SIGN} 27,8")).to_be_visible()
    expect(
        result.get_by_role("link", name="https://finlex.fi/fi/laki/ajantasa/2005/20050162").first
    ).to_be_visible()
