"""A real race between two writers: exactly one wins, the other gets a conflict."""

import threading

import pytest
from django.db import connection

from actions.models import Action, StatusUpdate
from actions.services import post_status_update
from planportal.locking import VersionConflict


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_simultaneous_status_updates_on_the_same_version_let_exactly_one_through(world):
    if connection.vendor != "postgresql":
        pytest.skip("threads need a server database; SQLite is covered by the CAS tests")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def writer(progress: int) -> None:
        action = Action.objects.get(pk=world.action.pk)  # both read version 1
        barrier.wait()
        try:
            post_status_update(actor=world.unit_manager, action=action, expected_version=1,
                               status="in_progress", progress=progress)
            outcomes.append("ok")
        except VersionConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(p,)) for p in (30, 60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["conflict", "ok"]
    stored = Action.objects.get(pk=world.action.pk)
    assert stored.version == 2
    assert StatusUpdate.objects.filter(action=stored).count() == 1
    assert StatusUpdate.objects.get(action=stored).progress == stored.progress
