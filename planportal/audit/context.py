"""Where a change comes from: the request or task id, and the kind of actor behind it.

A context variable, so it follows the request or task through every service call without
being passed along, and never leaks between threads or tasks.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """The request or task a change belongs to."""

    kind: str = ""  # "request", "task", "import", "command"
    reference: str = ""  # request id, task id or file name


_NOWHERE = Origin()
_origin: ContextVar[Origin | None] = ContextVar("planportal_audit_origin", default=None)
# A trusted proxy's X-Request-ID is kept when it is a sane token, so logs can be joined.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def current_origin() -> Origin:
    """The origin of the code running now (empty outside a request or task)."""
    return _origin.get() or _NOWHERE


def enter(kind: str, reference: str = "") -> Token[Origin | None]:
    """Start an origin that :func:`leave` ends (for hooks that cannot use ``with``)."""
    return _origin.set(Origin(kind, reference[-64:]))


def leave(token: Token[Origin | None]) -> None:
    """End the origin :func:`enter` started."""
    try:
        _origin.reset(token)
    except ValueError:  # entered in another context (nested eager tasks): just clear it
        _origin.set(None)


@contextmanager
def origin(kind: str, reference: str = "") -> Iterator[Origin]:
    """Mark every change made inside the block as coming from *kind* / *reference*."""
    token = enter(kind, reference)
    try:
        yield current_origin()
    finally:
        leave(token)


def request_id_from(header: str | None, *, trusted: bool = False) -> str:
    """The ``X-Request-ID`` header's value if *trusted* and a plain token, else a fresh id.

    The id becomes the audit events' reference, so it is taken from the header only when
    a proxy in front sets it (``TRUST_X_REQUEST_ID``): a client's own value could make
    its changes look like part of another request.
    """
    if trusted and header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex
