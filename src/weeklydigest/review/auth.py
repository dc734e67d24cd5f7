"""Editors' passwords (PBKDF2-SHA256, salted) and the CSRF tokens of the review app's forms."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from ..config import ReviewUser

ITERATIONS = 600_000  # OWASP's figure for PBKDF2-HMAC-SHA256


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """Return `pbkdf2_sha256$<iterations>$<salt>$<hash>` for the config's users."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """Return whether the password matches the stored hash; a malformed hash matches nothing."""
    try:
        scheme, iterations, salt, expected = encoded.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), _unb64(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(_b64(digest), expected)


def authenticate(users: tuple[ReviewUser, ...], name: str, password: str) -> ReviewUser | None:
    """Return the user whose name and password these are, or None."""
    user = next((u for u in users if u.name == name), None)
    if user is None:
        # Spend the same time on an unknown name, so that names cannot be probed.
        verify_password(password, hash_password("", iterations=ITERATIONS, salt=b"0" * 16))
        return None
    return user if verify_password(password, user.password_hash) else None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
