"""The article store: every collected article version, source health, review edits, subscribers and deliveries.

`Store` is the store interface; `sqlite.py` is its SQLite backend.
"""

from .sqlite import (
    MIGRATIONS,
    NEW,
    SCHEMA_VERSION,
    UNCHANGED,
    UPDATED,
    SourceHealth,
    SourceRun,
    Store,
    StoreError,
    Validators,
    text_hash,
)

__all__ = [
    "MIGRATIONS", "NEW", "SCHEMA_VERSION", "UNCHANGED", "UPDATED", "SourceHealth", "SourceRun", "Store",
    "StoreError", "Validators", "text_hash",
]
