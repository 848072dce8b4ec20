"""From report data (as :func:`reports.progress.compute_progress` returns it) to what the
templates show: typed dates, labels, indicators grouped per focus area, and the charts.

Tiltak appear where the plan puts them: the plan-wide ones (``plan_level``) before the
focus areas, an area's own (``own``) before its goals. A report frozen before tiltak
could hang there has neither key, and renders as it did.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.models import Action, StatusUpdate
from planportal.formatting import percent, table_date
from reports.charts import progress_chart, status_chart
from strategies.models import Indicator
from strategies.targets import Baseline, Target, baseline_label, from_old_fields, target_label

DATE_KEYS = {"as_of", "since", "due_date", "latest_period_end", "adopted_on", "deadline",
             "meeting_date", "evaluated_on", "first_due"}
DATETIME_KEYS = {"latest_update_at", "created_at", "generated_at", "closed_at"}


def typed(value: Any) -> Any:
    """A deep copy of report data with ISO date strings turned into dates and datetimes."""
    if isinstance(value, list):
        return [typed(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in DATE_KEYS and isinstance(item, str) and item:
            result[key] = _iso(date.fromisoformat, item)
        elif key in DATETIME_KEYS and isinstance(item, str) and item:
            result[key] = _iso(datetime.fromisoformat, item)
        else:
            result[key] = typed(item)
    return result


# Characters XML 1.0 cannot hold (and Word refuses): C0 controls but tab and line breaks,
# DEL, lone surrogates and the two non-characters. A user's text must never break a file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: Any) -> str:
    """*text* as a string without the control characters no document format can hold."""
    return _CONTROL.sub("", "" if text is None else str(text))


def _iso(parse: Callable[[str], Any], text: str) -> Any:
    """*text* parsed, or left as it is: a malformed date in old data must not stop a report."""
    try:
        return parse(text)
    except ValueError:
        return text


def status_labels() -> dict[str, str]:
    return {status.value: str(status.label) for status in Action.Status}


def risk_labels() -> dict[str, str]:
    return {risk.value: str(risk.label) for risk in StatusUpdate.Risk}


def assessment_labels() -> dict[str, str]:
    return {
        "reached": _("target reached"),
        "on_track": _("on track"),
        "off_track": _("not on track"),
        "unknown": _("no data"),
    }


def direction_labels() -> dict[str, str]:
    return {direction.value: str(direction.label) for direction in Indicator.Direction}


def _old_rows(row: dict[str, Any]) -> tuple[list[Target], list[Baseline]]:
    """A frozen report's indicator row from before targets and baselines were lists: its
    one target and baseline, read as :func:`strategies.targets.from_old_fields` does."""
    return from_old_fields(row.get("direction") or "", row.get("baseline_value"),
                           row.get("baseline_year"), row.get("target_value"),
                           row.get("target_year"))


def indicator_target_label(row: dict[str, Any]) -> str:
    """The targets of a report's indicator row as the tables show them («> 50 %»)."""
    targets = row["targets"] if "targets" in row else _old_rows(row)[0]
    return target_label(targets, row.get("unit") or "")


def indicator_baseline_label(row: dict[str, Any]) -> str:
    """The baselines of a report's indicator row as the tables show them («12 (2023)»)."""
    baselines = row["baselines"] if "baselines" in row else _old_rows(row)[1]
    return baseline_label(baselines)


def _count_cells(row: dict[str, Any], statuses: dict[str, str]) -> list[Any]:
    """The table cells of a counts row, formatted once here rather than per template tag.

    One cell per known status (a snapshot frozen before a status existed counts 0 of it);
    "continuous" is "–" in a snapshot frozen before continuous actions were counted.
    """
    by_status = row["by_status"]
    return [row["total"], *(by_status.get(key, 0) for key in statuses),
            percent(row["completed_percent"]), row["overdue"], row["unassigned"],
            row.get("continuous", "–"), percent(row["average_progress"])]


