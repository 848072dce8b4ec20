"""``manage.py erase_user USERNAME --yes``: anonymise a person, keep the plan history."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from planportal.permissions import SystemActor
from planportal.privacy import erase_user, user_by_username


class Command(BaseCommand):
    help = ("Erase a person's name and e-mail and close the account; what they did stays, "
            "attributed to 'Slettet bruker'. Irreversible.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("Erasure cannot be undone: add --yes to confirm.")
        user = user_by_username(options["username"])
        erase_user(actor=SystemActor("command"), user=user)
        self.stdout.write(self.style.SUCCESS(f"User {user.pk} is erased ({user.username})."))
