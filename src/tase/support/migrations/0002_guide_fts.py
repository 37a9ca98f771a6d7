"""SQLite: an FTS5 index of the guides (PostgreSQL searches with its `finnish` configuration
straight from the table, so it needs nothing here)."""

from django.db import migrations


def create_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS support_guide_fts USING fts5("
        "title, body, tokenize = 'unicode61 remove_diacritics 0')"
    )
    Guide = apps.get_model("support", "Guide")
    for pk, title, body in Guide.objects.values_list("pk", "title", "body"):
        schema_editor.execute(
            "INSERT INTO support_guide_fts(rowid, title, body) VALUES (%s, %s, %s)",
            [pk, title, body],
        )


def drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS support_guide_fts")


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(create_fts, drop_fts)]
