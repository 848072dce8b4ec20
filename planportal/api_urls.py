"""/api/v1/: one router for every app's viewsets."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from actions.api.calendar import CalendarFeedListView, RevokeCalendarFeedView
from actions.api.goals import GoalViewSet
from actions.api.views import ActionViewSet, StatusUpdateViewSet
from planportal.api.token_views import ApiTokenListView, ObtainTokenView, RevokeApiTokenView
from planportal.api.views import (
    MeView,
    PersonalDataView,
    UnitViewSet,
)
from planportal.audit.api.views import AuditEventViewSet
from reports.api import PlanViewSet
from reports.round_api import ReportingReturnViewSet, ReportingRoundViewSet
from strategies.api.views import (
    FocusAreaViewSet,
    IndicatorViewSet,
    MeasurementViewSet,
    SustainableDevelopmentGoalViewSet,
)


class ApiRouter(DefaultRouter):
    """The router without ``.json`` format-suffix routes.

    Suffix routes hand a ``format`` argument to every extra action, which none of ours
    takes (``/plans/<id>/export.json`` answered 500); ``?format=`` and the Accept header
    choose the format instead.
    """

    include_format_suffixes = False


router = ApiRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("sdgs", SustainableDevelopmentGoalViewSet, basename="sdg")
router.register("plans", PlanViewSet, basename="plan")
router.register("focus-areas", FocusAreaViewSet, basename="focusarea")
router.register("goals", GoalViewSet, basename="goal")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("measurements", MeasurementViewSet, basename="measurement")
router.register("actions", ActionViewSet, basename="action")
router.register("status-updates", StatusUpdateViewSet, basename="statusupdate")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("reporting-rounds", ReportingRoundViewSet, basename="reportinground")
router.register(r"reporting-rounds/(?P<round_pk>\d+)/returns", ReportingReturnViewSet,
                basename="reportingreturn")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/personal-data/", PersonalDataView.as_view(), name="me-personal-data"),
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("auth/tokens/", ApiTokenListView.as_view(), name="auth-tokens"),
    path("auth/tokens/<int:pk>/revoke/", RevokeApiTokenView.as_view(), name="auth-token-revoke"),
    path("calendar-feeds/", CalendarFeedListView.as_view(), name="calendar-feeds"),
    path("calendar-feeds/<int:pk>/revoke/", RevokeCalendarFeedView.as_view(),
         name="calendar-feed-revoke"),
    *router.urls,
]
