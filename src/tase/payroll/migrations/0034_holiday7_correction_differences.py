"""Correction payslips hold the holiday rules' parts of gross pay as differences, like the
gross pay: the overtime increments and hours (vuosilomalaki 162/2005 11 § 2 mom.) and the
other pay besides a salary (10 § 1 mom.). Before, a correction payslip stored the full
corrected figures, so the original and its corrections summed counted them twice or more in
the average daily wage and the other pay's share.

The stored figures of each approved correction become its difference from the original and
the corrections approved before it, in the order they were approved. A correction run
calculated before the field was added (0021 for the overtime split, 0026 for the other pay)
had the field filled from its difference lines, a difference already, and keeps it (an
overtime difference line has no hours, so such a correction's overtime was lost then and is
not known now). A draft correction run is marked to be calculated again."""

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

SETTLED = ("approved", "paid")
# field -> the migration that added it (filled from the stored lines then)
FIELDS = {
    "overtime_increment_cents": "0021_holiday_overtime_split",
    "overtime_hours": "0021_holiday_overtime_split",
    "holiday_other_pay_cents": "0026_holiday2_payslip_other_pay",
}


def _added(connection) -> dict[str, object]:
    applied = {
        row.name: row.applied
        for row in MigrationRecorder(connection).migration_qs.filter(
            app="payroll", name__in=set(FIELDS.values())
        )
    }
    return {field: applied.get(name) for field, name in FIELDS.items()}


def store_differences(apps, schema_editor):
    PayRun = apps.get_model("payroll", "PayRun")
    Payslip = apps.get_model("payroll", "Payslip")
    added = _added(schema_editor.connection)
    corrections = PayRun.objects.filter(kind="correction")
    corrections.exclude(status__in=SETTLED).exclude(status="cancelled").update(stale=True)
    settled = corrections.filter(status__in=SETTLED)
    originals = sorted(set(settled.order_by().values_list("corrects_id", flat=True)))
    changed = []
    for original_id in originals:
        runs = {original_id: None}  # the original first
        for run in settled.filter(corrects_id=original_id).order_by("approved_at", "pk"):
            runs[run.pk] = run.calculated_at or run.approved_at or run.created_at
        slips = Payslip.objects.filter(pay_run_id__in=list(runs)).only(
            "pk", "pay_run_id", "employee_id", *FIELDS
        )
        by_run: dict[int, list] = {}
        for slip in slips:
            by_run.setdefault(slip.pay_run_id, []).append(slip)
        full: dict[tuple[int, str], object] = {}  # (employee, field) -> the payment so far
        for run_id, calculated in runs.items():
            for slip in by_run.get(run_id, []):
                for field in FIELDS:
                    stored = getattr(slip, field)
                    key = (slip.employee_id, field)
                    known = full.get(key, 0)
                    since = added[field]
                    if calculated is None or (since is not None and calculated < since):
                        full[key] = known + stored  # the original, or a difference already
                        continue
                    full[key] = stored
                    setattr(slip, field, stored - known)
                if calculated is not None:
                    changed.append(slip)
    Payslip.objects.bulk_update(changed, list(FIELDS), batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0033_holiday6_payslip_holiday_pay"),
    ]

    operations = [
        migrations.RunPython(store_differences, migrations.RunPython.noop),
    ]
