"""A company's collective-agreement average-hourly-earnings method (keskituntiansio-
menetelmä, vuosilomalaki 162/2005 30 §) on its holiday rule: hours per holiday day; empty
(every existing company) keeps the Act's average daily wage (11 §)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payroll', '0036_holiday9_pay_bases'),
    ]

    operations = [
        migrations.AddField(
            model_name='holidaypolicy',
            name='average_hourly_earnings_hours',
            field=models.DecimalField(blank=True, decimal_places=2, help_text="The collective agreement's hours per holiday day for the average-hourly-earnings method of hourly and performance-paid employees. Empty: the average daily wage of the Annual Holidays Act (11 §).", max_digits=5, null=True, verbose_name='hours per holiday day (average-hourly-earnings method)'),
        ),
    ]
