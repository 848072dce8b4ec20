"""The demo data once per module, plus what the URL walk needs beside it.

``load_demo`` takes several seconds, so it runs once for the whole walk, inside a
transaction that is rolled back when the module ends (the rest of the suite never sees
the demo). Each test runs in a savepoint inside it, as with any ``db`` test.

Beside the demo, created through the services as a kommune would: a reader and an
administrator whose only role is in Elverum ("another kommune"), a non-public Rendalen
plan with people in it, indicator values, frozen reports, a report recipient, a calendar
feed and an API token of the Rendalen unit manager, and a unit feed of its sector leader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test.utils import override_settings
from django.utils import timezone

from actions import services as action_services
from actions.calendar_feeds import create_calendar_feed
from actions.models import Action
from planportal import services as core_services
from planportal.models import Membership, Organization, Unit, User
from planportal.tokens import issue_token
from reports import services as report_services
from reports.demo import LOADER
from strategies import services as plan_services
from strategies.models import Plan

#: The demo users of Rendalen (design §3) by persona name; "admin" is also everyone's admin.
RENDALEN_PERSONAS = {
    "rendalen_admin": "admin",
    "rendalen_sector_leader": "sektorleder",
    "rendalen_unit_manager": "enhetsleder",
    "rendalen_reader": "politiker",
}
#: Users whose only role is in Elverum: "another kommune" to everything of Rendalen.
OUTSIDE_PERSONAS = {
    "other_reader": ("elverum-leser", Membership.Role.READER),
    "other_admin": ("elverum-admin", Membership.Role.ADMIN),
}
#: A Rendalen person beside the demo users, named so that no page can contain the name
#: by accident: responsible for the non-public plan's action.
INTERNAL_PERSON = {"username": "rendalen-ingrid", "first_name": "Ingrid",
                   "last_name": "Fjellstuå", "email": "ingrid.fjellstua@rendalen.invalid"}
#: A committee member who receives the non-public plan's report by e-mail.
SUBSCRIBER_EMAIL = "utvalgsleder.hoel@rendalen.invalid"


@dataclass
class WalkData:
    """What the walk fills URLs with, and whom it must never show to outsiders."""

    rendalen: Organization
    elverum: Organization
    private_plan: Plan
    public_plan: Plan
    users: dict[str, User]
    calendar_tokens: dict[int, str]
    #: user id → their raw API token
    api_tokens: dict[int, str]
    #: the people of Rendalen only: full names, e-mail addresses, usernames in context
    personal_data: list[str] = field(default_factory=list)


def _build() -> WalkData:
    call_command("load_demo", verbosity=0, force=True)
    rendalen = Organization.objects.get(slug="rendalen")
    elverum = Organization.objects.get(slug="elverum")
    users = {persona: User.objects.get(username=username)
             for persona, username in RENDALEN_PERSONAS.items()}
    elverum_root = Unit.objects.get(organization=elverum, parent__isnull=True)
    for persona, (username, role) in OUTSIDE_PERSONAS.items():
        user = core_services.create_user(
            actor=LOADER, username=username, password=None, email=f"{username}@elverum.invalid",
            first_name="Elverum", last_name=persona.replace("_", " ").title(),
            is_staff=role == Membership.Role.ADMIN)
        core_services.add_membership(actor=LOADER, user=user, unit=elverum_root, role=role)
        users[persona] = user

    home_care = Unit.objects.get(code="rendalen-hjemmetjenesten")
    internal = core_services.create_user(actor=LOADER, password=None, **INTERNAL_PERSON)
    core_services.add_membership(actor=LOADER, user=internal, unit=home_care,
                                 role=Membership.Role.UNIT_MANAGER)

    # Rendalen's handlingsplan: the public plan with the demo's follow-up (its parent, the
    # helse- og omsorgsplan, is public too).
    public_plan = Plan.objects.get(organization=rendalen, is_public=True,
                                   kind=Plan.Kind.ACTION_PLAN)
    private_plan = plan_services.create_plan(
        actor=LOADER, organization=rendalen, title="Intern handlingsplan for vikarbruk",
        kind="action_plan", period_start=2026, period_end=2027, status="draft",
        is_public=False)
    area = plan_services.create_focus_area(
        actor=LOADER, plan=private_plan, order=0, code="1", title="Vikarer",
        sdg_numbers=[3], lead_units=[home_care])
    goal = plan_services.create_goal(actor=LOADER, focus_area=area, order=0, code="1.1",
                                     title="Færre innleide vikarer")
    action = action_services.create_action(
        actor=LOADER, goal=goal, title="Egen vikarpool i hjemmetjenesten",
        responsible_unit=home_care, responsible_person=internal,
        due_date=timezone.localdate() + timedelta(days=40))
    action_services.post_status_update(
        actor=internal, action=action, expected_version=action.version, status="in_progress",
        progress=30, risk="at_risk", comment="Ingrid venter på budsjettet.")
    sector_leader = users["rendalen_sector_leader"]
    # Indicator values recorded by people in both plans: the public plan has none in the demo.
    for plan in (private_plan, public_plan):
        target_goal = goal if plan == private_plan else (
            Action.objects.filter(goal__focus_area__plan=plan, responsible_person__isnull=False)
            .select_related("goal").first().goal)
        indicator = plan_services.create_indicator(
            actor=LOADER, goal=target_goal, order=0, name="Andel vakter med vikar",
            unit="%", direction="lower")
        plan_services.record_measurement(
            actor=sector_leader, indicator=indicator, value="12.5",
            period_end=date(2025, 12, 31), note="Telt av Bjørn")
        # Frozen reports stay pending (the PDF is made on commit, which never comes here).
        report_services.create_snapshot(actor=LOADER, plan=plan, frequency="custom",
                                        as_of=timezone.localdate() - timedelta(days=1))
    report_services.create_subscription(actor=LOADER, plan=private_plan,
                                        email=SUBSCRIBER_EMAIL)
    manager = users["rendalen_unit_manager"]
    _feed, calendar_raw = create_calendar_feed(actor=manager, user=manager)
    # A unit feed too: the Kalender page's revoke URL is filled with it (a feed of a
    # Rendalen unit), which nobody but its owner may open.
    sector = Membership.objects.filter(user=sector_leader,
                                       role=Membership.Role.SECTOR_LEADER).first().unit
    create_calendar_feed(actor=sector_leader, user=sector_leader, unit=sector)
    _token, api_raw = issue_token(actor=manager, user=manager, name="Walk")

    people = [*User.objects.filter(
        memberships__unit__organization=rendalen).exclude(
        memberships__unit__organization__in=Organization.objects.exclude(pk=rendalen.pk))
        .distinct()]
    personal: list[str] = [SUBSCRIBER_EMAIL]
    for person in people:
        personal += [f"{person.first_name} {person.last_name}", person.email]
        # The demo usernames are role names too ("enhetsleder" is the label of a role):
        # only as a username counts; the walk's own person's name is unique everywhere.
        personal += [f'"{key}": "{person.username}"' for key in ("username", "text")]
        if person.username == INTERNAL_PERSON["username"]:
            personal.append(person.username)
        if " " not in person.last_name and len(person.last_name) > 4:
            personal.append(person.last_name)
    return WalkData(rendalen=rendalen, elverum=elverum, private_plan=private_plan,
                    public_plan=public_plan, users=users,
                    calendar_tokens={manager.pk: calendar_raw},
                    api_tokens={manager.pk: api_raw},
                    personal_data=sorted(set(personal)))


@pytest.fixture(scope="module")
def walk_data(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo and the walk's extra objects, rolled back when the module is done."""
    with django_db_blocker.unblock():
        atomics = {alias: transaction.atomic(using=alias) for alias in connections}
        for atomic in atomics.values():
            atomic.__enter__()
        try:
            # Real password hashers cost ~0.5 s per user; the walk logs in with force_login.
            with override_settings(
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                data = _build()
        except BaseException:
            for alias, atomic in atomics.items():
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
            raise
    yield data
    with django_db_blocker.unblock():
        for alias, atomic in reversed(atomics.items()):
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)
