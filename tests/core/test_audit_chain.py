"""The audit trail is a hash chain per organization, and `tase audit verify` finds a changed,
removed or reordered event (tase.core.auditchain, tase.core.audit.record)."""

import importlib
import itertools
import threading
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tase.core import audit, auditchain
from tase.core.models import AuditChainHead, AuditEvent
from tase.core.roles import Role

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE triggers exist on PostgreSQL"
)


@pytest.fixture
def trail(world):
    """Three events of customer A, two of customer B and one without an organization,
    interleaved in id order."""
    user = world.users[Role.MAIN_USER]
    other = world.other_users[Role.MAIN_USER]
    return [
        audit.record(user, "update", world.company, changes={"city": ["A", "B"]}),
        audit.record(other, "update", world.other_company, changes={"n": [1, 2.5]}),
        audit.record(user, "sign_in", organization=None),
        audit.record(user, "update", world.company, changes={"big": [None, 1e30]}),
        audit.record(other, "delete", world.other_company),
        audit.record(user, "update", world.company, changes={"name": ["Ä", "Ö"]}),
    ]


def verify(*args) -> str:
    out = []
    call_command("audit", "verify", *args, stdout=SimpleNamespace(write=out.append))
    return "".join(out)


def failure(*args) -> str:
    with pytest.raises(CommandError) as error:
        verify(*args)
    return str(error.value)


