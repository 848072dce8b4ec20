"""Migrate the provider's database and create its users and client applications.

Reads JSON from standard input: {"users": [{"username", "password", "email",
"first_name", "last_name"}], "apps": [{"client_id", "client_secret", "redirect_uri"}]}.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def main() -> None:
    spec = json.load(sys.stdin)
    call_command("migrate", verbosity=0)
    for user in spec.get("users", []):
        User.objects.create_user(**user)
    for app in spec.get("apps", []):
        Application.objects.create(
            name=app["client_id"],
            client_id=app["client_id"],
            client_secret=app["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=app["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=False,
        )


if __name__ == "__main__":
    main()
