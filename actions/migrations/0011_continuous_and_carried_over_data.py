"""Existing tiltak: mark open-ended periods continuous, and carried-over sources videreført.

Before this, a rolled-over tiltak stayed open in the expired plan as well as in the new
one; from now on the source has a final state of its own.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from actions.periods import is_open_ended

    Action = apps.get_model("actions", "Action")
    continuous = [
        pk for pk, text in Action.objects.filter(due_date__isnull=True)
        .exclude(period_text="").values_list("pk", "period_text").iterator()
        if is_open_ended(text)
    ]
    for start in range(0, len(continuous), 1000):
        Action.objects.filter(pk__in=continuous[start:start + 1000]).update(continuous=True)
    Action.objects.filter(carried_over_to__isnull=False).exclude(
        status__in=["completed", "cancelled", "carried_over"]
    ).update(status="carried_over")


class Migration(migrations.Migration):

    dependencies = [("actions", "0010_reporting_rounds_continuous_carried_over")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
