"""Nynorsk and målform (issue 17): which language a page, an e-mail or a document is in.

First the rule (planportal.languages): the language switch, then the person's own
choice, then the målform of their kommune, then Bokmål; never the browser. Then what
the README's "Nynorsk" section says, done as it says: an administrator signs in,
switches the kommune to nynorsk in the admin (Organisasjoner → målform), and then its
users, its public pages, its e-mails and its documents are in Nynorsk, while a person
who chose English keeps English with the plan text marked as Nynorsk (WCAG 3.1.2).
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from actions.models import Action
from actions.reminders import windows
from actions.reminders.sweep import sweep_notices
from actions.services import assign_action
from planportal.access import get_access
from planportal.languages import content_language, lang_attribute, language_for
from planportal.models import Membership, Organization, User
from planportal.permissions import SYSTEM
from reports import services as report_services
from reports.models import ReportSnapshot
from strategies.models import Plan
from tests.actions.reminder_helpers import eager_celery, reminder_settings  # noqa: F401
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    MembershipFactory,
    OrganizationFactory,
    PlanFactory,
    UnitFactory,
    UserFactory,
    root_unit,
)
from tests.login_helpers import logged_in

pytestmark = pytest.mark.django_db

PLAN_TITLE = "Plan for eit aldersvenleg Vestdal"
ACTION_TITLE = "Fleire møteplassar for eldre"


# --- The rule ----------------------------------------------------------------------------


def member_of(organization: Organization, **fields: Any) -> User:
    user = UserFactory(**fields)
    MembershipFactory(user=user, unit=root_unit(organization), role=Membership.Role.READER)
    return user


def test_content_language_is_the_kommunes_malform() -> None:
    assert content_language(OrganizationFactory()) == "nb"
    assert content_language(OrganizationFactory(language="nn")) == "nn"
    assert content_language(None) == "nb"


def test_a_user_without_a_choice_follows_the_malform_of_their_kommune() -> None:
    user = member_of(OrganizationFactory(language="nn"))

    assert user.preferred_language == ""
    assert language_for(user) == "nn"


def test_the_users_own_choice_wins_over_the_kommune() -> None:
    nynorsk = OrganizationFactory(language="nn")

    assert language_for(member_of(nynorsk, preferred_language="en")) == "en"
    assert language_for(member_of(nynorsk, preferred_language="nb")) == "nb"
    assert language_for(member_of(OrganizationFactory(), preferred_language="nn")) == "nn"


def test_someone_in_two_kommuner_follows_the_one_they_joined_first() -> None:
    user = member_of(OrganizationFactory(language="nn"))
    MembershipFactory(user=user, unit=root_unit(OrganizationFactory(language="nb")),
                      role=Membership.Role.READER)

    assert language_for(user) == "nn"


def test_without_a_kommune_or_a_choice_it_is_bokmal() -> None:
    assert language_for(UserFactory()) == settings.LANGUAGE_CODE == "nb"
    assert language_for(None) == "nb"


def test_a_platform_operator_without_a_choice_follows_their_kommune_too() -> None:
    operator = member_of(OrganizationFactory(language="nn"), is_staff=True, is_superuser=True)

    assert language_for(operator) == "nn"


def test_an_email_from_a_kommune_is_in_its_malform_for_someone_without_a_choice() -> None:
    user = member_of(OrganizationFactory())
    nynorsk = OrganizationFactory(language="nn")

    assert language_for(user, nynorsk) == "nn"
    user.preferred_language = "en"
    assert language_for(user, nynorsk) == "en"


def test_the_language_is_read_with_the_roles_and_costs_no_query_of_its_own(
    django_assert_num_queries: Any,
) -> None:
    user = member_of(OrganizationFactory(language="nn"))
    get_access(user)  # every page reads the roles anyway

    with django_assert_num_queries(0):
        assert language_for(user) == "nn"


def test_lang_is_marked_only_where_the_content_is_not_in_the_pages_language() -> None:
    nynorsk = OrganizationFactory(language="nn")

    with translation.override("en"):
        assert lang_attribute(nynorsk) == ' lang="nn"'
    with translation.override("nn"):
        assert lang_attribute(nynorsk) == ""
    with translation.override("nb"):
        assert lang_attribute(OrganizationFactory()) == ""


def test_pages_follow_the_switch_then_the_choice_then_the_kommune() -> None:
    user = member_of(OrganizationFactory(language="nn"))
    browser = Client()
    browser.force_login(user)
    assert browser.get("/innstillinger/")["Content-Language"] == "nn"

    User.objects.filter(pk=user.pk).update(preferred_language="en")
    assert browser.get("/innstillinger/")["Content-Language"] == "en"

    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    assert browser.get("/innstillinger/")["Content-Language"] == "nb"


def test_the_browsers_language_never_counts() -> None:
    browser = Client()
    browser.force_login(member_of(OrganizationFactory(language="nn")))

    page = browser.get("/innstillinger/", headers={"accept-language": "en-GB,en;q=0.9"})

    assert page["Content-Language"] == "nn"


def test_the_language_switch_offers_nynorsk() -> None:
    page = Client().get("/logg-inn/").content.decode()

    assert re.search(r'<button[^>]*name="language" value="nn"[^>]*lang="nn"', page)
    assert Client().post("/i18n/setlang/", {"language": "nn", "next": "/"}).cookies[
        settings.LANGUAGE_COOKIE_NAME].value == "nn"


def test_the_settings_page_offers_every_language_and_following_the_kommune() -> None:
    browser = Client()
    browser.force_login(member_of(OrganizationFactory()))

    page = browser.get("/innstillinger/").content.decode()

    for value in ("", "nb", "nn", "en"):
        assert f'<option value="{value}"' in page
    assert "Som kommunen min skriver (bokmål eller nynorsk)" in page


def test_choosing_nynorsk_in_the_settings_shows_the_next_page_in_nynorsk() -> None:
    user = member_of(OrganizationFactory())
    browser = Client()
    browser.force_login(user)

    answer = browser.post("/innstillinger/", {"preferred_language": "nn"}, follow=True)

    assert User.objects.get(pk=user.pk).preferred_language == "nn"
    assert '<html lang="nn"' in answer.content.decode()
    assert "Innstillingar" in answer.content.decode()


def test_an_invitation_is_in_the_malform_of_the_kommune_that_invites() -> None:
    from planportal.invitations import build_invitation_email

    nynorsk = OrganizationFactory(language="nn")

    message = build_invitation_email(UserFactory(), nynorsk)
    english = build_invitation_email(UserFactory(preferred_language="en"), nynorsk)

    assert '<html lang="nn">' in message.alternatives[0].content
    assert '<html lang="en">' in english.alternatives[0].content


# --- What the README says: a kommune switches to nynorsk -------------------------------------


class _Form(HTMLParser):
    """The fields a browser would send with the form whose id is *form_id*."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.select = form_id, False, None
        self.data: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = attr.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and attr.get("name") and attr.get("type") not in (
                "submit", "checkbox", "radio"):
            self.data[attr["name"]] = attr.get("value", "")
        elif tag == "select":
            self.select = attr.get("name")
        elif tag == "option" and self.select and "selected" in attr:
            self.data[self.select] = attr.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def form_fields(page: str, form_id: str) -> dict[str, str]:
    parser = _Form(form_id)
    parser.feed(page)
    return parser.data


