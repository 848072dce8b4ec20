"""Client secrets encrypted at rest: the column widens to text, then the plain values
stored so far are encrypted in place (reversible: decrypted again, then narrowed).

The data step reads and writes the column with plain SQL, so it does the same whatever
the field class of the historical model does on loading and saving.
"""

from collections.abc import Callable
from typing import Any

from django.db import migrations

import planportal.fields
from planportal.encryption import InvalidToken, UnreadableValueError, decrypt, encrypt


def _rewrite(apps: Any, schema_editor: Any, change: Callable[[str, str], str]) -> int:
    """Pass every non-blank secret through *change* (provider id, value); returns how many
    rows changed."""
    model = apps.get_model("login", "OrganizationLoginProvider")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk, name, column = (quote(model._meta.get_field(field).column)
                        for field in ("id", "provider_id", "secret"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk}, {name}, {column} FROM {table} WHERE {column} <> ''"  # noqa: S608
        )
        rows = cursor.fetchall()
        changed = 0
        for row_id, provider_id, value in rows:
            new = change(provider_id, value)
            if new != value:
                cursor.execute(
                    f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                    [new, row_id],
                )
                changed += 1
    return changed


def _encrypted(provider_id: str, value: str) -> str:
    try:
        decrypt(value)
    except InvalidToken:
        return encrypt(value)
    return value  # already encrypted: a second run changes nothing


def _decrypted(provider_id: str, value: str) -> str:
    try:
        return decrypt(value)
    except InvalidToken:
        raise UnreadableValueError(
            f"The client secret of login provider {provider_id} cannot be decrypted with any "
            "key in FIELD_ENCRYPTION_KEYS (nor with the key derived from SECRET_KEY): set "
            "the key that encrypted it before migrating back."
        ) from None


def encrypt_plain_secrets(apps: Any, schema_editor: Any) -> None:
    """Encrypt each client secret that is still plain text with the newest key."""
    _rewrite(apps, schema_editor, _encrypted)


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    """Back to plain text; stops, naming the provider, at a secret no key decrypts."""
    _rewrite(apps, schema_editor, _decrypted)


class Migration(migrations.Migration):

    dependencies = [
        ('login', '0001_login_providers_and_failures'),
    ]

    operations = [
        migrations.AlterField(
            model_name='organizationloginprovider',
            name='secret',
            field=planportal.fields.EncryptedTextField(blank=True, max_length=500, verbose_name='client secret'),
        ),
        migrations.RunPython(encrypt_plain_secrets, decrypt_secrets),
    ]
