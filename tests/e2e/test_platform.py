"""A staff user and a customer user sign in and see their own menus and start pages;
the language switch turns the interface to English and back."""

import re

from playwright.sync_api import expect

from tase.core.roles import Role


def nav_keys(page):
    return page.locator("nav.sidebar a[data-nav]").evaluate_all(
        "els => els.map(e => e.dataset.nav)"
    )


def test_staff_and_customer_see_their_own_menus(world, login, page, live_server):
    login(world.users[Role.ADMIN])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    expect(page.get_by_test_id("start-kind")).to_contain_text("Toimittajan henkilöstö")
    expect(page.get_by_role("heading", name="Asiakkaat")).to_be_visible()
    staff_menu = nav_keys(page)
    assert {"organizations", "audit", "parameters"} <= set(staff_menu)
    page.get_by_role("button", name="Kirjaudu ulos").click()

    login(world.users[Role.VIEWER])
    expect(page.get_by_test_id("start-kind")).to_contain_text(world.org.name)
    expect(page.get_by_role("heading", name="Yrityksesi")).to_be_visible()
    customer_menu = nav_keys(page)
    assert "audit" not in customer_menu and "organizations" in customer_menu
    assert customer_menu != staff_menu
    # The other organization is not there, not even by typing its address.
    response = page.goto(f"{live_server.url}/organizations/{world.other_org.pk}/")
    assert response.status == 404


def test_employee_sees_the_smallest_menu(world, login, page):
    login(world.users[Role.EMPLOYEE])
    keys = nav_keys(page)
    assert "organizations" not in keys and "audit" not in keys and "parameters" not in keys


def test_language_switch(world, login, page, live_server):
    login(world.users[Role.MAIN_USER])
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    page.get_by_label("Kieli").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # The choice is kept on the user: a new session starts in English.
    page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="Kirjaudu sisään")).to_be_visible()
    page.get_by_label("Sähköposti").fill(world.users[Role.MAIN_USER].email)
    page.get_by_label("Salasana").fill("correct-horse-battery-9")
    page.get_by_role("button", name="Kirjaudu sisään").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    page.get_by_label("Language").select_option("fi")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")


def test_keyboard_reaches_the_content(world, login, page):
    login(world.users[Role.ACCOUNTANT])
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Siirry sisältöön")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))  # waits: the jump can lag under load
