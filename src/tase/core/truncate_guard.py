"""On PostgreSQL, TRUNCATE of the books and of the audit trail is refused by the database.

A ``BEFORE TRUNCATE … FOR EACH STATEMENT`` trigger on each protected table raises an
exception, unless the session has set the custom setting ``tase.allow_truncate`` to ``on``
(``SET LOCAL tase.allow_truncate = on`` in the same transaction). Only the test suite sets
it, to empty its throw-away database between transactional tests (tests/conftest.py);
an operator who truly means to empty a database sets it by hand. The trigger guards
against a mistaken ``TRUNCATE`` (or ``tase flush``); a role without the TRUNCATE privilege
cannot truncate at all. The migrations use :func:`forward_sql` and :func:`backward_sql`.
"""

FUNCTION = """
CREATE OR REPLACE FUNCTION tase_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('tase.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'TRUNCATE of % is not allowed: the books and the audit trail are kept', TG_TABLE_NAME
        USING HINT = 'Only to empty a throw-away database: SET LOCAL tase.allow_truncate = on';
END;
$$ LANGUAGE plpgsql;
"""


def _trigger(table: str) -> str:
    return f"{table}_no_truncate"


def forward_sql(tables: list[str], *, with_function: bool = False) -> str:
    triggers = "".join(
        f"CREATE TRIGGER {_trigger(table)} BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION tase_refuse_truncate();\n"
        for table in tables
    )
    return (FUNCTION if with_function else "") + triggers


def backward_sql(tables: list[str], *, with_function: bool = False) -> str:
    drops = "".join(f"DROP TRIGGER IF EXISTS {_trigger(table)} ON {table};\n" for table in tables)
    return drops + ("DROP FUNCTION IF EXISTS tase_refuse_truncate();\n" if with_function else "")


def run_on_postgresql(sql: str):
    """A RunPython function that runs ``sql`` on PostgreSQL only (SQLite has no TRUNCATE)."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Without parameters, so the driver leaves the "%" of RAISE alone.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run
