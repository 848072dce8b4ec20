"""Import of a Planportal JSON export: the same plan back, with history and measurements.

Missing units are created from the export's unit tree; people are matched by username
among the members of the importing organisation. Usernames are unique across the whole
installation, so what happens to any other name must not tell a kommune's administrator
whether it exists in another kommune: for them, every name that is not a member is left
out with the same warning, and nobody is created (``created`` never counts people). Only
an actor who sees the whole installation anyway (the ``import_plan`` command, a platform
operator) creates a missing person (without a password) with the roles the export lists;
an existing user who is not a member is never given a role from a file, so they are left
out with the same warning. Like every import, it is matched
by plan, focus area, goal and tiltak title, so importing the same export twice creates
nothing new.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actions import services as action_services
from actions.exporting.data import FORMAT, VERSION
from actions.importing.preview import (
    ERROR,
    ActionDraft,
    FocusAreaDraft,
    GoalDraft,
    ImportPreview,
    Location,
    PlanSpec,
    Problem,
    match_key,
)
from actions.importing.readers import max_rows
from actions.models import Action
from actions.periods import Period
from planportal import services as core_services
from planportal.models import Membership, Unit
from planportal.permissions import get_access
from strategies import services as plan_services
from strategies.models import Plan
from strategies.targets import from_old_fields

#: Objects an export may hold per table row allowed (status history and measurements).
OBJECTS_PER_ROW = 20


def _location(path: str) -> Location:
    return Location(table="JSON", column=path)


def preview_restore(preview: ImportPreview, content: bytes) -> None:
    """Check the export and fill the preview's tree (nothing is written)."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        preview.error(_("The file is not valid JSON: %(error)s") % {"error": exc})
        return
    except RecursionError:
        # "[[[[…" a few thousand deep exhausts the parser's stack; an export is ~10 deep.
        preview.error(_("The JSON file is nested too deeply to be a Planportal plan export."))
        return
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        preview.error(_("The JSON file is not a Planportal plan export."))
        return
    if data.get("version") != VERSION:
        preview.error(_("Export version %(version)s is not supported (expected %(expected)s).")
                      % {"version": data.get("version"), "expected": VERSION})
        return
    try:
        limit = OBJECTS_PER_ROW * max_rows()
        if _objects(data, limit) > limit:
            preview.error(_("The export holds more than %(limit)s objects (units, people, "
                            "focus areas, goals, indicators, measurements, actions and status "
                            "updates); that is more than the import limit.")
                          % {"limit": limit})
            return
        plan = data["plan"]
        spec = PlanSpec(title=plan["title"], kind=plan["kind"],
                        period_start=int(plan["period_start"]),
                        period_end=int(plan["period_end"]))
        existing = Plan.objects.filter(organization=preview.organization, title=spec.title,
                                       period_start=spec.period_start).first()
        preview.spec = PlanSpec(plan=existing, title=spec.title, kind=spec.kind,
                                period_start=spec.period_start, period_end=spec.period_end)
        preview.plan_exists = existing is not None
        preview.export_data = data
        _fill_tree(preview, plan, existing)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # AttributeError: a title that is a number or a list, not text.
        preview.export_data = None
        preview.error(_("The export is incomplete or damaged (%(error)s).") % {"error": exc})


def _objects(data: dict[str, Any], limit: int) -> int:
    """How many objects the export would write, counting no further than past *limit*.

    A 10 MB export can name half a million empty focus areas; the tables' row limit
    (``PLAN_IMPORT_MAX_ROWS``) applies to exports too, with room for their history.
    """
    count = len(data["units"]) + len(data["people"])
    for area in data["plan"]["focus_areas"]:
        count += 1
        for goal in area["goals"]:
            count += 1
            for indicator in goal["indicators"]:
                count += 1 + len(indicator["measurements"]) + len(
                    indicator.get("targets") or ()) + len(indicator.get("baselines") or ())
            for action in goal["actions"]:
                count += 1 + len(action["status_updates"])
            if count > limit:
                return count
        if count > limit:
            return count
    return count


