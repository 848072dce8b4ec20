"""Calendar feeds over the API: list and create your own (the URL is shown once), revoke."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actions.calendar_feeds import create_calendar_feed, revoke_calendar_feed
from actions.calendar_models import CalendarFeed
from planportal.api.caching import NoStoreMixin
from planportal.api.fields import VisiblePrimaryKeyField
from planportal.models import Unit


class CalendarFeedSerializer(serializers.ModelSerializer):
    """A feed as its owner sees it later: the prefix, never the token or its hash."""

    unit = VisiblePrimaryKeyField(Unit, required=False, allow_null=True,
                                  help_text=_("Empty: your own actions."))

    class Meta:
        model = CalendarFeed
        fields = ["id", "unit", "key_prefix", "created_at", "revoked_at"]
        read_only_fields = ["id", "key_prefix", "created_at", "revoked_at"]


class CalendarFeedCreatedSerializer(CalendarFeedSerializer):
    """A new feed with its secret address: the only time it is shown."""

    url = serializers.CharField(read_only=True,
                                help_text=_("Subscribe to this address; it is shown only once."))

    class Meta(CalendarFeedSerializer.Meta):
        fields = [*CalendarFeedSerializer.Meta.fields, "url"]


class CalendarFeedListView(NoStoreMixin, generics.ListCreateAPIView):
    """Your own calendar feeds (revoked ones included); POST creates one."""

    serializer_class = CalendarFeedSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = [OrderingFilter]
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet:
        return CalendarFeed.objects.filter(user_id=self.request.user.pk)

    @extend_schema(request=CalendarFeedSerializer, responses={201: CalendarFeedCreatedSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CalendarFeedSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        feed, raw = create_calendar_feed(actor=request.user, user=request.user,
                                         unit=serializer.validated_data.get("unit"))
        body = CalendarFeedSerializer(feed, context={"request": request}).data
        body["url"] = request.build_absolute_uri(reverse("calendar:feed", args=[raw]))
        return Response(body, status=status.HTTP_201_CREATED)


class RevokeCalendarFeedView(APIView):
    """Revoke one of your own calendar feeds; its address stops working at once."""

    permission_classes = [IsAuthenticated]
    queryset = CalendarFeed.objects.all()

    @extend_schema(request=None, responses={
        200: CalendarFeedSerializer,
        404: OpenApiResponse(description="No such feed among your own."),
    })
    def post(self, request: Request, pk: int) -> Response:
        feed = get_object_or_404(CalendarFeed.objects.select_related("user"), pk=pk,
                                 user_id=request.user.pk)
        feed = revoke_calendar_feed(actor=request.user, feed=feed)
        return Response(CalendarFeedSerializer(feed, context={"request": request}).data)
