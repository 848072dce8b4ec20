"""The daily sweep's indicator reminders: a value due, then overdue weekly, once each,
in the same daily e-mail as the tiltak reminders."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.reminders.sweep import sweep_deadlines
from strategies.models import Indicator, Plan
from strategies.services import record_measurement
from tests.actions.reminder_helpers import TODAY, action_due
from tests.factories import IndicatorFactory
from tests.queries import count_queries

pytestmark = pytest.mark.usefixtures("reminder_settings")
Kind = ReminderDelivery.Kind


def indicator_due(world, due, **fields):
    """An indicator of the world's plan followed up by tertial, its next value due *due*."""
    fields.setdefault("responsible_unit", world.home_care)
    fields.setdefault("name", "Sykefravær i hjemmetjenesten")
    return IndicatorFactory(goal=world.goal, frequency="tertial", next_due_on=due,
                            unit="%", **fields)


def test_the_responsible_person_is_told_a_value_is_due_with_a_link_to_the_form(
        world, run_sweep):
    indicator = indicator_due(world, TODAY + timedelta(days=3),
                              responsible_person=world.unit_manager)

    run_sweep(TODAY)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.unit_manager.email]
    assert message.subject == "Planportal: 1 indikatorverdi skal registreres – Testkommune"
    assert "Indikatorverdier som skal registreres" in message.body
    assert "Sykefravær i hjemmetjenesten (%)" in message.body
    assert "Verdien skal registreres om 3 dager" in message.body
    assert "18. juni 2026" in message.body
    url = f"https://planportal.example.no/indikatorer/{indicator.pk}/#registrer-verdi"
    assert url in message.body
    assert f'href="{url}"' in message.alternatives[0].content
    line = ReminderDelivery.objects.get()
    assert (line.indicator_id, line.action_id, line.kind, line.key) == (
        indicator.pk, None, Kind.INDICATOR_DUE, "2026-06-18/w3")
    assert line.sent_at is not None


def test_a_sweep_run_twice_sends_once(world, run_sweep):
    indicator_due(world, TODAY + timedelta(days=10), responsible_person=world.unit_manager)

    run_sweep(TODAY)
    run_sweep(TODAY)

    assert len(mail.outbox) == 1
    assert ReminderDelivery.objects.count() == 1


def test_without_a_responsible_person_the_units_managers_are_told(world, run_sweep):
    indicator_due(world, TODAY)

    run_sweep(TODAY)

    assert [m.to for m in mail.outbox] == [[world.unit_manager.email]]
    assert "Verdien skal registreres i dag" in mail.outbox[0].body


def test_someone_who_turned_reminders_off_gets_nothing_and_nobody_is_told_instead(
        world, run_sweep):
    person = world.unit_manager
    person.reminder_emails = False
    person.save(update_fields=["reminder_emails"])
    indicator_due(world, TODAY + timedelta(days=3), responsible_person=person,
                  responsible_unit=world.nursing_home)

    run_sweep(TODAY)

    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_an_overdue_value_is_repeated_weekly(world, run_sweep):
    indicator_due(world, TODAY - timedelta(days=1), responsible_person=world.unit_manager)

    run_sweep(TODAY)
    run_sweep(TODAY + timedelta(days=3))
    run_sweep(TODAY + timedelta(days=7))

    keys = list(ReminderDelivery.objects.filter(kind=Kind.INDICATOR_OVERDUE)
                .order_by("pk").values_list("key", flat=True))
    assert keys == ["2026-06-14/o0", "2026-06-14/o1"]
    assert len(mail.outbox) == 2
    assert "Verdien er 8 dager på overtid" in mail.outbox[1].body


def test_a_recorded_value_stops_the_reminders(world, run_sweep):
    indicator = indicator_due(world, date(2026, 5, 31), responsible_person=world.unit_manager)
    run_sweep(TODAY)
    assert len(mail.outbox) == 1

    record_measurement(actor=world.unit_manager, indicator=indicator, value=7,
                       period_end=date(2026, 4, 30))
    run_sweep(TODAY + timedelta(days=7))

    assert len(mail.outbox) == 1
    assert Indicator.objects.get(pk=indicator.pk).next_due_on == date(2026, 9, 30)


