"""Shared personas (as healthchecks' alice/bob/charlie) and the world they live in.

Testkommune has: root → sektor "Helse og omsorg" → enheter "Hjemmetjenesten" and
"Sykehjemmet"; and sektor "Oppvekst" → enhet "Skole". The personas are an admin, a
sector leader for Helse og omsorg, the unit manager of Hjemmetjenesten, a reader
(committee member), and an admin of another kommune.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

import pytest

from actions.models import Action
from planportal.models import Membership, Organization, Unit, User
from tests import zeal_guard
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    MembershipFactory,
    OrganizationFactory,
    PlanFactory,
    UnitFactory,
    UserFactory,
    root_unit,
)
from tests.shared_data import (
    SharedBlock,
    is_transactional,
    needs_own_database,
    shared_block,
    shared_value,
)

#: The SDG rows the data migration made, as (id, number, name_nb, name_en).
_sdg_rows: list[tuple[Any, ...]] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    """The settings have their replica alias now (tests/xdist_worker.py): subprocesses,
    which the tests point at other databases, must not inherit its URL."""
    from django.conf import settings

    settings.DATABASES  # noqa: B018 - read the settings before the variable goes
    if os.environ.pop("PLANPORTAL_TEST_REPLICA", None):
        os.environ.pop("DATABASE_REPLICA_URL", None)


def _db_unblocked(item: pytest.Item) -> Any:
    from pytest_django.plugin import blocking_manager_key

    return item.config.stash[blocking_manager_key].unblock()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """A transactional test ends by emptying every table, the SDGs a data migration added
    included. Alone, pytest-django runs such tests last; a parallel worker runs a file's
    tests together, so other files still follow: put the same rows (same ids) back."""
    result = yield
    if is_transactional(item):
        from django.contrib.contenttypes.models import ContentType

        # The flush's post_migrate made the content types anew, under new ids.
        ContentType.objects.clear_cache()
    if is_transactional(item) and nextitem is not None and _sdg_rows:
        from strategies.models import SustainableDevelopmentGoal as SDG

        with _db_unblocked(item):
            if SDG.objects.count() < len(_sdg_rows):
                SDG.objects.all().delete()
                SDG.objects.bulk_create(
                    SDG(id=pk, number=number, name_nb=name_nb, name_en=name_en)
                    for pk, number, name_nb, name_en in _sdg_rows)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Note the SDG rows before the first transactional test can empty the table."""
    if not _sdg_rows and is_transactional(item):
        from strategies.models import SustainableDevelopmentGoal as SDG

        with _db_unblocked(item):
            _sdg_rows.extend(SDG.objects.order_by("id").values_list(
                "id", "number", "name_nb", "name_en"))
    return (yield)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of a test that commits (or is marked fresh_db), roll back the
    module's shared data: it must see only what it commits itself."""
    if SharedBlock.open_blocks and needs_own_database(item):
        SharedBlock.close_all()


@pytest.fixture(autouse=True)
def replica_only_where_declared(request: pytest.FixtureRequest, monkeypatch: Any) -> None:
    """Reads go to the replica alias only in tests that declare it (``databases``): Django
    refuses a query on an alias a test did not ask for, and the others mean the primary."""
    marker = request.node.get_closest_marker("django_db")
    databases = marker.kwargs.get("databases") if marker else None
    if not (databases == "__all__" or (databases and "replica" in databases)):
        monkeypatch.setattr("planportal.replica.replica_configured", lambda: False)


@pytest.fixture(autouse=True)
def no_nplusone_queries(settings: Any) -> None:
    """An N+1 query in any request a test makes raises (django-zeal, tests/zeal_guard.py)."""
    zeal_guard.install(settings)


