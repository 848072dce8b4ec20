"""The web pages write dates, numbers and status tags one way per language, and the header
names the signed-in person."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ActionFactory, UserFactory

pytestmark = pytest.mark.django_db
NBSP = "\xa0"


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def action(world):
    return ActionFactory(goal=world.goal, responsible_unit=world.home_care, title="Kveldsvakt",
                         due_date=date(2027, 6, 30), status="in_progress", progress=40)


@pytest.mark.parametrize(("language", "table_date", "tag"), [
    ("nb", "30.06.2027", "Pågår"),
    ("en", "2027-06-30", "In progress"),
])
def test_the_plan_page_table_shows_table_dates_and_sentence_case_tags(
        browse, world, action, language, table_date, tag):
    page = in_language(browse("reader"), language).get(
        reverse("strategies:plan-detail", args=[world.plan.pk])).text
    assert f'<time datetime="2027-06-30">{table_date}</time>' in page
    assert f'data-color="info">{tag}</span>' in page
    assert f'<span class="pp-progress__text">40{NBSP}%</span>' in page


@pytest.mark.parametrize(("language", "text_date", "tag"), [
    ("nb", "30. juni 2027", "Pågår"),
    ("en", "30 June 2027", "In progress"),
])
def test_the_action_page_writes_its_deadline_as_running_text(
        browse, action, language, text_date, tag):
    page = in_language(browse("unit_manager"), language).get(
        reverse("actions:detail", args=[action.pk])).text
    assert f'<time datetime="2027-06-30">{text_date}</time>' in page
    assert f'data-color="info">{tag}</span>' in page
    assert "30. June" not in page and "June 30" not in page  # no mixed or US form


def test_the_header_names_the_person_not_the_username(browse, world):
    page = browse("unit_manager").get(reverse("actions:mine")).text
    shown = re.search(r'<span class="pp-user">([^<]*)</span>', page).group(1)
    assert shown == world.unit_manager.get_full_name()
    assert world.unit_manager.username not in shown


def test_the_header_falls_back_to_the_username_of_someone_without_a_name(client, world):
    nameless = UserFactory(username="uten.navn", first_name="", last_name="")
    client.force_login(nameless)
    page = client.get(reverse("strategies:plan-list")).text
    assert '<span class="pp-user">uten.navn</span>' in page


def test_the_admin_header_names_the_person_too(client):
    operator = UserFactory(is_staff=True, is_superuser=True, first_name="Åse",
                           last_name="Brækken")
    client.force_login(operator)
    page = client.get(reverse("admin:index")).text
    assert "Velkommen, <strong>Åse Brækken</strong>." in page
