"""Deterministic benchmark datasets, loaded in seconds.

- **S**: one kommune: 209 units, 502 users, 20 plans × 5 focus areas × 10 goals × 5 actions
  = 5,000 actions with their status history (0–4 updates each). As kommuner write plans,
  not every tiltak hangs under a goal: in each plan, the last slot of each area's last
  goal holds a tiltak of the area itself, and one more slot a tiltak of the whole plan
  (``LEVELS``), so 4,880 are under a goal, 100 on an area and 20 on their plan.
- **M**: 20 kommuner of the same shape = 100,000 actions.
- **L**: 357 kommuner (national scale: one installation for the whole country) =
  1,785,000 actions, about 3.6 million status updates and 179,000 users.

Every kommune draws from its own ``random.Random(SEED ^ index)`` and ids are handed out
kommune by kommune, so S is a byte-for-byte prefix of M (kommune 0 has the same ids and
rows in both). Rows go in through psycopg ``COPY`` on PostgreSQL (``executemany`` on
SQLite, for the embedded default of ``python -m bench run --sqlite``). A fingerprint of
row counts and sums is stored in ``bench_meta``; a dataset whose fingerprint matches is
not seeded again.
"""

# ruff: noqa: S608 - SQL here is built from our own models' table and column names only.
from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction

from actions.models import Action, StatusUpdate
from planportal.models import Membership, Organization, Unit, User
from strategies.models import FocusArea, Goal, Plan

SEED = 42
# 3: every action row has plan_id and focus_area_id; some hang on their area or plan.
GENERATOR_VERSION = 3
TODAY = date(2026, 6, 15)  # "today" for the dataset's shape: overdue and due-soon shares
KOMMUNER = {"S": 1, "M": 20, "L": 357}  # L: every kommune of Norway, S's shape each
PLANS, AREAS, GOALS, ACTIONS = 20, 5, 10, 5  # per kommune: 5,000 actions
SECTORS, UNITS, DEPARTMENTS, USERS = 8, 40, 160, 500
STATUS_WEIGHTS = [("not_started", 25), ("in_progress", 42), ("completed", 17),
                  ("postponed", 8), ("cancelled", 8)]
OPEN = ("not_started", "in_progress", "postponed")
# Share of dated open actions whose deadline has passed: 0.9 dated × 0.75 open × p = 8 %.
P_PAST_OPEN = 0.08 / (0.9 * 0.75)
P_DUE_SOON = 0.045  # → about 3 % of all actions due within 14 days
BASE_TIME = datetime(2024, 1, 2, 8, 0, tzinfo=UTC)
EARLIEST_DUE = date(2024, 1, 15)
ContributingUnit = Action.contributing_units.through
# FK order: parents before children.
MODELS: list[type[models.Model]] = [Organization, Unit, User, Membership, Plan, FocusArea,
                                    Goal, Action, ContributingUnit, StatusUpdate]

KOMMUNE_NAMES = ["Ålesund", "Bærum", "Tønsberg", "Løten", "Sørfold", "Hå", "Førde", "Bø",
                 "Røros", "Åfjord", "Grue", "Høyanger", "Vågå", "Nærøysund", "Sør-Varanger",
                 "Kvæfjord", "Lødingen", "Gjøvik", "Eidsvoll", "Hægebostad"]
SECTOR_NAMES = ["Helse og omsorg", "Oppvekst og utdanning", "Kultur og fritid",
                "Teknisk drift og eiendom", "Samfunnsutvikling", "Økonomi og styring",
                "Næring, klima og miljø", "Barn, unge og familie"]
UNIT_WORDS = ["hjemmetjenesten", "sykehjemmet", "skolen", "barnehagen", "biblioteket",
              "kulturskolen", "NAV-kontoret", "bygg og eiendom", "vann og avløp", "helsestasjonen"]
