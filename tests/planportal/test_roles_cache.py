"""Roles cached on a user object last one request, or one Celery task."""

from __future__ import annotations

import pytest
from celery.signals import task_postrun, task_prerun

from planportal.models import Membership
from planportal.permissions import get_access

pytestmark = pytest.mark.django_db


def test_a_user_object_kept_by_a_worker_reads_its_roles_again_in_the_next_task(world):
    user = world.reader
    assert get_access(user).is_member_of(world.org.pk)
    # Changed by another process: nothing in this one was told.
    Membership.objects.filter(user=user).delete()
    assert get_access(user).is_member_of(world.org.pk)  # the same task: still cached

    task_prerun.send(sender=None, task_id="neste", task=None, args=(), kwargs={})
    try:
        assert not get_access(user).is_member_of(world.org.pk)
    finally:
        # The task ends too: otherwise its audit origin outlives this test.
        task_postrun.send(sender=None, task_id="neste", task=None, args=(), kwargs={})
