"""Notices: told when given a tiltak or when a report is sent back, one e-mail per person
per hour, through the delivery log, respecting the opt-out."""

import threading
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.db import connection

from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.notices import record_notice
from actions.reminders import windows
from actions.reminders.sweep import sweep_notices
from actions.services import assign_action, create_action
from tests.actions.reminder_helpers import action_due
from tests.factories import ReportingReturnFactory, ReportingRoundFactory
from tests.queries import count_queries

pytestmark = pytest.mark.usefixtures("reminder_settings")
Kind = ReminderDelivery.Kind
Status = ReminderDigest.Status
TEN = datetime(2026, 12, 2, 10, 5, tzinfo=windows.OSLO)


@pytest.fixture
def sweep_at(django_capture_on_commit_callbacks, eager_celery):
    """Run the notice sweep at a moment and let its e-mails go out (eagerly)."""

    def run(moment: datetime = TEN):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep_notices(now=moment)

    return run


def give(world, action, person, due=None, **fields):
    """Assign *action* to *person* as the administrator does, through the service."""
    action.refresh_from_db()
    return assign_action(actor=world.admin, action=action, expected_version=action.version,
                         responsible_unit=world.home_care, responsible_person=person,
                         due_date=due, **fields)


def sent_back_notice(world, action, comment="Mangler tall for mai."):
    rnd = ReportingRoundFactory(organization=world.org)
    ret = ReportingReturnFactory(round=rnd, action=action, state="sent_back",
                                 review_comment=comment, version=3)
    record_notice(recipient_id=world.reader.pk, organization_id=world.org.pk,
                  action_id=action.pk, kind=Kind.RETURN_SENT_BACK,
                  key=f"r{ret.round_id}/b{ret.version}")
    return ret


def test_forty_actions_given_at_once_make_one_email_listing_them_all(world, sweep_at):
    actions = [action_due(world, None, title=f"Tiltak nummer {i}") for i in range(40)]
    for i, action in enumerate(actions):
        give(world, action, world.reader, due=date(2027, 3, 1) if i else None,
             **({"period_text": "løpende"} if not i else {}))

    sweep_at()
    sweep_at(TEN + timedelta(minutes=10))

    assert [m.to for m in mail.outbox] == [[world.reader.email]]
    message = mail.outbox[0]
    assert message.subject == "Planportal: Du har fått ansvar for 40 nye tiltak – Testkommune"
    body = message.body
    assert "## Tiltak du nå har ansvar for" in body
    assert all(f"Tiltak nummer {i}" in body for i in range(40))
    assert "Helse- og omsorgsplan 2025–2030" in body
    assert "Frist: 1. mars 2027" in body
    assert "Periode: løpende" in body
    assert f"https://planportal.example.no/tiltak/{actions[0].pk}/" in body
    assert f'href="https://planportal.example.no/tiltak/{actions[1].pk}/"' in \
        message.alternatives[0].content
    digest = ReminderDigest.objects.get()
    assert (digest.kind, digest.date, digest.hour, digest.status) == (
        "notice", TEN.date(), 10, Status.SENT)
    assert not ReminderDelivery.objects.filter(sent_at__isnull=True).exists()


def create(world, person, title, actor=None, **fields):
    """A new tiltak created with a responsible person, through the service."""
    return create_action(actor=actor or world.admin, goal=world.goal, title=title,
                         responsible_unit=world.home_care, responsible_person=person,
                         **fields)


def test_a_tiltak_created_for_a_person_tells_them_once_in_the_same_email_as_the_others(
    world, sweep_at
):
    created = create(world, world.reader, "Opprettet med ansvarlig")
    # Given a deadline afterwards, to the same person: not told a second time.
    give(world, created, world.reader, due=date(2027, 3, 1))
    create(world, world.reader, "Opprettet løpende", period_text="løpende")
    give(world, action_due(world, None, title="Fordelt etterpå"), world.reader)

    sweep_at()
    sweep_at(TEN + timedelta(hours=1))

    assert [m.to for m in mail.outbox] == [[world.reader.email]]
    message = mail.outbox[0]
    assert message.subject == "Planportal: Du har fått ansvar for 3 nye tiltak – Testkommune"
    assert all(title in message.body for title in (
        "Opprettet med ansvarlig", "Opprettet løpende", "Fordelt etterpå"))
    assert ReminderDelivery.objects.filter(kind=Kind.ASSIGNED).count() == 3


