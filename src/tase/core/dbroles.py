"""Two database roles on PostgreSQL: the owner migrates, the application owns nothing.

The **owner role** (``MIGRATION_DATABASE_URL``) owns the schema, its tables, sequences and
trigger functions; ``tase migrate`` connects as it. The **application role**
(``DATABASE_URL``: the web server, the worker, every other command) owns nothing, so the
database itself refuses it what only an owner may do: ``ALTER TABLE … DISABLE TRIGGER``,
``DROP``, ``ALTER``, ``CREATE`` in the schema. It is granted only:

- ``SELECT, INSERT, UPDATE, DELETE`` on the tables, ``USAGE, SELECT`` on the sequences
  (never ``TRUNCATE``, ``REFERENCES`` or ``TRIGGER``);
- on the append-only tables (:data:`APPEND_ONLY`: the audit trail and the entries of the
  books) ``SELECT, INSERT`` only: no ``UPDATE``, no ``DELETE``, whatever triggers exist;
- on ``django_migrations`` and ``ledger_accountbalance`` (kept by the database from the
  entries) ``SELECT`` only.

``tase db setup-roles`` creates both roles and hands the schema to the owner (run once, as
a superuser); ``tase migrate`` re-applies :func:`grant_statements` after every migration, so
tables that later migrations add are covered (default privileges cover them as well).
The statements are plain SQL, so an operator may also read them (``--print-sql``) and run
them by hand.
"""

from __future__ import annotations

import re

# The tables the application may only read and append to. Entries exist only for posted
# vouchers (a draft keeps its lines in the voucher), so the application never changes one.
APPEND_ONLY = ("core_auditevent", "ledger_entry")
# The balances are kept by a trigger of ledger_entry that runs as the owner (migration
# ledger 0014): the application only reads them.
READ_ONLY = ("django_migrations", "ledger_accountbalance")
SCHEMA = "public"

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def ident(name: str) -> str:
    """A role name as an SQL identifier; only lower-case letters, digits and ``_``."""
    if not _NAME.match(name or ""):
        raise ValueError(
            f"Role name {name!r}: use lower-case letters, digits and _ (at most 63), "
            "starting with a letter or _."
        )
    return f'"{name}"'


def literal(text: str) -> str:
    """An SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1)."""
    if "\x00" in text:
        raise ValueError("A password cannot contain a NUL character.")
    return "'" + text.replace("'", "''") + "'"


def grant_statements(app: str, owner: str | None = None) -> list[str]:
    """What the application role ``app`` may do on the tables that exist now, and (with
    ``owner``) on those that ``owner`` creates later. Run as the owner or a superuser;
    idempotent."""
    a = ident(app)
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM {a}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {SCHEMA} FROM {a}",
        f"REVOKE CREATE ON SCHEMA {SCHEMA} FROM {a}",
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {a}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {a}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {a}",
    ]
    statements += _existing_tables(f"REVOKE UPDATE, DELETE ON {{table}} FROM {a}", APPEND_ONLY)
    statements += _existing_tables(
        f"REVOKE INSERT, UPDATE, DELETE ON {{table}} FROM {a}", READ_ONLY
    )
    if owner:
        o = ident(owner)
        statements += [
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {SCHEMA} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {SCHEMA} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {a}",
        ]
    return statements


def _existing_tables(template: str, tables) -> list[str]:
    """``template`` for each of ``tables`` that exists (before the first migration none do)."""
    return [
        "DO $$ BEGIN IF to_regclass('{schema}.{table}') IS NOT NULL THEN "
        "EXECUTE '{statement}'; END IF; END $$".format(
            schema=SCHEMA, table=table, statement=template.format(table=table).replace("'", "''")
        )
        for table in tables
    ]


def setup_statements(
    *,
    database: str,
    owner: str,
    app: str,
    owner_password: str | None = None,
    app_password: str | None = None,
) -> list[str]:
    """Create (or update) the two roles and hand ``database``'s schema and everything in it
    to ``owner``. Run once as a superuser (or a role with CREATEROLE that owns the
    database), connected to ``database``; idempotent, so it also converts an installation
    whose tables a single role owned."""
    if owner == app:
        raise ValueError("The owner and the application must be two different roles.")
    o, a = ident(owner), ident(app)
    statements = []
    for name, quoted, password in ((owner, o, owner_password), (app, a, app_password)):
        statements.append(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"{literal(name)}) THEN CREATE ROLE {quoted} LOGIN; END IF; END $$"
        )
        # Neither role may create roles or databases, nor bypass row security.
        statements.append(
            f"ALTER ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
        )
        if password:
            statements.append(f"ALTER ROLE {quoted} PASSWORD {literal(password)}")
    d = '"' + database.replace('"', '""') + '"'
    statements += [
        f"GRANT CONNECT ON DATABASE {d} TO {o}, {a}",
        # Nobody but the owner creates objects in the schema (PostgreSQL < 15 let PUBLIC).
        f"REVOKE CREATE ON SCHEMA {SCHEMA} FROM PUBLIC",
        f"ALTER SCHEMA {SCHEMA} OWNER TO {o}",
        # Tables, sequences, views and functions made before (by another role) go to the owner.
        "DO $$ DECLARE r record; BEGIN "
        "FOR r IN SELECT c.relname, c.relkind FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE n.nspname = '{SCHEMA}' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
        f"AND pg_get_userbyid(c.relowner) <> {literal(owner)} "
        # A sequence owned by a column follows its table.
        "AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d "
        "WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))) "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') "
        "LOOP "
        "EXECUTE format('ALTER %s %I.%I OWNER TO %I', "
        "CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' "
        "WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, "
        f"'{SCHEMA}', r.relname, {literal(owner)}); END LOOP; "
        "FOR r IN SELECT p.oid::regprocedure AS proc FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        f"WHERE n.nspname = '{SCHEMA}' AND pg_get_userbyid(p.proowner) <> {literal(owner)} "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') "
        "LOOP "
        f"EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.proc, {literal(owner)}); "
        "END LOOP; END $$",
    ]
    return statements + grant_statements(app, owner)


def owns_schema_tables(cursor) -> bool:
    """Whether the role connected owns any table of the schema (or is a superuser): then it
    could disable the triggers that guard the books."""
    cursor.execute(
        "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
        "OR EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = %s "
        "AND pg_has_role(current_user, tableowner, 'USAGE'))",
        [SCHEMA],
    )
    return bool(cursor.fetchone()[0])
