"""Production settings for the render-outage test's gunicorn, with plain static files.

Production's manifest storage needs ``collectstatic`` (minutes of compression), which tests
never run; the test process makes the same swap (tests/conftest.py).
"""

from planportal.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