PLACES = ["Østsida", "Sørbyen", "Nordre Ås", "Bjørkelia", "Fjære", "Åsen", "Strømmen", "Øvre Bø"]
PLAN_THEMES = ["Temaplan for helse og omsorg", "Handlingsplan mot vold i nære relasjoner",
               "Kommunedelplan for idrett og fysisk aktivitet", "Plan for psykisk helse og rus",
               "Strategi for digitalisering", "Folkehelseplan", "Klima- og energiplan",
               "Plan for barnehage og skole", "Boligsosial handlingsplan",
               "Trafikksikkerhetsplan", "Kulturplan – møteplasser for alle", "Demensplan",
               "Pårørendestrategi", "Plan for friluftsliv og grønnstruktur",
               "Næringsplan for sjømat og reiseliv", "Plan for habilitering og rehabilitering",
               "Handlingsplan for likestilling og mangfold", "Plan for tidlig innsats",
               "Ruspolitisk handlingsplan", "Plan for legetjenesten og legevakt"]
PLAN_KINDS = ["thematic_plan", "action_plan", "municipal_sub_plan", "professional_plan",
              "strategic_plan", "business_plan"]
AREA_TITLES = ["Trygge og aktive liv", "Mestring i eget hjem", "Gode overganger",
               "Kompetanse og rekruttering", "Samarbeid med frivilligheten",
               "Tidlig innsats for barn og unge", "Bærekraftig drift", "Digitale tjenester",
               "Inkludering og deltakelse", "Møteplasser i nærmiljøet"]
GOAL_TITLES = ["Flere bor trygt hjemme lenger", "Færre unge faller utenfor skole og arbeid",
               "Pårørende opplever å bli sett og hørt", "Ansatte har rett kompetanse",
               "Brukerne får tjenester til rett tid", "Flere deltar i fritidsaktiviteter",
               "Utslippene fra kommunal drift går ned", "Innbyggerne møter én dør inn",
               "Frivillige og kommunen samarbeider godt", "Ventetiden på vurdering går ned"]
VERBS = ["Etablere", "Videreutvikle", "Styrke", "Kartlegge", "Prøve ut", "Utvide",
         "Følge opp", "Innføre", "Evaluere", "Samordne"]
OBJECTS = ["pårørendeskole og øving", "lavterskeltilbud for ungdom", "hverdagsrehabilitering",
           "velferdsteknologi i hjemmetjenesten", "møteplasser på Østsida",
           "tverrfaglig team for tidlig innsats", "kompetanseløft for ansatte",
           "samarbeid med frivilligheten", "digitale søknader for brukere",
           "grøntområder nær skolene", "dagtilbud for personer med demens",
           "ambulant team for rus og psykisk helse", "ernæringsarbeid på sykehjemmene",
           "fritidskassen for barn og unge", "trygge skoleveier i Sørbyen"]
SENTENCES = ["Tiltaket følges opp i tertialrapporteringen.",
             "Ansvarlig enhet rapporterer status til sektorleder hver måned.",
             "Brukerrådet og eldrerådet er involvert i utformingen.",
             "Tiltaket må sees i sammenheng med økonomiplanen for 2026–2029.",
             "Erfaringene fra pilotprosjektet på Østsida skal spres til hele kommunen.",
             "Det søkes om statlige øremerkede midler fra Helsedirektoratet.",
             "Målgruppen er innbyggere over 67 år som bor hjemme og pårørende.",
             "Frivilligsentralen bidrar med rekruttering og opplæring av frivillige.",
             "Tiltaket krever avklaring av ansvarsfordeling mellom sektorene."]
COMMENTS = ["Følger planen, små avvik.", "Oppstartsmøte holdt; prosjektgruppe på plass.",
            "Forsinket på grunn av sykefravær i enheten.", "Avventer budsjettbehandling.",
            "Godt i gang; første brukere har fått tilbudet.", "Må prioriteres ned i høst.",
            "Samarbeid med frivilligsentralen på Østsida fungerer godt.",
            "Tiltaket er fullført og evaluert i brukerrådet.", "Ressurser omdisponert til drift."]
FIRST_NAMES = ["Åse", "Øystein", "Bjørn", "Kari", "Håkon", "Solveig", "Tørres", "Ingrid",
               "Ærlend", "Marte", "Jørgen", "Sølvi", "Pål", "Randi", "Øyvind", "Grete"]
LAST_NAMES = ["Sæther", "Løken", "Bråten", "Haugen", "Østby", "Kvåle", "Nærland", "Dahl",
              "Aasen", "Bøe", "Hågensen", "Sørli", "Myhre", "Ødegård", "Lie", "Strøm"]
RISKS = ["on_track", "at_risk", "off_track"]

