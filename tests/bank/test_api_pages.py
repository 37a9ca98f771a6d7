"""The bank API and pages: import with the summary, the same file again, a foreign account
refused; lines posted, matched and ignored; tenant walls; list pages with bounded queries;
`tase bank import` prints the same summary."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tase.bank.models import Line, Statement
from tase.bank.sample import Payment, statement_xml
from tase.core.roles import Role

from .conftest import IBAN

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent.parent / "formats" / "data" / "camt" / "camt053_v02_fi.xml"
DAY = dt.date(2026, 3, 20)


def _upload(client, company, data: bytes, name="tiliote.xml"):
    return client.post(
        f"/api/v1/bank/companies/{company.pk}/statements",
        {"file": SimpleUploadedFile(name, data)},
    )


def test_import_answers_each_statement_with_its_entries_and_counts(world, books, invoice_of):
    invoice = invoice_of(12400)
    data = statement_xml(
        IBAN,
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        100000,
        [
            Payment(DAY, 12400, "Asiakas Oy", reference=invoice.reference),
            Payment(DAY, -4990, "Elisa Oyj"),
        ],
    )
    client = world.client(Role.ACCOUNTANT)
    response = _upload(client, books, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["imported"], body["already_imported"]) == (1, 0)
    assert (body["matched"], body["unmatched"]) == (1, 1)
    [statement] = body["statements"]
    assert statement["iban"] == IBAN
    assert (statement["from"], statement["to"]) == ("2026-03-01", "2026-03-31")
    assert (statement["opening_balance"], statement["closing_balance"]) == ("1000.00", "1074.10")
    paid, out = statement["entries"]
    # the user's language (Finnish) speaks in the API too
    assert paid["amount"] == "124.00" and paid["matched_to"] == f"Myyntilasku {invoice.number}"
    assert out["amount"] == "-49.90" and out["counterparty"] == "Elisa Oyj"
    assert out["status"] == "open" and set(out) >= {"date", "reference", "end_to_end_id"}

    again = _upload(client, books, data, name="again.xml")
    assert again.status_code == 200
    assert again.json()["statements"][0]["already_imported"] is True
    assert Statement.objects.count() == 1

    line = out["id"]
    base = f"/api/v1/bank/companies/{books.pk}/lines/{line}"
    response = client.post(f"{base}/post", {"account": "7700", "vat_code": "P"}, "application/json")
    assert response.status_code == 200 and response.json()["status"] == "posted"
    detail = client.get(f"/api/v1/bank/companies/{books.pk}/statements/{statement['id']}").json()
    assert detail["unmatched"] == 0


def test_a_statement_of_another_account_is_a_422_naming_it(world, books):
    data = statement_xml("FI5810171000000122", DAY, DAY, 0, [Payment(DAY, 100)])
    response = _upload(world.client(Role.ACCOUNTANT), books, data, name="muu.xml")
    assert response.status_code == 422
    assert "FI5810171000000122" in response.content.decode()
    assert not Statement.objects.exists()


def test_not_xml_is_a_422(world, books):
    response = _upload(world.client(Role.ACCOUNTANT), books, b"hello", name="x.txt")
    assert response.status_code == 422 and "x.txt" in response.content.decode()


def test_ignore_match_proposals_rules_settings_and_differences(world, books, invoice_of):
    client = world.client(Role.ACCOUNTANT)
    invoice = invoice_of(7000, name="Virtanen Ky")
    data = statement_xml(
        IBAN, DAY, DAY, 0, [Payment(DAY, 7000, "Virtanen Ky"), Payment(DAY, 5, "Pankki")]
    )
    first, second = _upload(client, books, data).json()["statements"][0]["entries"]
    base = f"/api/v1/bank/companies/{books.pk}"
    proposals = client.get(f"{base}/lines/{first['id']}/proposals").json()
    assert proposals["targets"][0]["target"] == f"sales.invoice:{invoice.pk}"
    matched = client.post(
        f"{base}/lines/{first['id']}/match",
        {"target": f"sales.invoice:{invoice.pk}"},
        "application/json",
    )
    assert matched.json()["status"] == "matched"
    ignored = client.post(f"{base}/lines/{second['id']}/ignore", {"reason": ""}, "application/json")
    assert ignored.status_code == 422
    ignored = client.post(
        f"{base}/lines/{second['id']}/ignore", {"reason": "korko"}, "application/json"
    )
    assert ignored.json()["status"] == "ignored"
    rule = client.post(
        f"{base}/rules",
        {"counterparty": "Elisa Oyj", "account": "7700", "vat_code": "P"},
        "application/json",
    )
    assert rule.status_code == 201
    assert client.get(f"{base}/rules").json()[0]["account"] == "7700"
    assert client.delete(f"{base}/rules/{rule.json()['id']}").status_code == 204
    settings = client.put(
        f"{base}/settings", {"write_off": "1.00", "write_off_account": "8900"}, "application/json"
    )
    assert settings.json() == {"write_off": "1.00", "write_off_account": "8900"}
    [difference] = client.get(f"{base}/balance-differences?on=2026-03-31").json()
    # the ignored 0.05 € is on the statement but not in the books
    assert difference["iban"] == IBAN and difference["difference"] == "-0.05"


def test_the_tenant_wall(world, books):
    data = statement_xml(IBAN, DAY, DAY, 0, [Payment(DAY, 100, "X")])
    mine = world.client(Role.ACCOUNTANT)
    statement = _upload(mine, books, data).json()["statements"][0]
    line = statement["entries"][0]["id"]
    other = world.client(Role.ACCOUNTANT, other=True)
    for url in (
        f"/api/v1/bank/companies/{books.pk}/statements/{statement['id']}",
        f"/api/v1/bank/companies/{books.pk}/lines/{line}/proposals",
        f"/bank/{books.pk}/",
        f"/bank/{books.pk}/statements/{statement['id']}/",
        f"/bank/{books.pk}/rules/",
    ):
        assert other.get(url).status_code == 404, url
    posted = other.post(
        f"/api/v1/bank/companies/{books.pk}/lines/{line}/ignore",
        {"reason": "x"},
        "application/json",
    )
    assert posted.status_code == 404
    # the other company's id in the URL does not reach this company's line either
    other_company = world.other_company
    assert (
        other.post(
            f"/api/v1/bank/companies/{other_company.pk}/lines/{line}/ignore",
            {"reason": "x"},
            "application/json",
        ).status_code
        == 404
    )
    assert Line.objects.get(pk=line).status == "open"
    assert _upload(other, books, data).status_code == 404


def test_a_viewer_sees_but_cannot_import(world, books):
    viewer = world.client(Role.VIEWER)
    assert viewer.get(f"/bank/{books.pk}/").status_code == 200
    assert _upload(viewer, books, SAMPLE.read_bytes()).status_code == 403


def test_pages_upload_list_detail_and_post_a_line(world, books):
    client = world.client(Role.ACCOUNTANT)
    response = client.post(
        f"/bank/{books.pk}/", {"file": SimpleUploadedFile("s.xml", SAMPLE.read_bytes())}
    )
    statement = Statement.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/statements/{statement.pk}/")
    page = client.get(response.url)
    assert page.status_code == 200 and b"Elisa Oyj" in page.content
    line = statement.lines.get(counterparty="Elisa Oyj")
    posted = client.post(
        response.url, {"line": line.pk, "action": "post", "account": "7700", "vat_code": "P"}
    )
    assert posted.status_code == 302
    line.refresh_from_db()
    assert line.status == "posted"
    bad = client.post(response.url, {"line": line.pk, "action": "ignore", "reason": "x"})
    assert "Tapahtuman tila on jo: Kirjattu." in bad.content.decode()
    refused = client.post(f"/bank/{books.pk}/", {"file": SimpleUploadedFile("b.xml", b"<x/>")})
    assert "Ei camt.053- tai camt.054-tiliotetta" in refused.content.decode()  # in Finnish
    rules = client.post(
        f"/bank/{books.pk}/rules/", {"action": "create", "counterparty": "Elisa", "account": "7700"}
    )
    assert rules.status_code == 302
    assert b"Elisa" in client.get(f"/bank/{books.pk}/rules/").content


def _statements(company, count):
    for n in range(count):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=n)
        data = statement_xml(IBAN, day, day, 0, [Payment(day, 100 + n, "X")], number=n + 1)
        from tase.bank import services
        from tase.ledger.system import SystemActor

        services.import_statements(SystemActor(), company, data)


def test_list_and_detail_queries_do_not_grow(world, books, django_assert_max_num_queries):
    client = world.client(Role.ACCOUNTANT)
    _statements(books, 2)
    with django_assert_max_num_queries(40) as few:
        client.get(f"/bank/{books.pk}/")
    _statements(books, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/bank/{books.pk}/").status_code == 200
    statement = Statement.objects.order_by("pk").first()
    with django_assert_max_num_queries(40) as detail:
        client.get(f"/bank/{books.pk}/statements/{statement.pk}/")
    from tase.bank import services
    from tase.ledger.system import SystemActor

    many = statement_xml(IBAN, DAY, DAY, 0, [Payment(DAY, 100 + n, f"P{n}") for n in range(30)])
    [big] = services.import_statements(SystemActor(), books, many)
    with django_assert_max_num_queries(len(detail.captured_queries)):
        client.get(f"/bank/{books.pk}/statements/{big.statement.pk}/")
    with django_assert_max_num_queries(12):
        client.get(f"/api/v1/bank/companies/{books.pk}/statements")


def test_the_command_prints_the_same_summary(books, tmp_path):
    path = tmp_path / "tiliote.xml"
    path.write_bytes(SAMPLE.read_bytes())
    out, err = io.StringIO(), io.StringIO()
    call_command("bank", "import", str(path), "--company", str(books.pk), stdout=out, stderr=err)
    header, row = out.getvalue().splitlines()[:2]
    assert header.split("\t")[:5] == ["iban", "from", "to", "opening", "closing"]
    assert row.split("\t") == [
        IBAN,
        "2026-03-01",
        "2026-03-31",
        "10000.00",
        "9111.17",
        "5",
        "0",
        "5",
        "yes",
    ]
    assert "not booked" in err.getvalue()
    out = io.StringIO()
    call_command("bank", "import", str(path), "--company", str(books.pk), "--entries", stdout=out)
    assert "already imported" in out.getvalue() and "Elisa Oyj" in out.getvalue()
    with pytest.raises(CommandError, match="not a bank account"):
        other = tmp_path / "other.xml"
        other.write_bytes(statement_xml("FI5810171000000122", DAY, DAY, 0, []))
        call_command("bank", "import", str(other), "--company", str(books.pk))
