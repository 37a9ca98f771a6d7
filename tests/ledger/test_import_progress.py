"""The voucher import reports its progress: to the service's callback, and to the page."""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tase.core.roles import Role
from tase.ledger import services

pytestmark = pytest.mark.django_db

HEADER = "voucher,date,series,account,debit,credit,vat_code,text,cost_centre,project\n"


def _file(count: int) -> bytes:
    rows = "".join(
        f"{n},2026-03-{n % 28 + 1:02d},MU,1910,{n},,,,,\n{n},2026-03-{n % 28 + 1:02d},MU,1700,,{n},,,,\n"
        for n in range(1, count + 1)
    )
    return (HEADER + rows).encode()


def test_the_callback_hears_lines_read_every_batch(books, system):
    heard = []
    services.import_vouchers(system, books, _file(2500), progress=lambda *a: heard.append(a))
    # Two lines a voucher: every 1,000 vouchers 2,000 more lines; then the end.
    assert heard == [
        ("importing", 2000, 5000),
        ("importing", 4000, 5000),
        ("importing", 5000, 5000),
    ]


def test_the_page_polls_the_progress_of_its_own_import(world, books):
    client = world.client(Role.ACCOUNTANT)
    page = client.get(reverse("ledger:import", args=[books.pk])).content.decode()
    token = re.search(r'name="progress_key" value="([0-9a-f]{32})"', page).group(1)
    progress_url = reverse("ledger:import_progress", args=[books.pk, token])
    assert f'data-import-progress="{progress_url}"' in page
    assert client.get(progress_url).json() == {}
    response = client.post(
        reverse("ledger:import", args=[books.pk]),
        {"kind": "vouchers", "progress_key": token, "file": io.BytesIO(_file(3))},
    )
    assert response.status_code == 302
    assert client.get(progress_url).json() == {"stage": "importing", "done": 6, "total": 6}
    # Another user, even of the same company, does not see it; a made-up token is not a key.
    assert world.client(Role.MAIN_USER).get(progress_url).json() == {}
    assert world.client(Role.MAIN_USER, other=True).get(progress_url).status_code == 404
    bad = reverse("ledger:import_progress", args=[books.pk, "not-a-token"])
    assert client.get(bad).status_code == 404
    cache.clear()


def test_an_upload_kept_on_disk_is_streamed(world, books, settings):
    """Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE are temporary files; the import reads them
    as a stream, as it does the in-memory ones."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    response = world.client(Role.ACCOUNTANT).post(
        reverse("ledger:import", args=[books.pk]),
        {"kind": "vouchers", "file": io.BytesIO(_file(5).replace(b"\n", b"\r\n"))},
    )
    assert response.status_code == 302
    assert books.vouchers.count() == 5


def test_a_file_of_many_bad_rows_lists_the_first_200_on_the_page(world, books):
    rows = "".join(f"{n},2026-03-01,MU,1910,abc,,,,,\n" for n in range(1, 251))
    response = world.client(Role.ACCOUNTANT).post(
        reverse("ledger:import", args=[books.pk]),
        {"kind": "vouchers", "file": io.BytesIO((HEADER + rows).encode())},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rivi 201:" in page and "Rivi 202:" not in page
    assert "50 muuta virhettä" in page
    assert not books.vouchers.exists()
