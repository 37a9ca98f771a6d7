import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.models import Attachment, FiscalYear, Voucher

from .conftest import post, sale

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _users_in_english(world):
    """Messages are asserted as their English msgids."""
    for user in [*world.users.values(), *world.other_users.values()]:
        user.language = "en"
        user.save(update_fields=["language"])


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def posted(books, system):
    voucher = services.post_voucher(system, books, **sale())
    services.add_attachment(system, voucher, ("kuitti.pdf", PDF))
    return voucher


def pages(company, voucher):
    c = company.pk
    urls = [
        reverse("ledger:home", args=[c]),
        reverse("ledger:fiscal_years", args=[c]),
        reverse("ledger:accounts", args=[c]),
        reverse("ledger:account_lookup", args=[c]) + "?q=myy",
        reverse("ledger:voucher_list", args=[c]),
        reverse("ledger:voucher_detail", args=[c, voucher.pk]),
        reverse("ledger:attachment", args=[c, voucher.attachments.first().pk]),
    ]
    for kind in [
        "trial-balance",
        "income-statement",
        "balance-sheet",
        "general-ledger",
        "journal",
        "vat-return",
        "accounts",
    ]:
        urls.append(reverse("ledger:report", args=[c, kind]) + "?from=2026-01-01&to=2026-12-31")
    return urls


def test_pages_render(world, posted):
    client = world.client(Role.ACCOUNTANT)
    for url in pages(world.company, posted):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get(reverse("ledger:voucher_create", args=[world.company.pk])).status_code == 200
    assert client.get(reverse("ledger:index")).status_code == 302


def test_tenant_wall_pages(world, posted):
    client = world.client(Role.MAIN_USER, other=True)
    for url in pages(world.company, posted):
        assert client.get(url).status_code == 404, url


def test_viewer_cannot_post(world, posted):
    client = world.client(Role.VIEWER)
    assert client.get(reverse("ledger:voucher_list", args=[world.company.pk])).status_code == 200
    assert client.get(reverse("ledger:voucher_create", args=[world.company.pk])).status_code == 403


def test_drill_down_links(world, posted):
    client = world.client(Role.ACCOUNTANT)
    response = client.get(
        reverse("ledger:report", args=[world.company.pk, "income-statement"])
        + "?from=2026-01-01&to=2026-12-31"
    )
    assert 'data-drill="3000"' in response.content.decode()
    ledger = client.get(
        reverse("ledger:report", args=[world.company.pk, "general-ledger"])
        + "?account=3000&from=2026-01-01&to=2026-12-31"
    ).content.decode()
    assert reverse("ledger:voucher_detail", args=[world.company.pk, posted.pk]) in ledger
    detail = client.get(
        reverse("ledger:voucher_detail", args=[world.company.pk, posted.pk])
    ).content.decode()
    assert "kuitti.pdf" in detail


