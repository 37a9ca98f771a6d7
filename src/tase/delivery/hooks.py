"""Hooks other apps fill at start-up (in their ``AppConfig.ready``), so delivery imports
none of their models.

- ``register_extra_hours_source(fn)``: ``fn(organization) -> Decimal`` gives the hours of
  approved extra-training orders (support owns them). Delivery adds them to the contract's
  training hours before it lets a session over the contracted hours be confirmed.
- ``register_test_activity(key, label, fn)``: ``fn(company) -> int`` counts what was done in a
  test-environment company (vouchers posted, pay runs calculated). The go-live checklist's
  'customer has tested' shows these counts and passes when any is above zero.
- ``register_production_check(code, fn)``: ``fn(company) -> bool`` answers a product state
  check (``ledger.chart_chosen``) for one company. The go-live checklist and self-checking
  tasks ask it of the customer's production companies only, so what is done in a test
  environment (a chart chosen, a voucher posted) never ticks production's items. With
  ``many=fn(companies) -> set of organization ids`` the check is also answered for the
  production companies of many organizations in one query (a person's task list across
  customers); a check registered without it is asked company by company.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

EXTRA_HOURS_SOURCES: list[Callable[[Any], Decimal]] = []


@dataclass(frozen=True)
class TestActivity:
    key: str
    label: Any
    count: Callable[[Any], int]


TEST_ACTIVITY: dict[str, TestActivity] = {}


def register_extra_hours_source(fn: Callable[[Any], Decimal]) -> None:
    if fn not in EXTRA_HOURS_SOURCES:
        EXTRA_HOURS_SOURCES.append(fn)


def _support_orders_fallback(organization) -> Decimal:
    """Until support registers its own source: accepted (or later) extra-training orders read
    through support's reverse relation, without importing its models; 0 if it has none."""
    manager = getattr(organization, "training_orders", None)
    if manager is None:
        return Decimal(0)
    try:
        rows = manager.filter(status__in=["accepted", "planned", "done"]).values_list(
            "hours", flat=True
        )
        return sum((Decimal(h or 0) for h in rows), Decimal(0))
    except Exception:  # support changed its fields: no extra hours rather than an error
        return Decimal(0)


def extra_training_hours(organization) -> Decimal:
    """Hours of approved extra-training orders of ``organization``: the sum of every registered
    source, or support's orders read directly when no source is registered."""
    sources = EXTRA_HOURS_SOURCES or [_support_orders_fallback]
    return sum((Decimal(str(fn(organization) or 0)) for fn in sources), Decimal(0))


PRODUCTION_CHECKS: dict[str, Callable[[Any], bool]] = {}
PRODUCTION_CHECKS_MANY: dict[str, Callable[[Any], set]] = {}


def register_production_check(
    code: str, fn: Callable[[Any], bool], many: Callable[[Any], set] | None = None
) -> None:
    PRODUCTION_CHECKS[code] = fn
    if many is None:
        PRODUCTION_CHECKS_MANY.pop(code, None)  # a new per-company answer: no stale batch one
    else:
        PRODUCTION_CHECKS_MANY[code] = many


def register_test_activity(key: str, label: Any, count: Callable[[Any], int]) -> None:
    TEST_ACTIVITY[key] = TestActivity(key, label, count)


def test_activity(company, since=None) -> list[dict]:
    """[{key, label, count}] of what was done in the test company (after ``since``, the moment
    the practice data was added, when given: the practice data is not the customer's testing).
    A counter registered with one argument is asked without ``since``."""
    if company is None:
        return []
    rows = []
    for a in sorted(TEST_ACTIVITY.values(), key=lambda a: a.key):
        try:
            count = a.count(company, since=since)
        except TypeError:
            count = a.count(company)
        rows.append({"key": a.key, "label": a.label, "count": int(count or 0)})
    return rows


def _related_count(accessor: str, exclude: dict | None = None, **filters):
    """Count a company's rows through another app's reverse relation, without importing its
    models; 0 when that app is not installed or has no such relation."""

    def count(company, since=None) -> int:
        manager = getattr(company, accessor, None)
        if manager is None:
            return 0
        try:
            rows = manager.filter(**filters).exclude(**(exclude or {}))
            if since is not None:
                rows = rows.filter(created_at__gt=since)
            return rows.count()
        except Exception:  # the other app changed its fields: no count rather than an error
            return 0

    return count


def _related_organizations(accessor: str, **filters):
    """The organizations among ``companies`` (a queryset) with a company that has a row through
    ``accessor`` matching ``filters``: :func:`_related_count` above zero for many companies in
    one query."""
    lookups = {f"{accessor}__{k}": v for k, v in filters.items()} or {f"{accessor}__isnull": False}

    def organizations(companies) -> set:
        return set(companies.filter(**lookups).values_list("organization_id", flat=True))

    return organizations


def register_defaults() -> None:
    """Counters for vouchers and pay runs, and the per-company answers of the ledger's and
    payroll's state checks, unless those apps registered their own (they own these; these are
    fallbacks so the checklist works out of the box and reads production only)."""
    from django.utils.translation import gettext_lazy as _

    per_company = {
        "ledger.chart_chosen": ("accounts", {}),
        "ledger.first_voucher_posted": ("vouchers", {"state": "posted"}),
        "payroll.first_pay_run_calculated": ("pay_runs", {"calculated_at__isnull": False}),
        "payroll.first_pay_run_approved": ("pay_runs", {"status__in": ["approved", "paid"]}),
    }
    for code, (accessor, filters) in per_company.items():
        if code not in PRODUCTION_CHECKS:
            count = _related_count(accessor, **filters)
            register_production_check(
                code,
                lambda company, count=count: count(company) > 0,
                many=_related_organizations(accessor, **filters),
            )

    if "ledger.vouchers" not in TEST_ACTIVITY:
        register_test_activity(
            "ledger.vouchers",
            _("Vouchers posted"),
            # the sample vouchers a test environment starts with are not the customer's testing
            _related_count("vouchers", exclude={"source": "sample"}, state="posted"),
        )
    if "payroll.pay_runs" not in TEST_ACTIVITY:
        register_test_activity("payroll.pay_runs", _("Pay runs"), _related_count("pay_runs"))