def _count_row_html(label: str, cells: list[Any]) -> str:
    """One counts row as markup: built in Python, a template loop over 1,000 goals × 11
    cells is most of the web page's rendering time."""
    tds = "".join(f'<td class="num">{escape(cell)}</td>' for cell in cells)
    return f'<tr><th scope="row">{escape(label)}</th>{tds}</tr>'


def _compact_goal_html(goal: dict[str, Any], label: str | None = None) -> str:
    """A goal (or *label*'s figures) as one short PDF row: per-status counts are in the
    focus area table and XLSX."""
    label = _clip(label or f"{goal['code']} {goal['title']}".strip(), 90)
    cells = (goal["total"], percent(goal["completed_percent"]), goal["overdue"],
             goal["unassigned"], goal.get("continuous", "–"), percent(goal["average_progress"]))
    tds = "".join(f'<td class="num">{escape(cell)}</td>' for cell in cells)
    return f'<tr><th scope="row">{escape(label)}</th>{tds}</tr>'


def has_actions(figures: Any) -> bool:
    """Whether *figures* (a plan's ``plan_level``, an area's ``own``) count any tiltak;
    False when the data has none (a report frozen before tiltak could hang there)."""
    return isinstance(figures, dict) and bool(figures.get("total"))


def level_of_row(row: dict[str, Any]) -> str:
    """Where an action row's tiltak hangs: its ``level``, else (older data) from its ids."""
    level = row.get("level")
    if level in ("goal", "focus_area", "plan"):
        return level
    if row.get("goal_id") is not None:
        return "goal"
    return "focus_area" if row.get("focus_area_id") is not None else "plan"


def whole_plan_label() -> str:
    """The heading of the plan-wide tiltak (on no focus area), wherever they are listed."""
    return _("Applies to the whole plan")


def whole_area_label() -> str:
    """The heading of a focus area's own tiltak (under no goal)."""
    return _("Applies to the whole focus area")


def number_of(row: dict[str, Any]) -> str:
    """The tiltak's number as the Nr. column shows it (the data's ``number``; a report
    frozen before numbers were derived has only the code)."""
    return row.get("number") or row.get("code") or ""


def _short_date(day: date | datetime) -> str:
    """The table date ("31.08.2026"; en: "2026-08-31")."""
    return table_date(day)


def _clip(text: str, length: int | None) -> str:
    if length is None or len(text) <= length:
        return text
    return text[: length - 1].rstrip() + "…"


def due_label(row: dict[str, Any]) -> str:
    """The deadline as shown: a date, else the plan's period text ("løpende"), else "–"."""
    due = row.get("due_date")
    if due:
        return _short_date(date.fromisoformat(due))
    if row.get("period_text"):
        return row["period_text"]
    return str(_("Continuous")) if row.get("continuous") else "–"


def _action_html(row: dict[str, Any], statuses: dict[str, str], risks: dict[str, str],
                 public: bool, comment_length: int | None) -> str:
    """An action as one table row of escaped markup (no per-cell template work)."""
    due_label_ = due_label(row)
    risk = capfirst(risks[row["risk"]]) if row.get("risk") else "–"
    cells = [number_of(row), row["title"], row.get("responsible_unit") or "–"]
    if not public:
        cells.append(row.get("responsible_person") or "–")
    cells += [due_label_, capfirst(statuses.get(row["status"], row["status"]))]
    tail = [risk, _clip(row.get("latest_comment") or "–", comment_length)]
    return ("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells)
            + f'<td class="num">{percent(row["progress"], 0)}</td>'
            + "".join(f"<td>{escape(cell)}</td>" for cell in tail) + "</tr>")


