"""Loads the seed plans, unit trees and demo users from ``fixtures/`` through the services.

Every object is looked up by a natural key first (organisation slug, unit code, plan
title and start year, position within the parent, indicator name, username), so loading
twice creates nothing new. The file format is described in ``fixtures/README.md``; a
file that does not fit it is refused with the file, the place and the reason, and the
whole load is rolled back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from actions import services as action_services
from actions.interpretations import record_interpretation
from actions.models import Action
from actions.placement import Placement, place
from planportal import services as core_services
from planportal.models import Membership, Organization, Unit
from planportal.permissions import SystemActor
from strategies import services as plan_services
from strategies.models import FocusArea, Goal, Indicator, Plan
from strategies.targets import comparison_code

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
LOADER = SystemActor("demo loader")


@dataclass
class LoadReport:
    """What a load created, per kind of object (zero everywhere on a second run)."""

    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.created.values())


class FixtureError(ValueError):
    """A plan file the loader cannot follow: the message says where and why."""


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _target(row: dict[str, Any]) -> dict[str, Any]:
    """A fixture's target (``{"comparison": ">", "value": 50, "year": null}``, and
    ``"relative_to_national": true`` for one against the national average) as the
    service takes it."""
    return {"year": row["year"], "comparison": comparison_code(row["comparison"]),
            "value": _decimal(row["value"]),
            "relative_to_national": row.get("relative_to_national", False)}


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def plan_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or FIXTURES_DIR / "plans").glob("*.json"))


def _reason(exc: Exception) -> str:
    """A refusal as a line: the missing key, or each field's messages."""
    if isinstance(exc, KeyError):
        return f"the key {exc} is missing"
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}"
                         for field, messages in exc.message_dict.items())
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _refusals_in(where: str, service: Any, **arguments: Any) -> Any:
    """Call *service*; a refusal names where in the file it came from."""
    try:
        return service(**arguments)
    except ValidationError as exc:
        raise FixtureError(f"{where}: {_reason(exc)}") from exc


@transaction.atomic
def load_demo(directory: Path | None = None) -> LoadReport:
    """Load every plan file and then the demo users; returns what was created."""
    report = LoadReport()
    base = directory or FIXTURES_DIR
    for path in plan_files(base / "plans"):
        try:
            load_plan_file(read_json(path), report)
        except (FixtureError, ValidationError, KeyError, ValueError) as exc:
            raise FixtureError(f"{path.name}: {_reason(exc)}") from exc
    users_file = base / "users.json"
    if users_file.exists():
        load_users(read_json(users_file), report)
        load_follow_up(report)
        load_rounds(report)
    return report


#: The demo's follow-up in Rendalen: (days from today to the deadline, status update or
#: None). Enough for every demo login to find something: an overdue action, some due
#: soon and some later for the unit manager; the rest stays blank for the sector leader.
FOLLOW_UP = [
    (-20, ("in_progress", 40, "at_risk", "Venter på nye rutiner fra legekontoret.")),
    (10, ("in_progress", 70, "on_track", "Kurs for pårørende holdes i neste uke.")),
    (25, None),
    (60, ("in_progress", 20, "on_track", "Første møte med frivilligsentralen er avholdt.")),
    (120, None),
    (200, None),
]


def follow_up_plan() -> Plan | None:
    """The plan the demo's follow-up runs in: Rendalen's handlingsplan, whose tiltak the
    demo users are given, report on and see in the reporting rounds."""
    return (Plan.objects.filter(organization__slug="rendalen", kind=Plan.Kind.ACTION_PLAN)
            .order_by("pk").first())


