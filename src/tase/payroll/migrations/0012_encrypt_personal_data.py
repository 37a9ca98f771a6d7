# Personal data encrypted at rest: the employees' identity codes and bank accounts, and the
# Incomes Register files (they hold the identity codes). Three steps: the columns become plain
# text, the existing rows are encrypted with the newest key of TASE_FIELD_KEYS (and the
# identity codes' blind index computed), then the columns are declared encrypted. Reversible.

import tase.core.fieldcrypt
from django.db import migrations, models

BATCH = 500


def _each(queryset, fields):
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH])
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def encrypt_rows(apps, schema_editor):
    from tase.core import fieldcrypt

    def seal(value):
        return value if fieldcrypt.is_encrypted(value) else fieldcrypt.encrypt(value or "")

    Employee = apps.get_model("payroll", "Employee")
    for pk, code, iban in _each(Employee.objects.all(), ["identity_code", "iban"]):
        plain = fieldcrypt.decrypt(code) if fieldcrypt.is_encrypted(code) else (code or "")
        Employee.objects.filter(pk=pk).update(
            identity_code=seal(code),
            iban=seal(iban),
            identity_code_hash=fieldcrypt.blind_index(plain),
        )
    Report = apps.get_model("payroll", "IncomesRegisterReport")
    for pk, xml in _each(Report.objects.all(), ["xml"]):
        Report.objects.filter(pk=pk).update(xml=seal(xml))


def decrypt_rows(apps, schema_editor):
    from tase.core import fieldcrypt

    def open_(value):
        return fieldcrypt.decrypt(value) if fieldcrypt.is_encrypted(value) else (value or "")

    Employee = apps.get_model("payroll", "Employee")
    for pk, code, iban in _each(Employee.objects.all(), ["identity_code", "iban"]):
        Employee.objects.filter(pk=pk).update(
            identity_code=open_(code)[:11], iban=open_(iban)[:34], identity_code_hash=""
        )
    Report = apps.get_model("payroll", "IncomesRegisterReport")
    for pk, xml in _each(Report.objects.all(), ["xml"]):
        Report.objects.filter(pk=pk).update(xml=open_(xml))


class Migration(migrations.Migration):

    dependencies = [
        ("payroll", "0011_mileage_taxable_income_type"),
    ]

    operations = [
        migrations.AddField(
            model_name="employee",
            name="identity_code_hash",
            field=tase.core.fieldcrypt.BlindIndexField(source="identity_code"),
        ),
        migrations.AddField(
            model_name="employee",
            name="erased_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="personal data erased"
            ),
        ),
        migrations.AlterField(
            model_name="employee",
            name="identity_code",
            field=models.TextField(blank=True, verbose_name="personal identity code"),
        ),
        migrations.AlterField(
            model_name="employee",
            name="iban",
            field=models.TextField(blank=True, verbose_name="IBAN"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
        migrations.AlterField(
            model_name="employee",
            name="identity_code",
            field=tase.core.fieldcrypt.EncryptedTextField(
                blank=True, plain_max_length=11, verbose_name="personal identity code"
            ),
        ),
        migrations.AlterField(
            model_name="employee",
            name="iban",
            field=tase.core.fieldcrypt.EncryptedTextField(
                blank=True, plain_max_length=34, verbose_name="IBAN"
            ),
        ),
        migrations.AlterField(
            model_name="incomesregisterreport",
            name="xml",
            field=tase.core.fieldcrypt.EncryptedTextField(),
        ),
    ]
