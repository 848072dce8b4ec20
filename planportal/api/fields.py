"""Serializer fields that only accept objects the requesting user can see."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import QueryDict
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


def _form_encoded(field: serializers.Field) -> bool:
    # Form-encoded bodies (the browsable API's forms) can only send text, so there DRF's
    # HTML conventions still count: "on"/"true" for a checkbox, "" for an empty input.
    return isinstance(getattr(field.root, "initial_data", None), QueryDict)


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean: ``true`` or ``false``, not ``0``, ``"yes"`` or ``"on"``.

    DRF's BooleanField takes all of those, while the schema says boolean.
    """

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        if _form_encoded(self):
            return super().to_internal_value(data)
        self.fail("invalid", input=data)


class StrictDecimalField(serializers.DecimalField):
    """A decimal in a JSON body is digits, or ``null`` where allowed: never ``""``.

    DRF reads a blank string as null for a nullable DecimalField, while the schema's
    pattern (planportal.api.schema) needs a digit; "" is refused as "not a number".
    """

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if isinstance(data, str) and not data.strip() and not _form_encoded(self):
            self.fail("invalid")
        return super().validate_empty_values(data)


#: ModelSerializer.serializer_field_mapping with the strict JSON fields above.
STRICT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.BooleanField: StrictBooleanField,
    models.DecimalField: StrictDecimalField,
}