Rows = dict[type[models.Model], list[dict[str, Any]]]


class _Ids:
    """Sequential primary keys per model, shared by all kommuner (kommune 0 first)."""

    def __init__(self) -> None:
        self.last: dict[type[models.Model], int] = dict.fromkeys(MODELS, 0)

    def next(self, model: type[models.Model]) -> int:
        self.last[model] += 1
        return self.last[model]


def _due_date(rng: random.Random, status: str, start: date, end: date) -> date | None:
    """~10 % undated; open actions are overdue with P_PAST_OPEN, due soon with P_DUE_SOON."""
    if rng.random() < 0.1:
        return None
    past_from = max(start, EARLIEST_DUE)
    p_past = {"completed": 0.8, "cancelled": 0.6}.get(status, P_PAST_OPEN)
    r = rng.random()
    if r < p_past:
        return past_from + timedelta(days=rng.randrange((TODAY - past_from).days))
    if status in OPEN and r < p_past + P_DUE_SOON:
        return TODAY + timedelta(days=rng.randint(1, 14))
    return TODAY + timedelta(days=rng.randint(15, (end - TODAY).days))


def _progress(rng: random.Random, status: str) -> int:
    if status == "completed":
        return 100
    if status == "not_started":
        return 0
    if status == "in_progress":
        return rng.randrange(10, 100, 10)
    return rng.randrange(0, 60, 10)


def _kommune(index: int, ids: _Ids, rows: Rows) -> dict[str, int]:
    """Append one kommune's rows to *rows*; return the ids the scenarios need."""
    rng = random.Random(SEED ^ index)  # noqa: S311 - a reproducible dataset, not a secret
    name = KOMMUNE_NAMES[index % len(KOMMUNE_NAMES)]
    org = ids.next(Organization)
    rows[Organization].append({"id": org, "name": f"{name} kommune",
                               "slug": f"bench-{index:02d}", "org_number": f"9{index:08d}",
                               "created_at": BASE_TIME})

    def unit(parent: dict[str, Any] | None, kind: str, code: str, label: str) -> dict[str, Any]:
        pk = ids.next(Unit)
        row = {"id": pk, "organization_id": org, "parent_id": parent["id"] if parent else None,
               "kind": kind, "code": code, "name": label,
               "path": f"{parent['path'] if parent else ''}{pk}/"}
        rows[Unit].append(row)
        return row

    root = unit(None, "kommune", "kommune", f"{name} kommune")
    sectors = [unit(root, "sektor", f"s{i}", SECTOR_NAMES[i]) for i in range(SECTORS)]
    units = [unit(sectors[i % SECTORS], "enhet", f"e{i}",
                  f"{UNIT_WORDS[i % len(UNIT_WORDS)].capitalize()} {PLACES[i % len(PLACES)]}")
             for i in range(UNITS)]
    departments = [unit(units[i % UNITS], "avdeling", f"a{i}", f"Avdeling {i} – {PLACES[i % 8]}")
                   for i in range(DEPARTMENTS)]
    assignable = [u["id"] for u in units + departments]

    def user(username: str) -> int:
        pk = ids.next(User)
        rows[User].append({"id": pk, "password": "!bench", "is_superuser": False,
                           "username": username, "first_name": rng.choice(FIRST_NAMES),
                           "last_name": rng.choice(LAST_NAMES),
                           "email": f"{username}@example.no", "is_staff": False,
                           "is_active": True, "date_joined": BASE_TIME,
                           "preferred_language": "nb"})
        return pk

    def membership(user_id: int, unit_id: int, role: str) -> None:
        rows[Membership].append({"id": ids.next(Membership), "user_id": user_id,
                                 "unit_id": unit_id, "role": role, "created_at": BASE_TIME})

    admin = user(f"k{index:02d}-admin")
    membership(admin, root["id"], "admin")
    leader = user(f"k{index:02d}-leder")
    membership(leader, sectors[0]["id"], "sector_leader")
    users = [user(f"k{index:02d}-u{i:03d}") for i in range(USERS)]
    for user_id in users:
        membership(user_id, rng.choice(units)["id"], "unit_manager")

    statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
    for p in range(PLANS):
        period_start = 2023 + p % 3
        period_end = period_start + 4
        plan_status = "draft" if p % 10 == 9 else "under_revision" if p % 10 == 8 else "adopted"
        plan = ids.next(Plan)
        rows[Plan].append({
            "id": plan, "organization_id": org, "title": f"{PLAN_THEMES[p]} {name}",
            "kind": PLAN_KINDS[p % len(PLAN_KINDS)], "period_start": period_start,
            "period_end": period_end, "status": plan_status,
            "adopted_on": None if plan_status == "draft" else date(period_start - 1, 12, 14),
            "adopted_by": "" if plan_status == "draft" else f"Kommunestyret, sak {p + 10}/"
                                                             f"{(period_start - 1) % 100}",
            "is_public": plan_status != "draft", "owner_unit_id": sectors[p % SECTORS]["id"],
            "created_at": BASE_TIME, "updated_at": BASE_TIME})
        plan_from, plan_to = date(period_start, 1, 1), date(period_end, 12, 31)
        for a in range(AREAS):
            area = ids.next(FocusArea)
            rows[FocusArea].append({"id": area, "plan_id": plan, "order": a, "code": str(a + 1),
                                    "title": AREA_TITLES[(p + a) % len(AREA_TITLES)]})
            for g in range(GOALS):
                goal = ids.next(Goal)
                rows[Goal].append({"id": goal, "focus_area_id": area, "order": g,
                                   "code": f"{a + 1}.{g + 1}",
                                   "title": GOAL_TITLES[(a + g) % len(GOAL_TITLES)]})
                for n in range(ACTIONS):
                    level = _level(a, g, n)
                    _action(rng, ids, rows, plan=plan, area=None if level == "plan" else area,
                            goal=goal if level == "goal" else None,
                            code=f"{a + 1}.{g + 1}.{n + 1}" if level == "goal" else "",
                            order=n if level == "goal" else 0,
                            status=rng.choice(statuses), plan_from=plan_from, plan_to=plan_to,
                            assignable=assignable, users=users, admin=admin)
    return {"org": org, "leader": leader, "sector": sectors[0]["id"], "admin": admin}


