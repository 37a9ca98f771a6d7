"""An accountant of an organization that requires two-factor authentication signs in, is sent
to set up the authenticator, scans (types) its key, saves the recovery codes, and makes an API
token with chosen scopes without typing a code again (the one just entered is fresh)."""

import base64

from django_otp.oath import totp
from playwright.sync_api import expect

from tase.core import two_factor
from tase.core.roles import Role


def test_required_two_factor_setup_recovery_codes_and_a_token(world, page, live_server, password):
    two_factor.set_finance_requirement(world.actor(Role.MAIN_USER), world.org, True)
    user = world.users[Role.ACCOUNTANT]
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Sähköposti").fill(user.email)
    page.get_by_label("Salasana").fill(password)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url(f"{live_server.url}/account/2fa/setup/")
    expect(page.get_by_text("Roolisi edellyttää")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()

    secret = page.get_by_test_id("totp-secret").inner_text()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Sovelluksen koodi").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Vahvista").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="Olen tallentanut ne").click()
    expect(page.get_by_test_id("recovery-left")).to_contain_text("10")

    page.get_by_text("Luo tunniste", exact=True).first.click()  # opens the form
    page.locator("#token_name").fill("pankkiskripti")
    page.get_by_role("button", name="Luo tunniste").click()
    token = page.get_by_test_id("new-token")
    expect(token).to_contain_text("tase_")
    page.get_by_role("link", name="Takaisin omiin tietoihin").click()
    row = page.get_by_test_id("tokens").get_by_role("row", name="pankkiskripti")
    expect(row).to_contain_text("ledger:read")