def _listing_html(row: dict[str, Any], statuses: dict[str, str], risks: dict[str, str],
                  public: bool) -> str:
    """An action of the full PDF listing, in three cells: the tiltak (number and title),
    who is responsible, and deadline, status and risk. Short texts and no comment, so
    that a row takes one line: WeasyPrint's cost (time and memory) is per table cell, and
    5,000 rows of eight cells took a gigabyte (every column is in the XLSX)."""
    # What fits the column's width (the template's c-listing-*), 1.5–1.7 mm a character;
    # a wider text would be clipped at the column without its "…".
    title = _clip(f"{number_of(row)} {row['title']}".strip(), 56 if public else 44)
    unit = row.get("responsible_unit") or "–"
    if public:
        responsible = _clip(unit, 24)
    else:
        person = row.get("responsible_person")
        responsible = _clip(unit, 18) + (f" · {_clip(person, 14)}" if person else "")
    state = [_clip(due_label(row), 16),
             f"{capfirst(statuses.get(row['status'], row['status']))} "
             f"{percent(row['progress'], 0)}"]
    if row.get("risk"):
        state.append(capfirst(risks[row["risk"]]))
    return (f"<tr><td>{escape(title)}</td><td>{escape(responsible)}</td>"
            f"<td>{escape(' · '.join(state))}</td></tr>")


def _update_html(row: dict[str, Any], statuses: dict[str, str], risks: dict[str, str],
                 public: bool) -> str:
    """A status update as one table row of escaped markup."""
    posted = datetime.fromisoformat(row["created_at"])
    risk = capfirst(risks[row["risk"]]) if row.get("risk") else "–"
    number = row.get("action_number") or row.get("action_code") or ""
    cells = [_short_date(posted), f"{number} {row['action_title']}".strip(),
             capfirst(statuses.get(row["status"], row["status"]))]
    tail = [risk, row.get("comment") or "–"]
    if not public:
        tail.append(row.get("author") or "–")
    return ("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells)
            + f'<td class="num">{percent(row["progress"], 0)}</td>'
            + "".join(f"<td>{escape(cell)}</td>" for cell in tail) + "</tr>")


def round_return(row: dict[str, Any]) -> dict[str, Any] | None:
    """The action's approved return in the round, if the data has one."""
    value = row.get("return")
    return value if isinstance(value, dict) else None


def _paragraphs_html(text: str) -> str:
    """Plain text as escaped markup: blank lines part paragraphs, line breaks stay."""
    text = clean_text(text).replace("\r\n", "\n")
    parts = [part.strip() for part in text.split("\n\n")]
    return "".join(f"<p>{escape(part)}</p>".replace("\n", "<br>") for part in parts if part)


def _return_html(row: dict[str, Any], ret: dict[str, Any], statuses: dict[str, str],
                 risks: dict[str, str]) -> str:
    """An action's approved return as one table row: what was done and what comes next."""
    status = ret.get("status") or row.get("status") or ""
    risk = capfirst(risks.get(ret["risk"], ret["risk"])) if ret.get("risk") else "–"
    progress = ret.get("progress")
    progress_label = percent(progress, 0)
    return (
        f"<tr><td>{escape(number_of(row))}</td><td>{escape(row.get('title') or '')}</td>"
        f"<td>{escape(capfirst(statuses.get(status, status)) or '–')}</td>"
        f'<td class="num">{escape(progress_label)}</td><td>{escape(risk)}</td>'
        f"<td>{_paragraphs_html(ret.get('done') or '') or '–'}</td>"
        f"<td>{_paragraphs_html(ret.get('next_steps') or '') or '–'}</td></tr>"
    )


def _evaluation_html(row: dict[str, Any], statuses: dict[str, str]) -> str:
    """A final evaluation of an action closed in the period, as one table row."""
    on = row.get("evaluated_on")
    try:
        on_label = _short_date(date.fromisoformat(on)) if on else "–"
    except ValueError:
        on_label = str(on)
    status = row.get("status") or ""
    return (
        f"<tr><td>{escape(number_of(row))}</td><td>{escape(row.get('title') or '')}</td>"
        f"<td>{escape(capfirst(statuses.get(status, status)) or '–')}</td>"
        f"<td>{escape(on_label)}</td>"
        f"<td>{_paragraphs_html(row.get('evaluation') or '') or '–'}</td></tr>"
    )


