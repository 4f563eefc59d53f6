"""TinyDB persistence: durable atomic private storage, cross-process lock, schema, backups.

This package knows nothing of the domain models or the UI; it stores plain dicts.
"""

from db.backups import Erasure
from db.history import CorruptArchiveFile
from db.lock import LockLost, StoreBusy
from db.schema import BadData, CorruptDataFile, NewerSchema
from db.storage import StoreError, private_dir, write_bytes_private
from db.store import Store
from db.tx import Tx

__all__ = [
    "BadData",
    "CorruptArchiveFile",
    "CorruptDataFile",
    "Erasure",
    "LockLost",
    "NewerSchema",
    "Store",
    "StoreBusy",
    "StoreError",
    "Tx",
    "private_dir",
    "write_bytes_private",
]