def switch_to_nynorsk(admin: User, organization: Organization) -> Any:
    """What the README tells an administrator to do: sign in, Administrasjon →
    Organisasjoner → the kommune, målform nynorsk, Lagre."""
    browser = logged_in(admin)
    url = reverse("admin:planportal_organization_change", args=[organization.pk])
    page = browser.get(url)
    assert page.status_code == 200
    assert "Målform" in page.content.decode()
    data = form_fields(page.content.decode(), "organization_form")
    data["language"] = "nn"
    return browser.post(url, data)


@pytest.fixture
def vestdal(reminder_settings: Any) -> dict[str, Any]:  # noqa: F811
    """A kommune writing bokmål (the default), its administrator (staff, as the README's
    administrator is), a colleague with no language choice, one who chose English, and
    a public plan whose text the kommune writes in Nynorsk."""
    organization = OrganizationFactory(name="Vestdal kommune", slug="vestdal")
    root = root_unit(organization)
    health = UnitFactory(organization=organization, parent=root, kind="sektor", code="helse",
                         name="Helse og omsorg")
    admin = UserFactory(username="vestdal-admin", is_staff=True)
    MembershipFactory(user=admin, unit=root, role=Membership.Role.ADMIN)
    colleague = member_of(organization, username="vestdal-kollega")
    english = member_of(organization, username="vestdal-english", preferred_language="en")
    plan = PlanFactory(organization=organization, title=PLAN_TITLE, is_public=True)
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=plan, title="Gode liv i heile livet"))
    action = ActionFactory(goal=goal, responsible_unit=health, title=ACTION_TITLE)
    return {"organization": organization, "admin": admin, "colleague": colleague,
            "english": english, "plan": plan, "action": action}


