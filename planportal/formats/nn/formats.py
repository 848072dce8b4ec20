"""Nynorsk writes dates and numbers as Bokmål does ("30.06.2027", "30. juni 2027",
"1 234,5"); only the month names differ, and those come from the nn catalogue."""

from planportal.formats.nb.formats import *  # noqa: F403 - one set of forms for both
