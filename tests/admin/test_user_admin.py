"""The user admin: deactivation only through the service, never a bare checkbox."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_active_flag_is_read_only_on_the_user_form(world, superuser_client):
    page = superuser_client.get(f"/admin/planportal/user/{world.reader.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="is_active"' not in html  # shown, not editable


def test_the_deactivate_action_goes_through_the_service(world, superuser_client):
    response = superuser_client.post("/admin/planportal/user/", {
        "action": "deactivate_users", "_selected_action": [world.reader.pk]}, follow=True)
    assert response.status_code == 200
    world.reader.refresh_from_db()
    assert not world.reader.is_active
    assert world.reader.session_epoch == 1
