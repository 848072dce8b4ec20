"""The admin's statistics upload, the indicator's statistics fields and the kommunenummer."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from planportal import services
from planportal.models import Organization
from planportal.permissions import SYSTEM
from strategies.models import Indicator, Measurement
from tests.factories import IndicatorFactory, OrganizationFactory
from tests.html_references import dangling_references, duplicate_ids
from tests.strategies.statistics_files import STANDARD_VALUES, as_bytes, ssb_answer

pytestmark = pytest.mark.django_db

URL = "/admin/strategies/indicator/import-statistics/"


@pytest.fixture
def share(world):
    Organization.objects.filter(pk=world.org.pk).update(kommunenummer="3424")
    return IndicatorFactory(goal=world.goal, name="Andel 80+ i institusjon",
                            statistics_table="12345", statistics_content="KOSandel")


def upload(client, organization, content=None, name="12345.json", **fields):
    content = as_bytes(ssb_answer(STANDARD_VALUES)) if content is None else content
    return client.post(URL, {"organization": organization.pk,
                             "file": SimpleUploadedFile(name, content), **fields})


@pytest.mark.parametrize("page", ["/admin/strategies/indicator/",
                                  "/admin/strategies/measurement/"])
def test_the_indicator_and_measurement_lists_link_to_the_upload(plan_admin, page):
    assert URL in plan_admin.get(page).content.decode()


def test_the_kommunes_administrator_imports_and_sees_the_report(plan_admin, world, share):
    response = upload(plan_admin, world.org)
    assert response.status_code == 200
    report = response.context["report"]
    assert len(report.created) == 2 and report.skipped_count == 6
    page = response.content.decode()
    assert 'id="statistics-recorded"' in page and 'id="statistics-skipped"' in page
    assert "Andel 80+ i institusjon" in page and "3425" in page
    assert not dangling_references(page) and not duplicate_ids(page)
    assert share.measurements.count() == 2
    assert {m.recorded_by for m in share.measurements.all()} == {world.admin}


def test_the_kommune_is_chosen_among_those_the_administrator_administers(plan_admin, world):
    choices = plan_admin.get(URL).context["form"].fields["organization"].queryset
    assert list(choices) == [world.org]


def test_another_kommunes_administrator_cannot_import_for_this_kommune(client, world, share):
    world.other_admin.is_staff = True
    world.other_admin.save()
    client.force_login(world.other_admin)
    response = upload(client, world.org)
    assert response.status_code == 200
    assert response.context["report"] is None
    assert "organization" in response.context["form"].errors
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("persona", ["reader", "sector_leader"])
def test_staff_who_administer_no_kommune_are_refused(client, world, share, persona):
    user = world.persona(persona)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert upload(client, world.org).status_code == 403
    assert not Measurement.objects.exists()


def test_a_broken_file_is_shown_on_the_file_field_and_nothing_is_written(plan_admin, world,
                                                                         share):
    response = upload(plan_admin, world.org, content=b'{"class": "dataset", "id": 3}')
    assert response.context["report"] is None
    # The admin speaks the administrator's language: Bokmål here.
    assert "«id» må være en liste" in str(response.context["form"].errors["file"])
    assert not Measurement.objects.exists()


def test_a_kommune_without_a_municipality_number_is_told_who_sets_it(plan_admin, world):
    response = upload(plan_admin, world.org)
    assert ("Testkommune har ikke noe kommunenummer: plattformoperatøren legger det inn"
            in str(response.context["form"].non_field_errors()))


def test_a_file_over_the_limit_is_refused(plan_admin, world, share, settings):
    settings.STATISTICS_IMPORT_MAX_BYTES = 1024
    response = upload(plan_admin, world.org, content=b" " * 2000)
    assert "grensen er 1024 byte" in str(response.context["form"].errors["file"])


# --- The indicator's statistics fields -------------------------------------------------

QUERY = {"query": [{"code": "Region", "selection": {"filter": "item", "values": ["3424", "0"]}},
                   {"code": "ContentsCode", "selection": {"filter": "item",
                                                          "values": ["KOSandel"]}}],
         "response": {"format": "json-stat2"}}


def indicator_form(indicator, **changes):
    data = {"order": indicator.order, "name": indicator.name, "unit": indicator.unit,
            "direction": indicator.direction, "source": indicator.source,
            "statistics_table": "", "statistics_content": "", "statistics_query": "",
            "measurements-TOTAL_FORMS": "0", "measurements-INITIAL_FORMS": "0"}
    # The targets and baselines inlines, as the page renders them: the stored rows kept.
    for prefix, rows in (("targets", list(indicator.targets.all())),
                         ("baselines", list(indicator.baselines.all()))):
        data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)),
                     f"{prefix}-INITIAL_FORMS": str(len(rows)),
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
        for n, row in enumerate(rows):
            data[f"{prefix}-{n}-id"] = str(row.pk)
            data[f"{prefix}-{n}-indicator"] = str(indicator.pk)
            data[f"{prefix}-{n}-year"] = "" if row.year is None else str(row.year)
            data[f"{prefix}-{n}-value"] = str(row.value)
            if prefix == "targets":
                data[f"{prefix}-{n}-comparison"] = row.comparison
                if row.relative_to_national:
                    data[f"{prefix}-{n}-relative_to_national"] = "on"
    data.update(changes)
    return data


def test_the_indicator_admin_saves_the_statistics_fields_through_the_service(plan_admin,
                                                                             world):
    indicator = IndicatorFactory(goal=world.goal)
    response = plan_admin.post(
        f"/admin/strategies/indicator/{indicator.pk}/change/",
        indicator_form(indicator, statistics_table="12345", statistics_content="KOSandel",
                       statistics_query=json.dumps(QUERY)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert (indicator.statistics_table, indicator.statistics_content,
            indicator.statistics_query) == ("12345", "KOSandel", QUERY)


def test_an_emptied_query_is_stored_as_no_query(plan_admin, world):
    indicator = IndicatorFactory(goal=world.goal, statistics_table="12345",
                                 statistics_content="KOSandel", statistics_query=QUERY)
    response = plan_admin.post(
        f"/admin/strategies/indicator/{indicator.pk}/change/",
        indicator_form(indicator, statistics_table="12345", statistics_content="KOSandel"))
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.statistics_query == {}


@pytest.mark.parametrize("changes,field,message", [
    ({"statistics_table": "../12345"}, "statistics_table", "Skriv tabellnummeret"),
    ({"statistics_content": "KOSandel"}, "statistics_table", "Oppgi tabellen"),
    ({"statistics_table": "12345", "statistics_content": "KOS andel"}, "statistics_content",
     "Skriv statistikkvariabelen"),
    ({"statistics_table": "12345", "statistics_content": "KOSandel",
      "statistics_query": '{"query": [{"code": "Region"}]}'}, "statistics_query", "«selection»"),
    ({"statistics_table": "12345", "statistics_content": "KOSandel",
      "statistics_query": '["Region"]'}, "statistics_query", "JSON-objekt"),
    ({"statistics_query": json.dumps(QUERY)}, "statistics_query", "trenger også tabellen"),
])
def test_bad_statistics_fields_are_refused_naming_the_field(plan_admin, world, changes, field,
                                                            message):
    indicator = IndicatorFactory(goal=world.goal)
    response = plan_admin.post(f"/admin/strategies/indicator/{indicator.pk}/change/",
                               indicator_form(indicator, **changes))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert Indicator.objects.get(pk=indicator.pk).statistics_table == ""


# --- Organisation.kommunenummer -----------------------------------------------------------


def organization_form(organization, **changes):
    return {"name": organization.name, "slug": organization.slug,
            "org_number": organization.org_number, "language": organization.language,
            "kommunenummer": organization.kommunenummer,
            "units-TOTAL_FORMS": "0", "units-INITIAL_FORMS": "0", **changes}


def test_the_platform_operator_sets_the_municipality_number(superuser_client, world):
    response = superuser_client.post(f"/admin/planportal/organization/{world.org.pk}/change/",
                                     organization_form(world.org, kommunenummer="3424"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Organization.objects.get(pk=world.org.pk).kommunenummer == "3424"


@pytest.mark.parametrize("number,message", [("342", "Fire sifre"), ("34a4", "Fire sifre"),
                                            ("3425", "En annen kommune")])
def test_a_bad_or_taken_municipality_number_is_refused(superuser_client, world, number, message):
    OrganizationFactory(name="Engerdal", slug="engerdal", kommunenummer="3425")
    response = superuser_client.post(f"/admin/planportal/organization/{world.org.pk}/change/",
                                     organization_form(world.org, kommunenummer=number))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    assert Organization.objects.get(pk=world.org.pk).kommunenummer == ""


def test_a_kommunes_own_administrator_sees_the_number_but_cannot_change_it(plan_admin, world):
    Organization.objects.filter(pk=world.org.pk).update(kommunenummer="3424")
    page = plan_admin.get(f"/admin/planportal/organization/{world.org.pk}/change/")
    assert "3424" in page.content.decode()
    assert "kommunenummer" not in page.context["adminform"].form.fields
    response = plan_admin.post(f"/admin/planportal/organization/{world.org.pk}/change/",
                               {"language": "nn", "kommunenummer": "9999",
                                "units-TOTAL_FORMS": "0", "units-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    organization = Organization.objects.get(pk=world.org.pk)
    assert (organization.language, organization.kommunenummer) == ("nn", "3424")


def test_the_municipality_number_is_listed(superuser_client, world):
    Organization.objects.filter(pk=world.org.pk).update(kommunenummer="3424")
    assert "3424" in superuser_client.get("/admin/planportal/organization/").content.decode()


def test_a_new_kommune_can_be_created_with_its_municipality_number(world):
    organization = services.create_organization(actor=SYSTEM, name="Engerdal", slug="engerdal",
                                                kommunenummer="3425")
    assert Organization.objects.get(pk=organization.pk).kommunenummer == "3425"
