"""Guards for the Celery pitfalls of reliability.md §3, and the env-driven beat schedule."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from actions.tasks import send_reminder_digest
from planportal.celery import app
from planportal.mail import retry_delay
from planportal.schedule import BeatEntry, beat_schedule, parse_crontab
from tests.settings_probe import run_python

ROOT = Path(__file__).resolve().parents[2]
ENTRY = BeatEntry("sweep", "actions.tasks.sweep_deadline_reminders", "SWEEP_CRON", "7 * * * *",
                  expires=3000)


def test_celery_speaks_json_only():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"


def test_the_visibility_timeout_is_set_in_all_three_places_celery_reads_it():
    timeout = settings.CELERY_VISIBILITY_TIMEOUT
    assert app.conf.broker_transport_options["visibility_timeout"] == timeout
    assert app.conf.result_backend_transport_options["visibility_timeout"] == timeout
    assert app.conf.visibility_timeout == timeout


def test_no_retry_waits_long_enough_to_be_redelivered_by_redis(settings):
    settings.REMINDER_RETRY_BASE_DELAY = 30
    longest = max(retry_delay(retries) for retries in range(20))
    assert longest <= settings.REMINDER_RETRY_MAX_DELAY + 15
    assert longest < settings.CELERY_VISIBILITY_TIMEOUT
    assert settings.REMINDER_RETRY_MAX_DELAY <= 600


def test_the_backoff_doubles_until_its_cap(settings):
    settings.REMINDER_RETRY_BASE_DELAY = 10
    settings.REMINDER_RETRY_MAX_DELAY = 100
    for retries, delay in enumerate([10, 20, 40, 80, 100, 100]):
        assert delay <= retry_delay(retries) <= delay + 5  # jitter: 0…base/2 s


def test_the_sender_acknowledges_late_and_the_worker_does_not_loop_on_lost_children():
    assert send_reminder_digest.acks_late is True
    assert send_reminder_digest.ignore_result is True
    assert app.conf.task_reject_on_worker_lost is False
    assert app.conf.worker_prefetch_multiplier == 1


def test_the_beat_schedule_runs_hourly_in_oslo_time_and_messages_expire_before_the_next_tick():
    assert app.conf.timezone == "Europe/Oslo"
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert set(schedule) >= {"deadline-reminders", "sector-digests"}
    for name in ("deadline-reminders", "sector-digests"):
        entry = schedule[name]
        assert isinstance(entry["schedule"], crontab)
        assert entry["options"]["expires"] < 3600
        assert entry["task"] in app.tasks


def test_a_beat_entry_takes_its_crontab_from_the_environment():
    schedule = beat_schedule([ENTRY], {"SWEEP_CRON": "15 6-21 * * 1-5"})
    assert schedule["sweep"]["schedule"] == crontab(minute="15", hour="6-21",
                                                    day_of_week="1-5")
    assert beat_schedule([ENTRY], {})["sweep"]["schedule"] == crontab(minute="7")


@pytest.mark.parametrize("word", ["disable", "off", "DISABLED"])
def test_a_beat_entry_can_be_disabled_from_the_environment(word):
    assert beat_schedule([ENTRY], {"SWEEP_CRON": word}) == {}


@pytest.mark.parametrize("value", ["7 * * *", "61 * * * *", "every hour please"])
def test_a_malformed_crontab_names_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="SWEEP_CRON"):
        beat_schedule([ENTRY], {"SWEEP_CRON": value})


def test_parse_crontab_reads_five_fields():
    assert parse_crontab("X", "0 7 1 1 *") == crontab(minute="0", hour="7", day_of_month="1",
                                                      month_of_year="1")


def _settings_in_subprocess(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith("REMINDER")}
    clean.update(env)
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "from planportal.celery import app; "
        "print(json.dumps({'eager': app.conf.task_always_eager, 'broker': app.conf.broker_url,"
        " 'beat': sorted(s.CELERY_BEAT_SCHEDULE), 'windows': s.REMINDER_WINDOWS}))"
    )
    result = run_python(code, env={**clean, "DJANGO_SETTINGS_MODULE": "planportal.settings"},
                        cwd=ROOT, timeout=60)
    return {"returncode": result.returncode, "stderr": result.stderr,
            **(json.loads(result.stdout.strip().splitlines()[-1]) if result.returncode == 0
               else {})}


def test_the_embedded_default_runs_tasks_eagerly_without_a_broker():
    result = _settings_in_subprocess()
    assert result["returncode"] == 0, result["stderr"]
    assert result["eager"] is True
    assert result["broker"] == "memory://localhost/"
    assert result["windows"] == [30, 14, 3, 0]


def test_reminder_settings_come_from_the_environment_and_bad_values_stop_start_up():
    result = _settings_in_subprocess(REMINDER_WINDOWS="7,1", REMINDERS_SECTOR_DIGEST_CRON="off")
    assert result["returncode"] == 0, result["stderr"]
    assert result["windows"] == [7, 1]
    assert "deadline-reminders" in result["beat"]
    assert "sector-digests" not in result["beat"]

    bad = _settings_in_subprocess(REMINDER_WINDOWS="30,two")
    assert bad["returncode"] != 0
    assert "REMINDER_WINDOWS" in bad["stderr"]
