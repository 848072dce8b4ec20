"""One exception handler for the API: service errors become clear 4xx answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from planportal.locking import VersionConflict


class PreconditionFailed(exceptions.APIException):
    """If-Match named a version that is no longer current (RFC 9110 §13.1.1)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    def __init__(self, conflict: VersionConflict) -> None:
        super().__init__(detail=str(conflict))
        self.current_version = conflict.current_version


class LockedOut(exceptions.Throttled):
    """Too many failed logins: 429 with ``Retry-After``, and only our own message.

    DRF's :class:`~rest_framework.exceptions.Throttled` appends its own English
    "Expected available in N seconds." to the detail; the seconds are in ``Retry-After``
    already, so the detail is just the (translated) lockout message.
    """

    def __init__(self, *, wait: int, detail: str) -> None:
        exceptions.APIException.__init__(self, detail=detail, code=self.default_code)
        self.wait = wait


class Conflict(exceptions.APIException):
    """The ``version`` in the body is no longer current."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, conflict: VersionConflict) -> None:
        super().__init__(detail=str(conflict))
        self.current_version = conflict.current_version


def validation_error_detail(error: DjangoValidationError) -> Any:
    """Django's ValidationError as DRF's field → messages shape."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map service exceptions onto HTTP: 400 field errors, 403, 409/412 with the version."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _("You do not have permission to do this."))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, PreconditionFailed | Conflict):
        response.data["current_version"] = exc.current_version
        response["ETag"] = f'"{exc.current_version}"'
    return response
