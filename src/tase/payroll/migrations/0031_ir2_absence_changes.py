"""Absences changed or removed with correction runs (one row per correction run, several when
runs of several pay periods used the absence), in place of the single ``removed_with`` mark;
and the absence data each delivery's reports carried, on the delivery's row.

Existing marks become removal rows. The absence data of existing earnings payment deliveries
is read from their stored XML (streamed, as ``formats.incomes_register.report_absences``
does), so corrections of runs approved before this migration read the row too."""

import django.db.models.deletion
from django.db import migrations, models


def marks_to_changes(apps, schema_editor):
    Absence = apps.get_model("payroll", "Absence")
    AbsenceChange = apps.get_model("payroll", "AbsenceChange")
    AbsenceChange.objects.bulk_create(
        AbsenceChange(
            company_id=absence.company_id,
            absence_id=absence.pk,
            run_id=absence.removed_with_id,
            remove=True,
        )
        for absence in Absence.objects.exclude(removed_with=None).iterator()
    )


def changes_to_marks(apps, schema_editor):
    Absence = apps.get_model("payroll", "Absence")
    AbsenceChange = apps.get_model("payroll", "AbsenceChange")
    for change in AbsenceChange.objects.filter(remove=True, run__status="draft"):
        Absence.objects.filter(pk=change.absence_id).update(removed_with_id=change.run_id)


def _chunks(row, Part):
    if row.xml:
        yield row.xml.encode("utf-8")
        return
    texts = Part.objects.filter(report=row).order_by("number").values_list("text", flat=True)
    for text in texts.iterator(1):
        yield text.encode("utf-8")


class _Everything:
    def __contains__(self, _item):
        return True


def fill_absences(apps, schema_editor):
    from tase.formats import incomes_register as irf

    Report = apps.get_model("payroll", "IncomesRegisterReport")
    Part = apps.get_model("payroll", "IncomesRegisterPart")
    for row in Report.objects.filter(kind="earnings").select_related("pay_run").iterator(50):
        correction = row.pay_run is not None and row.pay_run.kind == "correction"
        carried = {}
        for report_id, _version, block in irf.report_absences(_chunks(row, Part), _Everything()):
            if block is not None:
                carried[report_id] = irf.absences_data(block)
            elif correction:
                carried[report_id] = None
        if carried:
            Report.objects.filter(pk=row.pk).update(absences=carried)


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0030_holiday5_free_time"),
    ]

    operations = [
        migrations.CreateModel(
            name="AbsenceChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("remove", models.BooleanField(default=False, verbose_name="removed")),
                ("kind", models.CharField(blank=True, choices=[("sick", "Sick leave"), ("family", "Family leave"), ("unpaid", "Unpaid leave"), ("layoff", "Lay-off"), ("other", "Other absence")], max_length=10, verbose_name="kind")),
                ("start_date", models.DateField(blank=True, null=True, verbose_name="first day")),
                ("end_date", models.DateField(blank=True, null=True, verbose_name="last day")),
                ("paid", models.BooleanField(default=False, verbose_name="paid by the employer")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("absence", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="changes", to="payroll.absence")),
                ("company", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.company")),
                ("run", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="absence_changes", to="payroll.payrun", verbose_name="correction run")),
            ],
            options={
                "ordering": ["absence", "run"],
                "constraints": [models.UniqueConstraint(fields=("absence", "run"), name="payroll_absencechange_unique")],
            },
        ),
        migrations.RunPython(marks_to_changes, changes_to_marks),
        migrations.RemoveField(model_name="absence", name="removed_with"),
        migrations.AddField(
            model_name="incomesregisterreport",
            name="absences",
            field=models.JSONField(blank=True, default=dict, verbose_name="absence data carried"),
        ),
        migrations.RunPython(fill_absences, migrations.RunPython.noop),
    ]
