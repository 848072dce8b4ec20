"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import os
from typing import Any

from celery import Celery, Task

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


app = Celery("planportal", task_cls=PlanportalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
