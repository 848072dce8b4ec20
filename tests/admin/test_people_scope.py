"""A kommune's administrator reaches his own people in the admin, and nobody else.

Issue 14, item 1: an Elverum-only administrator could give himself a Rendalen person
(``POST /admin/planportal/membership/add/``) and then read her name, e-mail and her
Rendalen role on her user page. People with no role anywhere are for platform staff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.urls import reverse

from planportal import services
from planportal.audit.models import AuditEvent
from planportal.login.models import OrganizationLoginProvider
from planportal.models import Membership, Organization, Unit, User
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UnitFactory,
    UserFactory,
    root_unit,
)

pytestmark = pytest.mark.django_db

USERS = "/admin/planportal/user/"
PREFERENCES = "/admin/planportal/userpreferences/"
ADD_MEMBERSHIP = "/admin/planportal/membership/add/"


@dataclass
class TwoKommuner:
    elverum: Organization
    elverum_root: Unit
    elverum_school: Unit
    rendalen: Organization
    rendalen_root: Unit
    elverum_admin: User
    elverum_reader: User
    rendalen_user: User
    commuter: User  # a role in both kommuner
    nobody: User  # no role anywhere


def person(username: str, first_name: str, last_name: str, *roles: tuple[Unit, str]) -> User:
    user = UserFactory(username=username, first_name=first_name, last_name=last_name,
                       email=f"{username}@example.no")
    for unit, role in roles:
        MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def kommuner(db: Any) -> TwoKommuner:
    elverum = OrganizationFactory(name="Elverum kommune", slug="elverum")
    rendalen = OrganizationFactory(name="Rendalen kommune", slug="rendalen")
    elverum_root, rendalen_root = root_unit(elverum), root_unit(rendalen)
    school = UnitFactory(organization=elverum, parent=elverum_root, kind="sektor",
                         code="oppvekst", name="Oppvekst Elverum")
    rendalen_care = UnitFactory(organization=rendalen, parent=rendalen_root, kind="sektor",
                                code="helse", name="Helse Rendalen")
    admin = person("elverum-admin", "Eli", "Admin", (elverum_root, Membership.Role.ADMIN))
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    return TwoKommuner(
        elverum=elverum, elverum_root=elverum_root, elverum_school=school,
        rendalen=rendalen, rendalen_root=rendalen_root, elverum_admin=admin,
        elverum_reader=person("elverum-leser", "Erik", "Leser",
                              (elverum_root, Membership.Role.READER)),
        rendalen_user=person("rendalen-kari", "Kåre", "Rødberg",
                             (rendalen_care, Membership.Role.UNIT_MANAGER)),
        commuter=person("pendler", "Pål", "Pendler", (school, Membership.Role.READER),
                        (rendalen_care, Membership.Role.SECTOR_LEADER)),
        nobody=person("ingen-rolle", "Ingrid", "Utenrolle"),
    )


@pytest.fixture
def elverum_admin(kommuner: TwoKommuner, client: Any) -> Any:
    client.force_login(kommuner.elverum_admin)
    return client


@pytest.fixture
def operator(client: Any) -> Any:
    client.force_login(UserFactory(username="operatør", is_staff=True, is_superuser=True))
    return client


def autocomplete(client: Any, term: str = "") -> Any:
    return client.get(reverse("admin:autocomplete"), {
        "app_label": "planportal", "model_name": "membership", "field_name": "user",
        "term": term})


def listed_ids(response: Any) -> set[int]:
    return {int(row["id"]) for row in response.json()["results"]}


def changelist_ids(response: Any) -> set[int]:
    return {user.pk for user in response.context["cl"].result_list}


# The audit finding itself


def test_the_audit_post_no_longer_gives_an_elverum_role_to_a_rendalen_person(
    kommuner, elverum_admin
):
    response = elverum_admin.post(ADD_MEMBERSHIP, {
        "user": kommuner.rendalen_user.pk, "unit": kommuner.elverum_school.pk,
        "role": Membership.Role.READER})

    assert response.status_code == 200  # the form again, with an error on the user
    assert "user" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=kommuner.rendalen_user,
                                         unit__organization=kommuner.elverum).exists()
    assert "Rødberg" not in response.content.decode()


def test_the_membership_service_refuses_a_person_without_a_role_in_the_admins_kommune(
    kommuner
):
    for outsider in (kommuner.rendalen_user, kommuner.nobody):
        with pytest.raises(ValidationError) as refused:
            services.add_membership(actor=kommuner.elverum_admin, user=outsider,
                                    unit=kommuner.elverum_school,
                                    role=Membership.Role.READER)
        assert "user" in refused.value.error_dict
    assert not Membership.objects.filter(unit__organization=kommuner.elverum,
                                         user__in=[kommuner.rendalen_user,
                                                   kommuner.nobody]).exists()


def test_a_platform_operator_may_give_anyone_a_role(kommuner):
    operator = UserFactory(is_staff=True, is_superuser=True)
    services.add_membership(actor=operator, user=kommuner.nobody,
                            unit=kommuner.elverum_school, role=Membership.Role.READER)
    services.add_membership(actor=operator, user=kommuner.rendalen_user,
                            unit=kommuner.elverum_school, role=Membership.Role.READER)
    assert Membership.objects.filter(unit=kommuner.elverum_school).count() == 3


@pytest.mark.parametrize("page", ["change/", "history/", "delete/", "password/"])
def test_another_kommunes_person_has_no_user_page_for_the_elverum_admin(
    kommuner, elverum_admin, page
):
    response = elverum_admin.get(f"{USERS}{kommuner.rendalen_user.pk}/{page}")

    assert response.status_code == 404
    html = response.content.decode()
    for detail in ("Kåre", "Rødberg", "rendalen-kari", "rendalen-kari@example.no"):
        assert detail not in html


def test_another_kommunes_person_has_no_preferences_page_for_the_elverum_admin(
    kommuner, elverum_admin
):
    response = elverum_admin.get(f"{PREFERENCES}{kommuner.rendalen_user.pk}/change/")
    assert response.status_code == 404
    assert "Rødberg" not in response.content.decode()
    listed = elverum_admin.get(PREFERENCES)
    assert changelist_ids(listed) == {kommuner.elverum_admin.pk, kommuner.elverum_reader.pk,
                                      kommuner.commuter.pk}


def test_the_user_autocomplete_lists_only_the_elverum_admins_own_people(
    kommuner, elverum_admin
):
    response = autocomplete(elverum_admin)

    assert response.status_code == 200
    assert listed_ids(response) == {kommuner.elverum_admin.pk, kommuner.elverum_reader.pk,
                                    kommuner.commuter.pk}
    assert listed_ids(autocomplete(elverum_admin, "Rødberg")) == set()
    assert listed_ids(autocomplete(elverum_admin, "Utenrolle")) == set()


def test_a_commuters_page_shows_the_elverum_admin_only_her_elverum_role(
    kommuner, elverum_admin
):
    page = elverum_admin.get(f"{USERS}{kommuner.commuter.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Oppvekst Elverum" in html
    assert "Helse Rendalen" not in html


# People with no role anywhere


def test_people_with_no_role_anywhere_are_invisible_to_a_kommune_admin(
    kommuner, elverum_admin
):
    listed = elverum_admin.get(USERS)
    assert kommuner.nobody.pk not in changelist_ids(listed)
    assert kommuner.rendalen_user.pk not in changelist_ids(listed)
    assert "Utenrolle" not in listed.content.decode()
    assert elverum_admin.get(f"{USERS}{kommuner.nobody.pk}/change/").status_code == 404
    assert kommuner.nobody.pk not in listed_ids(autocomplete(elverum_admin))


def test_people_with_no_role_anywhere_are_visible_to_platform_staff(kommuner, operator):
    listed = operator.get(USERS)
    assert {kommuner.nobody.pk, kommuner.rendalen_user.pk} <= changelist_ids(listed)
    assert operator.get(f"{USERS}{kommuner.nobody.pk}/change/").status_code == 200
    assert kommuner.nobody.pk in listed_ids(autocomplete(operator, "Utenrolle"))


def test_a_person_who_signed_in_through_the_kommunes_login_provider_can_be_given_a_role(
    kommuner, elverum_admin
):
    """A provider that gives new users no role leaves them for the kommune's admin."""
    provider = OrganizationLoginProvider.objects.create(
        organization=kommuner.elverum, provider_id="elverum", name="Elverum kommune",
        server_url="https://idp.test", client_id="c",
        new_user_role=OrganizationLoginProvider.NewUserRole.NONE)
    SocialAccount.objects.create(user=kommuner.nobody, provider=provider.provider_id,
                                 uid="sub-1")

    assert kommuner.nobody.pk in listed_ids(autocomplete(elverum_admin, "Utenrolle"))
    response = elverum_admin.post(ADD_MEMBERSHIP, {
        "user": kommuner.nobody.pk, "unit": kommuner.elverum_school.pk,
        "role": Membership.Role.READER})
    assert response.status_code == 302
    assert Membership.objects.filter(user=kommuner.nobody, unit=kommuner.elverum_school).exists()
    # Rendalen's admin still sees nothing of her.
    rendalen_admin = UserFactory(is_staff=True)
    MembershipFactory(user=rendalen_admin, unit=kommuner.rendalen_root,
                      role=Membership.Role.ADMIN)
    with pytest.raises(ValidationError):
        services.add_membership(actor=rendalen_admin, user=kommuner.nobody,
                                unit=kommuner.rendalen_root, role=Membership.Role.READER)


