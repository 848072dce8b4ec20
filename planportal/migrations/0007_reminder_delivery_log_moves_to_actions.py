# The reminder delivery log (ReminderDigest, ReminderDelivery) belongs to the actions app:
# it points at actions.Action, and the core must not depend on an app. The models leave
# this app's state only; the tables and their rows stay, and actions 0008 takes them over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('planportal', '0006_reminder_delivery_recipient_index_in_unique'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # The delivery first: its foreign key points at the digest.
                migrations.DeleteModel(name='ReminderDelivery'),
                migrations.DeleteModel(name='ReminderDigest'),
            ],
            database_operations=[],
        ),
    ]
