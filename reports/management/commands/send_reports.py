"""``manage.py send_reports [--date YYYY-MM-DD] [--dry-run]``: the subscription sweep by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports import services


class Command(BaseCommand):
    help = "Send every subscribed progress report whose period has ended (once per recipient)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Only list what is due; freeze, record and send nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(f"--date {options['date']!r}: use the form YYYY-MM-DD.") from None
        result = services.send_due_reports(today, dry_run=options["dry_run"])
        for item in result.due:
            self.stdout.write(f"{item.period.key}\t{item.subscription.plan}\t"
                              f"{item.subscription.email}")
        if options["dry_run"]:
            self.stdout.write(f"{len(result.due)} report(s) due; nothing sent (dry run).")
        else:
            self.stdout.write(f"{len(result.due)} report(s) due; {len(result.queued)} e-mail(s) "
                              f"queued; {len(result.snapshots)} snapshot(s).")