def load_follow_up(report: LoadReport) -> None:
    """Give the first Demens actions of Rendalen's handlingsplan to Hjemmetjenesten and
    the demo unit manager, with deadlines around today and a few status updates, and
    three Elverum indicators to the demo administrator with values due around today,
    through the services.

    Only once: if any of those actions (indicators) already has a responsible unit, its
    part does nothing.
    """
    from datetime import timedelta

    from django.utils import timezone

    user_model = get_user_model()
    today = timezone.localdate()
    # Indicators followed up: Rendalen's plan has none, so the demo administrator (a
    # member of Elverum too) follows up Elverum's first three, one overdue, one due soon.
    admin = user_model.objects.filter(username="admin").first()
    health = Unit.objects.filter(code="elverum-helse-omsorg").first()
    elverum = Indicator.objects.filter(goal__focus_area__plan__organization__slug="elverum")
    if admin and health and not elverum.filter(responsible_unit__isnull=False).exists():
        schedule = [("yearly", -10), ("tertial", 12), ("yearly", 150)]
        for indicator, (frequency, days) in zip(
                elverum.order_by("goal__focus_area__order", "goal__order", "order", "pk"),
                schedule, strict=False):
            plan_services.assign_indicator(
                actor=LOADER, indicator=indicator, responsible_unit=health,
                responsible_person=admin, frequency=frequency,
                next_due_on=today + timedelta(days=days))
            report.add("indicators followed up")

    manager = user_model.objects.filter(username="enhetsleder").first()
    unit = Unit.objects.filter(code="rendalen-hjemmetjenesten").first()
    rendalen = Action.objects.filter(plan=follow_up_plan())
    if manager is None or unit is None or rendalen.filter(responsible_unit__isnull=False).exists():
        return
    actions = rendalen.order_by("focus_area__order", "goal__order", "order", "pk")
    for action, (days, update) in zip(actions[: len(FOLLOW_UP)], FOLLOW_UP, strict=False):
        action_services.assign_action(
            actor=LOADER, action=action, expected_version=action.version,
            responsible_unit=unit, responsible_person=manager,
            due_date=today + timedelta(days=days),
        )
        report.add("assignments")
        if update is not None:
            status, progress, risk, comment = update
            action_services.post_status_update(
                actor=manager, action=action, expected_version=action.version,
                status=status, progress=progress, risk=risk, comment=comment,
            )
            report.add("status updates")


def load_plan_file(data: dict[str, Any], report: LoadReport) -> Plan:
    """Load one ``plans/<kommune>.json``: organisation, unit tree and plan (after the
    higher plan of the same document, ``parent_plan``, when the file has one)."""
    org_data = data["organization"]
    organization = Organization.objects.filter(slug=org_data["slug"]).first()
    number = org_data.get("kommunenummer", "")
    if organization is None:
        organization = core_services.create_organization(
            actor=LOADER, name=org_data["name"], slug=org_data["slug"], kommunenummer=number
        )
        report.add("organizations")
    elif number and organization.kommunenummer != number:  # loaded before it had one
        core_services.update_organization(actor=LOADER, organization=organization,
                                          kommunenummer=number)
        report.add("kommunenummer")
    units = _load_units(organization, data["units"], report)
    parent = None
    if data.get("parent_plan"):
        parent = _load_plan(organization, units, data["parent_plan"], report, parent=None)
    return _load_plan(organization, units, data["plan"], report, parent=parent)


def _load_units(
    organization: Organization, rows: list[dict[str, Any]], report: LoadReport
) -> dict[str, Unit]:
    units = {u.code: u for u in organization.units.all()}
    for row in rows:
        if row["code"] in units:
            continue
        if row["parent"] is None:
            raise ValueError(f"Unit {row['code']}: only the organisation root has no parent.")
        units[row["code"]] = core_services.create_unit(
            actor=LOADER,
            organization=organization,
            parent=units[row["parent"]],
            kind=row["kind"],
            code=row["code"],
            name=row["name"],
        )
        report.add("units")
    return units


