"""A reporting round's label goes into its documents, so it is in the kommune's målform
whatever language the administrator who opens the round reads."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import translation

from actions import rounds

pytestmark = pytest.mark.django_db


def test_a_rounds_label_is_in_the_kommunes_language_whoever_opens_it(world: Any) -> None:
    with translation.override("en"):  # an administrator who reads English
        round_ = rounds.open_round(actor=world.admin, organization=world.org,
                                   frequency="yearly", period_key="2025",
                                   deadline=date(2026, 2, 1))

    assert round_.period_label == "Året 2025"
