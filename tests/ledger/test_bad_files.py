"""Bad files never answer 500 and are refused before they cost the server: every one below
gets a clear message naming the line, the column or the limit, and nothing is written."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.formats import number_format

from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.models import Attachment, Voucher

pytestmark = pytest.mark.django_db

HEADER = "voucher,date,series,account,debit,credit,vat_code,text,cost_centre,project\n"


def _messages(error: ValidationError) -> str:
    return " ".join(m for ms in error.message_dict.values() for m in ms)


def _refused(system, books, data: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        services.import_vouchers(system, books, data)
    assert not Voucher.objects.exists()
    return _messages(error.value)


def test_an_amount_out_of_range_is_a_row_error(books, system):
    data = HEADER + "1,1.3.2026,ML,1910,1e30,,,,,\n1,1.3.2026,ML,3000,,1e30,,,,\n"
    message = _refused(system, books, data.encode())
    largest = number_format(999_999_999_999.99, 2, force_grouping=True)
    assert "Line 2" in message and "out of range" in message and largest in message


def test_the_largest_amount_still_posts(books, system):
    data = (
        HEADER
        + "1,1.3.2026,ML,1910,999999999999.99,,,,,\n1,1.3.2026,ML,3000,,999999999999.99,,,,\n"
    )
    assert services.import_vouchers(system, books, data.encode())["posted"] == 1


@pytest.mark.parametrize("junk", ["\x00", "\x1b", "\x7f"])
def test_a_control_character_in_a_text_refuses_its_row(books, system, junk):
    data = HEADER + f"1,1.3.2026,ML,1910,10,,,Myyn{junk}ti,,\n1,1.3.2026,ML,3000,,10,,,,\n"
    message = _refused(system, books, data.encode())
    assert "Line 2" in message and "column text" in message and "control character" in message


def test_a_voucher_of_more_than_32767_lines_is_refused(books, system):
    rows = ["1,1.3.2026,ML,1910,1,,,,,\n1,1.3.2026,ML,3000,,1,,,,\n" for _ in range(16_384)]
    message = _refused(system, books, (HEADER + "".join(rows)).encode())
    count, limit = (number_format(n, 0, force_grouping=True) for n in (32_768, 32_767))
    assert f"has {count} lines" in message and f"at most {limit}" in message
    assert "(line 2-32769)" in message  # the voucher's lines named, not listed one by one


def test_vat_lines_count_towards_the_limit(books, accountant):
    lines = [{"account": "3000", "credit": "1.24", "vat_code": "S"}] * 16_384
    lines.append({"account": "1910", "debit": str(1.24 * 16_384)})
    with pytest.raises(ValidationError) as error:
        services.post_voucher(
            accountant, books, date="2026-03-01", series="ML", description="x", lines=lines
        )
    assert number_format(32_767, 0, force_grouping=True) in _messages(error.value)


def test_an_oversized_voucher_file_is_refused_before_it_is_read(world, books, settings):
    settings.TASE_UPLOAD_LIMITS_MB = {"voucher_csv": 1, "opening_csv": 1}
    big = SimpleUploadedFile("iso.csv", (HEADER + "x" * 1_600_000).encode())
    client = world.client(Role.ACCOUNTANT)
    api = client.post(f"/api/v1/ledger/companies/{books.pk}/imports/vouchers", {"file": big})
    assert api.status_code == 422
    assert "iso.csv" in api.text and "1,5 M" in api.text and " 1 M" in api.text  # size, limit
    big.seek(0)
    page = client.post(reverse("ledger:import", args=[books.pk]), {"file": big})
    assert page.status_code == 200 and "1,5 M" in page.text and " 1 M" in page.text
    big.seek(0)
    opening = client.post(
        f"/api/v1/ledger/companies/{books.pk}/imports/opening-balances", {"file": big}
    )
    assert opening.status_code == 422 and "iso.csv" in opening.text
    assert not Voucher.objects.exists()


def test_a_bad_voucher_file_through_the_api_answers_422_not_500(world, books):
    data = HEADER + "1,1.3.2026,ML,1910,1e30,,,Myyn\x00ti,,\n"
    response = world.client(Role.ACCOUNTANT).post(
        f"/api/v1/ledger/companies/{books.pk}/imports/vouchers",
        {"file": SimpleUploadedFile("bad.csv", data.encode())},
    )
    # the API answers in the caller's language, Finnish by default (tase.formats.i18n)
    assert response.status_code == 422 and "ohjausmerkki (U+0000)" in response.text


def test_opening_balances_out_of_range_or_with_nul_are_row_errors(books, accountant):
    for row, expected in [
        ("1910;;;;1e30\n2250;;;;-1e30\n", "out of range"),
        ("1910;Pank\x00ki;;;10\n2250;;;;-10\n", "control character"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.import_opening_balances(
                accountant, books, ("account;name;debit;credit;balance\n" + row).encode()
            )
        message = _messages(error.value)
        assert "Line 2" in message and expected in message
    assert not Voucher.objects.exists()


def test_an_oversized_attachment_is_refused_with_its_limit(world, books, accountant, settings):
    settings.TASE_UPLOAD_LIMITS_MB = {"attachment": 1}
    voucher = services.post_voucher(
        accountant,
        books,
        date="2026-03-01",
        series="ML",
        description="Myynti",
        lines=[{"account": "1910", "debit": "1"}, {"account": "3000", "credit": "1"}],
    )
    big = SimpleUploadedFile("kuitti.pdf", b"%PDF-1.4\n" + b"x" * 1_600_000)
    response = world.client(Role.ACCOUNTANT).post(
        f"/api/v1/ledger/companies/{books.pk}/vouchers/{voucher.pk}/attachments", {"file": big}
    )
    assert response.status_code == 422 and "kuitti.pdf" in response.text
    assert "1,5 M" in response.text and " 1 M" in response.text  # the size and the limit
    assert not Attachment.objects.exists()
