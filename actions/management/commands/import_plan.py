"""``manage.py import_plan FILE --organization SLUG [--plan ID] [--dry-run]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from actions.importing.preview import PlanSpec
from actions.importing.readers import max_bytes
from actions.importing.service import ImportRefused, commit_import, preview_import
from planportal import services as core_services
from planportal.models import Organization
from planportal.permissions import SystemActor
from strategies.models import Plan

IMPORTER = SystemActor("import_plan command")


class Command(BaseCommand):
    help = ("Import a handlingsplan from .docx, .xlsx, .csv or a Planportal JSON export. "
            "Shows what would be created and every problem; --dry-run writes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organization", required=True, help="The kommune's short name.")
        parser.add_argument("--plan", type=int, help="Import into this existing plan (id).")
        parser.add_argument("--title", default="", help="Title of a new plan.")
        parser.add_argument("--kind", default=Plan.Kind.ACTION_PLAN,
                            choices=Plan.Kind.values)
        parser.add_argument("--period-start", type=int)
        parser.add_argument("--period-end", type=int)
        parser.add_argument("--dry-run", action="store_true", help="Preview only.")
        parser.add_argument("--json", action="store_true", help="Print the preview as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        # The real size decides, before a byte is read: the file may be gigabytes.
        size = path.stat().st_size
        if size > max_bytes():
            raise CommandError(_("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                               % {"size": size, "limit": max_bytes()})
        with path.open("rb") as file:
            content = file.read(max_bytes() + 1)  # it may have grown since
        # One transaction for everything, the kommune a JSON export may bring included:
        # a dry run or a refused import rolls it all back.
        with transaction.atomic():
            result = self._run(content, path, options)
            if result is None:
                transaction.set_rollback(True)
        if result is None:
            self.stdout.write("Dry run: nothing was written.")
            return
        created = ", ".join(f"{k}: {v}" for k, v in sorted(result.created.items())) or "nothing"
        self.stdout.write(self.style.SUCCESS(
            f"Imported into plan {result.plan.pk} «{result.plan}». Created {created}. "
            f"Filled in a blank Ansvar or Tid on {result.filled} existing actions."))

    def _run(self, content: bytes, path: Path, options: dict[str, Any]) -> Any:
        organization = self._organization(options["organization"], content)
        plan = None
        if options["plan"] is not None:
            plan = Plan.objects.filter(pk=options["plan"], organization=organization).first()
            if plan is None:
                raise CommandError(f"{organization} has no plan with id {options['plan']}.")
        spec = PlanSpec(plan=plan, title=options["title"], kind=options["kind"],
                        period_start=options["period_start"], period_end=options["period_end"])
        try:
            preview = preview_import(actor=IMPORTER, organization=organization,
                                     content=content, filename=path.name, spec=spec,
                                     size=max(path.stat().st_size, len(content)))
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self._report(preview, options["json"])
        if preview.errors:
            raise CommandError(f"{len(preview.errors)} error(s); nothing was imported.")
        if options["dry_run"]:
            return None
        previewed = len(preview.problems)
        try:
            result = commit_import(actor=IMPORTER, preview=preview)
        except ImportRefused as exc:
            raise CommandError(f"{exc}; nothing was imported.") from exc
        # What the commit itself warned about (a JSON export's people who are left out).
        for problem in preview.problems[previewed:]:
            self.stdout.write(self.style.WARNING(f"  {problem.level}: {problem}"))
        return result

    def _organization(self, slug: str, content: bytes) -> Organization:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is not None:
            return organization
        # A JSON export carries its kommune, so it can be restored into an empty database.
        try:
            data = json.loads(content.decode("utf-8-sig"))
            source = data["organization"]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
            raise CommandError(f"No organisation with the short name {slug!r}.") from None
        if source.get("slug") != slug:
            raise CommandError(f"No organisation with the short name {slug!r}.")
        return core_services.create_organization(
            actor=IMPORTER, name=source["name"], slug=slug,
            org_number=source.get("org_number", ""),
        )

    def _report(self, preview: Any, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(preview.as_dict(), ensure_ascii=False, indent=2,
                                         default=str))
            return
        counts = preview.counts()
        self.stdout.write(f"{preview.source_name} ({preview.kind}):")
        for kind, numbers in counts.items():
            self.stdout.write(f"  {kind}: {numbers['new']} new, {numbers['existing']} existing")
        for problem in preview.problems:
            style = self.style.ERROR if problem.level == "error" else self.style.WARNING
            self.stdout.write(style(f"  {problem.level}: {problem}"))