def _load_plan(
    organization: Organization, units: dict[str, Unit], data: dict[str, Any],
    report: LoadReport, *, parent: Plan | None,
) -> Plan:
    where = f"plan «{data['title']}»"
    plan = Plan.objects.filter(
        organization=organization, title=data["title"], period_start=data["period_start"]
    ).first()
    if plan is None:
        plan = _refusals_in(where, plan_services.create_plan,
            actor=LOADER,
            organization=organization,
            title=data["title"],
            kind=data["kind"],
            level=data["level"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            status=data["status"],
            adopted_on=_date(data["adopted_on"]),
            adopted_by=data["adopted_by"],
            vision=data["vision"],
            description=data["description"],
            owner_unit=units[data["owner_unit"]] if data["owner_unit"] else None,
            revision_interval_years=data["revision_interval_years"],
            next_revision_on=_date(data["next_revision_on"]),
            is_public=data["is_public"],
            parent=parent,
        )
        report.add("plans")
    if sorted(plan.sdgs.values_list("number", flat=True)) != sorted(set(data["sdgs"])):
        plan_services.set_plan_sdgs(actor=LOADER, plan=plan, numbers=data["sdgs"])
        report.add("plan SDGs")
    _load_actions(place(plan=plan), units, data.get("actions", []), report)
    existing_areas = {fa.order: fa for fa in plan.focus_areas.all()}
    for order, area in enumerate(data["focus_areas"]):
        focus_area = existing_areas.get(order)
        if focus_area is None:
            focus_area = plan_services.create_focus_area(
                actor=LOADER,
                plan=plan,
                order=order,
                code=area["code"],
                title=area["title"],
                description=area["description"],
                current_state=area["current_state"],
                vision=area["vision"],
                partners=area["partners"],
                sdg_numbers=area["sdgs"],
                lead_units=[units[code] for code in area["lead_units"]],
            )
            report.add("focus_areas")
        _load_actions(place(focus_area=focus_area), units, area.get("actions", []), report)
        _load_goals(focus_area, units, area["goals"], report)
    refs = PlanRefs(plan, where)
    _load_contributions(refs, data, PlanRefs(parent, "parent_plan") if parent else None,
                        report)
    _load_interpretations(refs, data["interpretations"], report)
    return plan


def _load_goals(
    focus_area: FocusArea, units: dict[str, Unit], goals: list[dict[str, Any]], report: LoadReport
) -> None:
    existing = {g.order: g for g in focus_area.goals.all()}
    for order, row in enumerate(goals):
        goal = existing.get(order)
        if goal is None:
            goal = plan_services.create_goal(
                actor=LOADER,
                focus_area=focus_area,
                order=order,
                code=row["code"],
                title=row["title"],
                description=row["description"],
                success_criteria=row["success_criteria"],
            )
            report.add("goals")
        _load_indicators(goal, row["indicators"], report)
        _load_actions(place(goal=goal), units, row["actions"], report)


def _load_indicators(goal: Goal, rows: list[dict[str, Any]], report: LoadReport) -> None:
    existing = set(goal.indicators.values_list("name", flat=True))
    for order, row in enumerate(rows):
        if row["name"] in existing:
            continue
        plan_services.create_indicator(
            actor=LOADER,
            goal=goal,
            order=order,
            name=row["name"],
            unit=row["unit"],
            direction=row["direction"],
            source=row["source"],
            targets=[_target(target) for target in row["targets"]],
            baselines=[{"year": b["year"], "value": _decimal(b["value"])}
                       for b in row["baselines"]],
        )
        report.add("indicators")


def _load_actions(
    placement: Placement, units: dict[str, Unit], rows: list[dict[str, Any]],
    report: LoadReport,
) -> None:
    """The tiltak of one goal, one focus area's own or the plan's own, by position.

    A status other than *not started* (the plan's own status column, e.g. Øvre Eiker's
    «Utarbeides») is posted as the tiltak's first status update.
    """
    existing = set(Action.objects.filter(placement.siblings_q()).values_list("order", flat=True))
    for order, row in enumerate(rows):
        if order in existing:
            continue
        action = action_services.create_action(
            actor=LOADER,
            **placement.fields(),
            order=order,
            code=row["code"],
            title=row["title"],
            description=row["description"],
            period_text=row["period_text"],
            start_date=_date(row["start_date"]),
            due_date=_date(row["due_date"]),
            responsible_unit=units[row["responsible_unit"]] if row["responsible_unit"] else None,
            contributing_units=[units[code] for code in row["contributing_units"]],
        )
        report.add("actions")
        status = row.get("status", Action.Status.NOT_STARTED)
        if status != Action.Status.NOT_STARTED:
            action_services.post_status_update(
                actor=LOADER, action=action, expected_version=action.version,
                status=status, progress=100 if status == Action.Status.COMPLETED else 0,
            )
            report.add("status updates")


class PlanRefs:
    """A loaded plan's objects by the references a plan file uses: focus areas and goals
    by code, indicators by name, tiltak by ``[area code, goal code, position]`` (``null``
    for the levels they do not hang on). Read with one query per kind."""

    def __init__(self, plan: Plan, where: str) -> None:
        self.plan, self.where = plan, where
        self.areas = self._unique(FocusArea.objects.filter(plan=plan), "code")
        self.goals = self._unique(Goal.objects.filter(focus_area__plan=plan), "code")
        self.indicators = self._unique(Indicator.objects.filter(goal__focus_area__plan=plan),
                                       "name")
        self.actions = {(a.focus_area_id, a.goal_id, a.order): a
                        for a in Action.objects.filter(plan=plan)}

    @staticmethod
    def _unique(queryset: Any, key: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for obj in queryset:
            name = getattr(obj, key)
            found[name] = None if name in found else obj  # None: named twice
        return found

    def fail(self, message: str) -> FixtureError:
        return FixtureError(f"{self.where}: {message}")

    def _get(self, table: dict[str, Any], name: Any, kind: str) -> Any:
        if name not in table:
            raise self.fail(f"no {kind} «{name}»")
        if table[name] is None:
            raise self.fail(f"more than one {kind} «{name}»: the reference is ambiguous")
        return table[name]

    def area(self, code: str) -> FocusArea:
        return self._get(self.areas, code, "focus area")

    def goal(self, code: str) -> Goal:
        return self._get(self.goals, code, "goal")

    def indicator(self, name: str) -> Indicator:
        return self._get(self.indicators, name, "indicator")

    def action(self, ref: Any) -> Action:
        if not (isinstance(ref, list) and len(ref) == 3 and isinstance(ref[2], int)):
            raise self.fail(f"an action is named as [area code, goal code, position], "
                            f"not {ref!r}")
        area_code, goal_code, position = ref
        goal = self.goal(goal_code) if goal_code is not None else None
        area = self.area(area_code) if area_code is not None else None
        if goal is not None and (area is None or goal.focus_area_id != area.pk):
            raise self.fail(f"goal «{goal_code}» is not in focus area «{area_code}»")
        key = (area.pk if area else None, goal.pk if goal else None, position)
        if key not in self.actions:
            raise self.fail(f"no action at position {position} of {ref!r}")
        return self.actions[key]

    def target(self, on: Any) -> dict[str, Any]:
        """The object an interpretation's ``"on"`` names, as record_interpretation takes it."""
        if on == "plan":
            return {}
        resolvers = {"focus_area": self.area, "goal": self.goal,
                     "indicator": self.indicator, "action": self.action}
        if not (isinstance(on, dict) and len(on) == 1 and next(iter(on)) in resolvers):
            raise self.fail(f"«on» is \"plan\" or one of {sorted(resolvers)}, not {on!r}")
        kind, ref = next(iter(on.items()))
        return {kind: resolvers[kind](ref)}


def _load_contributions(refs: PlanRefs, data: dict[str, Any], parent: PlanRefs | None,
                        report: LoadReport) -> None:
    """The golden thread the document draws: goals and tiltak with ``contributes_to``
    (codes of goals in the file's ``parent_plan``), set through the services."""
    links: list[tuple[Any, list[str]]] = []
    for area in data["focus_areas"]:
        for goal in area["goals"]:
            if goal.get("contributes_to"):
                links.append((refs.goal(goal["code"]), goal["contributes_to"]))
    for place_ref, rows in _action_rows(data):
        for position, row in enumerate(rows):
            if row.get("contributes_to"):
                links.append((refs.action([*place_ref, position]), row["contributes_to"]))
    for obj, codes in links:
        if parent is None:
            raise refs.fail(f"«{obj}» contributes to goals, but the file has no parent_plan")
        targets = [parent.goal(code) for code in codes]
        if set(obj.contributes_to.values_list("pk", flat=True)) == {t.pk for t in targets}:
            continue
        try:
            if isinstance(obj, Goal):
                plan_services.set_goal_contributions(actor=LOADER, goal=obj, targets=targets)
            else:
                action_services.set_action_contributions(actor=LOADER, action=obj,
                                                         targets=targets)
        except ValidationError as exc:
            raise refs.fail(f"«{obj}» contributes_to {codes}: {' '.join(exc.messages)}") from exc
        report.add("contributions")


def _action_rows(data: dict[str, Any]) -> list[tuple[list[Any], list[dict[str, Any]]]]:
    """Every list of tiltak in a plan object, with its [area code, goal code] reference."""
    rows: list[tuple[list[Any], list[dict[str, Any]]]] = [([None, None],
                                                             data.get("actions", []))]
    for area in data["focus_areas"]:
        rows.append(([area["code"], None], area.get("actions", [])))
        rows += [([area["code"], goal["code"]], goal["actions"]) for goal in area["goals"]]
    return rows


def _load_interpretations(refs: PlanRefs, rows: list[dict[str, Any]],
                          report: LoadReport) -> None:
    """The plan's "tolket" markers, by position in the list (loaded once)."""
    existing = set(refs.plan.interpretations.values_list("order", flat=True))
    for order, row in enumerate(rows):
        if order in existing:
            continue
        record_interpretation(actor=LOADER, plan=refs.plan, reason=row["reason"],
                              field=row.get("field", ""), order=order,
                              **refs.target(row["on"]))
        report.add("interpretations")


def load_users(data: dict[str, Any], report: LoadReport) -> None:
    """Create the demo users (one per role) and their memberships."""
    user_model = get_user_model()
    for row in data["users"]:
        user = user_model.objects.filter(username=row["username"]).first()
        if user is None:
            user = core_services.create_user(
                actor=LOADER,
                username=row["username"],
                password=data["password"],
                email=row["email"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                is_staff=row.get("is_staff", False),
                is_superuser=row.get("is_superuser", False),
            )
            report.add("users")
        for membership in row["memberships"]:
            unit = Unit.objects.get(
                organization__slug=membership["organization"], code=membership["unit"]
            )
            if Membership.objects.filter(user=user, unit=unit, role=membership["role"]).exists():
                continue
            core_services.add_membership(
                actor=LOADER, user=user, unit=unit, role=membership["role"]
            )
            report.add("memberships")


#: The open round's returns, in the order of the demo unit manager's tiltak: what each
#: has come to, so every role finds the cycle under way on first login.
OPEN_ROUND_RETURNS = ["approved", "submitted", "sent_back", "draft", "requested", "requested"]
DEMO_RETURN = {
    "status": "in_progress", "risk": "on_track",
    "done": "Rutinen er prøvd ut i to soner, og erfaringene er samlet.",
    "next_steps": "Ta rutinen i bruk i hele kommunen og følge opp med opplæring.",
}


def load_rounds(report: LoadReport) -> None:
    """Rendalen's follow-up cycle: a closed round for the previous tertial (approved
    returns, two assessments, a case number) and an open round for the current tertial
    with returns in every state, through the round services.

    Only once: if Rendalen has any reporting round already, nothing happens.
    """
    from django.utils import timezone

    from actions import rounds
    from planportal.periods import period_containing
    from reports.round_services import close_round

    organization = Organization.objects.filter(slug="rendalen").first()
    user_model = get_user_model()
    people = {user.username: user for user in user_model.objects.filter(
        username__in=["admin", "sektorleder", "enhetsleder"])}
    if organization is None or len(people) < 3 or organization.reporting_rounds.exists():
        return
    admin, leader, manager = people["admin"], people["sektorleder"], people["enhetsleder"]
    plan = follow_up_plan()
    sector = Unit.objects.filter(code="rendalen-helse-omsorg").first()
    if plan is None or sector is None:
        return
    today = timezone.localdate()
    current = period_containing("tertial", today)
    previous = current.previous()
    mine = (Action.objects.filter(plan=plan, responsible_person=manager)
            .order_by("focus_area__order", "goal__order", "order", "pk"))

    closed = rounds.open_round(actor=admin, organization=organization, frequency="tertial",
                               period_key=previous.key, deadline=previous.end + _days(15),
                               plans=[plan])
    for ret in closed.returns.filter(action__in=mine).order_by("pk"):
        _report(ret, manager, progress=ret.action.progress)
        rounds.approve_return(actor=leader, ret=ret, expected_version=ret.version)
    first_area = plan.focus_areas.order_by("order", "pk").first()
    if first_area is not None:
        rounds.write_assessment(
            actor=leader, round=closed, focus_area=first_area,
            text="Arbeidet er godt i gang. Rutinene for hjemmetjenesten er prøvd ut, men "
                 "rekruttering er fortsatt den største risikoen.")
    rounds.write_assessment(
        actor=leader, round=closed, unit=sector,
        text="Sektoren følger planen. Tiltakene uten ansvar fordeles i neste tertial.")
    closed.refresh_from_db()
    close_round(actor=admin, round=closed, expected_version=closed.version,
                case_number=f"{previous.end.year}/1234",
                committee="Hovedutvalg for helse og omsorg",
                meeting_date=previous.end + _days(45), today=max(today, previous.end + _days(1)))
    report.add("reporting rounds")

    deadline = max(current.start, today + _days(7))
    open_ = rounds.open_round(actor=admin, organization=organization, frequency="tertial",
                              period_key=current.key, deadline=deadline, plans=[plan])
    returns = list(open_.returns.filter(action__in=mine)
                   .select_related("action").order_by("pk"))
    for ret, state in zip(returns, OPEN_ROUND_RETURNS, strict=False):
        if state == "draft":
            rounds.save_return(actor=manager, ret=ret, expected_version=ret.version,
                               status="in_progress", progress=ret.action.progress,
                               done="Utkast: kartleggingen er i gang.")
        elif state != "requested":
            _report(ret, manager, progress=min(ret.action.progress + 10, 90))
            if state == "approved":
                rounds.approve_return(actor=leader, ret=ret, expected_version=ret.version)
            elif state == "sent_back":
                rounds.send_back_return(
                    actor=leader, ret=ret, expected_version=ret.version,
                    comment="Skriv litt mer om hva som gjenstår, og når det er ferdig.")
    report.add("reporting rounds")


def _days(n: int) -> Any:
    from datetime import timedelta

    return timedelta(days=n)


def _report(ret: Any, person: Any, *, progress: int) -> None:
    from actions import rounds

    rounds.submit_return(actor=person, ret=ret, expected_version=ret.version,
                         progress=progress, **DEMO_RETURN)