def test_a_tiltak_created_for_someone_who_turned_reminders_off_tells_nobody(world, sweep_at):
    world.reader.reminder_emails = False
    world.reader.save(update_fields=["reminder_emails"])
    create(world, world.reader, "Opprettet med ansvarlig")

    sweep_at()

    assert mail.outbox == []
    assert ReminderDelivery.objects.get().kind == Kind.ASSIGNED  # in the log, not sent


def test_creating_a_tiltak_for_oneself_or_copying_it_by_rullering_tells_nobody(world):
    from actions.rollover import roll_over_plan

    create(world, world.admin, "Mitt eget tiltak")
    world.action.responsible_person = world.reader
    world.action.save(update_fields=["responsible_person"])

    roll_over_plan(actor=world.admin, plan=world.plan, period_start=2031, period_end=2035)

    assert not ReminderDelivery.objects.exists()


def test_an_action_given_later_in_the_same_hour_waits_for_the_next_hours_email(
    world, sweep_at
):
    give(world, action_due(world, None, title="Først"), world.reader)
    sweep_at()
    give(world, action_due(world, None, title="Senere"), world.reader)

    sweep_at(TEN + timedelta(minutes=20))
    assert len(mail.outbox) == 1

    sweep_at(TEN + timedelta(hours=1))
    assert len(mail.outbox) == 2
    assert "Senere" in mail.outbox[1].body and "Først" not in mail.outbox[1].body
    assert mail.outbox[1].subject.startswith("Planportal: Du har fått ansvar for 1 nytt tiltak")
    assert sorted(ReminderDigest.objects.values_list("hour", flat=True)) == [10, 11]


def test_someone_who_turned_reminders_off_is_not_told_and_the_notice_is_not_retried(
    world, sweep_at
):
    world.reader.reminder_emails = False
    world.reader.save(update_fields=["reminder_emails"])
    give(world, action_due(world, None), world.reader)

    sweep_at()
    sweep_at(TEN + timedelta(hours=1))
    sweep_at(TEN + timedelta(hours=2))

    assert mail.outbox == []
    digest = ReminderDigest.objects.get()
    assert digest.status == Status.CANCELLED
    item = ReminderDelivery.objects.get()
    assert (item.kind, item.digest_id, item.sent_at) == (Kind.ASSIGNED, digest.pk, None)


def test_an_inactive_person_or_one_without_an_address_is_not_told(world, sweep_at):
    give(world, action_due(world, None), world.reader)
    world.reader.email = ""
    world.reader.save(update_fields=["email"])
    give(world, action_due(world, None), world.unit_manager)
    world.unit_manager.is_active = False
    world.unit_manager.save(update_fields=["is_active"])

    sweep_at()

    assert mail.outbox == []
    assert set(ReminderDigest.objects.values_list("status", flat=True)) == {Status.CANCELLED}


def test_an_action_given_to_somebody_else_before_the_email_goes_is_left_out(world, sweep_at):
    moved = action_due(world, None, title="Flyttet")
    give(world, moved, world.reader)
    give(world, action_due(world, None, title="Beholdt"), world.reader)
    give(world, moved, world.unit_manager)

    sweep_at()

    reader_mail = next(m for m in mail.outbox if m.to == [world.reader.email])
    assert "Beholdt" in reader_mail.body and "Flyttet" not in reader_mail.body
    manager_mail = next(m for m in mail.outbox if m.to == [world.unit_manager.email])
    assert "Flyttet" in manager_mail.body


def test_a_return_sent_back_tells_the_person_with_the_comment_and_a_link(world, sweep_at):
    action = action_due(world, None, responsible_person=world.reader, title="Rapport")
    ret = sent_back_notice(world, action, comment="Mangler tall for mai – og «juni».")

    sweep_at()
    sweep_at()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == ("Planportal: 1 rapport er sendt tilbake til deg – "
                               "Testkommune")
    body = message.body
    assert "## Rapporter sendt tilbake til deg" in body
    assert "Kommentar fra den som vurderte: Mangler tall for mai – og «juni»." in body
    assert "2. tertial 2026" in body
    url = f"https://planportal.example.no/rapportering/{ret.round_id}/rapporter/{ret.pk}/"
    assert url in body
    assert f'href="{url}"' in message.alternatives[0].content


