"""A company's wage type says itself whether it is other pay besides a salary whose share
joins the holiday pay (vuosilomalaki 162/2005 10 § 1 mom., second sentence); until now the
catalogue said it by code. The rows of the codes the catalogue marked when this migration
was written (the bonus) are marked."""

from django.db import migrations, models

OTHER_PAY_CODES = ("bonus",)


def mark_shipped(apps, schema_editor):
    CompanyWageType = apps.get_model("payroll", "CompanyWageType")
    CompanyWageType.objects.filter(code__in=OTHER_PAY_CODES).update(holiday_other_pay=True)


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0026_holiday2_payslip_other_pay"),
    ]

    operations = [
        migrations.AddField(
            model_name="companywagetype",
            name="holiday_other_pay",
            field=models.BooleanField(default=False, verbose_name="other pay in holiday pay"),
        ),
        migrations.RunPython(mark_shipped, migrations.RunPython.noop),
    ]
