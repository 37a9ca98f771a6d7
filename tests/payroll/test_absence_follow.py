"""Draft pay runs follow an absence that a correction run finally changes or removes (issue
11): a draft with lines made from the absence has them made again from the absence as it now
is (the clerk's own lines stay) and says so; a draft the absence reaches without lines from
it is left as it is, warned, with one click to make its lines again, and is approved only
with the approver's confirmation. Page and API side by side."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import PayItem, PayRun

from .factories import employee, pay_run

APRIL_PAY = dt.date(2026, 4, 30)


def _record(clerk, worker, start, end):
    return services.record_absence(clerk, worker, kind="sick", start_date=start, end_date=end)


def _march(clerk, company, workers):
    run = pay_run(clerk, company, dt.date(2026, 3, 31), employees=workers)
    services.absence_lines(clerk, run)
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def _april_draft(clerk, company, workers, lines=True):
    run = pay_run(clerk, company, APRIL_PAY, employees=workers)
    if lines:
        services.absence_lines(clerk, run)
    return run


def _approve_all(clerk, runs):
    for run in runs:
        services.calculate_pay_run(clerk, run)
        services.approve_pay_run(clerk, run)


def _from(run, absence_pk):
    return list(
        PayItem.objects.filter(pay_run=run, source=f"absence:{absence_pk}").values_list(
            "wage_type", "amount_cents"
        )
    )


def _page(world, run) -> str:
    return world.client(Role.PAYROLL_CLERK).get(f"/payroll/runs/{run.pk}/").content.decode()


def _api(world, run) -> dict:
    answer = world.client(Role.PAYROLL_CLERK).get(f"/api/v1/payroll/pay-runs/{run.pk}")
    assert answer.status_code == 200
    return answer.json()


def test_a_draft_with_lines_from_the_changed_absence_has_them_made_again(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    # Sick 16.3.-17.4.: the days after the employer's sick pay period are unpaid, so the
    # April draft deducts its April working days.
    sick = _record(clerk, worker, dt.date(2026, 3, 16), dt.date(2026, 4, 17))
    _march(clerk, world.company, [worker])
    april = _april_draft(clerk, world.company, [worker])
    assert _from(april, sick.pk) and all(amount < 0 for _code, amount in _from(april, sick.pk))
    # The clerk's own line on the draft.
    services.add_item(clerk, april, worker, wage_type="bonus", amount="150.00")
    services.calculate_pay_run(clerk, april)
    # The sick leave really ended on 27.3.: changed with a correction of March, approved.
    corrections = services.change_with_correction(
        clerk,
        sick,
        kind="sick",
        start_date=dt.date(2026, 3, 16),
        end_date=dt.date(2026, 3, 27),
    )
    assert [run.corrects.payment_date for run in corrections] == [dt.date(2026, 3, 31)]
    assert _from(april, sick.pk)  # nothing happens to the draft before the change applies
    _approve_all(clerk, corrections)
    sick.refresh_from_db()
    assert sick.end_date == dt.date(2026, 3, 27)
    # The April draft's lines from it were made again: none, it no longer reaches April.
    assert _from(april, sick.pk) == []
    assert list(PayItem.objects.filter(pay_run=april).values_list("wage_type", "amount_cents")) == [
        ("bonus", 15000)
    ]
    april.refresh_from_db()
    assert april.stale and april.is_draft
    (notice,) = services.absence_notices(april)
    assert "muodostettiin uudelleen" in notice and "16.3.-27.3.2026" in notice
    assert "16.3.-17.4.2026" in notice  # what it was
    assert services.pay_run_warnings(april) == []  # made again: nothing to confirm
    page = _page(world, april)
    assert 'data-testid="absence-notices"' in page and "16.3.-27.3.2026" in page
    assert _api(world, april)["absence_notices"] == [notice]
    assert AuditEvent.objects.filter(
        action="absence_lines_refreshed", object_id=str(april.pk)
    ).exists()
    # Calculated again it is approved as it is; the notices are the draft's alone.
    services.calculate_pay_run(clerk, april)
    april = services.approve_pay_run(clerk, april)
    assert services.absence_notices(april) == []


def test_a_removed_absence_takes_its_lines_off_a_later_draft(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    sick = _record(clerk, worker, dt.date(2026, 3, 16), dt.date(2026, 4, 17))
    _march(clerk, world.company, [worker])
    april = _april_draft(clerk, world.company, [worker])
    assert _from(april, sick.pk)
    _approve_all(clerk, services.remove_with_correction(clerk, sick))
    assert _from(april, sick.pk) == []
    april.refresh_from_db()
    (notice,) = services.absence_notices(april)
    assert "poisti" in notice and "16.3.-17.4.2026" in notice


def test_a_draft_the_changed_absence_now_reaches_without_its_lines_is_warned(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    other = employee(clerk, world.company, first_name="Toinen", salary="3500.00")
    # Sick 16.3.-20.3., paid in full: the March report carries it, no line.
    sick = _record(clerk, worker, dt.date(2026, 3, 16), dt.date(2026, 3, 20))
    _march(clerk, world.company, [worker, other])
    april = _april_draft(clerk, world.company, [worker, other])
    assert _from(april, sick.pk) == []
    # The clerk paid something for it by hand.
    services.add_item(clerk, april, worker, wage_type="bonus", amount="80.00")
    services.calculate_pay_run(clerk, april)
    # Someone else's draft of April is not concerned.
    theirs = _april_draft(clerk, world.company, [other], lines=False)
    # It went on to 17.4.: changed with a correction of March (April is a draft).
    corrections = services.change_with_correction(
        clerk,
        sick,
        kind="sick",
        start_date=dt.date(2026, 3, 16),
        end_date=dt.date(2026, 4, 17),
    )
    _approve_all(clerk, corrections)
    april.refresh_from_db()
    # Not changed behind the clerk's back: no line added, the run as calculated.
    assert _from(april, sick.pk) == []
    assert PayItem.objects.filter(pay_run=april).count() == 1
    assert not april.stale
    (notice,) = services.absence_notices(april)
    assert "eikä tässä palkka-ajossa ole siitä muodostettuja rivejä" in notice
    assert "16.3.-17.4.2026" in notice and "16.3.-20.3.2026" in notice
    assert services.absence_notices(theirs) == []
    # Approval needs the approver's confirmation, page and API alike.
    assert notice in services.pay_run_warnings(april)
    with pytest.raises(ValidationError) as error:
        services.approve_pay_run(clerk, april)
    assert notice in error.value.message_dict["confirm_warnings"]
    assert notice in _api(world, april)["warnings"]
    page = _page(world, april)
    assert 'data-testid="absence-notices"' in page
    assert 'data-testid="refresh-absence-lines"' in page
    # One click makes the lines from absences again: the notice goes with it.
    done = world.client(Role.PAYROLL_CLERK).post(
        f"/payroll/runs/{april.pk}/absence-lines/", follow=True
    )
    assert done.status_code == 200
    assert _from(april, sick.pk) and all(amount < 0 for _code, amount in _from(april, sick.pk))
    april.refresh_from_db()
    assert april.absence_notices == []
    assert 'data-testid="absence-notices"' not in _page(world, april)
    services.calculate_pay_run(clerk, april)
    assert services.pay_run_warnings(april) == []
    assert services.approve_pay_run(clerk, april).status == PayRun.Status.APPROVED


def test_the_api_makes_the_lines_again_and_clears_the_notices(world, clerk):
    worker = employee(clerk, world.company, salary="3500.00")
    sick = _record(clerk, worker, dt.date(2026, 3, 16), dt.date(2026, 3, 20))
    _march(clerk, world.company, [worker])
    april = _april_draft(clerk, world.company, [worker])
    _approve_all(
        clerk,
        services.change_with_correction(
            clerk,
            sick,
            kind="sick",
            start_date=dt.date(2026, 3, 16),
            end_date=dt.date(2026, 4, 17),
        ),
    )
    assert len(_api(world, april)["absence_notices"]) == 1
    answer = world.client(Role.PAYROLL_CLERK).post(
        f"/api/v1/payroll/pay-runs/{april.pk}/absence-lines"
    )
    assert answer.status_code == 200 and answer.json()["lines"] >= 1
    assert _api(world, april)["absence_notices"] == []
