"""Encryption at rest for secrets kept in the database: Fernet with key rotation.

The keys are ``FIELD_ENCRYPTION_KEYS``, newest first: the first encrypts, every one
decrypts. Keys derived from ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` always follow as
decrypt-only keys, so what was written before ``FIELD_ENCRYPTION_KEYS`` was set stays
readable until ``manage.py rotate_field_encryption`` re-encrypts it with the new key.
Without ``FIELD_ENCRYPTION_KEYS`` the ``SECRET_KEY``-derived key also encrypts: the
embedded default and the tests need no configuration.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "UnreadableValueError", "cipher", "decrypt", "derive_key", "encrypt"]

# HKDF's "info": binds the derived key to this one use, so it is never the same bytes as
# anything else Django derives from SECRET_KEY (sessions, signing, password resets).
PURPOSE = b"planportal.encryption: encrypted model fields, v1"


class UnreadableValueError(Exception):
    """A stored ciphertext that no configured key decrypts (a lost or changed key)."""


def derive_key(secret_key: str) -> bytes:
    """A Fernet key derived from *secret_key* with HKDF-SHA256 and :data:`PURPOSE`."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))


@functools.lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...], secret_keys: tuple[str, ...]) -> MultiFernet:
    derived = [derive_key(secret_key) for secret_key in secret_keys]
    return MultiFernet([Fernet(key) for key in (*keys, *derived)])


def cipher() -> MultiFernet:
    """The keys in force now (read from settings on each call, so a test can override them)."""
    return _cipher(
        tuple(settings.FIELD_ENCRYPTION_KEYS),
        (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])),
    )


def encrypt(plain: str) -> str:
    """*plain* encrypted with the newest key, as ASCII text."""
    return cipher().encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plain text of *token*; raises :class:`InvalidToken` when no key opens it."""
    return cipher().decrypt(token.encode("ascii", errors="replace")).decode("utf-8")