@pytest.fixture
def switched(vestdal: dict[str, Any]) -> dict[str, Any]:
    answer = switch_to_nynorsk(vestdal["admin"], vestdal["organization"])
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    # As the next request reads them: the kommune as it is stored now.
    return {**vestdal, "organization": Organization.objects.get(pk=vestdal["organization"].pk),
            "plan": Plan.objects.select_related("organization").get(pk=vestdal["plan"].pk),
            "action": Action.objects.get(pk=vestdal["action"].pk)}


def test_an_administrator_switches_the_kommune_to_nynorsk_in_the_admin(
    vestdal: dict[str, Any],
) -> None:
    assert vestdal["organization"].language == "nb"

    answer = switch_to_nynorsk(vestdal["admin"], vestdal["organization"])

    assert answer.status_code == 302
    organization = Organization.objects.get(pk=vestdal["organization"].pk)
    assert (organization.language, organization.name) == ("nn", "Vestdal kommune")


def test_then_its_users_without_a_choice_see_nynorsk_pages(switched: dict[str, Any]) -> None:
    page = logged_in(switched["colleague"]).get(
        reverse("strategies:plan-detail", args=[switched["plan"].pk]))

    html = page.content.decode()
    assert page["Content-Language"] == "nn"
    assert '<html lang="nn"' in html
    assert "Filtrer tiltaka" in html
    # Plan text in the page's own language needs no mark of its own.
    assert f'<h1 class="ds-heading" data-size="lg">{PLAN_TITLE}</h1>' in html


def test_then_a_user_who_chose_english_sees_english_with_the_plan_text_marked_nynorsk(
    switched: dict[str, Any],
) -> None:
    browser = logged_in(switched["english"])

    html = browser.get(reverse("strategies:plan-detail", args=[switched["plan"].pk])
                       ).content.decode()
    action = browser.get(reverse("actions:detail", args=[switched["action"].pk])
                         ).content.decode()

    assert '<html lang="en"' in html and "Filter the actions" in html
    assert f'<h1 class="ds-heading" data-size="lg" lang="nn">{PLAN_TITLE}</h1>' in html
    assert re.search(r'<h2 [^>]*lang="nn">[^<]*Gode liv i heile livet</h2>', html)
    assert re.search(rf'<td lang="nn"><a [^>]*>[^<]*{ACTION_TITLE}</a></td>', html)
    assert re.search(rf'<h1 class="ds-heading" data-size="lg" lang="nn">[^<]*{ACTION_TITLE}',
                     action)


def test_then_its_public_plan_page_is_in_nynorsk_for_anyone(switched: dict[str, Any]) -> None:
    page = Client().get(reverse("strategies:public-plan-detail", args=[switched["plan"].pk]))

    html = page.content.decode()
    assert page["Content-Language"] == "nn"
    assert '<html lang="nn"' in html
    assert "Filtrer tiltaka" in html and "Offentlege planar" in html


