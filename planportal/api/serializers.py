"""Serializers for units and the signed-in user."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from planportal.api import schema as _schema  # noqa: F401  (registers the extensions)
from planportal.api.fields import StrictBooleanField
from planportal.models import Membership, Unit, User
from planportal.permissions import sees_people


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "organization", "parent", "kind", "code", "name", "path"]
        read_only_fields = fields


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    """A person as others see them: a name, nothing more."""

    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name"]
        read_only_fields = fields

    def get_name(self, user: User) -> str:
        return str(user)


class MembershipSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)
    organization = serializers.IntegerField(source="unit.organization_id", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "role", "unit", "organization"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "preferred_language",
                  "reminder_emails", "is_staff", "memberships", "roles"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return sorted({m.role for m in user.memberships.all()})


class ClosedSerializer(serializers.Serializer):
    """Refuses keys it does not know (400 naming each), as the services refuse fields they
    do not change: a client that sends ``username`` learns that it was not changed. The
    schema says so with ``additionalProperties: false`` (planportal.api.schema)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field cannot be changed here.")] for name in unknown}
            )
        return attrs


class PreferencesSerializer(ClosedSerializer):
    """What a user may change about themselves: language and reminder e-mails."""

    preferred_language = serializers.ChoiceField(choices=User.Language.choices, required=False)
    reminder_emails = StrictBooleanField(required=False)


def hide_people_from(data: dict[str, Any], request: Any, *fields: str,
                     organization_id: int) -> dict[str, Any]:
    """Blank out the person *fields* (``null``) unless the reader belongs to *organization_id*.

    Readers of a public plan from outside its kommune (anonymous, or staff of another
    kommune) never see who is responsible or who wrote what (:func:`sees_people`). The
    keys stay, as ``null``: the schema marks them required and nullable, so every reader
    gets the same shape.
    """
    if request is None or not sees_people(request.user, organization_id):
        for name in fields:
            if name in data:
                data[name] = None
    return data
