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

Each tiltak goes back on its level: under its goal, on its focus area or on the plan
itself (a version 1 export has them all under goals). The golden-thread links
(``contributes_to``) and the "tolket" markers are restored with what this import creates:
a link to a goal that is not in the kommune (its plan not imported yet) or that the rule
refuses is left out with a warning, never fatal.
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
from actions.exporting.data import FORMAT, SUPPORTED_VERSIONS
from actions.importing.preview import (
    ERROR,
    ActionDraft,
    FocusAreaDraft,
    GoalDraft,
    HoldsActions,
    ImportPreview,
    Location,
    PlanSpec,
    Problem,
    match_key,
)
from actions.importing.readers import max_rows
from actions.interpretations import record_interpretation
from actions.models import Action
from actions.periods import Period
from actions.placement import place
from planportal import services as core_services
from planportal.models import Membership, Unit
from planportal.permissions import get_access
from strategies import services as plan_services
from strategies.golden_thread import contribution_refusal
from strategies.models import FocusArea, Goal, Plan
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
    if data.get("version") not in SUPPORTED_VERSIONS:
        preview.error(_("Export version %(version)s is not supported (expected %(expected)s).")
                      % {"version": data.get("version"),
                         "expected": " / ".join(str(v) for v in SUPPORTED_VERSIONS)})
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
    plan = data["plan"]
    count = len(data["units"]) + len(data["people"]) + len(plan.get("interpretations", []))
    count += sum(1 + len(action["status_updates"]) for action in plan.get("actions", []))
    for area in plan["focus_areas"]:
        count += 1
        for action in area.get("actions", []):
            count += 1 + len(action["status_updates"])
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


def _key(title: str | None) -> str | None:
    """A title as it is matched (``match_key``); None where a tiltak has no such level."""
    return None if not title else match_key(title)


def _checked_level(row: dict[str, Any], level: str, path: str) -> None:
    """A tiltak's ``level`` (version 2) must be the level of the list it is in."""
    if row.get("level", level) != level:
        raise ValueError(f"{path}: the level {row['level']!r} is not where the tiltak is "
                         f"({level!r})")


def _checked_links(refs: list[dict[str, Any]], path: str) -> None:
    """Each ``contributes_to`` ref names a plan (title, start year), an area and a goal."""
    for i, ref in enumerate(refs):
        if not (isinstance(ref["plan"]["title"], str) and isinstance(ref["focus_area"], str)
                and isinstance(ref["goal"], str)):
            raise ValueError(f"{path}contributes_to[{i}]")
        int(ref["plan"]["period_start"])


def _checked_interpretations(rows: list[dict[str, Any]]) -> None:
    """Each marker has its field, a reason and the four references (each may be null)."""
    for n, row in enumerate(rows):
        if not (isinstance(row["reason"], str) and row["reason"].strip()
                and isinstance(row["field"], str)):
            raise ValueError(f"interpretations[{n}]")
        missing = [name for name in ("focus_area", "goal", "indicator", "action")
                   if name not in row]
        if missing:
            raise KeyError(f"interpretations[{n}].{missing[0]}")


