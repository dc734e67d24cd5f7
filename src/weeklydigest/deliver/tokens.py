"""Signed unsubscribe tokens: the address signed with itsdangerous under a secret from the environment.

Links mailed by earlier versions carry `<base64 address>.<base64 HMAC-SHA256 of a purpose line and the
address>`; `read_token` still accepts them, so that no link already in a reader's inbox stops working.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from itsdangerous import BadData, URLSafeSerializer

from ..config import Config
from ..errors import DigestError

_SALT = "weeklydigest-unsubscribe"  # a token signed for this purpose is good for nothing else
_LEGACY_PURPOSE = b"weeklydigest-unsubscribe\n"


def secret(config: Config) -> bytes:
    """Return the signing secret from the environment variable the config names."""
    name = config.delivery.secret_env if config.delivery else "WEEKLYDIGEST_SECRET"
    value = os.environ.get(name, "")
    if len(value) < 16:
        raise DigestError(f"environment variable {name} must hold the unsubscribe signing secret "
                          "(at least 16 characters)")
    return value.encode("utf-8")


def make_token(key: bytes, address: str) -> str:
    """Return the token that unsubscribes `address`."""
    return _serializer(key).dumps(address)


def read_token(key: bytes, token: str) -> str | None:
    """Return the address a token was signed for, or None if it is malformed or its signature is wrong."""
    token = token.strip()
    try:
        address = _serializer(key).loads(token)
    except BadData:
        return _read_legacy(key, token)
    return address if isinstance(address, str) else None


def _serializer(key: bytes) -> URLSafeSerializer:
    return URLSafeSerializer(key, salt=_SALT, signer_kwargs={"digest_method": hashlib.sha256})


def _read_legacy(key: bytes, token: str) -> str | None:
    """Return the address of a token in the earlier form, or None."""
    head, dot, tail = token.partition(".")
    if not dot or not head or not tail or "." in tail:
        return None
    try:
        payload = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
        signature = base64.urlsafe_b64decode(tail + "=" * (-len(tail) % 4))
        address = payload.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    expected = hmac.new(key, _LEGACY_PURPOSE + payload, hashlib.sha256).digest()
    return address if hmac.compare_digest(signature, expected) else None