def _fill_tree(preview: ImportPreview, plan: dict[str, Any], existing: Plan | None) -> None:
    titles: set[tuple[str, ...]] = set()
    if existing is not None:
        for area_title, goal_title, action_title in Action.objects.filter(
            plan=existing
        ).values_list("focus_area__title", "goal__title", "title"):
            titles.add((match_key(area_title), match_key(goal_title), match_key(action_title)))
        for area_title, goal_title in existing.focus_areas.values_list("title", "goals__title"):
            titles.add((match_key(area_title),))
            if goal_title is not None:
                titles.add((match_key(area_title), match_key(goal_title)))
    for a, area in enumerate(plan["focus_areas"]):
        area_key = match_key(area["title"])
        area_draft = FocusAreaDraft(area["title"], _location(f"focus_areas[{a}]"),
                                    exists=(area_key,) in titles)
        preview.focus_areas.append(area_draft)
        for g, goal in enumerate(area["goals"]):
            goal_key = match_key(goal["title"])
            goal_draft = GoalDraft(goal["title"], _location(f"focus_areas[{a}].goals[{g}]"),
                                   description=goal["description"],
                                   exists=(area_key, goal_key) in titles)
            area_draft.goals.append(goal_draft)
            for n, action in enumerate(goal["actions"]):
                goal_draft.actions.append(ActionDraft(
                    title=action["title"],
                    location=_location(f"focus_areas[{a}].goals[{g}].actions[{n}]"),
                    period=Period(text=action["period_text"],
                                  start=_date(action["start_date"]),
                                  due=_date(action["due_date"])),
                    status=action["status"],
                    progress=action["progress"],
                    exists=(area_key, goal_key, match_key(action["title"])) in titles,
                ))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(_("«%(value)s» is not a number.") % {"value": value}) from None


