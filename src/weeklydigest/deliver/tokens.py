"""Signed unsubscribe tokens: the address and an HMAC-SHA256 of it under a secret from the environment."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from ..config import Config
from ..errors import DigestError

_PURPOSE = b"weeklydigest-unsubscribe\n"  # a token signed for this purpose is good for nothing else


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
    payload = address.encode("utf-8")
    return f"{_b64(payload)}.{_b64(_signature(key, payload))}"


def read_token(key: bytes, token: str) -> str | None:
    """Return the address a token was signed for, or None if it is malformed or its signature is wrong."""
    head, dot, tail = token.strip().partition(".")
    if not dot or not head or not tail:
        return None
    try:
        payload = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
        signature = base64.urlsafe_b64decode(tail + "=" * (-len(tail) % 4))
        address = payload.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(signature, _signature(key, payload)):
        return None
    return address


def _signature(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, _PURPOSE + payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