def _fill_tree(preview: ImportPreview, plan: dict[str, Any], existing: Plan | None) -> None:
    # What the plan has already: areas (area,), goals (area, goal) and every tiltak as
    # (area or None, goal or None, title), so each is matched on its own level.
    titles: set[tuple[str | None, ...]] = set()
    if existing is not None:
        for area_title, goal_title, action_title in Action.objects.filter(
            plan=existing
        ).values_list("focus_area__title", "goal__title", "title"):
            titles.add((_key(area_title), _key(goal_title), match_key(action_title)))
        for area_title, goal_title in existing.focus_areas.values_list("title", "goals__title"):
            titles.add((match_key(area_title),))
            if goal_title is not None:
                titles.add((match_key(area_title), match_key(goal_title)))

    def drafts(holder: HoldsActions, rows: list[dict[str, Any]], path: str,
               area_key: str | None, goal_key: str | None) -> None:
        for n, action in enumerate(rows):
            _checked_level(action, holder.level, f"{path}actions[{n}]")
            _checked_links(action.get("contributes_to", []), f"{path}actions[{n}].")
            holder.actions.append(ActionDraft(
                title=action["title"],
                location=_location(f"{path}actions[{n}]"),
                period=Period(text=action["period_text"],
                              start=_date(action["start_date"]),
                              due=_date(action["due_date"])),
                status=action["status"],
                progress=action["progress"],
                exists=(area_key, goal_key, match_key(action["title"])) in titles,
            ))

    drafts(preview, plan.get("actions", []), "", None, None)
    for a, area in enumerate(plan["focus_areas"]):
        area_key = match_key(area["title"])
        area_draft = FocusAreaDraft(area["title"], _location(f"focus_areas[{a}]"),
                                    exists=(area_key,) in titles)
        preview.focus_areas.append(area_draft)
        drafts(area_draft, area.get("actions", []), f"focus_areas[{a}].", area_key, None)
        for g, goal in enumerate(area["goals"]):
            goal_key = match_key(goal["title"])
            goal_draft = GoalDraft(goal["title"], _location(f"focus_areas[{a}].goals[{g}]"),
                                   description=goal["description"],
                                   exists=(area_key, goal_key) in titles)
            area_draft.goals.append(goal_draft)
            _checked_links(goal.get("contributes_to", []), f"focus_areas[{a}].goals[{g}].")
            drafts(goal_draft, goal["actions"], f"focus_areas[{a}].goals[{g}].", area_key,
                   goal_key)
    _checked_interpretations(plan.get("interpretations", []))


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
        # The plan's objects by the export's references (match keys), restored or found:
        # areas by title, goals by (area, goal), indicators by (area, goal, name), tiltak
        # by (area or None, goal or None, title). Markers are attached through them.
        self.areas: dict[str | None, FocusArea] = {}
        self.goals: dict[tuple[str, str], Goal] = {}
        self.indicators: dict[tuple[str, str, str], Any] = {}
        self.actions: dict[tuple[str | None, str | None, str], Action] = {}
        #: What this import created (model, pk): only that gets the export's links and
        #: markers, so importing the same export again adds none.
        self.created: set[tuple[type, int]] = set()
        #: (goal or tiltak, its contributes_to refs, path), linked once all is in place.
        self.links: list[tuple[Any, list[dict[str, Any]], str]] = []

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
                # A version 1 export has no level: the plan's default then.
                **({"level": plan_data["level"]} if "level" in plan_data else {}),
            )
            self.created.add((Plan, plan.pk))
            self.result.add("plans")
        self.result.plan = plan
        self._actions(plan_data.get("actions", []), "", None, None, plan=plan)
        areas = {match_key(a.title): a for a in plan.focus_areas.all()}
        for a, area_data in enumerate(plan_data["focus_areas"]):
            self.cursor = _location(f"focus_areas[{a}]")
            area_key = match_key(area_data["title"])
            area = areas.get(area_key)
            if area is None:
                area = plan_services.create_focus_area(
                    actor=self.actor, plan=plan, order=area_data["order"],
                    code=area_data["code"], title=area_data["title"],
                    description=area_data["description"],
                    current_state=area_data["current_state"], vision=area_data["vision"],
                    partners=area_data["partners"], sdg_numbers=area_data["sdgs"],
                    lead_units=[self._unit(code) for code in area_data["lead_units"]],
                )
                self.created.add((FocusArea, area.pk))
                self.result.add("focus_areas")
            self.areas[area_key] = area
            self._actions(area_data.get("actions", []), f"focus_areas[{a}].", area_key, None,
                          focus_area=area)
            self._goals(area, area_key, area_data["goals"], f"focus_areas[{a}]")
        self._link()
        self._interpretations(plan, plan_data.get("interpretations", []))
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

    def _goals(self, area: FocusArea, area_key: str, goals: list[dict[str, Any]],
               path: str) -> None:
        existing = {match_key(g.title): g for g in area.goals.all()}
        for g, goal_data in enumerate(goals):
            self.cursor = _location(f"{path}.goals[{g}]")
            goal_key = match_key(goal_data["title"])
            goal = existing.get(goal_key)
            if goal is None:
                goal = plan_services.create_goal(
                    actor=self.actor, focus_area=area, order=goal_data["order"],
                    code=goal_data["code"], title=goal_data["title"],
                    description=goal_data["description"],
                    success_criteria=goal_data["success_criteria"],
                )
                self.created.add((Goal, goal.pk))
                self.result.add("goals")
                self.links.append((goal, goal_data.get("contributes_to", []),
                                   f"{path}.goals[{g}].contributes_to"))
            self.goals[(area_key, goal_key)] = goal
            self._indicators(goal, (area_key, goal_key), goal_data["indicators"],
                             f"{path}.goals[{g}]")
            self._actions(goal_data["actions"], f"{path}.goals[{g}].", area_key, goal_key,
                          goal=goal)

    def _indicators(self, goal: Goal, keys: tuple[str, str],
                    indicators: list[dict[str, Any]], path: str) -> None:
        existing = {i.name: i for i in goal.indicators.all()}
        for name, indicator in existing.items():
            self.indicators[(*keys, match_key(name))] = indicator
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
            self.created.add((type(indicator), indicator.pk))
            self.indicators[(*keys, match_key(row["name"]))] = indicator
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

    def _actions(self, actions: list[dict[str, Any]], path: str, area_key: str | None,
                 goal_key: str | None, *, goal: Goal | None = None,
                 focus_area: FocusArea | None = None, plan: Plan | None = None) -> None:
        """The tiltak of one level: under *goal*, on *focus_area* or on *plan* itself."""
        where = place(goal=goal, focus_area=focus_area, plan=plan)
        existing = {match_key(a.title): a for a in Action.objects.filter(where.siblings_q())}
        for key, action in existing.items():
            self.actions[(area_key, goal_key, key)] = action
        for n, row in enumerate(actions):
            self.cursor = _location(f"{path}actions[{n}]")
            _checked_level(row, where.level, f"{path}actions[{n}]")
            key = match_key(row["title"])
            if key in existing:
                continue
            action = action_services.create_action(
                actor=self.actor, **where.fields(), title=row["title"], order=row["order"],
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
            existing[key] = action
            self.actions[(area_key, goal_key, key)] = action
            self.created.add((Action, action.pk))
            self.links.append((action, row.get("contributes_to", []),
                               f"{path}actions[{n}].contributes_to"))
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
        # A version 1 export wrote every level's title; version 2 null where there is none.
        area, goal = ref.get("focus_area") or None, ref.get("goal") or None
        return Action.objects.filter(
            plan__organization=self.organization,
            plan__title=ref["plan"]["title"],
            plan__period_start=ref["plan"]["period_start"],
            title=ref["title"],
            **({"focus_area__title": area} if area else {"focus_area__isnull": True}),
            **({"goal__title": goal} if goal else {"goal__isnull": True}),
        ).first()

    def _target(self, ref: dict[str, Any]) -> Goal | None:
        """The goal a ``contributes_to`` ref names, in this kommune; None if it is not here."""
        return Goal.objects.select_related("focus_area__plan").filter(
            focus_area__plan__organization=self.organization,
            focus_area__plan__title=ref["plan"]["title"],
            focus_area__plan__period_start=ref["plan"]["period_start"],
            focus_area__title=ref["focus_area"], title=ref["goal"],
        ).first()

    def _link(self) -> None:
        """The golden thread of what was created: each goal or tiltak to the goals of
        higher plans it contributes to, where they are here and the rule allows it."""
        plan = self.result.plan
        for obj, refs, path in self.links:
            targets = []
            for i, ref in enumerate(refs):
                self.cursor = _location(f"{path}[{i}]")
                target = self._target(ref)
                refusal = "" if target is None else contribution_refusal(plan, target)
                if target is None:
                    self.preview.warn(
                        _("The goal «%(goal)s» of «%(plan)s» is not in this kommune; the "
                          "link to it is left out.")
                        % {"goal": ref["goal"], "plan": ref["plan"]["title"]}, self.cursor)
                elif refusal:
                    self.preview.warn(
                        _("The link to «%(goal)s» is left out: %(reason)s")
                        % {"goal": ref["goal"], "reason": refusal}, self.cursor)
                else:
                    targets.append(target)
            if not targets:
                continue
            self.cursor = _location(path)
            if isinstance(obj, Goal):
                plan_services.set_goal_contributions(actor=self.actor, goal=obj,
                                                     targets=targets)
            else:
                action_services.set_action_contributions(actor=self.actor, action=obj,
                                                         targets=targets)
            self.result.created["contributions"] = (
                self.result.created.get("contributions", 0) + len(targets))

    def _interpretations(self, plan: Plan, rows: list[dict[str, Any]]) -> None:
        """The "tolket" markers of what this import created, attached to the same objects."""
        for n, row in enumerate(rows):
            self.cursor = _location(f"interpretations[{n}]")
            attached = self._attached(row)
            if attached is None:
                self.preview.warn(_("The interpretation refers to something the export does "
                                    "not hold; it is left out."), self.cursor)
                continue
            # The most specific object decides: a marker is restored with it, once.
            anchor = next((obj for obj in (attached["action"], attached["indicator"],
                                           attached["goal"], attached["focus_area"])
                           if obj is not None), plan)
            if (type(anchor), anchor.pk) not in self.created:
                continue
            record_interpretation(actor=self.actor, plan=plan, reason=row["reason"],
                                  field=row["field"], **attached)
            self.result.add("interpretations")

    def _attached(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """The objects a marker row names, or None if one of them is not in the plan."""
        goal, indicator, action = row["goal"], row["indicator"], row["action"]
        found = {
            "focus_area": None if row["focus_area"] is None
            else self.areas.get(match_key(row["focus_area"])),
            "goal": None if goal is None
            else self.goals.get((match_key(goal["focus_area"]), match_key(goal["title"]))),
            "indicator": None if indicator is None else self.indicators.get(
                (match_key(indicator["focus_area"]), match_key(indicator["goal"]),
                 match_key(indicator["name"]))),
            "action": None if action is None else self.actions.get(
                (_key(action["focus_area"]), _key(action["goal"]), match_key(action["title"]))),
        }
        named = {name for name in found if row[name] is not None}
        return None if any(found[name] is None for name in named) else found


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
