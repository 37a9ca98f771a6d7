"""Existing companies' copies of the wage type ``deduction_before_withholding`` (income type
419) lower the TyEL base too, as the shipped catalogue now does (the Incomes Register counts
419 in every social insurance base by default: tase.rules.payroll_catalogue). Only copies
that still have the shipped flags (taxable, unemployment and health, not TyEL) change; a
company that changed them itself is left alone."""

from django.db import migrations

SHIPPED_BEFORE = {"taxable": True, "tyel": False, "unemployment": True, "health": True}


def forwards(apps, schema_editor):
    wage_type = apps.get_model("payroll", "CompanyWageType")
    wage_type.objects.filter(code="deduction_before_withholding", **SHIPPED_BEFORE).update(
        tyel=True
    )


def backwards(apps, schema_editor):
    wage_type = apps.get_model("payroll", "CompanyWageType")
    wage_type.objects.filter(
        code="deduction_before_withholding", **(SHIPPED_BEFORE | {"tyel": True})
    ).update(tyel=False)


class Migration(migrations.Migration):
    dependencies = [("payroll", "0022_holiday_working_weekdays")]

    operations = [migrations.RunPython(forwards, backwards)]
