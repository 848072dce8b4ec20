"""Serializer fields that only accept objects the requesting user can see."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class VisiblePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key among ``model.objects.visible_to(request.user)``.

    An id from another kommune is then simply "does not exist" (400), never a hint
    that it exists elsewhere.
    """

    def __init__(self, model: type, **kwargs: Any) -> None:
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return self.model.objects.visible_to(request.user if request else None)