def test_a_visitor_who_used_the_language_switch_keeps_their_language(
    switched: dict[str, Any],
) -> None:
    browser = Client()
    browser.post("/i18n/setlang/", {"language": "nb", "next": "/"})

    page = browser.get(reverse("strategies:public-plan-detail", args=[switched["plan"].pk]))

    assert page["Content-Language"] == "nb"
    assert "Filtrer tiltakene" in page.content.decode()


def _notice_after_assigning_to(switched: dict[str, Any], person: str,
                               capture_on_commit: Any) -> Any:
    """The one notice e-mail *person* gets after being given the kommune's tiltak."""
    action = switched["action"]
    assign_action(actor=SYSTEM, action=action, expected_version=action.version,
                  responsible_unit=action.responsible_unit,
                  responsible_person=switched[person], due_date=date(2027, 3, 1))
    with capture_on_commit(execute=True):
        sweep_notices(now=datetime(2026, 12, 2, 10, 5, tzinfo=windows.OSLO))
    [message] = mail.outbox
    return message


def test_then_the_notice_email_is_in_nynorsk(
    switched: dict[str, Any], django_capture_on_commit_callbacks: Any,
    eager_celery: Any,  # noqa: F811
) -> None:
    message = _notice_after_assigning_to(switched, "colleague",
                                         django_capture_on_commit_callbacks)
    assert "## Tiltak du no har ansvar for" in message.body
    html = message.alternatives[0].content
    assert '<html lang="nn">' in html
    # The plan text is in the e-mail's own language: no mark of its own.
    assert f"<strong>{ACTION_TITLE}</strong>" in html


def test_a_notice_in_english_marks_the_plan_text_as_nynorsk(
    switched: dict[str, Any], django_capture_on_commit_callbacks: Any,
    eager_celery: Any,  # noqa: F811
) -> None:
    message = _notice_after_assigning_to(switched, "english",
                                         django_capture_on_commit_callbacks)
    assert "## Actions you are now responsible for" in message.body
    html = message.alternatives[0].content
    assert '<html lang="en">' in html
    assert f'<strong lang="nn">{ACTION_TITLE}</strong>' in html
    assert f'<span lang="nn">{PLAN_TITLE}</span>' in html


def test_then_a_frozen_reports_pdf_and_word_document_are_in_nynorsk(
    switched: dict[str, Any], django_capture_on_commit_callbacks: Any,
    eager_celery: Any,  # noqa: F811
) -> None:
    plan = switched["plan"]
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = report_services.create_snapshot(
            actor=switched["admin"], plan=plan, frequency="yearly", period_key="2025")
    snapshot.refresh_from_db()
    assert snapshot.status == ReportSnapshot.Status.READY
    assert snapshot.data["language"] == "nn"
    # Downloaded by the colleague who reads English: a document has one language.
    browser = logged_in(switched["english"])

    def download(fmt: str) -> bytes:
        answer = browser.get(reverse("reports:snapshot-download",
                                     args=[plan.pk, snapshot.pk, fmt]))
        assert answer.status_code == 200
        return b"".join(answer.streaming_content) if answer.streaming else answer.content

    pdf = " ".join(" ".join(page.extract_text().split())
                   for page in PdfReader(io.BytesIO(download("pdf"))).pages)
    assert "FRAMDRIFTSRAPPORT" in pdf and "Samandrag" in pdf
    assert "Sammendrag" not in pdf and "Summary" not in pdf
    document = Document(io.BytesIO(download("docx")))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Samandrag" in text and "Sammendrag" not in text
    assert document.core_properties.language == "nn-NO"


def test_the_other_kommuner_keep_bokmal(switched: dict[str, Any], world: Any) -> None:
    page = logged_in(world.reader).get(reverse("strategies:plan-detail", args=[world.plan.pk]))

    assert page["Content-Language"] == "nb"
    assert "Filtrer tiltakene" in page.content.decode()