def test_a_roleless_person_is_out_of_reach_of_the_privacy_actions(kommuner, elverum_admin):
    response = elverum_admin.post(USERS, {"action": "deactivate_users",
                                          "_selected_action": [kommuner.nobody.pk]})
    assert response.status_code == 302
    kommuner.nobody.refresh_from_db()
    assert kommuner.nobody.is_active


# The Elverum admin still manages his own people


def test_the_elverum_admin_still_sees_and_gives_roles_to_his_own_people(
    kommuner, elverum_admin
):
    listed = elverum_admin.get(USERS)
    assert changelist_ids(listed) == {kommuner.elverum_admin.pk, kommuner.elverum_reader.pk,
                                      kommuner.commuter.pk}
    page = elverum_admin.get(f"{USERS}{kommuner.elverum_reader.pk}/change/")
    assert page.status_code == 200 and "Leser" in page.content.decode()

    response = elverum_admin.post(ADD_MEMBERSHIP, {
        "user": kommuner.elverum_reader.pk, "unit": kommuner.elverum_school.pk,
        "role": Membership.Role.UNIT_MANAGER})

    assert response.status_code == 302
    assert Membership.objects.filter(user=kommuner.elverum_reader,
                                     unit=kommuner.elverum_school,
                                     role=Membership.Role.UNIT_MANAGER).exists()


