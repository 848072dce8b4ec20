"""Optimistic locking over HTTP: ETag from ``version``, If-Match or a body ``version``.

- ``If-Match: "7"`` (a ``W/`` prefix is accepted): a stale value answers 412.
- Without If-Match, ``"version": 7`` in the body: a stale value answers 409.
- ``If-Match: *`` skips the check. With neither, the answer is 428: a write that does
  not say which version it saw could silently overwrite someone else's change.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from planportal.api.exceptions import Conflict, PreconditionFailed
from planportal.locking import VersionConflict


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = "Send If-Match or version."


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(request: Request, current: int) -> tuple[int, bool]:
    """Return (version the client saw, whether it came from If-Match)."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        if header == "*":
            return current, True
        value = header.removeprefix("W/").strip().strip('"')
        if not value.isdigit():
            raise exceptions.ValidationError(
                {"If-Match": [_('Use the ETag from the last read, e.g. "3".')]}
            )
        return int(value), True
    body = request.data.get("version") if hasattr(request.data, "get") else None
    if body is None or body == "":
        raise PreconditionRequired(
            _("Send the If-Match header or a version field with the version you last read.")
        )
    try:
        return int(body), False
    except (TypeError, ValueError):
        raise exceptions.ValidationError({"version": [_("A whole number.")]}) from None


def run_versioned[T](request: Request, current: int, write: Callable[[int], T]) -> T:
    """Call ``write(expected_version)``; a stale version becomes 412 or 409."""
    version, from_header = expected_version(request, current)
    try:
        return write(version)
    except VersionConflict as conflict:
        raise (PreconditionFailed if from_header else Conflict)(conflict) from None


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = etag(version)
    return response
