"""Database constraints hold even when code bypasses validation."""

import pytest
from django.db import IntegrityError, transaction

from actions.models import Action
from strategies.models import (
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Plan,
    SustainableDevelopmentGoal,
)
from tests.factories import ActionFactory, IndicatorFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_the_seventeen_sdgs_are_reference_data_in_both_languages():
    sdgs = SustainableDevelopmentGoal.objects.all()
    assert [s.number for s in sdgs] == list(range(1, 18))
    assert sdgs.get(number=3).name_nb == "God helse og livskvalitet"
    assert sdgs.get(number=3).name_en == "Good health and well-being"
    assert sdgs.get(number=5).name_nb == "Likestilling mellom kjønnene"


def test_sdg_numbers_outside_1_to_17_are_refused():
    _refused(lambda: SustainableDevelopmentGoal.objects.create(number=18, name_nb="x",
                                                               name_en="x"))


def test_a_plan_period_cannot_end_before_it_starts(world):
    _refused(lambda: Plan.objects.filter(pk=world.plan.pk).update(period_end=2000))


def test_plan_titles_are_unique_per_organisation_and_start_year(world):
    _refused(lambda: PlanFactory(organization=world.org, title=world.plan.title))


def test_action_progress_stays_between_0_and_100(world):
    _refused(lambda: Action.objects.filter(pk=world.action.pk).update(progress=101))


def test_an_action_deadline_cannot_precede_its_start(world):
    from datetime import date

    _refused(lambda: ActionFactory(goal=world.goal, start_date=date(2026, 2, 1),
                                   due_date=date(2026, 1, 1)))


def test_an_action_status_must_be_a_known_one(world):
    _refused(lambda: Action.objects.filter(pk=world.action.pk).update(status="ferdig"))


def test_an_indicator_has_one_target_per_year(world):
    indicator = IndicatorFactory(goal=world.goal, targets=[
        {"year": 2027, "comparison": "gte", "value": 10}])
    _refused(lambda: IndicatorTarget.objects.create(indicator=indicator, year=2027,
                                                    comparison="gt", value=12))


def test_an_indicator_has_one_baseline_per_year(world):
    indicator = IndicatorFactory(goal=world.goal, baselines=[{"year": 2022, "value": 9}])
    _refused(lambda: IndicatorBaseline.objects.create(indicator=indicator, year=2022, value=8))


def test_a_target_comparison_must_be_a_known_one(world):
    indicator = IndicatorFactory(goal=world.goal, targets=[])
    _refused(lambda: IndicatorTarget.objects.create(indicator=indicator, comparison="gt=",
                                                    value=1))


def test_indicator_names_are_unique_per_goal(world):
    IndicatorFactory(goal=world.goal, name="Sykefravær")
    _refused(lambda: Indicator.objects.create(goal=world.goal, name="Sykefravær",
                                              direction="lower"))


def test_an_action_with_history_cannot_be_deleted(world):
    from django.db.models import ProtectedError

    from tests.factories import StatusUpdateFactory

    StatusUpdateFactory(action=world.action)
    with pytest.raises(ProtectedError):
        world.action.delete()
