"""Database helpers: where a read goes, the one-row and many-row INSERT and the many-row
UPDATE of the hot paths.

With ``DATABASE_REPLICA_URL`` set, heavy reports may read from a PostgreSQL read replica:
selectors pass :func:`reporting_alias` to ``.using()``. Everything else, and every write,
stays on the primary, so a user always reads what they just wrote.
"""

import sqlite3

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


ROWS_PER_INSERT = 500
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def insert_rows(model: type[models.Model], objects: list[models.Model]) -> None:
    """INSERT many new ``objects`` of ``model``, ``ROWS_PER_INSERT`` rows a statement,
    ``RETURNING`` their ids in order (set on the objects, as if loaded): the values are put
    together per column kind instead of through the ORM's bulk insert, whose per-field
    preparation costs most of a large write. Every column is given: the objects carry their
    defaults; ``auto_now``/``auto_now_add`` stamps are set as ``save()`` would; integers,
    text and booleans go as they are, dates and times adapted as the backend wants them, any
    other kind prepared by its field. No signals, no ``save()``: for rows a service owns."""
    if not objects:
        return
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover
        model.objects.bulk_create(objects, batch_size=ROWS_PER_INSERT)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    adapt = []
    for field in fields:
        kind = field.get_internal_type()
        if kind == "DateField":
            adapt.append(ops.adapt_datefield_value)
        elif kind == "DateTimeField":
            adapt.append(ops.adapt_datetimefield_value)
        elif kind in _PLAIN:
            adapt.append(None)
        else:
            adapt.append(lambda value, field=field: field.get_db_prep_save(value, connection))
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    if stamped:
        for obj in objects:
            for field in stamped:
                field.pre_save(obj, True)
    quote = ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    names = [f.attname for f in fields]
    adapted = [(i, a) for i, a in enumerate(adapt) if a is not None]
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), ROWS_PER_INSERT):
            chunk = objects[start : start + ROWS_PER_INSERT]
            params = []
            for obj in chunk:
                values = [getattr(obj, name) for name in names]
                for i, prepare in adapted:
                    values[i] = prepare(values[i])
                params += values
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))} "
                f"RETURNING {pk}",
                params,
            )
            for obj, (pk_value,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk_value
                obj._state.adding, obj._state.db = False, connection.alias


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


def execute_qmark(cursor, sql: str, params: list) -> None:
    """Run ``sql`` written with SQLite's ``?`` placeholders (no ``%`` and no literal ``?``)
    on SQLite. Django's cursor would first rewrite every ``%s`` of the text with a regular
    expression, which for a statement of thousands of rows costs more than the rows' own
    conversion; so the driver's cursor runs it, inside Django's translation of database
    errors (a trigger's refusal is still an ``IntegrityError``). Where statements are
    logged (``DEBUG``, a test capturing queries) or wrapped, it goes through Django's cursor
    as any other statement."""
    if connection.queries_logged or connection.execute_wrappers:
        cursor.execute(sql.replace("?", "%s"), params)
        return
    with connection.wrap_database_errors:
        sqlite3.Cursor.execute(cursor.cursor, sql, params)