def test_the_elverum_admin_cannot_edit_an_account_itself(kommuner, elverum_admin):
    response = elverum_admin.post(f"{USERS}{kommuner.elverum_reader.pk}/change/", {
        "username": "kapret", "first_name": "Kapret", "last_name": "Konto",
        "email": "kapret@example.no"})
    assert response.status_code == 403
    kommuner.elverum_reader.refresh_from_db()
    assert kommuner.elverum_reader.username == "elverum-leser"
    assert elverum_admin.get(
        f"{USERS}{kommuner.elverum_reader.pk}/password/").status_code == 403


def test_the_membership_form_offers_only_the_admins_own_units(kommuner, elverum_admin):
    response = elverum_admin.post(ADD_MEMBERSHIP, {
        "user": kommuner.commuter.pk, "unit": kommuner.rendalen_root.pk,
        "role": Membership.Role.READER})
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=kommuner.commuter,
                                         unit=kommuner.rendalen_root).exists()


# Inviting a new person


def invite(client: Any, unit: Unit, **fields: Any) -> Any:
    return client.post(f"{USERS}add/", {
        "first_name": "Nina", "last_name": "Nyansatt", "email": "nina@elverum.kommune.no",
        "unit": unit.pk, "role": Membership.Role.SECTOR_LEADER, **fields})


