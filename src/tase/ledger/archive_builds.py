"""The year's archive package built in the background (issue 17, item 7).

A large year's package takes minutes (about 3 at 100,000 vouchers with attachments), longer
than a proxy waits for a web request or a user for a page. So a page or an API call only starts
a build (:func:`start_build`): a row of :class:`~tase.ledger.models.ArchiveBuild` queued, and
the task :func:`tase.ledger.tasks.build_archive_task` queued once the row is committed. The
worker (``tase db_worker`` in production; at once in development and tests) writes the package
with :func:`tase.ledger.archive.build_archive` (:func:`run_build`), keeps its phase and counts
on the row as it goes, and stores the ZIP in the media storage under the company and the year
(``ledger/archives/<company>/<year start>/arkisto-<business id>-<year start>.zip``). The file
is never served from MEDIA_URL: the archive page and the API hand it out to users who may read
the company's books (:func:`ready_build`, :func:`download`).

One build at a time a fiscal year: a second start while one is queued or building answers with
that one (a partial unique constraint holds it in the database too). A build whose row has not
moved for :data:`STALLED_AFTER` has stopped (its worker died, or no worker runs): it is shown so,
and a new start replaces it. A finished build replaces the year's earlier packages (their files
are deleted): the newest package is the one to download.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tase.core import audit

from . import archive
from .models import ArchiveBuild, FiscalYear, Voucher
from .services.common import guard

logger = logging.getLogger(__name__)

# The row moves after every book part and every CHUNK vouchers (seconds apart); queued or
# building without a move for this long, the build is not running any more.
STALLED_AFTER = dt.timedelta(minutes=30)


def is_stalled(build: ArchiveBuild, now: dt.datetime | None = None) -> bool:
    moved = build.updated_at or build.created_at
    return (
        build.state in ArchiveBuild.ACTIVE
        and moved is not None
        and (now or timezone.now()) - moved > STALLED_AFTER
    )


def _year_of(actor, company, year: FiscalYear):
    company = guard(actor, company, "ledger.view")
    if year.company_id != company.pk:
        raise ValidationError({"fiscal_year": _("The fiscal year is not this company's.")})
    return company


def latest_build(company, year: FiscalYear) -> ArchiveBuild | None:
    """The year's newest build (running, ready or failed), or None."""
    return ArchiveBuild.objects.filter(company=company, fiscal_year=year).first()


def ready_build(company, year: FiscalYear) -> ArchiveBuild | None:
    """The year's newest finished package, or None."""
    return (
        ArchiveBuild.objects.filter(company=company, fiscal_year=year, state="ready")
        .exclude(file="")
        .first()
    )


def latest_builds(company) -> dict[int, ArchiveBuild]:
    """Each fiscal year's newest build, by the year's id (one query, for the archive page)."""
    found: dict[int, ArchiveBuild] = {}
    for build in ArchiveBuild.objects.filter(company=company).order_by("-created_at", "-pk"):
        found.setdefault(build.fiscal_year_id, build)
    return found


def ready_builds(company) -> dict[int, ArchiveBuild]:
    found: dict[int, ArchiveBuild] = {}
    for build in (
        ArchiveBuild.objects.filter(company=company, state="ready")
        .exclude(file="")
        .order_by("-created_at", "-pk")
    ):
        found.setdefault(build.fiscal_year_id, build)
    return found


def start_build(actor, company, year: FiscalYear) -> tuple[ArchiveBuild, bool]:
    """Queue a build of ``year``'s archive package for ``actor`` (who may read the books);
    returns ``(build, started)``. A build of the year already queued or building is returned
    instead (``started`` False); a stalled one is marked failed and replaced."""
    company = _year_of(actor, company, year)
    from .tasks import build_archive_task

    with transaction.atomic():
        # Starts of one year wait for each other here (PostgreSQL; SQLite's writes are serial).
        FiscalYear.objects.select_for_update().filter(pk=year.pk).first()
        running = ArchiveBuild.objects.filter(fiscal_year=year, state__in=ArchiveBuild.ACTIVE)
        running = running.first()
        if running is not None and not is_stalled(running):
            return running, False
        if running is not None:
            _mark_failed(running, _stopped_message())
        try:
            with transaction.atomic():
                build = ArchiveBuild.objects.create(
                    company=company,
                    fiscal_year=year,
                    requested_by=actor.user,
                    updated_at=timezone.now(),
                )
        except IntegrityError:  # another start of the year came first
            found = ArchiveBuild.objects.filter(fiscal_year=year, state__in=ArchiveBuild.ACTIVE)
            return found.get(), False
        pk = build.pk
        transaction.on_commit(lambda: build_archive_task.enqueue(pk))
    return build, True


