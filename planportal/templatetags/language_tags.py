"""Language of parts (WCAG 3.1.2): mark plan content written in another language than
the page's, e.g. a kommune's Bokmål plan text on an English page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from planportal.languages import lang_attribute

register = template.Library()


@register.simple_tag
def content_lang(organization: Any) -> SafeString:
    """`` lang="nn"`` on the element around *organization*'s plan text when its målform
    is not the page's language, else nothing: ``<h1{% content_lang plan.organization %}>``.

    Pass the organisation the view has loaded already (``select_related``): the tag
    reads its ``language`` and makes no query.
    """
    return lang_attribute(organization)
