"""The tax treatment of each account for the calculation of taxable income (form 6B:
representation half deductible EVL 8 § 1 mom. 8 kohta, non-deductible EVL 16 §, tax-exempt
income EVL 6 a §) and the confirmed losses of earlier tax years (TVL 119 §).

Existing charts keep working: until now the calculation took account 7600 (the shipped
charts' Edustuskulut) as representation, so every expense account numbered 7600 gets the
representation treatment.

SQLite rebuilds ledger_account to add the column, and a rebuild is refused while migration
0013's triggers name the table: they are dropped first and created again after (as 0019)."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

_run = import_module("tase.ledger.migrations.0009_db_posting_rules")._run
_triggers = import_module("tase.ledger.migrations.0013_trustfix_entry_account_company")
DROP = _run({"sqlite": _triggers.SQLITE_BACKWARD})
CREATE = _run({"sqlite": _triggers.SQLITE_FORWARD})

REPRESENTATION_ACCOUNTS = ("7600",)  # what tase.ledger.tax_return took until now


def representation(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(
        number__in=REPRESENTATION_ACCOUNTS, is_header=False, type="expense"
    ).update(tax_treatment="representation")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_trustfix_two_factor_reset"),
        ("ledger", "0023_pgpost_trigger_lookups"),
    ]

    operations = [
        migrations.RunPython(DROP, CREATE),
        migrations.AddField(
            model_name="account",
            name="tax_treatment",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Normal"),
                    ("representation", "Representation: half deductible (EVL 8 §)"),
                    (
                        "non_deductible",
                        "Non-deductible: fines, tax increases, penalty interest (EVL 16 §)",
                    ),
                    ("tax_exempt", "Tax-exempt income, e.g. dividends (EVL 6 a §)"),
                    ("partly_exempt", "Dividends taxable in part (EVL 6 a § 1 mom.)"),
                ],
                default="",
                max_length=20,
                verbose_name="tax treatment",
            ),
        ),
        migrations.RunPython(CREATE, DROP),
        migrations.RunPython(representation, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ConfirmedLoss",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tax_year", models.PositiveSmallIntegerField(verbose_name="tax year")),
                ("amount", models.BigIntegerField(verbose_name="confirmed loss")),
                (
                    "used_before",
                    models.BigIntegerField(default=0, verbose_name="deducted in earlier tax years"),
                ),
                (
                    "forfeited",
                    models.BooleanField(
                        default=False, verbose_name="forfeited by an ownership change"
                    ),
                ),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tax_losses",
                        to="core.company",
                        verbose_name="company",
                    ),
                ),
            ],
            options={
                "verbose_name": "confirmed loss",
                "verbose_name_plural": "confirmed losses",
                "ordering": ["company", "tax_year"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("company", "tax_year"), name="ledger_confirmedloss_one_per_year"
                    )
                ],
            },
        ),
    ]
