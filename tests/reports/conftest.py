"""A hand-computed plan for the report tests.

As of 31 August 2026 (end of the 2nd tertial; the previous report is 30 April 2026):

=====  ====  ==========  ============  ===================================  ==================
code   goal  deadline    unit          history (date: status progress risk)  as of 31 Aug
=====  ====  ==========  ============  ===================================  ==================
1.1.1  1.1   2026-06-30  Hjemmetj.     03-10 in_progress 40; 07-15 in_progress  in_progress 60,
                                       60 at_risk "Venter på budsjett"         overdue, at risk
1.1.2  1.1   2026-12-31  Hjemmetj.     05-02 completed 100                   completed
1.1.3  1.1   –           Sykehjemmet   –                                     not_started 0
1.2.1  1.2   2026-08-15  –             02-01 postponed 10 off_track          postponed, overdue
1.2.2  1.2   2026-03-31  Skole         04-10 cancelled 20                    cancelled
1.2.3  1.2   2026-10-31  Skole         06-01 in_progress 50; 09-10 completed in_progress 50
2.1.1  2.1   2026-09-30  Skole         –                                     not_started 0
2.1.2  2.1   2026-01-31  Skole         09-15 in_progress 30                  not_started 0, overdue
=====  ====  ==========  ============  ===================================  ==================

Goal 2.2 has no actions. Indicators: see ``indicators`` below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from actions import services as action_services
from actions.models import Action
from planportal.permissions import SYSTEM
from strategies.models import Indicator
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    PlanFactory,
)

OSLO = ZoneInfo("Europe/Oslo")
AS_OF = date(2026, 8, 31)
SINCE = date(2026, 4, 30)
# "Today" for the tests: after the as-of date, so the history decides the statuses.
TODAY = datetime(2026, 10, 1, 12, 0, tzinfo=OSLO)


@dataclass
class ReportPlan:
    plan: Any
    areas: list[Any]
    goals: dict[str, Any]
    actions: dict[str, Action]
    indicators: dict[str, Any] = field(default_factory=dict)


def post(action: Action, when: str, status: str, progress: int, risk: str = "on_track",
         comment: str = "", actor: Any = SYSTEM) -> None:
    """Post a status update at 10:00 Oslo time on *when* (MM-DD in 2026)."""
    month, day = map(int, when.split("-"))
    with time_machine.travel(datetime(2026, month, day, 10, 0, tzinfo=OSLO), tick=False):
        action.refresh_from_db()
        action_services.post_status_update(
            actor=actor, action=action, expected_version=action.version, status=status,
            progress=progress, risk=risk, comment=comment,
        )


def build_report_plan(world: Any, public: bool = False) -> ReportPlan:
    plan = PlanFactory(organization=world.org, title="Plan for rapport – Ærø",
                       is_public=public, adopted_by="Kommunestyret, sak 12/25")
    fa1 = FocusAreaFactory(plan=plan, order=1, code="1", title="Helse og mestring")
    fa2 = FocusAreaFactory(plan=plan, order=2, code="2", title="Oppvekst")
    goals = {
        "1.1": GoalFactory(focus_area=fa1, order=1, code="1.1", title="Bo trygt hjemme"),
        "1.2": GoalFactory(focus_area=fa1, order=2, code="1.2", title="Friskere ansatte"),
        "2.1": GoalFactory(focus_area=fa2, order=1, code="2.1", title="Trivsel i skolen"),
        "2.2": GoalFactory(focus_area=fa2, order=2, code="2.2", title="Tomt delmål"),
    }

    def action(code: str, due: date | None, unit: Any, **extra: Any) -> Action:
        goal = goals[code.rsplit(".", 1)[0]]
        return ActionFactory(goal=goal, code=code, order=int(code.rsplit(".", 1)[1]),
                             title=f"Tiltak {code} – øving", due_date=due,
                             responsible_unit=unit, **extra)

    actions = {
        "1.1.1": action("1.1.1", date(2026, 6, 30), world.home_care,
                        responsible_person=world.unit_manager),
        "1.1.2": action("1.1.2", date(2026, 12, 31), world.home_care),
        "1.1.3": action("1.1.3", None, world.nursing_home),
        "1.2.1": action("1.2.1", date(2026, 8, 15), None),
        "1.2.2": action("1.2.2", date(2026, 3, 31), world.school),
        "1.2.3": action("1.2.3", date(2026, 10, 31), world.school),
        "2.1.1": action("2.1.1", date(2026, 9, 30), world.school),
        "2.1.2": action("2.1.2", date(2026, 1, 31), world.school),
    }
    post(actions["1.2.1"], "02-01", "postponed", 10, "off_track", "Utsatt til høsten")
    post(actions["1.1.1"], "03-10", "in_progress", 40, actor=world.admin)
    post(actions["1.2.2"], "04-10", "cancelled", 20)
    post(actions["1.1.2"], "05-02", "completed", 100, comment="Ferdig før fristen")
    post(actions["1.2.3"], "06-01", "in_progress", 50)
    post(actions["1.1.1"], "07-15", "in_progress", 60, "at_risk", "Venter på budsjett",
         actor=world.admin)
    post(actions["1.2.3"], "09-10", "completed", 100)
    post(actions["2.1.2"], "09-15", "in_progress", 30)

    indicators = {
        # Higher is better; the line 70 (2024) → 80 (2028) expects 72.5 in 2025: 74 is on track.
        "home": IndicatorFactory(goal=goals["1.1"], name="Andel hjemmeboende over 80 år",
                                 direction=Indicator.Direction.HIGHER,
                                 baselines=[{"year": 2024, "value": 70}],
                                 targets=[{"year": 2028, "comparison": "gte", "value": 80}]),
        # Lower is better; 10 (2024) → 8 (2026) expects 9.0 in 2025: 9.5 is off track.
        "sick": IndicatorFactory(goal=goals["1.2"], name="Sykefravær", unit="%",
                                 direction=Indicator.Direction.LOWER,
                                 baselines=[{"year": 2024, "value": 10}],
                                 targets=[{"year": 2026, "comparison": "lte", "value": 8}]),
        # Target 85 reached with 86.
        "thrive": IndicatorFactory(goal=goals["2.1"], name="Elever som trives",
                                   direction=Indicator.Direction.HIGHER,
                                   baselines=[{"year": 2024, "value": 80}],
                                   targets=[{"year": 2027, "comparison": "gte", "value": 85}]),
        "empty": IndicatorFactory(goal=goals["2.1"], name="Uten målinger",
                                  direction=Indicator.Direction.HIGHER),
    }
    MeasurementFactory(indicator=indicators["home"], period_end=date(2025, 12, 31), value=74)
    # After the as-of date: not the latest value on 31 August.
    MeasurementFactory(indicator=indicators["home"], period_end=date(2026, 12, 31), value=71)
    MeasurementFactory(indicator=indicators["sick"], period_end=date(2025, 12, 31),
                       value=Decimal("9.5"))
    MeasurementFactory(indicator=indicators["thrive"], period_end=date(2026, 6, 30), value=86,
                       period_label="Vår 2026")
    return ReportPlan(plan=plan, areas=[fa1, fa2], goals=goals, actions=actions,
                      indicators=indicators)


@pytest.fixture
def report_plan(world: Any) -> ReportPlan:
    return build_report_plan(world)


@pytest.fixture
def today() -> Any:
    """Pin "today" to 1 October 2026 (the clock keeps running from there)."""
    with time_machine.travel(TODAY, tick=True):
        yield TODAY.date()


@pytest.fixture(autouse=True)
def eager_celery() -> Any:
    """Unit tests run tasks in-process even when REDIS_URL is set (CI); the worker test
    turns this off and uses a real worker."""
    from planportal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Snapshot PDFs go to a fresh directory per test."""
    settings.MEDIA_ROOT = tmp_path / "media"


class ScriptedSMTPHandler:
    """An SMTP server's DATA step: answers from a script ("451 …", "550 …"), then 250."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.accepted: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = self.script.pop(0) if self.script else "250 OK"
        if reply.startswith("250"):
            self.accepted.append(envelope)
        return reply


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink(settings: Any) -> Any:
    """A real SMTP server on the loopback (aiosmtpd), wired in as the default mailer."""
    from aiosmtpd.controller import Controller

    handler = ScriptedSMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
    }}
    yield handler
    controller.stop()
