"""Existing companies' copies of the wage type ``car_benefit_charge`` (the employee's payment
for the car benefit) get the Incomes Register income type 401, Autoedusta peritty korvaus
(vero.fi, "Palkkojen tulolajit: 400-sarja"; tase.rules.payroll_catalogue), where they still
have the 407 Tase shipped before (407 is the payment for the other benefits in kind). A code
the company set itself is left alone."""

from django.db import migrations


def forwards(apps, schema_editor):
    wage_type = apps.get_model("payroll", "CompanyWageType")
    wage_type.objects.filter(code="car_benefit_charge", income_type=407).update(income_type=401)


def backwards(apps, schema_editor):
    wage_type = apps.get_model("payroll", "CompanyWageType")
    wage_type.objects.filter(code="car_benefit_charge", income_type=401).update(income_type=407)


class Migration(migrations.Migration):
    dependencies = [("payroll", "0013_payfix_register_parts")]

    operations = [migrations.RunPython(forwards, backwards)]
