"""An indicator's single target and baseline become rows of IndicatorTarget and
IndicatorBaseline, and the four old fields go.

The copy is written out here rather than imported, so that the migration keeps meaning
what it meant when the app's code changes.
"""

from django.db import migrations, models

#: Which comparison the old target meant: "at least" when higher is better, else "at most".
COMPARISON_OF_DIRECTION = {"higher": "gte", "lower": "lte"}


def new_rows(indicator, period_start):
    """The (baselines, targets) the old fields of *indicator* meant, as field dicts.

    A target without a year is the plan period's (year null, as the document said no
    year). A target year without a value says nothing to compare with, so nothing is
    made of it. A baseline needs a year: one without is taken as the year before the
    plan period starts, when a plan's figures are written (the old data did not say).
    """
    baselines, targets = [], []
    if indicator.baseline_value is not None:
        year = indicator.baseline_year or period_start - 1
        baselines.append({"year": year, "value": indicator.baseline_value})
    if indicator.target_value is not None:
        targets.append({
            "year": indicator.target_year,
            "comparison": COMPARISON_OF_DIRECTION.get(indicator.direction, "gte"),
            "value": indicator.target_value,
            "relative_to_national": False,
        })
    return baselines, targets


def copy_to_rows(apps, schema_editor):
    Indicator = apps.get_model("strategies", "Indicator")
    IndicatorBaseline = apps.get_model("strategies", "IndicatorBaseline")
    IndicatorTarget = apps.get_model("strategies", "IndicatorTarget")
    baselines, targets = [], []
    old = Indicator.objects.filter(
        models.Q(baseline_value__isnull=False) | models.Q(target_value__isnull=False)
    ).select_related("goal__focus_area__plan")
    for indicator in old.iterator(chunk_size=2000):
        made = new_rows(indicator, indicator.goal.focus_area.plan.period_start)
        baselines += [IndicatorBaseline(indicator=indicator, **row) for row in made[0]]
        targets += [IndicatorTarget(indicator=indicator, **row) for row in made[1]]
    IndicatorBaseline.objects.bulk_create(baselines, batch_size=1000)
    IndicatorTarget.objects.bulk_create(targets, batch_size=1000)


def old_fields(baselines, targets):
    """The old fields back from an indicator's rows: the latest baseline, and the plan
    period's target (else the latest year's); "more/less than" and "equal" become the
    old "at least/at most", a target relative to the national average is left out."""
    fields = {}
    if baselines:
        latest = max(baselines, key=lambda b: b.year)
        fields.update(baseline_value=latest.value, baseline_year=latest.year)
    absolute = [t for t in targets if not t.relative_to_national]
    if absolute:
        target = next((t for t in absolute if t.year is None), None) or max(
            absolute, key=lambda t: t.year)
        fields.update(target_value=target.value, target_year=target.year)
        if fields.get("baseline_year") and target.year and target.year < fields["baseline_year"]:
            fields["target_year"] = None  # the old constraint: never before the baseline
    return fields


def copy_back(apps, schema_editor):
    Indicator = apps.get_model("strategies", "Indicator")
    IndicatorBaseline = apps.get_model("strategies", "IndicatorBaseline")
    IndicatorTarget = apps.get_model("strategies", "IndicatorTarget")
    baselines, targets = {}, {}
    for row in IndicatorBaseline.objects.all():
        baselines.setdefault(row.indicator_id, []).append(row)
    for row in IndicatorTarget.objects.all():
        targets.setdefault(row.indicator_id, []).append(row)
    for pk in set(baselines) | set(targets):
        fields = old_fields(baselines.get(pk, []), targets.get(pk, []))
        if fields:
            Indicator.objects.filter(pk=pk).update(**fields)
    IndicatorBaseline.objects.all().delete()
    IndicatorTarget.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("strategies", "0005_plan_levels_sdgs_golden_thread_indicator_follow_up"),
    ]

    operations = [
        migrations.RunPython(copy_to_rows, copy_back),
        migrations.RemoveConstraint(
            model_name="indicator",
            name="indicator_target_year_not_before_baseline",
        ),
        migrations.RemoveField(model_name="indicator", name="baseline_value"),
        migrations.RemoveField(model_name="indicator", name="baseline_year"),
        migrations.RemoveField(model_name="indicator", name="target_value"),
        migrations.RemoveField(model_name="indicator", name="target_year"),
    ]