def _change_html(row: dict[str, Any], statuses: dict[str, str]) -> str:
    """A new or cancelled action, as one short table row."""
    status = row.get("status") or ""
    cells = [number_of(row), row.get("title") or "", row.get("responsible_unit") or "–",
             due_label(row), capfirst(statuses.get(status, status)) or "–"]
    return "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"


def moved_label(moves: int, months: int | None) -> str:
    """"Deadline moved 3 times, +14 months" (how often and how far, the first to the last)."""
    text = ngettext("Deadline moved %(moves)s time", "Deadline moved %(moves)s times",
                    moves) % {"moves": moves}
    if months:
        sign = "+" if months > 0 else "−"
        text += ", " + ngettext("%(sign)s%(months)s month", "%(sign)s%(months)s months",
                                abs(months)) % {"sign": sign, "months": abs(months)}
    return text


def _moved_html(row: dict[str, Any]) -> str:
    """A moved deadline, as one table row: how often, how far, from which date to which."""
    def day(value: Any) -> str:
        try:
            return _short_date(date.fromisoformat(value)) if value else "–"
        except ValueError:
            return str(value)

    cells = [number_of(row), row.get("title") or "",
             moved_label(int(row.get("moves") or 0), row.get("months")),
             day(row.get("first_due")), day(row.get("due"))]
    return "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"


