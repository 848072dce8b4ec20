# The delivery log's tables take this app's names (a rename: no rows are copied; the
# indexes and constraints keep their explicit names).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0008_reminder_delivery_log_from_planportal'),
    ]

    operations = [
        migrations.AlterModelTable(name='reminderdigest', table=None),
        migrations.AlterModelTable(name='reminderdelivery', table=None),
    ]