@pytest.fixture(autouse=True)
def celery_join_allowed() -> None:
    """Celery's "a join would block" flag is process-global; a test that ran worker code
    in this process can leave it on, and an eager task's .get() then refuses. Off at
    each test's start, as in a fresh process."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Real hashers cost ~0.5 s per user; tests need many users, not strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_http_test_client(settings: Any) -> None:
    """CI runs in production mode (DATABASE_URL set), which redirects http to https;
    the test client speaks http. Tests of the redirect itself turn it back on."""
    settings.SECURE_SSL_REDIRECT = False
    # Production's manifest storage needs collectstatic, which tests never run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class World:
    org: Organization
    root: Unit
    health: Unit
    home_care: Unit
    nursing_home: Unit
    education: Unit
    school: Unit
    admin: User
    sector_leader: User
    unit_manager: User
    reader: User
    other_org: Organization
    other_admin: User
    plan: Any
    goal: Any
    action: Action

    def persona(self, name: str) -> User:
        return getattr(self, name)

    def fresh(self) -> World:
        """The same rows fetched again: a test gets objects no earlier test has touched."""
        by_model: dict[type, tuple[set[Any], set[str]]] = {}
        for f in fields(self):
            obj = getattr(self, f.name)
            pks, related = by_model.setdefault(type(obj), (set(), set()))
            pks.add(obj.pk)
            related.update(_cached_relations(obj))
        # The related objects the factories left cached come along, as a test built them.
        loaded = {model: (model._default_manager.select_related(*related) if related
                          else model._default_manager.all()).in_bulk(pks)
                  for model, (pks, related) in by_model.items()}
        return World(**{f.name: loaded[type(getattr(self, f.name))][getattr(self, f.name).pk]
                        for f in fields(self)})


def _cached_relations(obj: Any, prefix: str = "") -> set[str]:
    """The select_related paths of the related objects cached on *obj*."""
    paths: set[str] = set()
    if prefix.count("__") >= 4:  # a one-to-one caches itself both ways
        return paths
    for name, related in obj._state.fields_cache.items():
        if related is None:
            continue
        paths.add(prefix + name)
        paths |= _cached_relations(related, f"{prefix}{name}__")
    return paths


@pytest.fixture(scope="module")
def _world_block(request: pytest.FixtureRequest, django_db_setup: Any,
                 django_db_blocker: Any) -> Iterator[SharedBlock]:
    """The world built once per module; each test runs in a savepoint inside it."""
    block = shared_block(request, django_db_blocker, build_world)
    yield block
    block.close()


@pytest.fixture
def world(db: Any, request: pytest.FixtureRequest, _world_block: SharedBlock) -> World:
    value, shared = shared_value(request, _world_block)
    return value.fresh() if shared else value


def build_world() -> World:
    """Testkommune, Nabokommune and the personas (module docstring)."""
    org = OrganizationFactory(name="Testkommune", slug="testkommune")
    root = root_unit(org)
    health = UnitFactory(organization=org, parent=root, kind="sektor", code="helse",
                         name="Helse og omsorg")
    home_care = UnitFactory(organization=org, parent=health, code="hjemme",
                            name="Hjemmetjenesten")
    nursing_home = UnitFactory(organization=org, parent=health, code="sykehjem",
                               name="Sykehjemmet")
    education = UnitFactory(organization=org, parent=root, kind="sektor", code="oppvekst",
                            name="Oppvekst")
    school = UnitFactory(organization=org, parent=education, code="skole", name="Skole")

    def member(username: str, unit: Unit, role: str) -> User:
        user = UserFactory(username=username)
        MembershipFactory(user=user, unit=unit, role=role)
        return user

    other_org = OrganizationFactory(name="Nabokommune", slug="nabokommune")
    plan = PlanFactory(organization=org, title="Helse- og omsorgsplan 2025–2030")
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=plan))
    return World(
        org=org,
        root=root,
        health=health,
        home_care=home_care,
        nursing_home=nursing_home,
        education=education,
        school=school,
        admin=member("admin1", root, Membership.Role.ADMIN),
        sector_leader=member("sektorleder1", health, Membership.Role.SECTOR_LEADER),
        unit_manager=member("enhetsleder1", home_care, Membership.Role.UNIT_MANAGER),
        reader=member("politiker1", root, Membership.Role.READER),
        other_org=other_org,
        other_admin=member("annenkommune", root_unit(other_org), Membership.Role.ADMIN),
        plan=plan,
        goal=goal,
        action=ActionFactory(goal=goal, responsible_unit=home_care, title="Ærlig øving på å"),
    )


@pytest.fixture
def other_plan(world: World) -> Any:
    """A plan, goal and action in the other kommune."""
    plan = PlanFactory(organization=world.other_org, title="Nabokommunens plan")
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=plan))
    return ActionFactory(goal=goal, responsible_unit=None)
