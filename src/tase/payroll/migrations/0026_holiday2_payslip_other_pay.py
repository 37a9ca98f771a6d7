"""The payslip's other pay besides a salary (vuosilomalaki 162/2005 10 § 1 mom., second
sentence: its share joins a monthly salary's holiday pay): the lines of wage types the
catalogue marks ``holiday_other_pay``, filled in for the payslips calculated before from
their stored lines (the codes so marked when this migration was written: the bonus)."""

from decimal import Decimal

from django.db import migrations, models

OTHER_PAY_CODES = ("bonus",)


def other_pay_of_stored_lines(apps, schema_editor):
    Payslip = apps.get_model("payroll", "Payslip")
    changed = []
    for slip in Payslip.objects.only("pk", "lines").iterator(chunk_size=2000):
        amount = sum(
            (
                Decimal(line["amount"])
                for line in slip.lines or []
                if line.get("code") in OTHER_PAY_CODES
            ),
            Decimal(0),
        )
        if amount:
            slip.holiday_other_pay_cents = int(amount * 100)
            changed.append(slip)
    Payslip.objects.bulk_update(changed, ["holiday_other_pay_cents"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0025_holiday_bonus_on_compensation"),
    ]

    operations = [
        migrations.AddField(
            model_name="payslip",
            name="holiday_other_pay_cents",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(other_pay_of_stored_lines, migrations.RunPython.noop),
    ]
