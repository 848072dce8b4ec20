"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import os
from typing import Any

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planportal.settings")


class _SerializerOnly:
    """What Celery's eager path asks a producer for: its serializer (none of its own, so
    the configured ``task_serializer``). It has no connection to a broker."""

    serializer = None


class PlanportalTask(Task):
    """Every Planportal task: run eagerly (the embedded default, no ``REDIS_URL``) it never
    reaches for a broker.

    Celery's own eager path takes a producer from the broker's connection pool only to
    learn its serializer, which builds a kombu connection on a machine that has no broker
    (kombu used to log "No hostname was supplied" each time a report was frozen). Eager
    calls get a stand-in instead; the arguments still go through the task serializer
    (JSON), so they must be what a worker could receive.
    """

    def apply_async(self, args: Any = None, kwargs: Any = None, task_id: Any = None,
                    producer: Any = None, link: Any = None, link_error: Any = None,
                    shadow: Any = None, **options: Any) -> Any:
        if producer is None and self._get_app().conf.task_always_eager:
            producer = _SerializerOnly()
        return super().apply_async(args, kwargs, task_id, producer, link, link_error,
                                   shadow, **options)


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender: Any = None, **kwargs: Any) -> None:
    """Around each task in a worker, what Django does around each request: drop a
    connection that failed or outlived ``CONN_MAX_AGE`` (with ``CELERY_DB_REUSE_MAX`` the
    fixup keeps them open, and a database restart must not break a worker's next tasks).

    Never a connection inside a transaction: an eager task runs in its caller's."""
    request = getattr(sender, "request", None)
    if request is not None and getattr(request, "is_eager", False):
        return
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


app = Celery("planportal", task_cls=PlanportalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
