"""The holiday rule and credit year of a generated holiday compensation line
(``PayItem.holiday_rule``, ``PayItem.credit_year_end``, copied onto the payslip's line), so
each rule of vuosilomalaki 162/2005 takes off only what was paid for its own year and rule.

Lines generated before this migration are filled from their ``source`` (what the generators
wrote, services.holidays):

- ``holiday:free_time`` (the run at the end of the holiday season, 16 §, 19 § 1 mom.): rule
  "16", the credit year ended 31 March of the year of the 30 September within the run's period;
- ``holiday:free_time:YYYY-03-31`` (with the free time, 8 § 1 mom.): rule "free_time", that year;
- ``holiday:not_given:YYYY-03-31`` (26 § 1 mom.): rule "26", that year;
- ``holiday:compensation`` (the end of the employment, 17 §): rule "17", the credit year of
  the run's period end (the employment ended within the period).

The holiday bonus lines generated with a compensation (same source) get the same. The
approved payslips' stored ``holiday_compensation`` lines get the rule and year of the
run's generated compensation line of the employee with the same amount; a line without
such a match (entered by hand) stays without a rule, as before: the 16 § rule still takes it
off.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations, models

PREFIX = "holiday:"


def _year_end(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month >= 4), 3, 31)


def _season_end_year(run) -> dt.date | None:
    for year in sorted({run.period_start.year, run.period_end.year}):
        day = dt.date(year, 9, 30)
        if run.period_start <= day <= run.period_end:
            return dt.date(year, 3, 31)
    return None


def rule_of(source: str, run) -> tuple[str, dt.date | None]:
    """The (rule, credit year) a generated line's ``source`` gives, or ("", None)."""
    rest = source[len(PREFIX) :] if source.startswith(PREFIX) else ""
    if rest == "free_time":
        return "16", _season_end_year(run)
    if rest == "compensation":
        return "17", _year_end(run.period_end)
    for name, rule in (("free_time:", "free_time"), ("not_given:", "26")):
        if rest.startswith(name):
            try:
                return rule, dt.date.fromisoformat(rest[len(name) :])
            except ValueError:
                return "", None
    return "", None


def fill(apps, schema_editor):
    PayItem = apps.get_model("payroll", "PayItem")
    Payslip = apps.get_model("payroll", "Payslip")
    tagged: dict[tuple[int, int], list[tuple[int, str, dt.date | None]]] = {}
    changed = []
    items = (
        PayItem.objects.filter(source__startswith=PREFIX, wage_type__in=("holiday_compensation", "holiday_bonus"))
        .select_related("pay_run")
        .order_by("pk")
    )
    for item in items.iterator(chunk_size=2000):
        rule, year = rule_of(item.source, item.pay_run)
        if not rule:
            continue
        item.holiday_rule, item.credit_year_end = rule, year
        changed.append(item)
        if item.wage_type == "holiday_compensation":
            tagged.setdefault((item.pay_run_id, item.employee_id), []).append(
                (item.amount_cents, rule, year)
            )
    PayItem.objects.bulk_update(changed, ["holiday_rule", "credit_year_end"], batch_size=1000)
    slips = []
    for slip in Payslip.objects.filter(
        pay_run_id__in={run for run, _employee in tagged}
    ).iterator(chunk_size=2000):
        left = list(tagged.get((slip.pay_run_id, slip.employee_id), []))
        touched = False
        for line in slip.lines or []:
            if line.get("code") != "holiday_compensation" or line.get("holiday_rule"):
                continue
            amount = int(Decimal(line["amount"]) * 100)
            match = next((entry for entry in left if entry[0] == amount), None)
            if match is None:
                continue
            left.remove(match)
            line["holiday_rule"] = match[1]
            line["credit_year_end"] = match[2].isoformat() if match[2] else None
            touched = True
        if touched:
            slips.append(slip)
    Payslip.objects.bulk_update(slips, ["lines"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0031_ir2_absence_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="payitem",
            name="credit_year_end",
            field=models.DateField(blank=True, null=True, verbose_name="credit year end"),
        ),
        migrations.AddField(
            model_name="payitem",
            name="holiday_rule",
            field=models.CharField(
                blank=True,
                choices=[
                    ("16", "16 § holiday compensation"),
                    ("free_time", "Free time (8 §) holiday compensation"),
                    ("17", "17 § compensation at the end of employment"),
                    ("26", "26 § compensation for holiday not given"),
                ],
                default="",
                max_length=12,
                verbose_name="holiday rule",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
