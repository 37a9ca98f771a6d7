"""The audit trail becomes a hash chain per organization (tase.core.auditchain).

The events already written are hashed here, chained in id order, and each chain's head
row is set, so that ``tase audit verify`` passes on an upgraded database. On PostgreSQL the
append-only trigger is set aside for this one UPDATE pass, inside the migration's
transaction.
"""

from django.db import migrations, models

from tase.core import auditchain

BATCH = 2000
TRIGGER = "core_auditevent_append_only"


def hash_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    connection = schema_editor.connection
    postgresql = connection.vendor == "postgresql"
    heads: dict[int, tuple[str, str]] = {}  # chain -> (prev_hash, hash)
    batch: list[tuple[str, str, int]] = []
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {TRIGGER}")
        for event in AuditEvent.objects.order_by("id").iterator(chunk_size=BATCH):
            chain = auditchain.chain_key(event.organization_id)
            event.prev_hash = heads.get(chain, ("", ""))[1]
            event.hash = auditchain.event_hash(event)
            heads[chain] = (event.prev_hash, event.hash)
            batch.append((event.prev_hash, event.hash, event.pk))
            if len(batch) == BATCH:
                _write(cursor, batch)
        _write(cursor, batch)
        if postgresql:
            cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {TRIGGER}")
    AuditChainHead.objects.bulk_create(
        AuditChainHead(chain=chain, prev_hash=prev_hash, hash=last_hash)
        for chain, (prev_hash, last_hash) in heads.items()
    )


def _write(cursor, batch):
    cursor.executemany("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", batch)
    batch.clear()


class Migration(migrations.Migration):
    dependencies = [("core", "0005_parameter_values")]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("chain", models.BigIntegerField(primary_key=True, serialize=False)),
                ("prev_hash", models.CharField(blank=True, max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(hash_existing_events, migrations.RunPython.noop),
    ]
