"""A large pay run is calculated in the background with its progress on the pay run row: a
transaction per chunk of employees, one progress write per chunk, visible to any process on
SQLite and PostgreSQL alike (no cache involved)."""

import datetime as dt

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tase.core.roles import Role
from tase.payroll import services, views
from tase.payroll.models import Employee, PayRun, Payslip
from tase.payroll.services import calculation

from .factories import employee, pay_run


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(calculation, "CHUNK", 2)
    monkeypatch.setattr(views, "BACKGROUND_FROM", 1)


def _run_with(clerk, world, count):
    for n in range(count):
        employee(clerk, world.company, last_name=f"B{n}")
    return pay_run(clerk, world.company)


def test_page_starts_the_background_calculation_and_shows_its_end(
    world, clerk, small_chunks, django_capture_on_commit_callbacks
):
    run = _run_with(clerk, world, 3)
    client = world.client(Role.PAYROLL_CLERK)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/payroll/runs/{run.pk}/calculate/")
    run.refresh_from_db()
    assert Payslip.objects.filter(pay_run=run).count() == 3
    assert (run.progress_state, run.progress_done, run.progress_total) == ("done", 3, 3)
    assert run.stale is False and run.calculated_at is not None
    response = client.get(f"/payroll/runs/{run.pk}/progress/")
    assert response.headers["HX-Refresh"] == "true"


def test_progress_is_written_once_per_chunk_not_per_employee(world, clerk, small_chunks):
    run = _run_with(clerk, world, 5)
    token = services.start_calculation(clerk, run)
    with CaptureQueriesContext(connections["default"]) as queries:
        assert services.calculate_in_background(clerk, run.pk, token) == 5
    updates = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "payroll_payrun" in q["sql"].split("SET")[0]
    ]
    # start, one per chunk (3 chunks of at most 2), end: 5 updates for 5 employees; 10 or
    # 10,000 employees in chunks of 500 would be 2 + 20.
    assert len(updates) == 2 + 3
    assert sum("progress_done" in sql for sql in updates) == 5


@pytest.mark.django_db(transaction=True)
def test_another_connection_sees_the_bar_move(world, clerk, small_chunks, monkeypatch):
    from tase.payroll import tasks

    # Committed at once here, so the immediate task backend would run it before we look.
    class Queue:
        enqueue = staticmethod(lambda *args: None)

    monkeypatch.setattr(tasks, "calculate_pay_run_task", Queue)
    run = _run_with(clerk, world, 5)
    token = services.start_calculation(clerk, run)
    seen = []

    def look(run_pk):
        # What another process polling the page would read: a separate connection.
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT progress_state, progress_done, progress_total FROM payroll_payrun "
                    "WHERE id = %s",
                    [run_pk],
                )
                seen.append(tuple(cursor.fetchone()))
        finally:
            other.close()

    services.calculate_in_background(clerk, run.pk, token, after_chunk=look)
    assert seen == [("running", 2, 5), ("running", 4, 5), ("running", 5, 5)]
    run.refresh_from_db()
    assert run.progress_state == "done" and not run.stale


def test_the_running_bar_and_a_failure_on_the_page(world, clerk, small_chunks):
    run = _run_with(clerk, world, 3)
    employee(clerk, world.company, last_name="Myöhään", start=dt.date(2026, 6, 1))
    run.employees.set(Employee.objects.filter(company=world.company))
    client = world.client(Role.PAYROLL_CLERK)
    token = services.start_calculation(clerk, run)
    page = client.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert 'data-testid="calculation-progress"' in page
    bar = client.get(f"/payroll/runs/{run.pk}/progress/")
    assert "HX-Refresh" not in bar.headers and b"<progress" in bar.content

    assert services.calculate_in_background(clerk, run.pk, token) == 0
    run.refresh_from_db()
    assert run.progress_state == "error" and "Myöhään" in run.progress_message
    assert not Payslip.objects.filter(pay_run=run).exists() and run.stale
    assert client.get(f"/payroll/runs/{run.pk}/progress/").headers["HX-Refresh"] == "true"
    page = client.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert "Myöhään" in page and 'role="alert"' in page


def test_a_newer_calculation_supersedes_an_older_one(world, clerk, small_chunks):
    run = _run_with(clerk, world, 3)
    old = services.start_calculation(clerk, run)
    new = services.start_calculation(clerk, run)
    assert services.calculate_in_background(clerk, run.pk, old) == 0
    assert not Payslip.objects.filter(pay_run=run).exists()
    assert services.calculate_in_background(clerk, run.pk, new) == 3
    # A calculation in the foreground also supersedes a background one.
    stale = services.start_calculation(clerk, run)
    services.calculate_pay_run(clerk, run)
    assert services.calculate_in_background(clerk, run.pk, stale) == 0
    assert Payslip.objects.filter(pay_run=run).count() == 3


def test_an_edit_during_the_calculation_leaves_the_run_stale(world, clerk, small_chunks):
    run = _run_with(clerk, world, 3)
    first = run.employees.order_by("last_name").first()
    token = services.start_calculation(clerk, run)

    def edit(run_pk):
        if not PayRun.objects.get(pk=run_pk).revision:
            services.add_item(clerk, run, first, wage_type="bonus", amount="100")

    services.calculate_in_background(clerk, run.pk, token, after_chunk=edit)
    run.refresh_from_db()
    assert run.progress_state == "done" and run.stale  # approval asks for a new calculation


def test_a_calculation_whose_worker_stopped_shows_as_stalled(world, clerk, small_chunks):
    """The task was queued but nothing moved the bar for STALLED_AFTER: the page stops
    polling and says to calculate again; the API says so too; a new start clears it."""
    run = _run_with(clerk, world, 3)
    services.start_calculation(clerk, run)
    client = world.client(Role.PAYROLL_CLERK)
    assert not client.get(f"/api/v1/payroll/pay-runs/{run.pk}").json()["progress_stalled"]
    assert "HX-Refresh" not in client.get(f"/payroll/runs/{run.pk}/progress/").headers

    PayRun.objects.filter(pk=run.pk).update(
        progress_updated_at=timezone.now() - PayRun.STALLED_AFTER - dt.timedelta(seconds=1)
    )
    assert client.get(f"/payroll/runs/{run.pk}/progress/").headers["HX-Refresh"] == "true"
    page = client.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert 'data-testid="calculation-stalled"' in page
    assert 'data-testid="calculation-progress"' not in page
    assert client.get(f"/api/v1/payroll/pay-runs/{run.pk}").json()["progress_stalled"]

    token = services.start_calculation(clerk, run)
    run.refresh_from_db()
    assert not run.calculation_stalled
    assert services.calculate_in_background(clerk, run.pk, token) == 3
