"""TinyDB persistence: durable atomic storage, cross-process lock, schema, backups.

This package knows nothing of the domain models or the UI; it stores plain dicts.
"""

from db.store import CorruptDataFile, NewerSchema, Store, StoreError, Tx

__all__ = ["CorruptDataFile", "NewerSchema", "Store", "StoreError", "Tx"]
