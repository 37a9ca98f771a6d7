"""The year's archive package built in the background (issue 17, item 7): the page and the API
start a build, show its state and hand out the finished file; the tenant wall answers 404; a
second start finds the running build; a failure is kept with a Finnish message and logged."""

import datetime as dt
import io
import json
import logging
import zipfile
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger import archive, archive_builds, services
from tase.ledger.models import ArchiveBuild, Attachment, FiscalYear
from tase.ledger.tasks import build_archive_task

from .conftest import sale

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = None


def _post(system, company, n):
    for i in range(1, n + 1):
        services.post_voucher(
            system,
            company,
            **sale(amount=f"{100 + i}.00", day=dt.date(2026, 1 + i % 12, 10)),
            attachments=[(f"kuitti {i}.pdf", PDF + str(i).encode())],
        )


def _year(company):
    return FiscalYear.objects.get(company=company, start=dt.date(2026, 1, 1))


class Page:
    """The archive page's addresses: start (POST), state (GET, the polled cell), file."""

    name = "page"

    def __init__(self, company, year):
        self.base = f"/ledger/{company.pk}/archive/{year.pk}/"

    def start(self, client):
        return client.post(self.base + "build/")

    def state(self, client):
        return client.get(self.base + "state/")

    def file(self, client):
        return client.get(self.base)

    @staticmethod
    def state_of(response) -> str:
        html = response.content.decode()
        return html.split('data-state="', 1)[1].split('"', 1)[0]


class Api:
    name = "api"

    def __init__(self, company, year):
        self.base = f"/api/v1/ledger/companies/{company.pk}/fiscal-years/{year.pk}/archive"

    def start(self, client):
        return client.post(self.base + "/build")

    def state(self, client):
        return client.get(self.base + "/build")

    def file(self, client):
        return client.get(self.base)

    @staticmethod
    def state_of(response) -> str:
        return response.json()["state"]


SIDES = [Page, Api]


@pytest.mark.parametrize("side", SIDES, ids=lambda s: s.name)
def test_start_builds_in_the_background_then_the_file_downloads(
    side, world, system, books, django_capture_on_commit_callbacks
):
    """The tasks backend of tests runs the task at once, when the start commits."""
    _post(system, books, 3)
    year = _year(books)
    ends = side(books, year)
    client = world.client(Role.ACCOUNTANT)
    assert side.state_of(ends.state(client)) == "none"
    assert ends.file(client).status_code == 404
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        started = ends.start(client)
    assert len(callbacks) == 1
    assert started.status_code == (302 if side is Page else 202)
    assert side.state_of(ends.state(client)) == "ready"

    build = ArchiveBuild.objects.get(fiscal_year=year)
    assert build.state == "ready" and build.vouchers_done == build.vouchers_total == 3
    assert build.attachments == 3 and build.books_done == len(archive.BOOKS)
    assert build.requested_by == world.users[Role.ACCOUNTANT]
    # Stored in the media storage with the company and the year in its name.
    assert build.file.name.startswith(f"ledger/archives/{books.pk}/20260101/arkisto-")
    assert books.business_id in Path(build.file.name).name
    assert build.size == Path(build.file.path).stat().st_size > 0

    download = ends.file(client)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert archive.archive_name(books, year) in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    index = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("index.json"))
    assert index["voucher_count"] == 3 and index["attachment_count"] == 3
    assert AuditEvent.objects.filter(action="export_archive", company=books).count() == 1
    assert AuditEvent.objects.get(action="download_archive", company=books).changes["build"] == [
        None,
        build.pk,
    ]