def test_a_return_resubmitted_before_the_email_goes_is_not_told_about(world, sweep_at):
    action = action_due(world, None, responsible_person=world.reader)
    ret = sent_back_notice(world, action)
    ret.state = "submitted"
    ret.save(update_fields=["state"])

    sweep_at()

    assert mail.outbox == []
    assert ReminderDigest.objects.get().status == Status.CANCELLED
    assert ReminderDelivery.objects.get().sent_at is not None  # dealt with


def test_given_a_tiltak_and_a_return_sent_back_in_the_same_hour_make_one_email(
    world, sweep_at
):
    sent_back_notice(world, action_due(world, None, responsible_person=world.reader))
    give(world, action_due(world, None, title="Nytt"), world.reader)

    sweep_at()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == (
        "Planportal: Nye tiltak og rapporter sendt tilbake til deg – Testkommune")


def test_the_notice_email_is_in_english_for_someone_who_prefers_english(world, sweep_at):
    world.reader.preferred_language = "en"
    world.reader.save(update_fields=["preferred_language"])
    give(world, action_due(world, None), world.reader, due=date(2027, 3, 1))

    sweep_at()

    message = mail.outbox[0]
    assert message.subject == "Planportal: You are responsible for 1 new action – Testkommune"
    assert "## Actions you are now responsible for" in message.body


def test_the_notice_sweep_makes_the_same_number_of_queries_for_10_and_100_notices(world):
    people = [world.reader, world.unit_manager, world.sector_leader]

    def queries_with(n):
        ReminderDelivery.objects.all().delete()
        ReminderDigest.objects.all().delete()
        for i, action in enumerate(actions[:n]):
            record_notice(recipient_id=people[i % 3].pk, organization_id=world.org.pk,
                          action_id=action.pk, kind=Kind.ASSIGNED, key="a2")
        return count_queries(lambda: sweep_notices(now=TEN), expected=None)

    actions = [action_due(world, None) for _ in range(100)]
    queries_with(1)  # warm-up
    few, many = queries_with(10), queries_with(100)
    assert few == many, f"{few} queries for 10 notices, {many} for 100"
    assert ReminderDigest.objects.count() == 3


def test_the_daily_sweep_does_not_publish_notice_emails_outside_their_sweep(world):
    """The notice sweep publishes its own e-mails only, and the other sweeps leave them
    alone until they are due (no duplicate messages every ten minutes)."""
    from actions.reminders.sweep import publish_pending

    give(world, action_due(world, None), world.reader)
    sweep_notices(now=TEN, publish=False)

    assert publish_pending(TEN.date(), TEN, [ReminderDigest.Kind.DAILY]) == 0
    assert publish_pending(TEN.date(), TEN, [ReminderDigest.Kind.NOTICE]) == 1


def test_send_reminders_runs_the_notice_sweep_too(
    world, eager_celery, django_capture_on_commit_callbacks
):
    give(world, action_due(world, None), world.reader)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)

    # (The sector leader may get this week's sector digest as well.)
    told = [m for m in mail.outbox if m.to == [world.reader.email]]
    assert len(told) == 1 and "Du har fått ansvar" in told[0].subject


def test_beat_runs_the_notice_sweep_every_ten_minutes():
    entry = django_settings.CELERY_BEAT_SCHEDULE["notices"]
    assert entry["task"] == "actions.tasks.sweep_notices"
    assert entry["schedule"].minute == set(range(0, 60, 10))


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_notice_sweeps_at_the_same_time_send_one_email(world, eager_celery):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sweeps need a server database")
    for i in range(5):
        give(world, action_due(world, None, title=f"Tiltak {i}"), world.reader)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def beat() -> None:
        try:
            barrier.wait()
            sweep_notices()  # now: a claim's lease is measured against the real clock
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [m.to for m in mail.outbox] == [[world.reader.email]]
    assert all(f"Tiltak {i}" in mail.outbox[0].body for i in range(5))
    assert ReminderDigest.objects.get().status == Status.SENT


@pytest.mark.parametrize("ext", ["html", "txt"])
@pytest.mark.parametrize("name", ["notice", "reminder_digest"])
def test_the_notice_and_the_reminder_email_share_one_layout(name, ext):
    from django.template.loader import get_template
    from django.template.loader_tags import ExtendsNode

    first = get_template(f"actions/email/{name}.{ext}").template.nodelist[0]
    assert isinstance(first, ExtendsNode)
    assert first.parent_name.resolve({}) == f"actions/email/base.{ext}"
