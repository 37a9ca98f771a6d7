"""Weekly and performance pay (suoritus- tai urakkapalkka) as an employment's pay basis
(vuosilomalaki 162/2005 10-11 §). No data changes: existing employments keep their basis."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payroll', '0035_ir3_pay_run_absence_notices'),
    ]

    operations = [
        migrations.AlterField(
            model_name='employment',
            name='pay_basis',
            field=models.CharField(choices=[('monthly', 'Monthly salary'), ('weekly', 'Weekly salary'), ('hourly', 'Hourly wage'), ('performance', 'Performance pay')], max_length=12, verbose_name='pay basis'),
        ),
    ]