@pytest.mark.parametrize("side", SIDES, ids=lambda s: s.name)
def test_tenant_wall_answers_404_on_the_start_the_state_and_the_file(
    side, world, system, books, django_capture_on_commit_callbacks
):
    _post(system, books, 1)
    year = _year(books)
    with django_capture_on_commit_callbacks(execute=True):
        archive_builds.start_build(system, books, year)
    assert archive_builds.ready_build(books, year) is not None
    ends = side(books, year)
    other = world.client(Role.ACCOUNTANT, other=True)
    assert ends.state(other).status_code == 404
    assert ends.file(other).status_code == 404
    assert ends.start(other).status_code == 404
    assert ArchiveBuild.objects.count() == 1
    # The other organization's own company with this year's id, and this company with theirs.
    services.apply_chart(system, world.other_company, "limited-company")
    their = services.create_fiscal_year(
        system, world.other_company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    assert side(world.other_company, year).file(other).status_code == 404
    assert side(world.other_company, year).state(other).status_code == 404
    crossed = side(books, their)
    assert crossed.file(world.client(Role.ACCOUNTANT)).status_code == 404
    assert crossed.state(world.client(Role.ACCOUNTANT)).status_code == 404
    # Inside the organization, a role that may not read the books is refused.
    clerk = world.client(Role.PAYROLL_CLERK)
    assert ends.file(clerk).status_code in (403, 404)
    assert ends.state(clerk).status_code in (403, 404)
    # A viewer may read the books, so the package too.
    assert ends.file(world.client(Role.VIEWER)).status_code == 200


@pytest.mark.parametrize("side", SIDES, ids=lambda s: s.name)
def test_a_second_start_answers_with_the_running_build(side, world, system, books):
    """No callbacks run: the build stays queued, as it does until the worker takes it."""
    _post(system, books, 1)
    year = _year(books)
    first, started = archive_builds.start_build(system, books, year)
    assert started and first.state == "queued"
    ends = side(books, year)
    client = world.client(Role.ACCOUNTANT)
    again = ends.start(client)
    if side is Api:
        assert again.status_code == 200
        assert again.json()["build_id"] == first.pk and again.json()["state"] == "queued"
    else:
        assert again.status_code == 302
        page = client.get(f"/ledger/{books.pk}/archive/").content.decode()
        assert "muodostetaan jo" in page and "Jonossa" in page  # the page speaks Finnish
        assert f'data-testid="archive-state-{year.pk}" data-state="queued"' in page
        assert "hx-get" in page  # the cell polls its state
    assert side.state_of(ends.state(client)) == "queued"
    assert ArchiveBuild.objects.filter(fiscal_year=year).count() == 1
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ArchiveBuild.objects.create(company=books, fiscal_year=year, state="building")


def test_a_stalled_build_is_shown_and_replaced_by_a_new_start(system, books, world):
    year = _year(books)
    stuck, _started = archive_builds.start_build(system, books, year)
    ArchiveBuild.objects.filter(pk=stuck.pk).update(
        state="building", updated_at=timezone.now() - dt.timedelta(hours=1)
    )
    client = world.client(Role.ACCOUNTANT)
    state = client.get(f"/api/v1/ledger/companies/{books.pk}/fiscal-years/{year.pk}/archive/build")
    assert state.json()["stalled"] is True
    assert "pysähtynyt" in client.get(f"/ledger/{books.pk}/archive/").content.decode()
    fresh, started = archive_builds.start_build(system, books, year)
    assert started and fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.state == "failed" and "pysähtyi" in stuck.message


def test_the_task_runs_immediately_in_tests_and_the_worker_skips_a_taken_build(system, books):
    """The tasks framework's backend in tests runs the task when it is enqueued."""
    _post(system, books, 2)
    year = _year(books)
    build, _started = archive_builds.start_build(system, books, year)  # callback not run
    result = build_archive_task.enqueue(build.pk)
    assert result.return_value == "ready"
    build.refresh_from_db()
    assert build.state == "ready" and build.file
    # Enqueued twice (a retried job): the second finds it no longer queued and does nothing.
    assert build_archive_task.enqueue(build.pk).return_value == ""


def test_a_build_error_marks_the_state_failed_in_finnish_and_logs(
    system, books, world, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    _post(system, books, 1)
    year = _year(books)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(archive, "build_archive", broken)
    with (
        caplog.at_level(logging.ERROR, logger="tase.ledger.archive_builds"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        build, _started = archive_builds.start_build(system, books, year)
    build.refresh_from_db()
    assert build.state == "failed" and not build.file and build.finished_at
    assert build.message.startswith("Odottamaton virhe")
    assert "disk on fire" not in build.message
    assert any("disk on fire" in r.exc_text for r in caplog.records if r.exc_text)
    # No half-written file is left in the media storage.
    assert not list((Path(build.file.storage.location) / "ledger" / "archives").rglob("*.zip"))
    client = world.client(Role.ACCOUNTANT)
    api = f"/api/v1/ledger/companies/{books.pk}/fiscal-years/{year.pk}/archive"
    state = client.get(api + "/build").json()
    assert state["state"] == "failed" and state["message"] == build.message
    assert state["ready"] is False
    assert client.get(api).status_code == 404
    page = client.get(f"/ledger/{books.pk}/archive/").content.decode()
    assert f'data-testid="archive-failed-{year.pk}"' in page and build.message in page
    # A new start after a failure builds again.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again, started = archive_builds.start_build(system, books, year)
    again.refresh_from_db()
    assert started and again.state == "ready"
    assert not ArchiveBuild.objects.filter(pk=build.pk).exists()  # replaced


def test_a_refused_package_keeps_the_reason_naming_the_voucher(
    system, books, caplog, django_capture_on_commit_callbacks
):
    _post(system, books, 1)
    attachment = Attachment.objects.get()
    with open(attachment.file.path, "ab") as changed:
        changed.write(b"tampered")
    with (
        caplog.at_level(logging.WARNING, logger="tase.ledger.archive_builds"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        build, _started = archive_builds.start_build(system, books, _year(books))
    build.refresh_from_db()
    assert build.state == "failed"
    assert "ML 1" in build.message and "SHA-256" in build.message
    assert "Tosite" in build.message  # in Finnish
    assert any("refused" in r.getMessage() for r in caplog.records)


def test_a_new_package_replaces_the_years_earlier_file(
    system, books, django_capture_on_commit_callbacks
):
    _post(system, books, 1)
    year = _year(books)
    with django_capture_on_commit_callbacks(execute=True):
        first, _started = archive_builds.start_build(system, books, year)
    first.refresh_from_db()
    old_path = Path(first.file.path)
    assert old_path.exists()
    _post(system, books, 1)
    with django_capture_on_commit_callbacks(execute=True):
        second, _started = archive_builds.start_build(system, books, year)
    second.refresh_from_db()
    assert second.state == "ready" and second.vouchers_total == 2
    assert not old_path.exists() and Path(second.file.path).exists()
    assert list(ArchiveBuild.objects.values_list("pk", flat=True)) == [second.pk]


def test_progress_is_kept_on_the_row_while_building(system, books, monkeypatch):
    """The row moves after each book part and each chunk of vouchers."""
    monkeypatch.setattr(archive, "CHUNK", 2)
    _post(system, books, 5)
    year = _year(books)
    build, _started = archive_builds.start_build(system, books, year)
    seen = []
    report = archive_builds._progress

    def watching(pk):
        inner = report(pk)

        def record(phase, summary):
            inner(phase, summary)
            row = ArchiveBuild.objects.get(pk=pk)
            seen.append((row.state, row.phase, row.books_done, row.vouchers_done))

        return record

    monkeypatch.setattr(archive_builds, "_progress", watching)
    assert archive_builds.run_build(build.pk) == "ready"
    assert seen[0] == ("building", "books", 1, 0)
    assert ("building", "vouchers", len(archive.BOOKS), 4) in seen
    assert seen[-1] == ("building", "index", len(archive.BOOKS), 5)


def test_a_superseded_build_stops_at_its_next_step(system, books, monkeypatch):
    _post(system, books, 1)
    year = _year(books)
    build, _started = archive_builds.start_build(system, books, year)
    report = archive_builds._progress

    def superseded(pk):
        inner = report(pk)

        def record(phase, summary):
            ArchiveBuild.objects.filter(pk=pk).update(state="failed")
            inner(phase, summary)

        return record

    monkeypatch.setattr(archive_builds, "_progress", superseded)
    assert archive_builds.run_build(build.pk) == ""
    build.refresh_from_db()
    assert build.state == "failed" and not build.file


def test_page_lists_the_years_with_the_retention_and_a_build_button(world, system, books):
    year = _year(books)
    client = world.client(Role.ACCOUNTANT)
    page = client.get(f"/ledger/{books.pk}/archive/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-testid="archive-{year.pk}"' in html and "31.12.2036" in html
    assert 'data-testid="archive-link"' in html
    assert f'action="/ledger/{books.pk}/archive/{year.pk}/build/"' in html
    assert f'data-testid="archive-download-{year.pk}"' not in html
    assert client.get(f"/ledger/{books.pk}/archive/{year.pk}/build/").status_code == 405
    other = world.client(Role.ACCOUNTANT, other=True)
    assert other.get(f"/ledger/{books.pk}/archive/").status_code == 404
