"""Browser: a customer files a service request, a specialist answers it with a public reply
and an internal note, and the customer sees only the reply."""

import re

from playwright.sync_api import expect

from tase.core.roles import Role
from tase.support.models import ServiceRequest

NOTE = "Sisäinen: asiakkaalla vanha versio"
REPLY = "Kokeile päivittää selain, niin laskelma korjautuu."


def test_customer_sees_the_reply_but_not_the_internal_note(world, page, live_server, login):
    customer = world.users[Role.MAIN_USER]
    specialist = world.users[Role.SUPPORT_SPECIALIST]

    login(customer)
    page.goto(f"{live_server.url}/support/requests/new/")
    page.get_by_label("Aihealue").select_option("bookkeeping")
    page.get_by_label("Otsikko").fill("Alv-laskelma näyttää väärää kantaa")
    page.get_by_label("Kuvaus").fill("Syyskuun myynneissä näkyy 24 %.")
    page.get_by_role("button", name="Lähetä").click()
    page.wait_for_url(re.compile(r"/support/requests/\d+/$"))
    expect(page.get_by_test_id("request-status")).to_have_text("Uusi")
    request = ServiceRequest.objects.get()
    detail = f"{live_server.url}/support/requests/{request.pk}/"

    page.context.clear_cookies()
    login(specialist)
    page.goto(detail)
    page.get_by_role("textbox", name="Viesti").fill(REPLY)
    page.get_by_role("button", name="Lähetä").click()
    expect(page.get_by_test_id("reply")).to_contain_text(REPLY)
    page.get_by_role("textbox", name="Viesti").fill(NOTE)
    page.get_by_label("Sisäinen muistiinpano (vain henkilöstölle)").check()
    page.get_by_role("button", name="Lähetä").click()
    expect(page.get_by_test_id("internal-note")).to_contain_text(NOTE)

    page.context.clear_cookies()
    login(customer)
    page.goto(detail)
    expect(page.get_by_test_id("reply")).to_contain_text(REPLY)
    expect(page.get_by_test_id("internal-note")).to_have_count(0)
    expect(page.get_by_text(NOTE)).to_have_count(0)
    expect(page.get_by_test_id("request-status")).to_have_text("Käsittelyssä")
