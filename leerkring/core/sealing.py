"""Sealing: encryption for the few things the database must hold but must not show.

Some data has to wait in the database for a while yet must not be readable from a copy of it
(a backup, a replica, a dump handed to a developer): a survey response waiting for its batch
(surveys/ballots.py) is the example. Such data is sealed with Fernet (AES-128-CBC with an
HMAC-SHA256, from the `cryptography` package) under a key derived from `SECRET_KEY` and a
purpose, so the database alone opens nothing and one purpose's key opens nothing of another's.
Keys in `SECRET_KEY_FALLBACKS` still open what they sealed, so rotating the secret key does not
lose waiting data.

Sealed sizes give away the size of what was sealed, so `seal()` pads to a multiple of
`block` bytes first: every value up to that size seals to the same length.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PAD = b" "


class SealBroken(Exception):
    """The sealed value was altered, or sealed under a key this installation no longer has."""


def _key(secret: str, purpose: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"leerkring.core.sealing",
        info=purpose.encode(),
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


def _fernet(purpose: str) -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_key(secret, purpose)) for secret in secrets])


def seal(value: bytes, *, purpose: str, block: int = 0) -> str:
    """`value` encrypted for `purpose`, as ASCII text. With `block`, `value` is first padded
    with spaces to a multiple of `block` bytes (JSON and text ignore trailing spaces)."""
    if block:
        value += PAD * (-len(value) % block)
    return _fernet(purpose).encrypt(value).decode("ascii")


def unseal(sealed: str, *, purpose: str) -> bytes:
    """What `seal()` sealed for `purpose`, padding included."""
    try:
        return _fernet(purpose).decrypt(sealed.encode("ascii"))
    except (InvalidToken, ValueError) as error:
        raise SealBroken(purpose) from error