class _Restorer:
    """Writes one export into the preview's organisation, through the services."""

    def __init__(self, actor: Any, preview: ImportPreview, result: Any) -> None:
        self.actor = actor
        self.preview = preview
        self.organization = preview.organization
        self.data = preview.export_data or {}
        self.result = result
        self.cursor = _location("plan")
        self.units: dict[str, Unit] = {}
        self.people: dict[str, Any] = {}

    def restore(self) -> Plan:
        self._units()
        self._people()
        plan_data = self.data["plan"]
        plan = self.preview.spec.plan
        if plan is None:
            plan = plan_services.create_plan(
                actor=self.actor,
                organization=self.organization,
                title=plan_data["title"],
                kind=plan_data["kind"],
                period_start=plan_data["period_start"],
                period_end=plan_data["period_end"],
                status=plan_data["status"],
                adopted_on=_date(plan_data["adopted_on"]),
                adopted_by=plan_data["adopted_by"],
                vision=plan_data["vision"],
                description=plan_data["description"],
                owner_unit=self._unit(plan_data["owner_unit"]),
                revision_interval_years=plan_data["revision_interval_years"],
                next_revision_on=_date(plan_data["next_revision_on"]),
                is_public=plan_data["is_public"],
                parent=self._plan(plan_data["parent"], "parent"),
                previous_version=self._plan(plan_data["previous_version"], "previous_version"),
            )
            self.result.add("plans")
        self.result.plan = plan
        areas = {match_key(a.title): a for a in plan.focus_areas.all()}
        for a, area_data in enumerate(plan_data["focus_areas"]):
            self.cursor = _location(f"focus_areas[{a}]")
            area = areas.get(match_key(area_data["title"]))
            if area is None:
                area = plan_services.create_focus_area(
                    actor=self.actor, plan=plan, order=area_data["order"],
                    code=area_data["code"], title=area_data["title"],
                    description=area_data["description"],
                    current_state=area_data["current_state"], vision=area_data["vision"],
                    partners=area_data["partners"], sdg_numbers=area_data["sdgs"],
                    lead_units=[self._unit(code) for code in area_data["lead_units"]],
                )
                self.result.add("focus_areas")
            self._goals(area, area_data["goals"], f"focus_areas[{a}]")
        return plan

    def _units(self) -> None:
        self.units = {u.code: u for u in self.organization.units.all()}
        root = next(u for u in self.units.values() if u.parent_id is None)
        codes: dict[str, Unit] = {}
        for row in self.data["units"]:
            self.cursor = _location(f"units[{row['code']}]")
            if row["parent"] is None:
                codes[row["code"]] = root
                continue
            unit = self.units.get(row["code"])
            if unit is None:
                unit = core_services.create_unit(
                    actor=self.actor, organization=self.organization,
                    parent=codes.get(row["parent"]) or self.units[row["parent"]],
                    kind=row["kind"], code=row["code"], name=row["name"],
                    email=row.get("email", ""),
                )
                self.result.add("units")
            codes[row["code"]] = unit
        self.units.update(codes)

    def _people(self) -> None:
        user_model = get_user_model()
        existing = {u.username: u for u in user_model.objects.filter(
            username__in=[p["username"] for p in self.data["people"]])}
        members = set(Membership.objects.filter(
            user__in=list(existing.values()), unit__organization=self.organization
        ).values_list("user_id", flat=True))
        # Only someone who may see every account can learn from the import which exist.
        creates_people = get_access(self.actor).everything
        for row in self.data["people"]:
            self.cursor = _location(f"people[{row['username']}]")
            user = existing.get(row["username"])
            if user is None and creates_people:
                # The roles in the same call: a kommune's administrator creates people
                # only with a role in his kommune.
                user = core_services.create_user(
                    actor=self.actor, username=row["username"], password=None,
                    email=row["email"], first_name=row["first_name"],
                    last_name=row["last_name"],
                    memberships=[(self.units[membership["unit"]], membership["role"])
                                 for membership in row["memberships"]],
                )
                self.result.add("people")
            elif user is None or user.pk not in members:
                self.preview.warn(
                    _("The user %(username)s is not a member of %(organization)s; the plan "
                      "is imported without them.")
                    % {"username": row["username"], "organization": self.organization},
                    self.cursor,
                )
                continue
            self.people[row["username"]] = user

    def _unit(self, code: str | None) -> Unit | None:
        return self.units[code] if code else None

    def _person(self, username: str | None) -> Any:
        return self.people.get(username) if username else None

    def _plan(self, ref: dict[str, Any] | None, name: str) -> Plan | None:
        if not ref:
            return None
        plan = Plan.objects.filter(organization=self.organization, title=ref["title"],
                                   period_start=ref["period_start"]).first()
        if plan is None:
            self.preview.warn(_("The related plan «%(title)s» is not here; the link is left "
                                "out.") % {"title": ref["title"]}, _location(f"plan.{name}"))
        return plan

    def _goals(self, area: Any, goals: list[dict[str, Any]], path: str) -> None:
        existing = {match_key(g.title): g for g in area.goals.all()}
        for g, goal_data in enumerate(goals):
            self.cursor = _location(f"{path}.goals[{g}]")
            goal = existing.get(match_key(goal_data["title"]))
            if goal is None:
                goal = plan_services.create_goal(
                    actor=self.actor, focus_area=area, order=goal_data["order"],
                    code=goal_data["code"], title=goal_data["title"],
                    description=goal_data["description"],
                    success_criteria=goal_data["success_criteria"],
                )
                self.result.add("goals")
            self._indicators(goal, goal_data["indicators"], f"{path}.goals[{g}]")
            self._actions(goal, goal_data["actions"], f"{path}.goals[{g}]")

    def _indicators(self, goal: Any, indicators: list[dict[str, Any]], path: str) -> None:
        existing = set(goal.indicators.values_list("name", flat=True))
        for i, row in enumerate(indicators):
            self.cursor = _location(f"{path}.indicators[{i}]")
            if row["name"] in existing:
                continue
            targets, baselines = self._targets_and_baselines(row)
            indicator = plan_services.create_indicator(
                actor=self.actor, goal=goal, order=row["order"], name=row["name"],
                unit=row["unit"], direction=row["direction"], source=row["source"],
                targets=targets, baselines=baselines,
            )
            self.result.add("indicators")
            for m, measurement in enumerate(row["measurements"]):
                self.cursor = _location(f"{path}.indicators[{i}].measurements[{m}]")
                plan_services.restore_measurement(
                    actor=self.actor, indicator=indicator,
                    value=_decimal(measurement["value"]),
                    period_end=_date(measurement["period_end"]),
                    period_label=measurement["period_label"], note=measurement["note"],
                    recorded_by=self._person(measurement["recorded_by"]),
                    recorded_at=_datetime(measurement["recorded_at"]),
                )
                self.result.add("measurements")

    def _targets_and_baselines(self, row: dict[str, Any]
                               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """An indicator's targets and baselines as the service takes them. An export made
        before they were lists has one target and one baseline (``target_value`` …): read
        as the migration read the database, a baseline without a year in the year before
        the plan period."""
        if "targets" in row or "baselines" in row:
            return list(row.get("targets") or []), list(row.get("baselines") or [])
        targets, baselines = from_old_fields(
            row["direction"], _decimal(row.get("baseline_value")), row.get("baseline_year"),
            _decimal(row.get("target_value")), row.get("target_year"))
        before_plan = self.result.plan.period_start - 1
        return ([{"year": t.year, "comparison": t.comparison, "value": t.value}
                 for t in targets],
                [{"year": b.year or before_plan, "value": b.value} for b in baselines])

    def _actions(self, goal: Any, actions: list[dict[str, Any]], path: str) -> None:
        existing = {match_key(t) for t in goal.actions.values_list("title", flat=True)}
        for n, row in enumerate(actions):
            self.cursor = _location(f"{path}.actions[{n}]")
            if match_key(row["title"]) in existing:
                continue
            action = action_services.create_action(
                actor=self.actor, goal=goal, title=row["title"], order=row["order"],
                code=row["code"], description=row["description"],
                responsible_unit=self._unit(row["responsible_unit"]),
                responsible_person=self._person(row["responsible_person"]),
                contributing_units=[self._unit(c) for c in row["contributing_units"]],
                start_date=_date(row["start_date"]), due_date=_date(row["due_date"]),
                period_text=row["period_text"], budget=_decimal(row["budget"]),
                budget_reference=row["budget_reference"],
                # The plan back as it was exported: its dates, and nobody told anew.
                dates_from_period=False, notify=False,
            )
            existing.add(match_key(row["title"]))
            self.result.add("actions")
            updates = [
                {**u, "author": self._person(u["author"]),
                 "created_at": _datetime(u["created_at"])}
                for u in row["status_updates"]
            ]
            action_services.restore_action_history(
                actor=self.actor, action=action, updates=updates, status=row["status"],
                progress=row["progress"], evaluation=row["evaluation"],
                evaluated_on=_date(row["evaluated_on"]),
                evaluated_by=self._person(row["evaluated_by"]),
                carried_over_from=self._carried_over_from(row["carried_over_from"]),
            )
            self.result.created["status_updates"] = (
                self.result.created.get("status_updates", 0) + len(updates))

    def _carried_over_from(self, ref: dict[str, Any] | None) -> Action | None:
        if not ref:
            return None
        return Action.objects.filter(
            plan__organization=self.organization,
            plan__title=ref["plan"]["title"],
            plan__period_start=ref["plan"]["period_start"],
            focus_area__title=ref["focus_area"], goal__title=ref["goal"],
            title=ref["title"],
        ).first()


def commit_restore(*, actor: Any, preview: ImportPreview) -> Any:
    """Write a previewed JSON export in one transaction (called by ``commit_import``)."""
    from actions.importing.service import ImportRefused, ImportResult

    result = ImportResult(plan=preview.spec.plan)
    restorer = _Restorer(actor, preview, result)
    try:
        with transaction.atomic():
            restorer.restore()
    except (ValidationError, PermissionDenied, KeyError, TypeError, ValueError,
            AttributeError) as exc:
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            message = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        elif isinstance(exc, ValidationError):
            message = " ".join(exc.messages)
        else:
            message = str(exc) or type(exc).__name__
        raise ImportRefused([Problem(ERROR, message, restorer.cursor)]) from exc
    result.preview = preview
    return result