def test_a_value_recorded_after_the_sweep_stops_the_email_it_opened(
        world, eager_celery, django_capture_on_commit_callbacks):
    indicator = indicator_due(world, TODAY + timedelta(days=3),
                              responsible_person=world.unit_manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sweep_deadlines(TODAY)
    record_measurement(actor=world.unit_manager, indicator=indicator, value=7,
                       period_end=date(2026, 4, 30))
    for callback in callbacks:
        callback()

    assert mail.outbox == []
    assert ReminderDigest.objects.get().status == ReminderDigest.Status.CANCELLED


def test_a_moved_due_date_opens_a_new_window(world, run_sweep):
    indicator = indicator_due(world, TODAY + timedelta(days=3),
                              responsible_person=world.unit_manager)
    run_sweep(TODAY)
    Indicator.objects.filter(pk=indicator.pk).update(next_due_on=TODAY + timedelta(days=4))

    run_sweep(TODAY + timedelta(days=1))

    assert list(ReminderDelivery.objects.order_by("pk").values_list("key", flat=True)) == [
        "2026-06-18/w3", "2026-06-19/w3"]
    assert len(mail.outbox) == 2


def test_indicators_of_an_expired_plan_are_not_followed_up(world, run_sweep):
    Plan.objects.filter(pk=world.plan.pk).update(status=Plan.Status.EXPIRED)
    indicator_due(world, TODAY, responsible_person=world.unit_manager)

    run_sweep(TODAY)

    assert mail.outbox == []


def test_indicator_values_and_tiltak_come_in_one_daily_email(world, run_sweep):
    indicator_due(world, TODAY + timedelta(days=14), responsible_person=world.unit_manager)
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.unit_manager)

    run_sweep(TODAY)

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == (
        "Planportal: Tiltak og indikatorverdier trenger oppfølging – Testkommune")
    assert "Frister som nærmer seg" in body
    assert "Indikatorverdier som skal registreres" in body
    assert ReminderDigest.objects.count() == 1


def test_the_email_is_in_english_for_someone_who_prefers_english(world, run_sweep):
    person = world.unit_manager
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    indicator_due(world, TODAY + timedelta(days=1), responsible_person=person)

    run_sweep(TODAY)

    message = mail.outbox[0]
    assert message.subject == "Planportal: 1 indicator value is due – Testkommune"
    assert "Value due in 1 day" in message.body


def test_the_sweep_makes_the_same_number_of_queries_for_few_and_many_indicators(
        world, eager_celery):
    people = [world.reader, world.unit_manager, world.admin]
    created = 0

    def queries_with(n):
        nonlocal created
        for i in range(created, n):
            indicator_due(world, TODAY + timedelta(days=i % 20 - 5), name=f"Indikator {i}",
                          responsible_person=people[i % 3])
        created = n
        ReminderDelivery.objects.all().delete()
        ReminderDigest.objects.all().delete()
        return count_queries(lambda: sweep_deadlines(TODAY), expected=None)

    queries_with(1)  # warm-up
    few, many = queries_with(3), queries_with(40)
    assert few == many, f"{few} queries for 3 indicators, {many} for 40"


def test_the_dry_run_names_the_indicator_and_changes_nothing(world):
    indicator = indicator_due(world, TODAY + timedelta(days=3),
                              responsible_person=world.unit_manager)
    out = StringIO()

    call_command("send_reminders", "--date", TODAY.isoformat(), "--dry-run", stdout=out)

    assert (f"indicator_due       2026-06-18/w3    indikator {indicator.pk} "
            "Sykefravær i hjemmetjenesten") in out.getvalue()
    assert not ReminderDelivery.objects.exists()
