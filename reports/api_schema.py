"""The OpenAPI description of ``GET /api/v1/plans/{id}/progress/``, field by field.

These serializers only describe :func:`reports.progress.compute_progress`'s output for the
schema (the view returns that data as it is); ``tests/reports/test_progress_schema.py``
checks that the two agree.
"""

from __future__ import annotations

from rest_framework import serializers

from actions.models import Action, StatusUpdate
from strategies.models import Indicator, IndicatorTarget, Plan

LEVELS = [
    ("goal", "under a goal"),
    ("focus_area", "directly on a focus area"),
    ("plan", "on the whole plan"),
]
ASSESSMENTS = [
    ("reached", "target reached"),
    ("on_track", "on track"),
    ("off_track", "not on track"),
    ("unknown", "no data"),
]


def _number_field() -> serializers.CharField:
    return serializers.CharField(
        allow_blank=True, required=False,
        help_text="The number documents show: the code, else the goal's code and the "
                  "tiltak's place under it (\"1.2.3\"), the focus area's code, T and the "
                  "place on the area (\"2.T3\"), or T and the place on the whole plan "
                  "(\"T1\"). Not in reports frozen before it.")


class ProgressByStatusSerializer(serializers.Serializer):
    """Number of actions in each status (all six are always present)."""

    not_started = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    completed = serializers.IntegerField()
    postponed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    carried_over = serializers.IntegerField(
        help_text="Carried over into the plan's next version (rullering).")


class ProgressCountsSerializer(serializers.Serializer):
    """The figures of the whole plan, a focus area or a goal."""

    total = serializers.IntegerField(help_text="Actions in scope.")
    by_status = ProgressByStatusSerializer()
    completed_percent = serializers.FloatField(
        allow_null=True, help_text="Completed ÷ actions not cancelled, in %, one decimal; "
                                   "null when every action is cancelled or there are none.")
    overdue = serializers.IntegerField(
        help_text="Deadline before as_of and neither completed nor cancelled.")
    unassigned = serializers.IntegerField(
        help_text="No responsible unit, or neither a deadline nor a continuous period.")
    continuous = serializers.IntegerField(
        help_text="Continuous actions: an open-ended period such as “løpende” and no "
                  "deadline by design (reported on in every round; not unassigned).")
    average_progress = serializers.FloatField(
        allow_null=True, help_text="Mean progress (0–100) of the actions not cancelled.")


