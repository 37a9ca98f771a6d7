"""The audit trail in Finnish: action names, field names and values in words."""

import ast
from pathlib import Path

from django.conf import settings
from django.utils import translation

from tase.core import audit
from tase.core.audit_display import ACTION_LABELS, NOTHING, change_rows
from tase.core.models import AuditEvent
from tase.core.roles import Role


def _recorded_actions() -> set[str]:
    """Every action string that a service passes to audit.record (constants and both arms of a
    conditional), read from the source."""
    found: set[str] = set()
    for path in Path(settings.BASE_DIR).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and getattr(node.func.value, "id", "") == "audit"
                and len(node.args) > 1
            ):
                continue
            found |= {
                n.value
                for n in ast.walk(node.args[1])
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            }
    return found


def test_every_recorded_action_has_a_name():
    actions = _recorded_actions()
    assert len(actions) > 60
    assert not actions - set(ACTION_LABELS), sorted(actions - set(ACTION_LABELS))


def test_the_trail_page_speaks_finnish(world):
    audit.record(
        world.users[Role.ADMIN],
        "update",
        world.company,
        changes={"city": ["Tampere", "Oulu"], "is_test_environment": [False, True]},
    )
    page = world.client(Role.ADMIN).get("/audit/").text
    assert "Päivitetty" in page and ">update<" not in page
    assert "kyllä" in page and "False" not in page


def test_changes_read_in_words(world):
    event = audit.record(
        world.users[Role.ADMIN],
        "update",
        world.company,
        changes={"is_test_environment": [None, True], "reason": ["", "2026-12-06"]},
    )
    with translation.override("fi"):
        rows = {field: (before, after) for field, before, after in change_rows(event)}
    assert rows == {"Testiympäristö": (NOTHING, "kyllä"), "Syy": (NOTHING, "6.12.2026")}, rows


def test_a_change_named_like_a_reverse_relation_reads_as_a_change():
    """A pay run's mass entry records {"items": …}; PayRun.items is also the reverse relation
    to its pay items, which once broke the trail page (500)."""
    event = AuditEvent(object_type="payroll.payrun", changes={"items": [None, 3]})
    with translation.override("fi"):
        assert change_rows(event) == [("Rivit", NOTHING, "3")]
