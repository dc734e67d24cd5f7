"""Editors' passwords: new hashes from werkzeug.security (scrypt); the PBKDF2 hashes made before stay valid.

`weeklydigest hash-password` used to write `pbkdf2_sha256$<iterations>$<salt>$<hash>` (salt and hash in
unpadded URL-safe base64). werkzeug cannot read that form (it takes the salt as text, not bytes), so those
hashes are checked here, with the standard library's PBKDF2, for as long as a config carries them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from werkzeug.security import check_password_hash, generate_password_hash

from ..config import ReviewUser

METHOD = "scrypt"  # werkzeug's default: scrypt, n=2**15, r=8, p=1
LEGACY_PREFIX = "pbkdf2_sha256$"
# A real hash of an empty password, checked for unknown names so that they take as long as known ones.
_DECOY = generate_password_hash("", method=METHOD)


def hash_password(password: str, *, method: str = METHOD) -> str:
    """Return a salted hash of the password for the config's review.users."""
    return generate_password_hash(password, method=method)


def verify_password(password: str, encoded: str) -> bool:
    """Return whether the password matches the stored hash; a malformed hash matches nothing."""
    if encoded.startswith(LEGACY_PREFIX):
        return _verify_legacy(password, encoded)
    try:
        return check_password_hash(encoded, password)
    except (ValueError, TypeError, OverflowError, MemoryError):
        return False


def authenticate(users: tuple[ReviewUser, ...], name: str, password: str) -> ReviewUser | None:
    """Return the user whose name and password these are, or None."""
    user = next((u for u in users if u.name == name), None)
    if user is None:
        verify_password(password, _DECOY)
        return None
    return user if verify_password(password, user.password_hash) else None


def _verify_legacy(password: str, encoded: str) -> bool:
    """Check a `pbkdf2_sha256$…` hash written by earlier versions."""
    try:
        _, iterations, salt, expected = encoded.split("$")
        rounds = int(iterations)
        if not 1 <= rounds <= 10_000_000:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), _unb64(salt), rounds)
    except (ValueError, binascii.Error):
        return False
    return hmac.compare_digest(base64.urlsafe_b64encode(digest).decode("ascii").rstrip("="), expected)


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
