"""The data file's shape: schema version, migrations and the structural check.

A start and a restore read a file the same way: the schema version must be one this
program knows (older ones are migrated, newer ones refused), every table must be a TinyDB
table (an object of numbered rows, each an object) and nothing may nest deeper than any
real record does. The domain checks each row's fields on top of this (kiosk/domain/maintenance.py);
this module knows nothing of them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db.storage import StoreError

SCHEMA_VERSION = 3
META_TABLE = "meta"
# Real records nest 4 levels (table, row, field, list item); orjson refuses to write
# more than 254, so a deeper file would load and then fail every commit.
MAX_DEPTH = 32

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _v1_places_as_records(data: dict[str, Any]) -> dict[str, Any]:
    """Places become records with directions: one for every place name already in use.

    Weekly times, exceptions and bookings keep their place names (a booking's history never
    changes); each name gets a ``places`` row with no directions yet, for the librarian."""
    names: list[str] = []
    for table in ("weekly", "exceptions", "bookings"):
        for row in (data.get(table) or {}).values():
            place = row.get("place") if isinstance(row, dict) else None
            if isinstance(place, str) and place.strip() and place not in names:
                names.append(place)
    places = data.setdefault("places", {})
    known = {row.get("name") for row in places.values() if isinstance(row, dict)}
    next_id = max((int(k) for k in places if k.isdigit()), default=0) + 1
    for name in names:
        if name not in known:
            places[str(next_id)] = {"name": name, "names": {}, "directions": {}}
            next_id += 1
    return data


def _v2_scout_credentials(data: dict[str, Any]) -> dict[str, Any]:
    """E-scouts sign in at the kiosk: tables for their cards and PINs (hashes only), their
    wrong-PIN counters and their presence per shift; activity forms say who submitted them
    (every earlier form was the librarian's)."""
    for table in ("scout_credentials", "scout_lockouts", "scout_presence"):
        data.setdefault(table, {})
    for row in (data.get("activities") or {}).values():
        if isinstance(row, dict):
            row.setdefault("submitted_by", "librarian")
    return data


# Version N -> N+1. Add one function per schema change; never edit an old one.
MIGRATIONS: dict[int, Migration] = {1: _v1_places_as_records, 2: _v2_scout_credentials}


class BadData(ValueError):
    """The file parses but is not a data file this program can use; says why in one line."""


class CorruptDataFile(StoreError):
    def __init__(self, path: Path, reason: str, backup: Path | None) -> None:
        hint = f"newest good backup: {backup}" if backup else "no good backup exists yet"
        super().__init__(
            f"data file {path} cannot be used ({reason}); it was left untouched; {hint}"
        )
        self.path = path
        self.reason = reason
        self.backup = backup


class NewerSchema(StoreError):
    def __init__(self, path: Path, found: int) -> None:
        super().__init__(
            f"data file {path} has schema version {found}, newer than this program "
            f"understands ({SCHEMA_VERSION}); upgrade the kiosk software"
        )
        self.path = path
        self.found = found


def new_file() -> dict[str, Any]:
    """The contents of a new, empty data file."""
    return {META_TABLE: {"1": {"schema": SCHEMA_VERSION}}}


def schema_version(data: dict[str, Any]) -> int:
    """The schema version a parsed data file declares (files before versioning: 1).

    BadData if the declaration is not a whole number in a meta row."""
    meta = data.get(META_TABLE, {})
    if not isinstance(meta, dict):
        raise BadData(f"the {META_TABLE!r} table is not an object")
    row = meta.get("1", {})
    if not isinstance(row, dict):
        raise BadData(f"the {META_TABLE!r} row is not an object")
    version = row.get("schema", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        raise BadData(f"schema version {version!r} is not a number")
    return version


def check_version(path: Path, data: dict[str, Any]) -> int:
    """The file's schema version if this program can read it (maybe after migrating)."""
    version = schema_version(data)
    if version > SCHEMA_VERSION:
        raise NewerSchema(path, version)
    if version < 1 or any(v not in MIGRATIONS for v in range(version, SCHEMA_VERSION)):
        raise BadData(f"schema version {version} is not one this program can read")
    return version


def migrate(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` brought to SCHEMA_VERSION, as a new dict (the argument is not changed)."""
    version = check_version(path, data)
    if version == SCHEMA_VERSION:
        return data
    data = copy.deepcopy(data)
    while version < SCHEMA_VERSION:
        try:
            data = MIGRATIONS[version](data)
        except Exception as exc:  # noqa: BLE001 - any failure means the file cannot be used
            raise BadData(
                f"migration from schema version {version} failed: {type(exc).__name__}: {exc}"
            ) from exc
        version += 1
    data.setdefault(META_TABLE, {}).setdefault("1", {})["schema"] = version
    return data


def check_structure(data: dict[str, Any]) -> None:
    """BadData unless every table is an object of numbered object rows, not too deep."""
    schema_version(data)
    for name, table in data.items():
        if not isinstance(table, dict):
            raise BadData(f"table {name!r} is a {type(table).__name__}, not an object")
        for doc_id, row in table.items():
            if not doc_id.isdigit():
                raise BadData(f"table {name!r} has a row numbered {doc_id!r}")
            if not isinstance(row, dict):
                raise BadData(f"table {name!r} row {doc_id} is not an object")
    _check_depth(data)


def _check_depth(data: Any) -> None:
    # A stack instead of recursion: the file's depth is what is being checked.
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadData(f"values nest deeper than {MAX_DEPTH} levels")
        children = value.values() if isinstance(value, dict) else value
        stack.extend((v, depth + 1) for v in children if isinstance(v, dict | list))