@contextmanager
def raw_sql():
    """A cursor that may change audit rows: on PostgreSQL the append-only trigger is set
    aside inside the test's transaction (rolled back with it), after the deferred foreign
    key checks of the rows written so far have run."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
        yield cursor


def test_events_link_per_organization(world, trail):
    a1, b1, none1, a2, b2, a3 = trail
    assert [e.prev_hash for e in (a1, b1, none1)] == ["", "", ""]
    assert (a2.prev_hash, a3.prev_hash, b2.prev_hash) == (a1.hash, a2.hash, b1.hash)
    for event in trail:
        stored = AuditEvent.objects.get(pk=event.pk)
        assert (stored.prev_hash, stored.hash) == (event.prev_hash, event.hash)
        assert auditchain.event_hash(stored) == stored.hash  # from the row as read back
    heads = dict(AuditChainHead.objects.values_list("chain", "hash"))
    assert heads == {world.org.pk: a3.hash, world.other_org.pk: b2.hash, 0: none1.hash}


def test_record_costs_one_extra_query(world, django_assert_num_queries):
    with transaction.atomic(), django_assert_num_queries(2):  # head upsert + event insert
        audit.record(None, "update", world.company)


def test_record_many_links_as_record_one_by_one_in_a_fixed_number_of_queries(
    world, trail, django_assert_num_queries
):
    """record_many (a recurring run's send events): the chain read and advanced once, the
    events inserted together, each linked to the one before, the head at the last; record
    after it links on, and verify finds the chain intact."""
    user = world.users[Role.MAIN_USER]
    companies = [world.company] * 5
    with transaction.atomic(), django_assert_num_queries(3):  # head upsert, head, insert
        many = audit.record_many(
            user, "send", ((c, {"n": [None, i]}) for i, c in enumerate(companies)),
            company=world.company,
        )  # fmt: skip
    after = audit.record(user, "update", world.company)
    assert many[0].prev_hash == trail[5].hash
    for before, event in itertools.pairwise([*many, after]):
        assert event.prev_hash == before.hash
    ids = [e.pk for e in many]
    assert ids == sorted(ids) and ids[0] > trail[5].pk
    for event in many:
        stored = AuditEvent.objects.get(pk=event.pk)
        assert (stored.prev_hash, stored.hash) == (event.prev_hash, event.hash)
        assert auditchain.event_hash(stored) == stored.hash
        assert stored.changes == {"n": [None, many.index(event)]}
    assert AuditChainHead.objects.get(chain=world.org.pk).hash == after.hash
    assert f"organization {world.org.pk}: 9 events" in verify("--organization", world.org.pk)
    assert audit.record_many(user, "send", [], company=world.company) == []


def test_hash_covers_stored_ip_address(world):
    token = audit.current_ip.set("2001:DB8:0:0::1")
    try:
        event = audit.record(None, "sign_in")
    finally:
        audit.current_ip.reset(token)
    assert AuditEvent.objects.get(pk=event.pk).ip_address == "2001:db8::1"
    assert "intact" in verify()


def test_verify_passes_on_a_clean_trail(world, trail):
    out = verify()
    assert "3 chains intact" in out
    assert f"organization {world.org.pk}: 3 events, head {trail[5].hash}" in out
    assert "events without an organization: 1 events" in out
    assert f"organization {world.other_org.pk}: 2 events" in verify(
        "--organization", world.other_org.pk
    )


def test_verify_names_a_changed_event(world, trail):
    changed = trail[3]
    with raw_sql() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET changes = %s WHERE id = %s",
            ['{"big": [null, 2]}', changed.pk],
        )
    message = failure()
    assert (
        f"event {changed.pk} (at {changed.at.isoformat()}, organization {world.org.pk})" in message
    )
    assert "was changed" in message
    assert len(message.splitlines()) == 2  # a heading and this event: the other chains hold
    assert "intact" in verify("--organization", world.other_org.pk)


def test_verify_names_the_event_after_a_removed_one(world, trail):
    with raw_sql() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [trail[3].pk])
    message = failure("--organization", world.org.pk)
    assert f"event {trail[5].pk} (at" in message
    assert f"does not follow event {trail[0].pk}: an event between them was removed" in message


def test_verify_finds_the_newest_event_removed(world, trail):
    with raw_sql() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [trail[4].pk])
    message = failure()
    assert (
        f"organization {world.other_org.pk}: the newest events after event {trail[1].pk}" in message
    )


def test_verify_finds_reordered_events(world, trail):
    first, second = trail[0].pk, trail[3].pk
    with raw_sql() as cursor:
        for old, new in ((first, -1), (second, first), (-1, second)):
            cursor.execute("UPDATE core_auditevent SET id = %s WHERE id = %s", [new, old])
    message = failure()
    assert f"event {first} (at {trail[3].at.isoformat()}" in message
    assert "does not follow the start of the chain" in message


def test_verify_finds_an_event_moved_to_another_chain(world, trail):
    with raw_sql() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET organization_id = %s WHERE id = %s",
            [world.other_org.pk, trail[3].pk],
        )
    message = failure()
    assert f"event {trail[3].pk}" in message and f"event {trail[5].pk}" in message


def test_migration_hashes_existing_events(world, trail):
    """An upgraded database: events written before the chain get hashes in id order."""
    migration = importlib.import_module("tase.core.migrations.0006_audit_hash_chain")
    with raw_sql() as cursor:
        cursor.execute("UPDATE core_auditevent SET prev_hash = '', hash = ''")
        cursor.execute("DELETE FROM core_auditchainhead")
    assert "missing" in failure() or "changed" in failure()
    migration.hash_existing_events(apps, SimpleNamespace(connection=connection))
    assert "3 chains intact" in verify()
    assert AuditEvent.objects.get(pk=trail[5].pk).hash == trail[5].hash


@postgresql_only
@pytest.mark.parametrize(
    "table",
    [
        "core_auditevent",
        "core_auditchainhead",
        "ledger_voucher",
        "ledger_entry",
        "ledger_accountbalance",
        "ledger_attachment",
    ],
)
def test_postgresql_refuses_truncate(world, trail, table):
    with (
        pytest.raises(DatabaseError, match=f"TRUNCATE of {table} is not allowed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == len(trail)


@postgresql_only
def test_postgresql_truncate_allowed_only_when_the_session_says_so(world, trail):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL tase.allow_truncate = on")
            cursor.execute("TRUNCATE core_auditevent, core_auditchainhead")
        assert AuditEvent.objects.count() == 0
        raise Undo
    assert AuditEvent.objects.count() == len(trail)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite queues writers anyway")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_a_chain(world):
    from django.db import connections

    errors = []

    def worker():
        try:
            for _ in range(10):
                with transaction.atomic():
                    audit.record(None, "update", world.company)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    prevs = list(
        AuditEvent.objects.filter(organization=world.org).values_list("prev_hash", flat=True)
    )
    assert len(prevs) == len(set(prevs)) == 60  # no two events link to the same predecessor
    assert f"organization {world.org.pk}: 60 events" in verify("--organization", world.org.pk)
