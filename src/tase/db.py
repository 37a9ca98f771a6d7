"""Database helpers: where a read goes, the one-row INSERT and the many-row UPDATE of the hot
paths.

With ``DATABASE_REPLICA_URL`` set, heavy reports may read from a PostgreSQL read replica:
selectors pass :func:`reporting_alias` to ``.using()``. Everything else, and every write,
stays on the primary, so a user always reads what they just wrote.
"""

from django.conf import settings
from django.db import connection, models


def reporting_alias() -> str:
    return "replica" if "replica" in settings.DATABASES else "default"


def row_values(instance: models.Model) -> dict:
    """The columns and database values a new row of ``instance`` gets (no primary key)."""
    return {
        field.column: field.get_db_prep_save(field.pre_save(instance, True), connection)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }


def insert(instance: models.Model) -> models.Model:
    """INSERT ``instance`` as a new row with ``RETURNING id`` and return it as if loaded.

    The same row ``instance.save()`` would write (field defaults and ``pre_save`` applied,
    values prepared by each field), without the ORM's save machinery (signals, the
    update-or-insert decision, the compiler), which costs several times the statement on the
    paths that write a row per voucher: posting and the audit trail. No signals are sent."""
    meta = instance._meta
    values = row_values(instance)
    columns = ", ".join(connection.ops.quote_name(column) for column in values)
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {meta.db_table} ({columns}) VALUES ({placeholders}) RETURNING "
            f"{connection.ops.quote_name(meta.pk.column)}",
            list(values.values()),
        )
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def update_rows(model: type[models.Model], fields: list[str], objects) -> None:
    """Write ``fields`` of many saved ``objects`` with one prepared UPDATE run for each row
    (``executemany``): far cheaper than ``bulk_update``'s CASE expression over thousands of
    rows. No signals, no ``save()``: for columns a service owns."""
    objects = list(objects)
    if not objects:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
