"""The floor for ``python -m bench api``: the action list page, as one SQL query, no Django.

A bare WSGI app (``gunicorn bench.floor_wsgi:app``) answering
``GET /api/v1/actions/?status=…&responsible_unit_subtree=…&due_after=…&page_size=…&page=…``
with the same JSON as the real endpoint (same envelope, same fields, same formats). It
runs one statement over psycopg per request (the page, its total count, the latest
status update and the contributing units together) and encodes with orjson, the
encoder the API's renderer uses (compact, UTF-8). It knows nothing about sessions:
``FLOOR_ORG_IDS`` names the organisations the benchmark's user is a member of, which the
visibility rule (public plans, or the user's own) needs.

Environment: ``FLOOR_DATABASE_URL`` (a ``postgres://`` URL), ``FLOOR_ORG_IDS`` ("1,2").
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import orjson
import psycopg

OSLO = ZoneInfo("Europe/Oslo")  # TIME_ZONE: DRF renders datetimes in it
CLOSED = ["completed", "cancelled", "carried_over"]  # Action.CLOSED_STATUSES
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 500
# ORDER BY: ActionViewSet.ordering (plan, area-level first, goal-level first, order, id).
SQL = """
WITH page AS (
    SELECT a.id, COUNT(*) OVER () AS total
    FROM actions_action a
    JOIN strategies_plan p ON p.id = a.plan_id
    JOIN planportal_unit ru ON ru.id = a.responsible_unit_id
    WHERE (p.is_public OR p.organization_id = ANY(%(orgs)s))
      AND a.status = ANY(%(status)s)
      AND a.due_date >= %(due_after)s
      AND ru.path LIKE %(subtree)s
    ORDER BY a.plan_id, a.focus_area_id NULLS FIRST, a.goal_id NULLS FIRST, a."order", a.id
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT page.total, a.id, a.plan_id, a.focus_area_id, a.goal_id, a."order", a.code, a.title,
       a.description, ru.id, ru.name, ru.kind, rp.id, rp.first_name, rp.last_name, rp.username,
       ARRAY(SELECT c.unit_id FROM actions_action_contributing_units c
             JOIN planportal_unit cu ON cu.id = c.unit_id
             WHERE c.action_id = a.id ORDER BY cu.path),
       a.start_date, a.due_date, a.period_text, a.status, a.progress,
       COALESCE(a.due_date < %(today)s AND a.status <> ALL(%(closed)s), false),
       lu.created_at, lu.risk, lu.comment,
       a.budget, a.budget_reference, a.evaluation, a.evaluated_on,
       ev.id, ev.first_name, ev.last_name, ev.username,
       a.version, a.created_at, a.updated_at,
       CASE WHEN a.goal_id IS NOT NULL THEN 'goal'
            WHEN a.focus_area_id IS NOT NULL THEN 'focus_area' ELSE 'plan' END,
       a.continuous,
       ARRAY(SELECT ct.goal_id FROM actions_action_contributes_to ct
             JOIN strategies_goal g ON g.id = ct.goal_id
             JOIN strategies_focusarea f ON f.id = g.focus_area_id
             JOIN strategies_plan gp ON gp.id = f.plan_id
             WHERE ct.action_id = a.id AND (gp.is_public OR gp.organization_id = ANY(%(orgs)s))
             ORDER BY f.plan_id, f."order", g."order", g.id)
FROM page
JOIN actions_action a ON a.id = page.id
LEFT JOIN planportal_unit ru ON ru.id = a.responsible_unit_id
LEFT JOIN planportal_user rp ON rp.id = a.responsible_person_id
LEFT JOIN planportal_user ev ON ev.id = a.evaluated_by_id
LEFT JOIN LATERAL (
    SELECT su.created_at, su.risk, su.comment FROM actions_statusupdate su
    WHERE su.action_id = a.id ORDER BY su.created_at DESC, su.id DESC LIMIT 1
) lu ON true
ORDER BY a.plan_id, a.focus_area_id NULLS FIRST, a.goal_id NULLS FIRST, a."order", a.id
"""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_state: dict[str, Any] = {}


def _connection() -> psycopg.Connection:
    """One connection per worker, opened on first use (after gunicorn forks)."""
    conn = _state.get("conn")
    if conn is None or conn.closed:
        conn = _state["conn"] = psycopg.connect(os.environ["FLOOR_DATABASE_URL"],
                                                autocommit=True)
    return conn


def _subtree(unit: int) -> str:
    """The LIKE pattern of a unit's subtree: its path, looked up once per process (the
    API looks it up per request; the floor is the lower bound)."""
    paths = _state.setdefault("paths", {})
    if unit not in paths:
        row = _connection().execute("SELECT path FROM planportal_unit WHERE id = %s",
                                    [unit]).fetchone()
        paths[unit] = (row[0] if row else "\x00") + "%"
    return paths[unit]


def _person(pk: int | None, first: str, last: str, username: str) -> dict[str, Any] | None:
    if pk is None:
        return None
    return {"id": pk, "name": f"{first} {last}".strip() or username}  # str(User)


def _datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.astimezone(OSLO).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _action(r: tuple) -> dict[str, Any]:
    """One row, shaped as ActionSerializer shapes it (same keys, same order)."""
    return {
        "id": r[1], "plan": r[2], "focus_area": r[3], "goal": r[4], "level": r[37],
        "order": r[5], "code": r[6], "title": r[7], "description": r[8],
        "responsible_unit": None if r[9] is None else {"id": r[9], "name": r[10], "kind": r[11]},
        "responsible_person": _person(*r[12:16]), "contributing_units": r[16],
        "contributes_to": r[39],
        "start_date": _date(r[17]), "due_date": _date(r[18]), "period_text": r[19],
        "continuous": r[38], "status": r[20], "progress": r[21], "overdue": r[22],
        "latest_update": None if r[23] is None else {
            "created_at": _datetime(r[23]), "risk": r[24], "comment": r[25]},
        "budget": None if r[26] is None else f"{r[26]:f}", "budget_reference": r[27],
        "evaluation": r[28], "evaluated_on": _date(r[29]), "evaluated_by": _person(*r[30:34]),
        "version": r[34], "created_at": _datetime(r[35]), "updated_at": _datetime(r[36]),
    }


def _link(environ: dict[str, Any], page: int | None) -> str | None:
    """DRF's replace_query_param / remove_query_param over the absolute request URL."""
    if page is None:
        return None
    host = environ.get("HTTP_HOST") or environ["SERVER_NAME"]
    url = f"http://{host}{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    if page == 1:
        params.pop("page", None)
    else:
        params["page"] = [str(page)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True),
                       fragment))


