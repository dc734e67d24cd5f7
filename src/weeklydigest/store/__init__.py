"""The article store: every collected article version, source health, review edits, subscribers and deliveries.

`Store` is the store interface; `sqlite.py` is its SQLite backend.
"""

from .derived import FileRecord, Ref, Window
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
    delivery_hash,
    text_hash,
)

__all__ = [
    "MIGRATIONS",
    "NEW",
    "SCHEMA_VERSION",
    "UNCHANGED",
    "UPDATED",
    "FileRecord",
    "Ref",
    "SourceHealth",
    "SourceRun",
    "Store",
    "StoreError",
    "Validators",
    "Window",
    "delivery_hash",
    "text_hash",
]
