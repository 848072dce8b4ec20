"""OpenAPI post-processing: document the error answers every operation can give, and
make the schema say what the server actually accepts (schemathesis holds the two equal)."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerExtension

ERROR_SCHEMA = {
    "type": "object",
    "description": 'Either {"detail": "…"} or a map from each field to its messages.',
    "additionalProperties": True,
}
COMMON = {
    "400": "Invalid input or query parameters; each field is named with the reason.",
    "401": "Not signed in (token missing, wrong, expired or revoked).",
    "403": "Signed in, or anonymous, but not allowed to do this.",
    "404": "No such object, not visible to you, or no such page.",
    "405": "This resource does not allow that method.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any,
                        public: bool) -> dict[str, Any]:
    """Give every operation the 4xx answers that DRF and our services produce."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in COMMON.items():
                operation["responses"].setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": reference}},
                })
            for code, response in operation["responses"].items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = {"application/json": {"schema": reference}}
    return agree_with_server(result)


# drf-spectacular's decimal pattern, ^-?\d{0,12}(?:\.\d{0,2})?$, also matches "", "-" and
# ".", which DRF's DecimalField refuses: require a digit before or after the point.
_DECIMAL_PATTERN = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


def _decimal_pattern(pattern: str) -> str:
    match = _DECIMAL_PATTERN.match(pattern)
    if match is None:
        return pattern
    whole, decimals = match.groups()
    if decimals == "0":
        return rf"^-?\d{{1,{whole}}}$"
    return rf"^-?(?:\d{{1,{whole}}}(?:\.\d{{0,{decimals}}})?|\.\d{{1,{decimals}}})$"


def _walk(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "decimal" and isinstance(node.get("pattern"), str):
            node["pattern"] = _decimal_pattern(node["pattern"])
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)


#: On an OpenApiParameter (``extensions=ALLOW_EMPTY``): the view ignores the parameter when
#: it is sent empty, as an HTML form sends a field left blank. Becomes allowEmptyValue.
ALLOW_EMPTY = {"x-allow-empty": True}


def agree_with_server(result: dict[str, Any]) -> dict[str, Any]:
    """Fix where drf-spectacular's schema says something other than the server does.

    * Parameters marked :data:`ALLOW_EMPTY` get ``allowEmptyValue`` (the filters get it
      from :class:`EmptyIgnoringFilterExtension`).
    * Decimals (budget, values) are strings with at least one digit: never ``""``.
    """
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.pop("x-allow-empty", False):
                    parameter["allowEmptyValue"] = True
    _walk(result.get("components", {}))
    _walk(result.get("paths", {}))
    # Dates sent to the server lie in planportal.dates' range; answers are not narrowed,
    # since an old row may hold any date.
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict):
                for parameter in operation.get("parameters", []):
                    _narrow_dates(parameter.get("schema"))
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _narrow_dates(component)
    return result


#: The years of planportal.dates.MIN_DATE – MAX_DATE (1900–2199) as a pattern.
SANE_DATE_PATTERN = r"^(19|20|21)\d{2}-\d{2}-\d{2}"


def _narrow_dates(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") in ("date", "date-time"):
            node.setdefault("pattern", SANE_DATE_PATTERN)
        for value in node.values():
            _narrow_dates(value)
    elif isinstance(node, list):
        for value in node:
            _narrow_dates(value)


class EmptyIgnoringFilterExtension(DjangoFilterExtension):
    """django-filter ignores a filter sent empty (``?due_before=``: "no filter", as the
    browsable API's filter form sends every field): the schema allows it with
    ``allowEmptyValue``. A list of choices (``?status=``) is not a blank form field: ""
    there is refused as an unknown choice, so it keeps the plain schema."""

    priority = 1

    def get_schema_operation_parameters(self, auto_schema: Any, *args: Any,
                                        **kwargs: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        for parameter in parameters:
            if not parameter.get("required") and parameter["schema"].get("type") != "array":
                parameter["allowEmptyValue"] = True
        return parameters


class ClosedSerializerExtension(OpenApiSerializerExtension):
    """A :class:`~planportal.api.serializers.ClosedSerializer` refuses keys it does not
    know (400 naming them), so its schema says ``additionalProperties: false``."""

    target_class = "planportal.api.serializers.ClosedSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        return schema