def test_enter_voucher_form(world, books):
    client = world.client(Role.ACCOUNTANT)
    url = reverse("ledger:voucher_create", args=[books.pk])
    data = {
        "date": "2026-05-05",
        "series": "ML",
        "description": "Lomakemyynti",
        "line_count": "6",
        "account_0": "1910 Pankkitili",
        "debit_0": "1 255,00",
        "account_1": "3000",
        "credit_1": "1255,00",
        "vat_1": "S",
        "action": "post",
        "attachments": SimpleUploadedFile("lasku.pdf", PDF),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    voucher = Voucher.objects.get(description="Lomakemyynti")
    assert voucher.entries.count() == 3 and voucher.attachments.count() == 1
    # Unbalanced: the form shows the error and nothing is written.
    data.update(description="Väärin", credit_1="1000", attachments=SimpleUploadedFile("x.pdf", PDF))
    response = client.post(url, data)
    assert response.status_code == 200 and "does not balance" in response.content.decode()
    assert not Voucher.objects.filter(description="Väärin").exists()
    # Copy from previous prefills the gross lines.
    copy = client.get(url + f"?copy={voucher.pk}").content.decode()
    assert 'value="1255.00"' in copy


def test_attachment_that_lies_about_its_type(world, posted):
    client = world.client(Role.ACCOUNTANT)
    response = client.post(
        reverse("ledger:voucher_action", args=[world.company.pk, posted.pk]),
        {"action": "attach", "attachments": SimpleUploadedFile("kuva.png", PDF)},
        follow=True,
    )
    assert "not what its name says" in response.content.decode()
    assert Attachment.objects.count() == 1


def test_reverse_button(world, posted):
    client = world.client(Role.ACCOUNTANT)
    response = client.post(
        reverse("ledger:voucher_action", args=[world.company.pk, posted.pk]),
        {"action": "reverse", "date": "2026-03-20"},
    )
    assert response.status_code == 302
    assert Voucher.objects.filter(reverses=posted).exists()


def test_report_downloads(world, posted):
    client = world.client(Role.VIEWER)
    base = (
        reverse("ledger:report", args=[world.company.pk, "trial-balance"])
        + "?from=2026-01-01&to=2026-12-31"
    )
    csv = client.get(base + "&format=csv")
    assert csv.content.decode().startswith("account,name,debit,credit,balance")
    pdf = client.get(
        reverse("ledger:report", args=[world.company.pk, "balance-sheet"]) + "?format=pdf"
    )
    assert pdf.content.startswith(b"%PDF")


def test_voucher_list_query_count(world, books, system, django_assert_max_num_queries):
    for day in range(1, 29):
        v = services.post_voucher(system, books, **sale("10.00", day=dt.date(2026, 2, day)))
        if day % 2:
            services.reverse_voucher(system, v, date=dt.date(2026, 3, day), description="r")
    client = world.client(Role.ACCOUNTANT)
    url = reverse("ledger:voucher_list", args=[books.pk])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200


def test_voucher_list_counts_attachments_once_when_filtered_by_account(world, books, system):
    voucher = services.post_voucher(
        system,
        books,
        date=dt.date(2026, 3, 15),
        series="ML",
        description="Kaksi kuluriviä",
        lines=[
            {"account": "4000", "debit": 3},
            {"account": "4000", "debit": 2},
            {"account": "1910", "credit": 5},
        ],
    )
    services.add_attachment(system, voucher, ("kuitti.pdf", PDF))
    client = world.client(Role.ACCOUNTANT)
    url = reverse("ledger:voucher_list", args=[books.pk])
    for query in ("", "?account=4000"):
        html = client.get(url + query).content.decode()
        row = html[html.index("Kaksi kuluriviä") :].split("</tr>")[0]
        assert row.endswith('<td class="num">1</td>'), row


def test_fiscal_year_and_lock_forms(world, books):
    client = world.client(Role.MAIN_USER)
    url = reverse("ledger:fiscal_years", args=[books.pk])
    assert (
        client.post(
            url, {"action": "create", "start": "2027-01-01", "end": "2027-12-31"}
        ).status_code
        == 302
    )
    # Locking asks once more: without the ticked box nothing is locked.
    response = client.post(url, {"action": "lock", "locked_month": "2026-01"})
    assert response.status_code == 200 and services.locked_until(books) is None
    assert "cannot be undone" in response.content.decode()
    lock = {"action": "lock", "confirm": "1"}
    assert client.post(url, {**lock, "locked_month": "2026-01"}).status_code == 302
    assert services.locked_until(books) == dt.date(2026, 1, 31)
    response = client.post(url, {**lock, "locked_month": "tammikuu"})
    assert response.status_code == 200 and services.locked_until(books) == dt.date(2026, 1, 31)
    response = client.post(url, {"action": "create", "start": "2029-01-01", "end": "2029-12-31"})
    assert response.status_code == 200 and "must start on" in response.content.decode()
    six_months = {"action": "create", "start": "2028-01-01", "end": "2028-06-30"}
    response = client.post(url, six_months)
    assert response.status_code == 200 and "12 months" in response.content.decode()
    assert client.post(url, {**six_months, "change_of_period": "1"}).status_code == 302
    assert books.fiscal_years.filter(end=dt.date(2028, 6, 30)).exists()


def test_accounts_page_actions(world, books):
    client = world.client(Role.ACCOUNTANT)
    url = reverse("ledger:accounts", args=[books.pk])
    client.post(
        url,
        {
            "action": "create",
            "number": "3001",
            "name_fi": "Myynti verkossa",
            "type": "revenue",
            "default_vat_code": "S",
        },
    )
    account = books.accounts.get(number="3001")
    assert account.income_statement_line == "IS.1"
    client.post(
        url,
        {
            "action": "rename",
            "account": account.pk,
            "name_fi": "Verkkomyynti",
            "name_en": "Online sales",
        },
    )
    client.post(url, {"action": "hide", "account": account.pk})
    account.refresh_from_db()
    assert account.name_fi == "Verkkomyynti" and account.hidden
    used = books.accounts.get(number="1910")
    services.post_voucher(world.actor(Role.ACCOUNTANT), books, **sale())
    response = client.post(url, {"action": "delete", "account": used.pk})
    assert "in use" in response.content.decode()


def test_vat_period_and_presets(world, books):
    client = world.client(Role.MAIN_USER)
    url = reverse("ledger:fiscal_years", args=[books.pk])
    assert client.post(url, {"action": "vat_period", "vat_period": "quarter"}).status_code == 302
    page = client.get(reverse("ledger:report", args=[books.pk, "vat-return"])).content.decode()
    assert page.count("?from=") >= 6


@pytest.mark.parametrize("kind", ["trial-balance", "journal", "general-ledger", "accounts"])
def test_report_pages_query_count(world, books, system, kind, django_assert_max_num_queries):
    for day in range(1, 25):
        services.post_voucher(system, books, **sale("10.00", day=dt.date(2026, 5, day)))
    client = world.client(Role.ACCOUNTANT)
    url = (
        reverse("ledger:report", args=[books.pk, kind])
        + "?from=2026-01-01&to=2026-12-31&account=1910"
    )
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_accounts_page_query_count(world, books, django_assert_max_num_queries):
    client = world.client(Role.ACCOUNTANT)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("ledger:accounts", args=[books.pk])).status_code == 200


