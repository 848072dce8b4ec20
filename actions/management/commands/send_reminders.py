"""``manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]``: the beat sweeps, by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from actions.models import Action
from actions.reminders import sweep
from planportal.languages import language_for
from planportal.models import User
from strategies.models import Indicator


class Command(BaseCommand):
    help = (
        "Run the deadline-reminder (with the reporting rounds), sector-digest and notice "
        "sweeps now (the same code beat runs) and send the e-mails that are due. With "
        "--dry-run, print who would get what and change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to sweep for (YYYY-MM-DD); default today")
        parser.add_argument("--dry-run", action="store_true",
                            help="print who would get what; record and send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"--date {options['date']!r} is not a date of the form YYYY-MM-DD."
                ) from None
        now = timezone.now()
        dry_run = options["dry_run"]
        reports = [
            # One publish at the end covers the e-mails of both sweeps.
            sweep.sweep_deadlines(today, now=now, dry_run=dry_run, publish=False),
            sweep.sweep_notices(today, now=now, dry_run=dry_run, publish=False),
            sweep.sweep_sector_digests(today, now=now, dry_run=dry_run),
        ]
        items = [item for report in reports for item in report.items]
        if dry_run:
            self._print_plan(items)
            return
        published = reports[-1].published
        self.stdout.write(
            f"{reports[0].today}: {len(items)} reminders due, {published} e-mails published."
        )

    def _print_plan(self, items: list[sweep.Item]) -> None:
        users = {u.pk: u for u in User.objects.filter(pk__in={i.recipient_id for i in items})}
        titles = dict(
            Action.objects.filter(pk__in={i.action_id for i in items if i.action_id})
            .values_list("pk", "title")
        )
        names = dict(
            Indicator.objects.filter(pk__in={i.indicator_id for i in items if i.indicator_id})
            .values_list("pk", "name")
        )
        by_recipient: dict[tuple[int, int], list[sweep.Item]] = {}
        for item in items:
            by_recipient.setdefault((item.recipient_id, item.organization_id), []).append(item)
        for (recipient_id, _org), lines in sorted(by_recipient.items()):
            user = users[recipient_id]
            # The language the e-mail would be in: their choice, else their kommune's.
            self.stdout.write(f"{user.email} ({user.username}, {language_for(user)}):")
            for item in lines:
                # An indicator's value due: "indikator <id>", beside the tiltak's "#<id>".
                if item.indicator_id is not None:
                    ref, title = f"indikator {item.indicator_id}", names.get(item.indicator_id, "")
                else:
                    ref, title = f"#{item.action_id}", titles.get(item.action_id, "")
                title = " ".join(title.split())
                self.stdout.write(f"  {item.kind:<19} {item.key:<16} {ref} {title}")
        self.stdout.write(
            f"Dry run: {len(items)} reminders for {len(by_recipient)} e-mails; nothing sent."
        )
