"""Background tasks of the books: the year's archive package (tase.ledger.archive_builds)."""

from django.tasks import task


@task
def build_archive_task(build_id: int) -> str:
    """Write the package of a queued archive build; its state and progress are kept on the
    build's row, where the archive page and the API read them. Returns the final state."""
    from .archive_builds import run_build

    return run_build(build_id)
