"""Settings for a worker that hangs after sending a reminder e-mail (fault tests only).

The worker records the e-mail as sent and then sleeps before Celery acknowledges the
message (``acks_late``: the ack follows the task's ``task_postrun``), so a test can kill
it in that gap and see the redelivered task send nothing twice. Production settings and
code carry no such hook: a worker started with ``DJANGO_SETTINGS_MODULE`` set to this
module loads it, and prefork children inherit the signal receiver.
"""

import time
from typing import Any

from celery.signals import task_postrun

from planportal.settings import *  # noqa: F403

# Longer than any test waits for the kill; lower case, so Django does not take it as a setting.
_pause_seconds = 60


@task_postrun.connect(weak=False)
def _hang_before_the_ack(sender: Any = None, retval: Any = None, **kwargs: Any) -> None:
    if getattr(sender, "name", "") == "actions.tasks.send_reminder_digest" and retval == "sent":
        time.sleep(_pause_seconds)