def test_the_add_user_page_of_a_kommune_admin_asks_for_name_e_mail_unit_and_role(
    kommuner, elverum_admin
):
    page = elverum_admin.get(f"{USERS}add/")

    assert page.status_code == 200
    form = page.context["adminform"].form
    assert set(form.fields) == {"first_name", "last_name", "email", "unit", "role"}
    assert set(form.fields["unit"].queryset) == set(
        Unit.objects.filter(organization=kommuner.elverum))
    assert 'name="password1"' not in page.content.decode()


def test_inviting_a_new_person_creates_the_account_with_a_role_in_the_admins_kommune(
    kommuner, elverum_admin
):
    response = invite(elverum_admin, kommuner.elverum_school)

    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="nina@elverum.kommune.no")
    # The e-mail's local part and a random part (tests/admin/test_invitations.py).
    assert re.fullmatch(r"nina-[a-z2-9]{6}", user.username)
    assert (user.first_name, user.last_name) == ("Nina", "Nyansatt")
    assert not user.has_usable_password()
    assert not (user.is_staff or user.is_superuser)
    membership = Membership.objects.get(user=user)
    assert (membership.unit, membership.role) == (kommuner.elverum_school,
                                                  Membership.Role.SECTOR_LEADER)
    events = AuditEvent.objects.filter(object_id=str(user.pk), actor=kommuner.elverum_admin)
    assert set(events.values_list("verb", "organization_id")) == {
        ("create", kommuner.elverum.pk), ("role_change", kommuner.elverum.pk),
        ("token", kommuner.elverum.pk)}  # the invitation e-mail's link
    # At once one of his people: her page opens for him.
    assert elverum_admin.get(f"{USERS}{user.pk}/change/").status_code == 200


def test_an_invitation_onto_another_kommunes_unit_creates_nobody(kommuner, elverum_admin):
    response = invite(elverum_admin, kommuner.rendalen_root)

    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="nina@elverum.kommune.no").exists()


def test_an_invitation_for_an_address_one_of_his_people_has_says_so_on_the_e_mail(
    kommuner, elverum_admin
):
    response = invite(elverum_admin, kommuner.elverum_school,
                      email=kommuner.elverum_reader.email.upper())

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact=kommuner.elverum_reader.email).count() == 1


def test_an_invitation_for_another_kommunes_address_never_hands_over_that_account(
    kommuner, elverum_admin
):
    response = invite(elverum_admin, kommuner.elverum_school,
                      email=kommuner.rendalen_user.email)

    assert response.status_code == 302
    assert not Membership.objects.filter(user=kommuner.rendalen_user,
                                         unit__organization=kommuner.elverum).exists()
    new = User.objects.exclude(pk=kommuner.rendalen_user.pk).get(
        email=kommuner.rendalen_user.email)
    assert Membership.objects.filter(user=new, unit=kommuner.elverum_school).exists()


def test_a_kommune_admin_cannot_create_an_account_without_a_role_in_his_kommune(kommuner):
    with pytest.raises(ValidationError) as refused:
        services.create_user(actor=kommuner.elverum_admin, username="løs", password=None)
    assert "memberships" in refused.value.error_dict
    with pytest.raises(ValidationError):
        services.create_user(actor=kommuner.elverum_admin, username="løs", password=None,
                             memberships=[(kommuner.rendalen_root, Membership.Role.READER)])
    assert not User.objects.filter(username="løs").exists()



@pytest.fixture
def rendalen_admin(kommuner: TwoKommuner) -> User:
    return person("rendalen-sjef", "Rune", "Rendal",
                  (kommuner.rendalen_root, Membership.Role.ADMIN))


def test_a_commuters_history_shows_the_elverum_admin_nothing_of_rendalens_staff(
    kommuner, elverum_admin, rendalen_admin
):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from planportal.models import UserPreferences

    for model in (User, UserPreferences):
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        for actor in (kommuner.elverum_admin, rendalen_admin):
            LogEntry.objects.create(user=actor, content_type=content_type,
                                    object_id=str(kommuner.commuter.pk), object_repr="#",
                                    action_flag=CHANGE, change_message="Endret språk")

    for path in (USERS, PREFERENCES):
        page = elverum_admin.get(f"{path}{kommuner.commuter.pk}/history/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "elverum-admin" in html  # his own change is there
        assert "rendalen-sjef" not in html and "Rune Rendal" not in html
