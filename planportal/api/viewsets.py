"""The shared shape of every API viewset: scoped queryset, service-backed writes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from planportal.permissions import deny


class ScopedViewSet(viewsets.GenericViewSet):
    """``get_queryset`` starts from ``visible_to(user)``: anything else is a 404."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    def scoped(self, queryset: QuerySet) -> QuerySet:
        return queryset.visible_to(self.request.user)


class ServiceWriteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedViewSet,
):
    """List, retrieve, create and update, where create/update call a service.

    Subclasses set ``create_service(actor, **data)`` and ``update_service(actor, obj,
    **data)``. There is no delete: plan content is closed by status, never erased.
    """

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    update_serializer_class: Any = None
    #: The 403's message when may_create / may_update says no (the service's own words).
    write_denied_message: Any = None

    def get_serializer_class(self) -> Any:
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        return self.serializer_class

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self.may_create(request.user):
            raise deny(self.write_denied_message)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_service(request.user, **serializer.validated_data)
        return Response(self.read(instance), status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        if not self.may_update(request.user, instance):
            raise deny(self.write_denied_message)
        serializer = self.get_serializer(instance, data=request.data,
                                         partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        instance = self.update_service(request.user, instance, **serializer.validated_data)
        return Response(self.read(instance))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def read(self, instance: Any) -> Any:
        """The stored object as a list would show it (re-read through the queryset)."""
        return self.get_serializer(self.get_queryset().get(pk=instance.pk)).data

    # Checked before the body is validated, so that someone who may not write gets a 403,
    # not a list of field errors that tells them how to shape a request (the services
    # check again, with the object as changed).
    def may_create(self, actor: Any) -> bool:
        """Whether *actor* may create anything here at all."""
        return True

    def may_update(self, actor: Any, instance: Any) -> bool:
        """Whether *actor* may change *instance* at all."""
        return True

    def create_service(self, actor: Any, **data: Any) -> Any:
        raise NotImplementedError

    def update_service(self, actor: Any, instance: Any, **data: Any) -> Any:
        raise NotImplementedError
