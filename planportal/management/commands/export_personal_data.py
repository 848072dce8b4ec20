"""``manage.py export_personal_data USERNAME [--output FILE]``: a person's data as JSON."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from planportal.permissions import SystemActor
from planportal.privacy import export_personal_data, user_by_username


class Command(BaseCommand):
    help = "Write everything Planportal holds about one person as JSON (GDPR art. 15/20)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_by_username(options["username"])
        data = export_personal_data(actor=SystemActor("command"), user=user)
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}.")
        else:
            self.stdout.write(text)