def _respond(start_response: StartResponse, status: str, body: Any) -> Iterable[bytes]:
    data = orjson.dumps(body)
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(data)))])
    return [data]


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else default


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """The WSGI entry point."""
    if environ.get("PATH_INFO") != "/api/v1/actions/":
        return _respond(start_response, "404 Not Found", {"detail": "Not found."})
    query = parse_qs(environ.get("QUERY_STRING", ""))
    first = {key: values[-1] for key, values in query.items()}
    page_size = min(_int(first.get("page_size"), DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    page = _int(first.get("page"), 1)
    params = {
        "orgs": [int(o) for o in os.environ.get("FLOOR_ORG_IDS", "").split(",") if o],
        "status": query.get("status", []),
        "subtree": _subtree(int(first["responsible_unit_subtree"])),
        "due_after": date.fromisoformat(first["due_after"]),
        "limit": page_size, "offset": (page - 1) * page_size,
        "today": datetime.now(OSLO).date(),  # timezone.localdate(), as with_overdue() uses
        "closed": CLOSED,
    }
    rows = _connection().execute(SQL, params).fetchall()
    if not rows and page > 1:
        return _respond(start_response, "404 Not Found", {"detail": "Invalid page."})
    count = rows[0][0] if rows else 0
    return _respond(start_response, "200 OK", {
        "count": count,
        "next": _link(environ, page + 1 if page * page_size < count else None),
        "previous": _link(environ, page - 1 if page > 1 else None),
        "results": [_action(row) for row in rows],
    })