class ProgressGoalSerializer(ProgressCountsSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class ProgressFocusAreaSerializer(ProgressCountsSerializer):
    """A focus area's figures: its own tiltak and its goals' together."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    own = ProgressCountsSerializer(
        required=False, help_text="The tiltak on the focus area itself, under no goal. Not "
                                  "in reports frozen before tiltak could hang there.")
    goals = ProgressGoalSerializer(many=True)


class ProgressTargetSerializer(serializers.Serializer):
    """A target: the comparison and value, for a year or (year null) the plan period."""

    year = serializers.IntegerField(allow_null=True,
                                    help_text="Null: the target holds for the plan period.")
    comparison = serializers.ChoiceField(choices=IndicatorTarget.Comparison.choices)
    value = serializers.FloatField()
    relative_to_national = serializers.BooleanField(
        help_text="The value is a difference from the national average (0: the average).")


class ProgressBaselineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.FloatField()


class ProgressIndicatorSerializer(serializers.Serializer):
    """An indicator with its targets, baselines and latest measurement on or before as_of,
    judged by the target for the measurement's year."""

    id = serializers.IntegerField()
    focus_area_id = serializers.IntegerField()
    goal_id = serializers.IntegerField()
    goal_code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(allow_blank=True, help_text="Unit of measure.")
    direction = serializers.ChoiceField(choices=Indicator.Direction.choices)
    source = serializers.CharField(allow_blank=True)
    targets = ProgressTargetSerializer(many=True)
    baselines = ProgressBaselineSerializer(many=True)
    baseline_value = serializers.FloatField(allow_null=True,
                                            help_text="The latest baseline year's value.")
    baseline_year = serializers.IntegerField(allow_null=True)
    latest_value = serializers.FloatField(allow_null=True)
    latest_period_end = serializers.DateField(allow_null=True)
    latest_period_label = serializers.CharField(allow_blank=True)
    latest_national_average = serializers.FloatField(
        allow_null=True, help_text="The national average of the latest measurement's period.")
    assessment = serializers.ChoiceField(
        choices=ASSESSMENTS,
        help_text="Judged by the target of the measurement's year, else the next later one, "
                  "else the plan period's. reached: the target is met; on_track: at least as "
                  "good as the straight line from the latest baseline to a later year's "
                  "target (the period's target: better than the baseline); unknown: no "
                  "value, no target, or no national average for a relative target.")


class ProgressReturnSerializer(serializers.Serializer):
    """What the responsible person reported in the round, once approved (only approved
    text ever reaches a report)."""

    status = serializers.ChoiceField(choices=Action.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    risk = serializers.ChoiceField(choices=StatusUpdate.Risk.choices)
    done = serializers.CharField(allow_blank=True, help_text="Done this period.")
    next_steps = serializers.CharField(allow_blank=True)


class ProgressActionSerializer(serializers.Serializer):
    """An action as of the report date (status and progress rebuilt from its history)."""

    id = serializers.IntegerField()
    code = serializers.CharField(allow_blank=True, help_text="The plan's own number, if any.")
    number = _number_field()
    title = serializers.CharField()
    level = serializers.ChoiceField(
        choices=LEVELS, required=False,
        help_text="Where the tiltak hangs. Not in reports frozen before tiltak could hang "
                  "on a focus area or the plan (each hung under a goal).")
    focus_area_id = serializers.IntegerField(allow_null=True,
                                             help_text="Null for a plan-wide tiltak.")
    goal_id = serializers.IntegerField(allow_null=True,
                                       help_text="Null on a focus area or the whole plan.")
    goal_code = serializers.CharField(allow_null=True, allow_blank=True)
    status = serializers.ChoiceField(choices=Action.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    due_date = serializers.DateField(allow_null=True)
    period_text = serializers.CharField(allow_blank=True,
                                        help_text="The plan's own words for the deadline.")
    continuous = serializers.BooleanField(
        help_text="An open-ended period (\"løpende\", \"2024-\") and no deadline.")
    overdue = serializers.BooleanField()
    responsible_unit = serializers.CharField(allow_blank=True, help_text="Unit name.")
    responsible_person = serializers.CharField(
        allow_blank=True, required=False,
        help_text="Left out for readers outside the plan's organisation.")
    risk = serializers.ChoiceField(choices=StatusUpdate.Risk.choices, allow_blank=True,
                                   help_text="Of the latest update; blank without one.")
    latest_comment = serializers.CharField(allow_blank=True)
    latest_update_at = serializers.DateTimeField(allow_null=True)
    # Set on the rows of a closed reporting round's frozen report only.
    return_ = ProgressReturnSerializer(
        allow_null=True, required=False,
        help_text="The tiltak's approved return in the reporting round; null when it has "
                  "none approved. Only in a round's frozen report.")

    def get_fields(self) -> dict[str, serializers.Field]:
        # "return" is a Python keyword: declared as return_, named "return" in the JSON.
        fields = super().get_fields()
        fields["return"] = fields.pop("return_")
        return fields


class ProgressStatusUpdateSerializer(serializers.Serializer):
    """A status update posted in the period since the previous report."""

    id = serializers.IntegerField()
    action_id = serializers.IntegerField()
    action_code = serializers.CharField(allow_blank=True)
    action_number = _number_field()
    action_title = serializers.CharField()
    focus_area_id = serializers.IntegerField(allow_null=True,
                                             help_text="Null for a plan-wide tiltak.")
    created_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Action.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    risk = serializers.ChoiceField(choices=StatusUpdate.Risk.choices)
    comment = serializers.CharField(allow_blank=True)
    author = serializers.CharField(
        allow_blank=True, required=False,
        help_text="Left out for readers outside the plan's organisation.")


class ProgressSinceSerializer(serializers.Serializer):
    """What changed after ``since`` up to and including ``as_of``."""

    completed = ProgressActionSerializer(many=True)
    became_overdue = ProgressActionSerializer(many=True)
    status_updates = ProgressStatusUpdateSerializer(many=True)


class ProgressPreviousRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period_label = serializers.CharField()


class ProgressMovedDeadlineSerializer(serializers.Serializer):
    """A tiltak whose deadline moved in the window, from the audit trail."""

    action_id = serializers.IntegerField()
    code = serializers.CharField(allow_blank=True)
    number = _number_field()
    title = serializers.CharField()
    moves = serializers.IntegerField(
        min_value=1, help_text="How often the deadline moved in all its recorded history.")
    first_due = serializers.DateField(help_text="The first recorded deadline.")
    due = serializers.DateField(help_text="The deadline as of the report date.")
    months = serializers.IntegerField(
        help_text="Whole calendar months from first_due to due (negative: moved earlier).")


class ProgressChangesSerializer(serializers.Serializer):
    """"Since last report": after ``since`` (a round's report: after the previous closed
    round's period, else from the period start) up to and including ``as_of``."""

    previous_round = ProgressPreviousRoundSerializer(
        allow_null=True, help_text="The previous closed round compared with, if any.")
    new = ProgressActionSerializer(many=True, help_text="Tiltak created in the window.")
    cancelled = ProgressActionSerializer(many=True, help_text="Tiltak cancelled in the window.")
    moved_deadlines = ProgressMovedDeadlineSerializer(many=True)


class ProgressEvaluationSerializer(serializers.Serializer):
    """The final evaluation of a tiltak completed or cancelled in the period."""

    action_id = serializers.IntegerField()
    code = serializers.CharField(allow_blank=True)
    number = _number_field()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Action.Status.choices)
    evaluation = serializers.CharField()
    evaluated_on = serializers.DateField(allow_null=True)


class ProgressRoundSerializer(serializers.Serializer):
    """The reporting round a frozen report closed."""

    id = serializers.IntegerField()
    period_label = serializers.CharField()
    deadline = serializers.DateField(help_text="The reporting deadline.")
    case_number = serializers.CharField(help_text='The case reference, e.g. "2026/1234".')
    committee = serializers.CharField()
    meeting_date = serializers.DateField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    without_return = serializers.IntegerField(
        required=False, min_value=0,
        help_text="The plan's tiltak in the round that owed a return and have no approved "
                  "one (a tiltak cancelled or carried over meanwhile owes none). Absent in "
                  "reports frozen before it was recorded.")


class ProgressAssessmentSerializer(serializers.Serializer):
    """An assessment written in the round: of a focus area or of a sector (unit)."""

    focus_area_id = serializers.IntegerField(allow_null=True)
    unit_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(help_text="The focus area's title or the sector's name.")
    text = serializers.CharField()


class ProgressPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organization = serializers.CharField(help_text="Organisation name.")
    kind = serializers.ChoiceField(choices=Plan.Kind.choices)
    status = serializers.ChoiceField(choices=Plan.Status.choices)
    period_start = serializers.IntegerField(help_text="First year of the plan.")
    period_end = serializers.IntegerField(help_text="Last year of the plan.")
    adopted_on = serializers.DateField(allow_null=True)
    adopted_by = serializers.CharField(allow_blank=True)
    is_public = serializers.BooleanField()


class ProgressScopeFocusAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class ProgressScopeUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProgressScopeSerializer(serializers.Serializer):
    focus_area = ProgressScopeFocusAreaSerializer(allow_null=True)
    unit = ProgressScopeUnitSerializer(allow_null=True)


class ProgressContributingGoalSerializer(serializers.Serializer):
    """A goal of a lower plan that contributes to the report's goal, with its own
    actions' figures as of the report date."""

    id = serializers.IntegerField()
    code = serializers.CharField(allow_blank=True)
    title = serializers.CharField()
    plan_id = serializers.IntegerField()
    plan_title = serializers.CharField()
    plan_level = serializers.ChoiceField(choices=Plan.Level.choices)
    total = serializers.IntegerField(help_text="The goal's own actions.")
    completed_percent = serializers.FloatField(allow_null=True)
    average_progress = serializers.FloatField(allow_null=True)


class ProgressContributingActionSerializer(serializers.Serializer):
    """A tiltak of a lower plan that contributes to the report's goal, as of the date."""

    id = serializers.IntegerField()
    code = serializers.CharField(allow_blank=True)
    title = serializers.CharField()
    plan_id = serializers.IntegerField()
    plan_title = serializers.CharField()
    plan_level = serializers.ChoiceField(choices=Plan.Level.choices)
    status = serializers.ChoiceField(choices=Action.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)


class ProgressContributionsSerializer(serializers.Serializer):
    """What lower plans contribute to one of the report's goals ("bidrar til")."""

    goal_id = serializers.IntegerField()
    goal_code = serializers.CharField(allow_blank=True)
    goal_title = serializers.CharField()
    goals = ProgressContributingGoalSerializer(many=True)
    actions = ProgressContributingActionSerializer(many=True)


class ProgressReportSerializer(serializers.Serializer):
    """The whole progress report; HTML, PDF, XLSX and snapshots render this same data."""

    schema = serializers.IntegerField(help_text="Version of this format.")
    generated_at = serializers.DateTimeField()
    as_of = serializers.DateField()
    since = serializers.DateField()
    public = serializers.BooleanField(help_text="True when person names are left out.")
    plan = ProgressPlanSerializer()
    scope = ProgressScopeSerializer()
    totals = ProgressCountsSerializer(help_text="Every tiltak in scope, on every level.")
    plan_level = ProgressCountsSerializer(
        required=False, help_text="The tiltak that apply to the whole plan (on no focus "
                                  "area). Not in reports frozen before they could.")
    focus_areas = ProgressFocusAreaSerializer(many=True)
    indicators = ProgressIndicatorSerializer(many=True)
    overdue = ProgressActionSerializer(many=True)
    at_risk = ProgressActionSerializer(
        many=True, help_text="Open actions whose latest update says at_risk or off_track.")
    since_previous = ProgressSinceSerializer()
    actions = ProgressActionSerializer(many=True, required=False,
                                       help_text="Only with actions=all.")
    contributions = ProgressContributionsSerializer(
        many=True, required=False,
        help_text="Only with contributions=include: per goal something contributes to, "
                  "the goals and actions of lower plans (public plans only for readers "
                  "outside the kommune).")
    changes = ProgressChangesSerializer(
        required=False, help_text="New and cancelled tiltak and moved deadlines; in frozen "
                                  "reports.")
    evaluations = ProgressEvaluationSerializer(
        many=True, required=False, help_text="Final evaluations of tiltak closed in the "
                                             "period; in frozen reports.")
    round = ProgressRoundSerializer(
        allow_null=True, required=False, help_text="The reporting round closed (frozen "
                                                   "reports; null for other snapshots).")
    preliminary = serializers.BooleanField(
        required=False, help_text="Frozen before its period ended (frozen reports).")
    language = serializers.ChoiceField(
        choices=["nb", "nn"], required=False,
        help_text="The language the report was frozen in, its kommune's målform (frozen "
                  "reports; its PDF, Word and Excel files are in it).")
    assessments = ProgressAssessmentSerializer(
        many=True, required=False, help_text="The round's assessments (a round's report).")
