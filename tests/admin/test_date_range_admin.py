"""The admin's model forms refuse dates outside 1900–2199 by the model fields' validator
(issue 14, item 7), with the message on the field; the admin's date lists still open."""

from datetime import date

import pytest
from django.urls import reverse

from actions.models import Action
from tests.admin.test_action_admin import _change_url, _form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["due_date", "start_date"])
def test_the_action_admin_refuses_a_date_out_of_range_on_the_field(world, plan_admin, field):
    response = plan_admin.post(_change_url(world.action),
                               _form_data(world.action, **{field: "9999-12-31"}))

    assert response.status_code == 200
    assert "1900-01-01" in response.content.decode()
    assert getattr(Action.objects.get(pk=world.action.pk), field) is None


def test_the_action_list_opens_with_a_stored_deadline_on_the_last_day(world, plan_admin):
    Action.objects.filter(pk=world.action.pk).update(due_date=date(9999, 12, 31))

    response = plan_admin.get(reverse("admin:actions_action_changelist"))

    assert response.status_code == 200
