"""OpenAPI post-processing: document the error answers every operation can give."""

from __future__ import annotations

from typing import Any

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
    return result
