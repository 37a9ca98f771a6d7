"""Existing companies' copies of the wage type ``mileage_allowance_taxable`` get the Incomes
Register income type 209 (Kilometrikorvaus, veronalainen; tase.rules.payroll_catalogue), unless
the company has set one itself. Without it approving a run with such a line is refused."""

from django.db import migrations


def forwards(apps, schema_editor):
    wage_type = apps.get_model("payroll", "CompanyWageType")
    wage_type.objects.filter(code="mileage_allowance_taxable", income_type__isnull=True).update(
        income_type=209
    )


class Migration(migrations.Migration):
    dependencies = [("payroll", "0010_correction_runs_retro_pay")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
