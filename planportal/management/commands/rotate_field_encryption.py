"""``manage.py rotate_field_encryption``: re-encrypt stored secrets with the newest key."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from planportal.fields import rotate_stored_values


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted value (the login providers' client secrets) with the "
            "first key in FIELD_ENCRYPTION_KEYS. Run it after putting a new key in front; "
            "the old keys can go once it has finished without errors.")

    def handle(self, *args: Any, **options: Any) -> None:
        rotated, unreadable = rotate_stored_values()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted with the newest key: {rotated}."))
        if unreadable:
            raise CommandError(
                f"Cannot be decrypted with any key, so left as they are ({len(unreadable)}); "
                f"enter them again in the admin: {', '.join(unreadable)}."
            )