def _level(area: int, goal: int, slot: int) -> str:
    """Where the action in this slot hangs (the shape in the module docstring): the last
    goal's last slot is its area's own tiltak, the one before it in the last area the
    plan's own; every other slot is under its goal. The slots, ids and draws stay those
    of a goal-only dataset, so only the placements differ."""
    if goal == GOALS - 1 and slot == ACTIONS - 1:
        return "focus_area"
    if goal == GOALS - 1 and slot == ACTIONS - 2 and area == AREAS - 1:
        return "plan"
    return "goal"


def _action(rng: random.Random, ids: _Ids, rows: Rows, *, plan: int, area: int | None,
            goal: int | None, code: str, order: int, status: str, plan_from: date,
            plan_to: date, assignable: list[int], users: list[int], admin: int) -> None:
    """One action, its contributing units and its status history."""
    pk = ids.next(Action)
    due = _due_date(rng, status, plan_from, plan_to)
    start = None
    if rng.random() < 0.6:
        latest = min(due or TODAY, TODAY)
        if latest >= plan_from:
            start = plan_from + timedelta(days=rng.randint(0, (latest - plan_from).days))
    progress = _progress(rng, status)
    unit = rng.choice(assignable) if rng.random() < 0.95 else None
    person = rng.choice(users) if rng.random() < 0.7 else None
    long_text = rng.random() < 0.1
    description = (" ".join(rng.choices(SENTENCES, k=14)) if long_text
                   else rng.choice(SENTENCES))
    budget = None
    if rng.random() < 0.25:
        budget = Decimal(rng.randrange(50, 5000) * 1000).quantize(Decimal("0.01"))
    n_updates = (rng.choice([0, 0, 0, 1]) if status == "not_started"
                 else rng.randint(2, 4) if status == "completed" else rng.randint(1, 4))
    days = sorted(rng.sample(range(30, 890), n_updates))
    stamps = [BASE_TIME + timedelta(days=d, seconds=rng.randrange(0, 8 * 3600)) for d in days]
    steps = sorted(rng.randrange(0, max(progress, 10), 10) for _ in range(n_updates - 1))
    for i, stamp in enumerate(stamps):
        last = i == n_updates - 1
        risk = "on_track"
        if last and status in OPEN:
            risk = rng.choices(RISKS, weights=(60, 28, 12))[0]
        elif last and status == "cancelled":
            risk = "off_track"
        rows[StatusUpdate].append({
            "id": ids.next(StatusUpdate), "action_id": pk, "created_at": stamp,
            "status": status if last else "in_progress",
            "progress": progress if last else steps[i], "risk": risk,
            "comment": rng.choice(COMMENTS),
            "author_id": rng.choice(users) if rng.random() < 0.9 else None})
    evaluated = status in ("completed", "cancelled") and rng.random() < 0.4
    rows[Action].append({
        "id": pk, "plan_id": plan, "focus_area_id": area, "goal_id": goal, "order": order,
        "code": code,
        "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}", "description": description,
        "responsible_unit_id": unit, "responsible_person_id": person,
        "start_date": start, "due_date": due,
        "period_text": "løpende" if due is None else (
            f"{plan_from.year}–{due.year}" if rng.random() < 0.5 else ""),
        "status": status, "progress": progress, "budget": budget,
        "budget_reference": f"Økonomiplan 2026–2029, post {rng.randint(1, 80)}" if budget else "",
        "evaluation": "Tiltaket er gjennomført; brukerne opplever økt trygghet og færre "
                      "innleggelser." if evaluated else "",
        "evaluated_on": stamps[-1].date() if evaluated and stamps else None,
        "evaluated_by_id": admin if evaluated else None,
        "version": 1 + n_updates,
        "created_at": BASE_TIME, "updated_at": stamps[-1] if stamps else BASE_TIME})
    if rng.random() < 0.15:
        for contributor in rng.sample([u for u in assignable if u != unit], rng.randint(1, 2)):
            rows[ContributingUnit].append({"id": ids.next(ContributingUnit), "action_id": pk,
                                           "unit_id": contributor})


