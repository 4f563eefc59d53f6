"""TinyDB persistence: durable atomic storage, cross-process lock, schema, backups.

This package knows nothing of the domain models or the UI; it stores plain dicts.
"""

from db.history import CorruptArchiveFile
from db.store import CorruptDataFile, NewerSchema, Store, StoreError, Tx

__all__ = ["CorruptArchiveFile", "CorruptDataFile", "NewerSchema", "Store", "StoreError", "Tx"]