def most_urgent_returns_first(pairs: list[tuple[dict[str, Any], dict[str, Any]]]
                              ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Approved returns (each with its tiltak's row) whose return says off track first,
    then at risk, then the oldest deadline; the plan's order among equals."""
    order = {StatusUpdate.Risk.OFF_TRACK.value: 0, StatusUpdate.Risk.AT_RISK.value: 1}
    return sorted(pairs, key=lambda pair: (order.get(pair[1].get("risk") or "", 2),
                                           pair[0].get("due_date") or "9999"))


def _round_list(rows: list[Any], limit: int | None, render: Callable[[Any], str],
                files: str) -> dict[str, Any]:
    """One of a round's lists, cut to *limit* rows in its PDF. *files* names where the
    whole list is ("word", or "word_excel"), for the "N more" line."""
    listed = _shorten(rows, limit, render)
    listed["files"] = files
    return listed


def _round_sections(data: dict[str, Any], statuses: dict[str, str], risks: dict[str, str],
                    focus_areas: list[dict[str, Any]], pdf: bool = False) -> dict[str, Any]:
    """What a round adds to a report: its case facts, the assessments, the approved returns
    per focus area, the final evaluations and the changes since the previous round.

    In a round's PDF (*pdf*) every list is capped (:data:`PDF_RETURN_ROWS` returns per
    focus area, the most urgent first; :data:`PDF_ROUND_LIMITS` for the others), each cut
    list saying how many more there are: a committee reads 30 pages, not 360. The whole
    lists are in the round's Word and Excel files, whose page the PDF names.

    Every key is optional (a report frozen before rounds existed has none of them)."""
    round_ = data.get("round") if isinstance(data.get("round"), dict) else None
    capped = pdf and round_ is not None
    # Keyed by focus area; None holds the plan-wide tiltak, listed before the areas.
    returns_by_area: dict[Any, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    without_return = 0
    for row in data.get("actions", []) if round_ is not None else []:
        ret = round_return(row)
        if ret is None:
            if row.get("status") not in ("cancelled", "carried_over"):
                without_return += 1
            continue
        area_id = None if level_of_row(row) == "plan" else row.get("focus_area_id")
        returns_by_area.setdefault(area_id, []).append((row, ret))

    def returns_of(area: dict[str, Any], pairs: list[Any], **extra: Any) -> dict[str, Any]:
        if capped and len(pairs) > PDF_RETURN_ROWS:
            pairs = most_urgent_returns_first(pairs)
        listed = _round_list(pairs, PDF_RETURN_ROWS if capped else None,
                             lambda pair: _return_html(*pair, statuses, risks), "word_excel")
        return {"area": area, "count": listed["total"], "list": listed,
                "body": listed["body"], **extra}

    returns = []
    if returns_by_area.get(None):
        returns.append(returns_of({"id": None, "code": "", "title": whole_plan_label()},
                                  returns_by_area[None], whole_plan=True))
    for area in focus_areas:
        returns.append(returns_of(area, returns_by_area.get(area["id"], [])))
    evaluations = [row for row in data.get("evaluations") or [] if isinstance(row, dict)]
    changes = data.get("changes") if isinstance(data.get("changes"), dict) else None
    changes_context = None

    def cap(name: str) -> int | None:
        return PDF_ROUND_LIMITS[name] if capped else None

    if changes is not None:
        changes_context = {
            "previous_round": changes.get("previous_round"),
            "new": _round_list(changes.get("new") or [], cap("new"),
                               lambda row: _change_html(row, statuses), "word"),
            "cancelled": _round_list(changes.get("cancelled") or [], cap("cancelled"),
                                     lambda row: _change_html(row, statuses), "word"),
            "moved": _round_list(changes.get("moved_deadlines") or [], cap("moved"),
                                 _moved_html, "word_excel"),
        }
    evaluations_list = _round_list(evaluations, cap("evaluations"),
                                   lambda row: _evaluation_html(row, statuses), "word_excel")
    returns_cut = any(item["list"]["cut"] for item in returns)
    others = [evaluations_list, *(changes_context or {}).values()]
    return {
        "round": typed(round_) if round_ is not None else None,
        "preliminary": bool(data.get("preliminary")),
        "round_assessments": [
            {"title": row.get("title") or "", "text": row.get("text") or "",
             "html": mark_safe(_paragraphs_html(row.get("text") or ""))}  # noqa: S308
            for row in data.get("assessments") or [] if isinstance(row, dict)
        ],
        "has_returns": round_ is not None and "actions" in data,
        "returns": returns,
        "returns_total": sum(item["count"] for item in returns),
        "returns_cut": returns_cut,
        "return_rows": PDF_RETURN_ROWS,
        # Frozen by the round: its tiltak that owed a return and have no approved one
        # (a tiltak not in the round is no missing return); older data counted its rows.
        "without_return": (round_["without_return"]
                           if isinstance((round_ or {}).get("without_return"), int)
                           else without_return),
        "evaluations": evaluations_list,
        "has_evaluations": "evaluations" in data,
        "changes": changes_context,
        "has_continuous": "continuous" in data.get("totals", {}),
        # Where a round's PDF sends the reader for the whole lists (its Word and Excel).
        "round_cut": returns_cut or any(isinstance(item, dict) and item.get("cut")
                                        for item in others),
        "round_files_url": _round_page_url(round_) if capped else "",
    }


def _round_page_url(round_: dict[str, Any]) -> str:
    """The reporting round's page, where its Word and Excel files are (from SITE_URL:
    a PDF is made in the worker, with no request); empty for data without the round's id."""
    if not isinstance(round_.get("id"), int):
        return ""
    try:
        return settings.SITE_URL + reverse("rounds:detail", args=[round_["id"]])
    except NoReverseMatch:
        return ""


def most_overdue_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Oldest deadline first (ISO dates sort as text), then the plan's order."""
    return sorted(rows, key=lambda row: row["due_date"] or "9999")


def highest_risk_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Off track before at risk, then the oldest deadline."""
    order = {StatusUpdate.Risk.OFF_TRACK.value: 0, StatusUpdate.Risk.AT_RISK.value: 1}
    return sorted(rows, key=lambda row: (order.get(row["risk"], 2), row["due_date"] or "9999"))


def _shorten(rows: list[dict[str, Any]], limit: int | None,
             render: Callable[[dict[str, Any]], str], in_xlsx: bool = False) -> dict[str, Any]:
    """The first *limit* rows as markup, and what the "N more" line needs."""
    shown = rows if limit is None else rows[:limit]
    return {"rows": shown, "shown": len(shown), "total": len(rows),
            "more": len(rows) - len(shown), "cut": len(shown) < len(rows), "in_xlsx": in_xlsx,
            "body": mark_safe("".join(render(row) for row in shown))}  # noqa: S308 - escaped


def most_overdue_goals_first(goals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most overdue actions first, then the lowest average progress, then the plan's order."""
    return sorted(goals, key=lambda goal: (-goal["overdue"], goal["average_progress"] or 0))


PDF_GOAL_ROWS = 10  # per focus area in the committee PDF; the full PDF lists every goal
PDF_LIMITS = {"overdue": 50, "at_risk": 50, "completed": 25, "became_overdue": 25,
              "status_updates": 25}
PDF_RETURN_ROWS = 10  # approved returns per focus area in a round's PDF
PDF_ROUND_LIMITS = {"evaluations": 25, "new": 25, "cancelled": 25, "moved": 25}


def report_context(data: dict[str, Any], *, chart_prefix: str = "chart",
                   limit: int | None = None, goal_limit: int | None = None,
                   medium: str = "web") -> dict[str, Any]:
    """Everything the report templates need, built from the data alone.

    *limit* caps each list of actions and status updates, *goal_limit* the goal rows per
    focus area (the web page shows the first rows and links to all of them). For
    ``medium="pdf"`` the lists are capped by :data:`PDF_LIMITS` with the most overdue and
    the highest risk first, and goals are one compact row each (a committee document).
    The caller's data is never changed.
    """
    pdf = medium == "pdf"
    # A round's report lists every tiltak with its approved return instead; listing
    # them all again would double a 5,000-tiltak PDF for nothing (so no rows are built).
    full_listing = "actions" in data and not isinstance(data.get("round"), dict)
    big = {"overdue", "at_risk", "since_previous", "actions", "changes", "evaluations"}
    # Only the small part is deep-copied with typed dates; list rows are formatted directly.
    report = typed({key: value for key, value in data.items() if key not in big})
    statuses = status_labels()
    risks = risk_labels()
    public = report["public"]
    report["totals"]["cells"] = _count_cells(report["totals"], statuses)
    report["totals"]["html"] = mark_safe(  # noqa: S308 - escaped
        _count_row_html(_("Whole plan"), report["totals"]["cells"]))
    plan_level = report.get("plan_level")
    # The plan-wide tiltak's own row, before the areas' (only when there are any).
    report["plan_level_html"] = mark_safe(  # noqa: S308 - escaped
        _count_row_html(whole_plan_label(), _count_cells(plan_level, statuses))
        if has_actions(plan_level) else "")
    for area in report["focus_areas"]:
        area["cells"] = _count_cells(area, statuses)
        area["html"] = mark_safe(  # noqa: S308 - escaped
            _count_row_html(f"{area['code']} {area['title']}", area["cells"]))
        area["total_html"] = mark_safe(  # noqa: S308 - escaped
            _count_row_html(_("Focus area in all"), area["cells"]))
        goals = area["goals"]
        # Capped in a committee PDF, a round's too (its data holds every tiltak for the
        # returns); the full listing's PDF has every goal.
        if pdf and not full_listing:
            goal_limit = PDF_GOAL_ROWS
            if len(goals) > goal_limit:  # the committee sees where the trouble is
                goals = most_overdue_goals_first(goals)
        shown = goals if goal_limit is None else goals[:goal_limit]
        if pdf:
            body = "".join(_compact_goal_html(goal) for goal in shown)
        else:
            body = "".join(_count_row_html(f"{goal['code']} {goal['title']}",
                                           _count_cells(goal, statuses)) for goal in shown)
        # The area's own tiltak: one row before its goals' (never cut).
        own = area.get("own")
        own_html = ""
        if has_actions(own):
            own_html = (_compact_goal_html(own, whole_area_label()) if pdf else
                        _count_row_html(whole_area_label(), _count_cells(own, statuses)))
        area["own_html"] = mark_safe(own_html)  # noqa: S308 - escaped
        area["goal_rows"] = {"body": mark_safe(body), "total": len(goals),  # noqa: S308
                             "shown": len(shown), "more": len(goals) - len(shown),
                             "cut": len(shown) < len(goals), "in_xlsx": True,
                             "goals": True}
    by_area: dict[int, list[dict[str, Any]]] = {}
    for indicator in report["indicators"]:
        indicator["target_label"] = indicator_target_label(indicator)
        indicator["baseline_label"] = indicator_baseline_label(indicator)
        by_area.setdefault(indicator["focus_area_id"], []).append(indicator)

    def action(row: dict[str, Any]) -> str:
        return _action_html(row, statuses, risks, public, None)

    def listed(row: dict[str, Any]) -> str:
        return _listing_html(row, statuses, risks, public)

    def update(row: dict[str, Any]) -> str:
        return _update_html(row, statuses, risks, public)

    # Keyed by focus area; None holds the plan-wide tiltak, listed before the areas.
    actions_by_area: dict[int | None, list[dict[str, Any]]] = {}
    for row in data.get("actions", []) if full_listing else ():
        area_id = None if level_of_row(row) == "plan" else row["focus_area_id"]
        actions_by_area.setdefault(area_id, []).append(row)
    plan_action_list = (_shorten(actions_by_area[None], None, listed if pdf else action)
                        if actions_by_area.get(None) else None)
    for area in report["focus_areas"]:
        area["indicators"] = by_area.get(area["id"], [])
        if full_listing:
            area["action_list"] = _shorten(actions_by_area.get(area["id"], []), None,
                                           listed if pdf else action)
    since = data["since_previous"]
    overdue, at_risk = data["overdue"], data["at_risk"]
    if pdf:
        overdue, at_risk = most_overdue_first(overdue), highest_risk_first(at_risk)

    def cap(name: str) -> int | None:
        return PDF_LIMITS[name] if pdf else limit

    lists = {
        "overdue": _shorten(overdue, cap("overdue"), action, in_xlsx=True),
        "at_risk": _shorten(at_risk, cap("at_risk"), action, in_xlsx=True),
        "completed": _shorten(since["completed"], cap("completed"), action),
        "became_overdue": _shorten(since["became_overdue"], cap("became_overdue"), action),
        "status_updates": _shorten(since["status_updates"], cap("status_updates"), update),
    }
    return {
        **_round_sections(data, statuses, risks, report["focus_areas"], pdf=pdf),
        "report": report,
        "lists": lists,
        "limit": limit,
        "medium": medium,
        "statuses": statuses,
        "status_rows": [
            (label, report["totals"]["by_status"].get(key, 0)) for key, label in statuses.items()
        ],
        "count_columns": len(statuses) + 7,
        "risks": risks,
        "assessments": assessment_labels(),
        "directions": direction_labels(),
        "progress_chart": progress_chart(report["focus_areas"], f"{chart_prefix}-progress",
                                         alt_in_title=pdf, plan_level=plan_level),
        "status_chart": status_chart(report["totals"]["by_status"], statuses,
                                     f"{chart_prefix}-status", alt_in_title=pdf),
        "full_listing": full_listing,
        "plan_action_list": plan_action_list,
        "whole_plan_label": whole_plan_label(),
    }


def web_base_template() -> str:
    """The site's base page when the web interface provides one, else a plain page."""
    try:
        get_template("base.html")
    except TemplateDoesNotExist:
        return "reports/standalone_base.html"
    return "base.html"