# --- Loading --------------------------------------------------------------------------

_REQUIRED = object()


def _layout(model: type[models.Model]) -> tuple[str, list[models.Field], list[Any]]:
    """The table, its concrete fields and a fallback value for each field we do not set."""
    fields = list(model._meta.concrete_fields)
    fallbacks: list[Any] = []
    for field in fields:
        if field.has_default():
            fallbacks.append(field.get_default())
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fallbacks.append(BASE_TIME)
        elif field.null:
            fallbacks.append(None)
        elif field.empty_strings_allowed:
            fallbacks.append("")
        else:
            fallbacks.append(_REQUIRED)
    return model._meta.db_table, fields, fallbacks


def _tuples(model: type[models.Model], rows: list[dict[str, Any]]) -> Iterable[list[Any]]:
    _table, fields, fallbacks = _layout(model)
    columns = [f.column for f in fields]
    for row in rows:
        values = [row.get(c, d) for c, d in zip(columns, fallbacks, strict=True)]
        if _REQUIRED in values:
            missing = [c for c, v in zip(columns, values, strict=True) if v is _REQUIRED]
            raise ValueError(f"{model._meta.label}: no value for {missing}")
        yield values


def _load(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Write *rows* into the model's table: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    table, fields, _fallbacks = _layout(model)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({columns}) FROM STDIN") as copy:
                for values in _tuples(model, rows):
                    copy.write_row(values)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {qn(table)} ({columns}) VALUES ({marks})",
                [[f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
                 for values in _tuples(model, rows)])


# --- Fingerprint ----------------------------------------------------------------------

META_DDL = ("CREATE TABLE IF NOT EXISTS bench_meta (dataset varchar(10) PRIMARY KEY, "
            "generator varchar(100) NOT NULL, checksum varchar(64) NOT NULL, "
            "fingerprint text NOT NULL)")


def fingerprint() -> dict[str, Any]:
    """Row counts per table, and the action mix (status, overdue on TODAY, no deadline …)."""
    qn = connection.ops.quote_name
    counts = " , ".join(f"(SELECT COUNT(*) FROM {qn(m._meta.db_table)})" for m in MODELS)
    action = qn(Action._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        result: dict[str, Any] = {
            m._meta.db_table: n for m, n in zip(MODELS, cursor.fetchone(), strict=True)}
        cursor.execute(f"SELECT status, COUNT(*) FROM {action} GROUP BY status"
                       " ORDER BY status")
        result["status"] = dict(cursor.fetchall())
        cursor.execute(
            "SELECT SUM(CASE WHEN due_date IS NULL THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN due_date < %s AND status NOT IN ('completed', 'cancelled')"
            "     THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN responsible_person_id IS NULL THEN 0 ELSE 1 END),"
            f" SUM(progress), SUM(version), MAX(id),"
            " SUM(CASE WHEN goal_id IS NULL AND focus_area_id IS NOT NULL THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN focus_area_id IS NULL THEN 1 ELSE 0 END),"
            f" SUM(plan_id), SUM(COALESCE(focus_area_id, 0)) FROM {action}", [TODAY])
        keys = ["no_due_date", "overdue", "with_person", "progress_sum", "version_sum", "max_id",
                "on_focus_area", "on_plan", "plan_id_sum", "focus_area_id_sum"]
        result.update({k: int(v or 0) for k, v in zip(keys, cursor.fetchone(), strict=True)})
    return result


def _checksum(print_: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(print_, sort_keys=True).encode()).hexdigest()[:16]


def _generator(dataset: str) -> str:
    return f"v{GENERATOR_VERSION} seed={SEED} kommuner={KOMMUNER[dataset]}"


def _stored(dataset: str) -> tuple[str, str] | None:
    with connection.cursor() as cursor:
        cursor.execute(META_DDL)
        cursor.execute("SELECT generator, checksum FROM bench_meta WHERE dataset = %s", [dataset])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def describe(dataset: str) -> str:
    """One line: the dataset's checksum and shape."""
    fp = fingerprint()
    total = fp[Action._meta.db_table] or 1
    return (f"dataset {dataset}: {fp[Organization._meta.db_table]} kommune(r), "
            f"{total:,} actions, {fp[StatusUpdate._meta.db_table]:,} status updates; "
            f"{fp['overdue'] / total:.1%} overdue on {TODAY}, "
            f"{fp['no_due_date'] / total:.1%} without deadline, "
            f"{fp['with_person'] / total:.1%} with a person, {fp['on_focus_area']:,} on an "
            f"area and {fp['on_plan']:,} on their plan; checksum {_checksum(fp)}")


def seed(dataset: str = "S", *, verbose: bool = False) -> dict[str, int]:
    """Build *dataset* in the default database unless its fingerprint matches already.

    Returns kommune 0's ids: ``org``, ``leader`` (a sector leader whose membership unit
    is ``sector``), ``sector`` and ``admin`` (an admin at the kommune root).
    """
    generator = _generator(dataset)
    stored = _stored(dataset)
    if stored is None or stored != (generator, _checksum(fingerprint())):
        started = time.perf_counter()
        with transaction.atomic():
            _rebuild(dataset)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # outside the transaction: VACUUM needs that
                for model in MODELS:
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"VACUUM ANALYZE {table}")
        if verbose:
            print(f"dataset {dataset} seeded in {time.perf_counter() - started:.1f} s")
    leader = User.objects.get(username="k00-leder")
    return {"org": Organization.objects.get(slug="bench-00").pk, "leader": leader.pk,
            "sector": Membership.objects.get(user=leader).unit_id,
            "admin": User.objects.get(username="k00-admin").pk}


def _rebuild(dataset: str) -> None:
    """Empty the tables we fill (and those referring to them) and load the dataset."""
    tables = [m._meta.db_table for m in MODELS]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True))
    ids = _Ids()
    for index in range(KOMMUNER[dataset]):
        rows: Rows = {model: [] for model in MODELS}
        _kommune(index, ids, rows)
        for model in MODELS:
            _load(model, rows[model])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), MODELS):
            cursor.execute(sql)
        fp = fingerprint()
        cursor.execute("DELETE FROM bench_meta WHERE dataset = %s", [dataset])
        cursor.execute("INSERT INTO bench_meta (dataset, generator, checksum, fingerprint)"
                       " VALUES (%s, %s, %s, %s)",
                       [dataset, _generator(dataset), _checksum(fp), json.dumps(fp)])


def seed_s() -> dict[str, int]:
    """Dataset S (one kommune, 5,000 actions): the ids the in-process scenarios use."""
    return seed("S")


def seed_m() -> dict[str, int]:
    """Dataset M (20 kommuner, 100,000 actions): kommune 0's ids, the same as in S."""
    return seed("M")