def _stopped_message() -> str:
    with translation.override("fi"):
        return _(
            "The build stopped without finishing (no progress in %(minutes)d minutes); a new "
            "build was started."
        ) % {"minutes": STALLED_AFTER.seconds // 60}


def _mark_failed(build: ArchiveBuild, message: str) -> None:
    now = timezone.now()
    ArchiveBuild.objects.filter(pk=build.pk).update(
        state=ArchiveBuild.State.FAILED, message=message[:1000], finished_at=now, updated_at=now
    )


class _Superseded(Exception):
    """The build's row is no longer building (a newer start replaced it): stop."""


def _progress(build_pk: int):
    def report(phase: str, summary: archive.Summary) -> None:
        moved = ArchiveBuild.objects.filter(pk=build_pk, state="building").update(
            phase=phase,
            books_done=len(summary.books),
            vouchers_done=summary.vouchers,
            attachments=summary.attachments,
            updated_at=timezone.now(),
        )
        if not moved:
            raise _Superseded

    return report


def run_build(build_pk: int) -> str:
    """Write the package of a queued build (the task's body): the row goes building, then
    ready with the file in the media storage, or failed with a message in Finnish (the error
    logged). Returns the final state ("" when the build was no longer queued)."""
    with transaction.atomic():
        build = (
            ArchiveBuild.objects.select_for_update(of=("self",))
            .filter(pk=build_pk, state=ArchiveBuild.State.QUEUED)
            .select_related("company", "fiscal_year", "requested_by")
            .first()
        )
        if build is None:
            return ""
        now = timezone.now()
        build.state, build.started_at, build.updated_at = ArchiveBuild.State.BUILDING, now, now
        build.phase = ArchiveBuild.Phase.BOOKS
        build.vouchers_total = Voucher.objects.filter(
            company=build.company, fiscal_year=build.fiscal_year, state="posted"
        ).count()
        build.save(update_fields=["state", "started_at", "updated_at", "phase", "vouchers_total"])
    company, year = build.company, build.fiscal_year
    name = archive.archive_name(company, year)
    # On disk beside the uploads, so the file system storage moves it into place.
    upload = TemporaryUploadedFile(name, "application/zip", 0, None)
    try:
        with translation.override("fi"):
            try:
                summary = archive.build_archive(
                    _actor_of(build), company, year, upload.file, progress=_progress(build_pk)
                )
            except _Superseded:
                return ""
            except ValidationError as error:
                logger.warning("Archive build %s of %s refused: %s", build_pk, year, error)
                _mark_failed(build, " ".join(error.messages))
                return ArchiveBuild.State.FAILED
            except (Http404, PermissionDenied):
                logger.warning(
                    "Archive build %s of %s: its requester may not read it", build_pk, year
                )
                _mark_failed(
                    build, _("The user who started the build may no longer read these books.")
                )
                return ArchiveBuild.State.FAILED
            except Exception:
                logger.exception("Archive build %s of %s failed", build_pk, year)
                _mark_failed(
                    build,
                    _(
                        "An unexpected error stopped the build; it has been logged. Try again, "
                        "and if it fails again, contact support."
                    ),
                )
                return ArchiveBuild.State.FAILED
        upload.file.flush()
        upload.size = upload.file.tell()
        upload.file.seek(0)
        return _store(build, upload, summary)
    finally:
        upload.close()


def _store(build: ArchiveBuild, upload, summary: archive.Summary) -> str:
    with transaction.atomic():
        current = (
            ArchiveBuild.objects.select_for_update()
            .filter(pk=build.pk, state=ArchiveBuild.State.BUILDING)
            .first()
        )
        if current is None:
            return ""
        current.fiscal_year = build.fiscal_year
        current.file.save(upload.name, upload, save=False)
        now = timezone.now()
        current.state, current.phase = ArchiveBuild.State.READY, ""
        current.size = upload.size
        current.books_done, current.vouchers_done = len(summary.books), summary.vouchers
        current.attachments = summary.attachments
        current.finished_at = current.updated_at = now
        current.save()
        # The newest package replaces the year's earlier ones: their files go with them.
        older = ArchiveBuild.objects.filter(fiscal_year=build.fiscal_year_id).exclude(
            state__in=ArchiveBuild.ACTIVE
        )
        storage = current.file.storage
        for old in older.exclude(pk=current.pk):
            if old.file:
                transaction.on_commit(lambda name=old.file.name: storage.delete(name))
            old.delete()
    return ArchiveBuild.State.READY


def _actor_of(build: ArchiveBuild):
    from tase.core.access import Actor

    from .system import SystemActor

    return Actor.of(build.requested_by) if build.requested_by_id else SystemActor()


def download(actor, company, year: FiscalYear) -> FileResponse:
    """The year's newest finished package as a download (404 when there is none); who took
    the books and when stays in the audit trail."""
    company = _year_of(actor, company, year)
    build = ready_build(company, year)
    if build is None:
        raise Http404(_("No finished archive package of this fiscal year."))
    try:
        source = build.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("No finished archive package of this fiscal year.")) from None
    audit.record(
        actor.user,
        "download_archive",
        year,
        company=company,
        changes={"build": [None, build.pk], "size": [None, build.size]},
    )
    return FileResponse(
        source,
        as_attachment=True,
        filename=archive.archive_name(company, year),
        content_type="application/zip",
    )


def status(build: ArchiveBuild | None, ready: ArchiveBuild | None) -> dict:
    """What the page and the API show of a year: the newest build's state and progress, and
    the newest finished package (which stays downloadable while a new one is built)."""
    state = build.state if build is not None else "none"
    return {
        "state": state,
        "build_id": build.pk if build is not None else None,
        "phase": build.phase if build is not None else "",
        "books_done": build.books_done if build is not None else 0,
        "vouchers_done": build.vouchers_done if build is not None else 0,
        "vouchers_total": build.vouchers_total if build is not None else 0,
        "attachments": build.attachments if build is not None else 0,
        "message": build.message if build is not None else "",
        "stalled": build is not None and is_stalled(build),
        "created_at": build.created_at if build is not None else None,
        "started_at": build.started_at if build is not None else None,
        "finished_at": build.finished_at if build is not None else None,
        "ready": ready is not None,
        "ready_build_id": ready.pk if ready is not None else None,
        "ready_at": ready.finished_at if ready is not None else None,
        "size": ready.size if ready is not None else 0,
    }


def year_status(actor, company, year: FiscalYear) -> dict:
    company = _year_of(actor, company, year)
    return status(latest_build(company, year), ready_build(company, year))
