"""``manage.py import_statistics FILE --organization SLUG [--table ID] [--dry-run]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from planportal.models import Organization
from planportal.permissions import SystemActor
from strategies.statistics.importing import StatisticsRefused, import_statistics, read_dataset
from strategies.statistics.jsonstat import JsonStatError

IMPORTER = SystemActor("import")


class Command(BaseCommand):
    help = ("Import a JSON-stat 2.0 file from SSB's statistics bank as measurements of the "
            "kommune's indicators that follow its table. Every skipped cell is listed; "
            "--dry-run writes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organization", required=True, help="The kommune's short name.")
        parser.add_argument("--table", default="",
                            help="The table's number, when the file does not say it.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Report what would be recorded; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        limit = settings.STATISTICS_IMPORT_MAX_BYTES
        # The real size decides, before a byte is read: the file may be gigabytes.
        size = path.stat().st_size
        if size > limit:
            raise CommandError(_("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                               % {"size": size, "limit": limit})
        with path.open("rb") as file:
            content = file.read(limit + 1)  # it may have grown since
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(_("No organisation with the short name %(slug)s.")
                               % {"slug": options["organization"]})
        try:
            report = import_statistics(actor=IMPORTER, organization=organization,
                                       dataset=read_dataset(content), table=options["table"],
                                       dry_run=options["dry_run"])
        except (JsonStatError, StatisticsRefused, PermissionDenied) as exc:
            raise CommandError(_("%(file)s was not imported: %(reason)s")
                               % {"file": path.name, "reason": exc}) from exc
        except ValidationError as exc:
            raise CommandError(_("%(file)s was not imported: %(reason)s")
                               % {"file": path.name, "reason": " ".join(exc.messages)}) from exc
        self.stdout.write(report.summary())
        for value in report.created:
            self.stdout.write(self.style.SUCCESS("  " + _("new: %(value)s") % {"value": value}))
        for value in report.updated:
            self.stdout.write(self.style.SUCCESS("  " + _("revised: %(value)s")
                                                 % {"value": value}))
        for cell in report.skipped:
            self.stdout.write(self.style.WARNING("  " + _("skipped: %(cell)s") % {"cell": cell}))
        if report.unlisted:
            self.stdout.write(self.style.WARNING("  " + _("… and %(count)s more cells skipped.")
                                                 % {"count": report.unlisted}))
        if report.dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
