"""Of a payslip's gross pay: its holiday pay, holiday bonus and holiday compensation lines
(``Payslip.holiday_pay_cents``). They are not pay "for the time at work" (vuosilomalaki
162/2005 11 § 2 mom., 12 § 1 mom., 16 § 1 mom.), so the holiday rules take them off the
month's wages. Filled in for the payslips calculated before from their stored lines (the
wage types ``holiday_pay``, ``holiday_bonus`` and ``holiday_compensation``)."""

from decimal import Decimal

from django.db import migrations, models

CODES = ("holiday_pay", "holiday_bonus", "holiday_compensation")


def holiday_pay_of_stored_lines(apps, schema_editor):
    Payslip = apps.get_model("payroll", "Payslip")
    changed = []
    for slip in Payslip.objects.only("pk", "lines").iterator(chunk_size=2000):
        amount = sum(
            (Decimal(line["amount"]) for line in slip.lines or [] if line.get("code") in CODES),
            Decimal(0),
        )
        if amount:
            slip.holiday_pay_cents = int(amount * 100)
            changed.append(slip)
    Payslip.objects.bulk_update(changed, ["holiday_pay_cents"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0032_holiday6_line_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="payslip",
            name="holiday_pay_cents",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(holiday_pay_of_stored_lines, migrations.RunPython.noop),
    ]
