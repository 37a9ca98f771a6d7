from django.db import migrations, models


class Migration(migrations.Migration):
    """The statement book keeps whether the small or micro company shows Bruttotulos
    (PMA 1753/2015 2:1 § 2 mom., 4:1 §)."""

    dependencies = [
        ("ledger", "0021_archive2_archive_builds"),
    ]

    operations = [
        migrations.AddField(
            model_name="statementbook",
            name="gross",
            field=models.BooleanField(default=False, verbose_name="gross result (Bruttotulos)"),
        ),
    ]
