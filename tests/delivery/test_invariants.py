"""Properties that hold for any input (hypothesis)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from tase.delivery import services
from tase.delivery.models import DEFAULT_SCHEDULE, Phase, PhaseKind
from tase.delivery.selectors import project_slip

kickoffs = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2090, 12, 31))


@st.composite
def schedules(draw):
    """A template schedule whose phases start in order and end after they start."""
    out, start = {}, 0
    for kind in PhaseKind.values:
        start = start + draw(st.integers(0, 3)) if kind > 1 else 0
        end = None if kind == PhaseKind.MAINTENANCE else start + draw(st.integers(0, 6))
        out[str(kind)] = [start, end]
    return out


@given(kickoffs, schedules())
def test_proposed_schedule_is_always_accepted(kickoff, schedule):
    dates = services.proposed_schedule(kickoff, schedule)
    services._validate_phases(SimpleNamespace(kickoff_on=kickoff), dates)  # raises if out of order
    assert dates[PhaseKind.KICKOFF][0] == kickoff


@given(kickoffs)
def test_default_schedule_is_twelve_weeks(kickoff):
    dates = services.proposed_schedule(kickoff, DEFAULT_SCHEDULE)
    assert dates[PhaseKind.TRAINING][1] == kickoff + dt.timedelta(weeks=12, days=4)
    assert dates[PhaseKind.GO_LIVE][0] == kickoff + dt.timedelta(weeks=10)


@given(kickoffs, st.lists(st.integers(-20, 20), min_size=5, max_size=5))
def test_slip_is_worst_delay_else_go_live_gain(kickoff, shifts):
    dates = services.proposed_schedule(kickoff, DEFAULT_SCHEDULE)
    phases = []
    for kind, shift in zip(range(1, 6), shifts, strict=True):
        start, end = dates[kind]
        phase = Phase(
            kind=kind,
            planned_start=start,
            planned_end=end + dt.timedelta(days=shift),
            baseline_start=start,
            baseline_end=end,
        )
        phases.append(phase)
    today = kickoff - dt.timedelta(days=1)  # nothing is late yet
    slip = project_slip(phases, today)
    worst = max(shifts)
    assert slip == (worst if worst > 0 else shifts[-1])


@given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False))
def test_euros_to_cents_rounds_half_up_once(euros):
    cents = services._euros_to_cents(euros, "estimate_euros")
    assert abs(Decimal(cents) - euros * 100) <= Decimal("0.5")
    assert services._euros_to_cents(str(euros).replace(".", ","), "estimate_euros") == cents
