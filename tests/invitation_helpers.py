"""Shared by the invitation tests: invite someone, and read the link from the e-mail."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.core import mail

from planportal import services
from planportal.models import Membership

LINK = re.compile(r"https?://[^\s<>\"]+/invitasjon/\d+/[^\s<>\"/]+/")


def link_in(message: Any) -> str:
    """The path of the one invitation link in *message* (the same in text and HTML)."""
    links = set(LINK.findall(message.body))
    html = message.alternatives[0][0] if message.alternatives else ""
    assert links and links == set(LINK.findall(html)), (message.body, html)
    assert len(links) == 1
    return urlsplit(links.pop()).path


def invite(world: Any, capture: Any, email: str = "nina@testkommune.no", **fields: Any) -> Any:
    """Invite a reader on the school as the kommune's admin, running the on-commit
    e-mail task (eager Celery); returns the new user."""
    with capture(execute=True):
        return services.invite_user(
            actor=world.admin, email=email, first_name=fields.get("first_name", "Nina"),
            last_name=fields.get("last_name", "Nyansatt"), unit=fields.get("unit", world.school),
            role=fields.get("role", Membership.Role.READER))


def outbox_to(email: str) -> list[Any]:
    return [message for message in mail.outbox if message.to == [email]]
