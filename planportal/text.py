"""Small text helpers shared by every app's e-mails."""

from __future__ import annotations

import re


def one_line(text: str) -> str:
    """Header-safe text: a newline in a subject raises BadHeaderError (a ValueError)."""
    return re.sub(r"\s+", " ", text).strip()
