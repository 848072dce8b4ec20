"""``manage.py export_plan PLAN_ID [--format json|xlsx] [--output FILE]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from actions.exporting.data import export_plan_data
from actions.exporting.workbook import export_plan_xlsx
from actions.services import record_plan_export
from planportal.permissions import SystemActor
from strategies.models import Plan


class Command(BaseCommand):
    help = "Export a plan as JSON (for import elsewhere) or XLSX (for people)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", type=int, help="The plan's id.")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan with id {options['plan']}.")
        output: Path | None = options["output"]
        record_plan_export(actor=SystemActor("command"), plan=plan, kind=options["format"])
        if options["format"] == "json":
            content = json.dumps(export_plan_data(plan), ensure_ascii=False, indent=2)
            if output is None:
                self.stdout.write(content)
                return
            output.write_text(content + "\n", encoding="utf-8")
        else:
            if output is None:
                raise CommandError("XLSX needs --output FILE.")
            output.write_bytes(export_plan_xlsx(plan))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}."))
