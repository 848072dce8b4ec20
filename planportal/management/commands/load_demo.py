"""``manage.py load_demo``: the five seed plans, demo unit trees and demo users."""

from typing import Any

from django.core.management.base import BaseCommand

from planportal.demo import load_demo


class Command(BaseCommand):
    help = "Load the seed plans, demo unit trees and demo users (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo()
        if report.total == 0:
            self.stdout.write("Demo data already loaded; nothing new created.")
            return
        summary = ", ".join(f"{count} {kind}" for kind, count in sorted(report.created.items()))
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