def test_start_panel_and_post_tenant_wall(world, posted):
    page = world.client(Role.ACCOUNTANT).get("/").content.decode()
    assert 'data-testid="ledger-panel"' in page and world.company.name in page
    other = world.client(Role.MAIN_USER, other=True)
    response = other.post(
        reverse("ledger:voucher_action", args=[world.company.pk, posted.pk]),
        {"action": "reverse", "date": "2026-03-20"},
    )
    assert response.status_code == 404
    assert not Voucher.objects.filter(reverses=posted).exists()
    assert other.get("/").status_code == 200
    assert world.company.name not in other.get(reverse("ledger:index")).content.decode()


def test_closing_a_year_and_settling_vat_ask_once_more(world, books, posted):
    client = world.client(Role.MAIN_USER)
    year = books.fiscal_years.get()
    url = reverse("ledger:fiscal_years", args=[books.pk])
    page = client.get(url).content.decode()
    assert "the whole year locked" in page and 'name="confirm"' in page
    response = client.post(url, {"action": "close", "year": year.pk})
    assert response.status_code == 200 and "cannot be undone" in response.content.decode()
    year.refresh_from_db()
    assert year.is_open

    settle = reverse("ledger:vat_settle", args=[books.pk])
    period = {"from": "2026-03-01", "to": "2026-03-31"}
    report = client.get(
        reverse("ledger:report", args=[books.pk, "vat-return"]), period
    ).content.decode()
    assert 'data-testid="confirm-settle"' in report
    client.post(settle, period)
    assert services.locked_until(books) is None
    assert client.post(settle, {**period, "confirm": "1"}).status_code == 302
    assert services.locked_until(books) == dt.date(2026, 3, 31)


def test_ids_over_999_reach_forms_and_links_as_plain_digits(world, books):
    """A database with more than 999 rows gave `value="1 170"`: Django grouped every integer
    a template printed, ids included, and the form then named no fiscal year."""
    FiscalYear.objects.create(
        id=54321, company=books, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31)
    )
    html = world.client(Role.MAIN_USER).get(reverse("ledger:fiscal_years", args=[books.pk]))
    assert 'name="year" value="54321"' in html.content.decode()


@pytest.mark.parametrize("count", ["kuusi", "-4", "1000000000"])
def test_a_forged_line_count_is_bounded_not_a_server_error(world, books, count):
    """The voucher form's hidden line_count is the client's word: a word, a negative number or
    a billion gives the form back (or posts the lines it has), never a 500 or a billion loops."""
    client = world.client(Role.ACCOUNTANT)
    url = reverse("ledger:voucher_create", args=[books.pk])
    response = client.post(
        url,
        {
            "date": "2026-05-05",
            "series": "ML",
            "description": f"Rivimäärä {count}",
            "line_count": count,
            "account_0": "1910",
            "debit_0": "10,00",
            "account_1": "3000",
            "credit_1": "10,00",
            "action": "post",
        },
    )
    assert response.status_code in (200, 302)


def test_the_start_panel_names_the_last_posting_and_the_drafts_from_indexes(world, books, system):
    """The bookkeeping card tells the day of the newest posting and the drafts waiting, read
    from indexes: the same queries whatever the books hold."""
    client = world.client(Role.ACCOUNTANT)
    client.get("/")
    with CaptureQueriesContext(connection) as empty:
        page = client.get("/").content.decode()
    assert f'data-testid="last-posted-{books.pk}">nothing posted yet<' in page
    post(books, dt.date(2026, 3, 14), ("1910", "100.00"), ("3000", "-100.00"))
    post(books, dt.date(2026, 2, 1), ("1910", "50.00"), ("3000", "-50.00"))
    services.save_draft(system, books, **sale(day=dt.date(2026, 4, 2)))
    with CaptureQueriesContext(connection) as kept:
        page = client.get("/").content.decode()
    assert len(kept) == len(empty)
    assert f'data-testid="last-posted-{books.pk}">last posting 14.3.2026<' in page
    assert "1 draft<" in page
