"""Organisasjoner in the admin: a kommune's administrator chooses its målform (bokmål or
nynorsk) and nothing else; its name, short name and organisation number stay the
platform operator's. Every change goes through ``services.update_organization``."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from planportal.audit.models import AuditEvent
from planportal.models import Organization, User
from planportal.services import update_organization
from reports.models import ReportSubscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def change_url(organization: Organization) -> str:
    return reverse("admin:planportal_organization_change", args=[organization.pk])


def stored(organization: Organization) -> tuple[str, str, str]:
    row = Organization.objects.get(pk=organization.pk)
    return row.name, row.slug, row.language


def test_the_kommunes_administrator_sees_the_malform_as_the_one_field_to_change(
    world: Any, plan_admin: Any,
) -> None:
    page = plan_admin.get(change_url(world.org)).content.decode()

    assert '<select name="language"' in page
    assert 'name="name"' not in page and 'name="slug"' not in page
    assert "Målform" in page and "Testkommune" in page


def test_the_kommunes_administrator_switches_it_to_nynorsk(world: Any, plan_admin: Any) -> None:
    answer = plan_admin.post(change_url(world.org), {
        "language": "nn", "name": "Omdøypt", "slug": "omdoypt",
        "units-TOTAL_FORMS": 0, "units-INITIAL_FORMS": 0})

    assert answer.status_code == 302
    # What the form does not show, it does not change.
    assert stored(world.org) == ("Testkommune", "testkommune", "nn")
    event = AuditEvent.objects.get(verb="update", object_id=str(world.org.pk))
    assert event.changes == {"language": ["nb", "nn"]}
    assert event.organization_id == world.org.pk


def test_the_list_of_organisations_shows_each_ones_malform(world: Any, plan_admin: Any) -> None:
    page = plan_admin.get(reverse("admin:planportal_organization_changelist")).content.decode()

    assert "column-language" in page and "bokmål" in page


def test_another_kommunes_administrator_cannot_change_it(world: Any, client: Any) -> None:
    User.objects.filter(pk=world.other_admin.pk).update(is_staff=True)
    client.force_login(world.other_admin)

    client.post(change_url(world.org), {"language": "nn", "units-TOTAL_FORMS": 0,
                                        "units-INITIAL_FORMS": 0})

    assert stored(world.org)[2] == "nb"
    with pytest.raises(PermissionDenied):
        update_organization(actor=world.other_admin, organization=world.org, language="nn")


def test_a_reader_cannot_change_it(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        update_organization(actor=world.reader, organization=world.org, language="nn")
    assert stored(world.org)[2] == "nb"


def test_the_kommunes_administrator_cannot_rename_it(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        update_organization(actor=world.admin, organization=world.org, name="Omdøypt",
                            language="nn")
    assert stored(world.org) == ("Testkommune", "testkommune", "nb")


def test_the_platform_operator_changes_all_of_it(world: Any, superuser_client: Any) -> None:
    answer = superuser_client.post(change_url(world.org), {
        "name": "Testkommune (ny)", "slug": "testkommune", "org_number": "123456789",
        "language": "nn", "units-TOTAL_FORMS": 0, "units-INITIAL_FORMS": 0})

    assert answer.status_code == 302
    assert stored(world.org) == ("Testkommune (ny)", "testkommune", "nn")


def test_an_unknown_malform_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        update_organization(actor=world.admin, organization=world.org, language="sv")
    assert "language" in error.value.message_dict


# --- The migration: nobody could choose nynorsk, so "nb" was nobody's choice --------------


def migration(app: str, name: str) -> Any:
    return importlib.import_module(f"{app}.migrations.{name}")


def test_users_left_at_the_old_default_now_follow_their_kommune(world: Any) -> None:
    bokmal, english = UserFactory(preferred_language="nb"), UserFactory(preferred_language="en")

    migration("planportal", "0008_organization_language_and_follow_kommune").follow_kommune(
        apps, None)

    assert User.objects.get(pk=bokmal.pk).preferred_language == ""
    assert User.objects.get(pk=english.pk).preferred_language == "en"


def test_subscriptions_left_at_the_old_default_now_follow_the_kommune(world: Any) -> None:
    subscription = ReportSubscription.objects.create(plan=world.plan, email="a@b.no",
                                                     language="nb")

    migration("reports", "0004_subscription_language_follows_kommune").follow_kommune(
        apps, None)

    assert ReportSubscription.objects.get(pk=subscription.pk).language == ""
