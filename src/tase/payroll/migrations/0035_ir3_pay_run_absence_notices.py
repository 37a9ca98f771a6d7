"""A draft pay run's notices of absences changed or removed with correction runs since its
lines from absences were made (services.absence_follow)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payroll', '0034_holiday7_correction_differences'),
    ]

    operations = [
        migrations.AddField(
            model_name='payrun',
            name='absence_notices',
            field=models.JSONField(blank=True, default=list),
        ),
    ]
