# The reminder delivery log moves here from the core (planportal 0007 drops it from that
# app's state). No table is created: the state takes over the existing tables under their
# old names, with every row, and 0009 then renames them to this app's names. The content
# types move with the models, so permissions given on them and admin history stay valid.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["reminderdigest", "reminderdelivery"]


def _move_content_types(apps, schema_editor, source, target):
    """Relabel the models' content types (a fresh database has none yet: no-op)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(
                app_label=target)


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "planportal", "actions")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "actions", "planportal")


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0007_action_dates_sane_range'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('planportal', '0007_reminder_delivery_log_moves_to_actions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReminderDigest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('daily', 'daily deadline digest'), ('sector_weekly', 'weekly sector digest')], max_length=20, verbose_name='kind')),
                        ('date', models.DateField(verbose_name='date')),
                        ('status', models.CharField(choices=[('pending', 'pending'), ('sending', 'sending'), ('sent', 'sent'), ('failed', 'failed'), ('uncertain', 'uncertain'), ('cancelled', 'cancelled')], default='pending', max_length=20, verbose_name='status')),
                        ('claim_token', models.CharField(blank=True, max_length=255, verbose_name='claimed by task')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='claimed at')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('not_before', models.DateTimeField(blank=True, null=True, verbose_name='next attempt')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('message_id', models.CharField(blank=True, max_length=255, verbose_name='Message-ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_digests', to='planportal.organization', verbose_name='organisation')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_digests', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'reminder e-mail',
                        'verbose_name_plural': 'reminder e-mails',
                        'ordering': ['-date', 'pk'],
                        'db_table': 'planportal_reminderdigest',
                    },
                ),
                migrations.CreateModel(
                    name='ReminderDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('deadline', 'deadline approaching'), ('overdue', 'overdue'), ('stale', 'no status update'), ('sector_overdue', 'overdue in the sector'), ('sector_unassigned', 'no responsible person'), ('sector_no_deadline', 'no deadline')], max_length=20, verbose_name='kind')),
                        ('key', models.CharField(max_length=40, verbose_name='key')),
                        ('due_date', models.DateField(blank=True, null=True, verbose_name='deadline')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('action', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_deliveries', to='actions.action', verbose_name='action')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_deliveries', to='planportal.organization', verbose_name='organisation')),
                        ('recipient', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='reminder_deliveries', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                        ('digest', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='items', to='actions.reminderdigest', verbose_name='e-mail')),
                    ],
                    options={
                        'verbose_name': 'reminder',
                        'verbose_name_plural': 'reminders',
                        'ordering': ['pk'],
                        'db_table': 'planportal_reminderdelivery',
                    },
                ),
                migrations.AddIndex(
                    model_name='reminderdigest',
                    index=models.Index(condition=models.Q(('status__in', ['pending', 'sending'])), fields=['status', 'date'], name='reminder_digest_open_idx'),
                ),
                migrations.AddConstraint(
                    model_name='reminderdigest',
                    constraint=models.UniqueConstraint(fields=('recipient', 'organization', 'kind', 'date'), name='reminder_digest_one_per_recipient_org_kind_date', violation_error_message='This reminder e-mail already exists.'),
                ),
                migrations.AddIndex(
                    model_name='reminderdelivery',
                    index=models.Index(condition=models.Q(('sent_at__isnull', True)), fields=['recipient', 'organization'], name='reminder_delivery_unsent_idx'),
                ),
                migrations.AddConstraint(
                    model_name='reminderdelivery',
                    constraint=models.UniqueConstraint(fields=('recipient', 'action', 'kind', 'key'), name='reminder_delivery_once_per_recipient_action_kind_key', violation_error_message='This reminder has already been recorded.'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
