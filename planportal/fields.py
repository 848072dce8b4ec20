"""Model fields of our own: text encrypted at rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from planportal.encryption import InvalidToken, UnreadableValueError, decrypt, encrypt


class Unreadable:
    """What an encrypted field holds when no key in force decrypts the stored ciphertext.

    Loading the row still works (the admin must be able to open it and ask for the value
    again), and saving it writes the ciphertext back unchanged, so restoring the lost key
    makes it readable again. Using it as text raises :class:`UnreadableValueError`
    instead of passing on garbage; :func:`readable` names the owner in that error.
    """

    __slots__ = ("ciphertext",)

    def __init__(self, ciphertext: str) -> None:
        self.ciphertext = ciphertext

    def __repr__(self) -> str:
        return "<Unreadable encrypted value>"

    def __str__(self) -> str:
        raise UnreadableValueError(
            "An encrypted value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS "
            "(nor with the key derived from SECRET_KEY)."
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unreadable) and other.ciphertext == self.ciphertext

    def __hash__(self) -> int:
        return hash(self.ciphertext)


def readable(value: str | Unreadable | None, *, owner: str) -> str:
    """*value* as plain text; raises :class:`UnreadableValueError` naming *owner* when no
    key decrypts it."""
    if isinstance(value, Unreadable):
        raise UnreadableValueError(
            f"{owner}: the stored value cannot be decrypted with any key in "
            "FIELD_ENCRYPTION_KEYS (nor with the key derived from SECRET_KEY). Restore the "
            "key that encrypted it, or enter the value again."
        )
    return value or ""


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token (:mod:`planportal.encryption`), plain in Python.

    ``max_length`` limits the plain text; the column is ``text``, because a token is
    about 4/3 × (the UTF-8 length + 73) characters long. A blank value is stored
    blank (it means "none"). Lookups other than on blank are meaningless: every
    encryption of the same text gives a different token. The form field is a password
    input that never shows the stored value.
    """

    description = _("Text encrypted at rest")

    @cached_property
    def validators(self) -> list[Any]:
        limit = [MaxLengthValidator(self.max_length)] if self.max_length is not None else []
        return [*super().validators, *limit]

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        try:
            return decrypt(value)
        except InvalidToken:
            return Unreadable(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Unreadable):
            return value
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Unreadable):
            return value.ciphertext
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        # Kept as stored when the row is saved for another change; the admin asks for it.
        if isinstance(value, Unreadable):
            return value
        return super().clean(value, model_instance)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{
            "form_class": forms.CharField,
            "widget": forms.PasswordInput(render_value=False),
            **kwargs,
        })


def rotate_stored_values() -> tuple[int, list[str]]:
    """Re-encrypt every value of every encrypted field with the newest key.

    Returns how many values were re-encrypted, and the objects whose value no key
    decrypts (left as they are: they must be entered again). Each field's rows are
    locked while they are rewritten, so an edit in the admin meanwhile is not undone.
    """
    rotated, unreadable = 0, []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, EncryptedTextField):
                continue
            manager = model._base_manager
            with transaction.atomic():
                rows = manager.select_for_update().exclude(**{field.attname: ""}).exclude(
                    **{f"{field.attname}__isnull": True}
                ).only("pk", field.attname)
                for obj in rows:
                    value = getattr(obj, field.attname)
                    if isinstance(value, Unreadable):
                        unreadable.append(
                            f"{model._meta.verbose_name} {obj} ({field.verbose_name})"
                        )
                        continue
                    # update() encrypts with the newest key (EncryptedTextField.get_prep_value).
                    manager.filter(pk=obj.pk).update(**{field.attname: value})
                    rotated += 1
    return rotated, unreadable
