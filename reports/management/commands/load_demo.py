"""``manage.py load_demo``: the five seed plans, demo unit trees and demo users."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reports.demo import FixtureError, load_demo


class Command(BaseCommand):
    help = "Load the seed plans, demo unit trees and demo users (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true",
            help="Load even with DEBUG off: for a test or training system, never production.")

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo users have a published password: an accident in production is an open door.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(_(
                "DEBUG is off, so this looks like production. The demo users have a known "
                "password; add --force only on a test or training system."))
        try:
            report = load_demo()
        except FixtureError as exc:  # which file, where and why; nothing was loaded
            raise CommandError(str(exc)) from exc
        if report.total == 0:
            self.stdout.write("Demo data already loaded; nothing new created.")
            return
        summary = ", ".join(f"{count} {kind}" for kind, count in sorted(report.created.items()))
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
