"""A restored or hand-edited file can never brick the data dir or eat the good backups."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from db import CorruptDataFile, Store
from db import schema as schema_mod
from db import store as store_mod
from kiosk.cli import main
from kiosk.domain.errors import KioskError
from kiosk.domain.models import SETTING_RANGES
from kiosk.services import Services, build_services
from tests.conftest import NOW, put_booking, set_pin

Cli = Callable[..., tuple[int, Any, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv("KIOSK_NOW", NOW.isoformat())

    def run(data: Path, *args: str) -> tuple[int, Any, str]:
        rc = main(["--data-dir", str(data), *args])
        out, err = capsys.readouterr()
        return rc, json.loads(out) if out.strip() else None, err

    return run


def _good(demo: Services) -> dict[str, Any]:
    set_pin(demo)
    put_booking(demo, code="GOOD01", start=NOW, name="Ona")
    return json.loads(demo.store.path.read_text())


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


def _bad_files(good: dict[str, Any]) -> dict[str, Any]:
    """What each broken file looks like (each would restore today and crash later)."""

    def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        data = json.loads(json.dumps(good))
        change(data)
        return data

    def booking(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda d: next(iter(d["bookings"].values())).__setitem__(field, value)

    return {
        "schema-0": {"meta": {"1": {"schema": 0}}},
        "schema-99": changed(lambda d: d["meta"]["1"].__setitem__("schema", 99)),
        "schema-abc": changed(lambda d: d["meta"]["1"].__setitem__("schema", "abc")),
        "meta-list": changed(lambda d: d.__setitem__("meta", [1])),
        "bookings-string": changed(lambda d: d.__setitem__("bookings", "x")),
        "row-not-object": changed(lambda d: d["bookings"].__setitem__("9", [1])),
        "bad-start": changed(booking("start", "tomorrow")),
        "bad-status": changed(booking("status", "maybe")),
        "name-number": changed(booking("name", 7)),
        "no-code": changed(lambda d: next(iter(d["bookings"].values())).pop("code")),
        "pin-salt": changed(lambda d: d["auth"]["1"].__setitem__("salt", "zz-not-hex")),
        "settings-hours": changed(
            lambda d: d.__setitem__(
                "settings",
                {"1": {"key": "library", "opening_hours": [{"weekday": 0, "open": "x"}]}},
            )
        ),
        "deep": changed(lambda d: next(iter(d["bookings"].values())).__setitem__("x", _deep(600))),
    }


BAD = [
    "schema-0",
    "schema-99",
    "schema-abc",
    "meta-list",
    "bookings-string",
    "row-not-object",
    "bad-start",
    "bad-status",
    "name-number",
    "no-code",
    "pin-salt",
    "settings-hours",
    "deep",
]


@pytest.mark.parametrize("kind", BAD)
def test_restore_refuses_a_file_that_would_not_load(
    kind: str, demo: Services, cli: Cli, tmp_path: Path
) -> None:
    bad = tmp_path / f"{kind}.json"
    bad.write_text(json.dumps(_bad_files(_good(demo))[kind]))
    before = demo.store.path.read_bytes()
    backups = demo.store.backups()

    rc, out, err = cli(demo.data_dir, "restore", str(bad), "--yes")

    assert rc == 2 and out is None
    assert err.count("\n") == 1 and "Traceback" not in err and str(bad) in err
    assert demo.store.path.read_bytes() == before  # nothing replaced
    assert demo.store.backups() == backups  # and no backup taken or rotated away
    rc, out, _ = cli(demo.data_dir, "bookings")
    assert rc == 0 and [b["code"] for b in out] == ["GOOD01"]


def test_the_console_restore_refuses_with_a_plain_message(demo: Services, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_bad_files(_good(demo))["bad-start"]))
    with pytest.raises(KioskError) as refused:
        demo.maintenance.restore(bad)
    assert "'bookings' row" in refused.value.message and "start" in refused.value.message


def test_a_good_file_restores_and_so_does_the_copy_it_replaced(
    demo: Services, cli: Cli, tmp_path: Path
) -> None:
    good = _good(demo)
    saved = tmp_path / "good.json"
    saved.write_text(json.dumps(good))
    put_booking(demo, code="LATER1", start=NOW, name="Jonas")
    current = demo.store.path.read_bytes()

    rc, out, _ = cli(demo.data_dir, "restore", str(saved), "--yes")
    assert rc == 0 and "before-restore" in out["saved_as"]
    assert [b["code"] for b in cli(demo.data_dir, "bookings")[1]] == ["GOOD01"]

    rc, _, _ = cli(demo.data_dir, "restore", out["saved_as"], "--yes")
    assert rc == 0 and demo.store.path.read_bytes() == current


def test_a_hand_broken_file_is_refused_at_start_and_restore_repairs_it(
    demo: Services, cli: Cli
) -> None:
    _good(demo)
    good_backup = demo.maintenance.backup()
    backups = demo.store.backups()
    demo.store.path.write_text(json.dumps({"meta": {"1": {"schema": 0}}}))

    for _ in range(12):  # a kiosk restarting over and over
        rc, _, err = cli(demo.data_dir, "bookings")
        assert rc == 3 and err.count("\n") == 1 and "Traceback" not in err
        assert str(demo.store.path) in err and str(good_backup) in err
    assert demo.store.backups() == backups  # failed starts write no backups

    rc, _, _ = cli(demo.data_dir, "restore", str(good_backup), "--yes")
    assert rc == 0
    rc, out, _ = cli(demo.data_dir, "bookings")
    assert rc == 0 and [b["code"] for b in out] == ["GOOD01"]


@pytest.mark.parametrize("meta", [{"1": {"schema": "abc"}}, {"1": {"schema": 0}}, [1], {"1": 5}])
def test_an_unusable_schema_is_refused_like_a_corrupt_file(demo: Services, meta: Any) -> None:
    good_backup = demo.maintenance.backup()
    data = json.loads(demo.store.path.read_text())
    data["meta"] = meta
    demo.store.path.write_text(json.dumps(data))
    with pytest.raises(CorruptDataFile) as refused:
        build_services(demo.data_dir, demo.clock)
    text = str(refused.value)
    assert "\n" not in text and str(demo.store.path) in text and str(good_backup) in text


def test_the_newest_good_backup_is_named_not_a_bad_one(demo: Services) -> None:
    good_backup = demo.maintenance.backup()
    demo.store.path.write_text('{"bookings": "x"}')
    demo.store.backup(reason="of-a-bad-file")
    with pytest.raises(CorruptDataFile) as refused:
        Store(demo.data_dir, check_rows=demo.store.check_rows).open()
    assert refused.value.backup == good_backup


def test_rotation_never_drops_the_last_good_backups(tmp_path: Path) -> None:
    store = Store(tmp_path, backups_keep=3).open()
    good = [store.backup() for _ in range(3)]
    store.path.write_text(json.dumps({"meta": {"1": {"schema": 0}}}))
    bad = [store.backup() for _ in range(6)]
    kept = store.backups()
    assert set(good) <= set(kept)
    assert kept[:3] == sorted(bad, reverse=True)[:3]  # the newest bad ones stay to look at
    assert len(kept) == 6


def test_backups_keep_follows_the_library_setting(demo: Services) -> None:
    settings = demo.catalog.settings()
    settings.backups_keep = 2
    demo.catalog.save_settings(settings)
    for _ in range(4):
        demo.maintenance.backup()
    assert len(demo.maintenance.backups()) == 2


def _break_migration(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("topics")

    current = schema_mod.SCHEMA_VERSION  # a file of today's version needs one more migration
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(schema_mod.MIGRATIONS, current, broken)


def test_a_failing_migration_writes_no_backup_however_often_it_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path).open()
    good = store.backup()
    before = store.path.read_bytes()
    _break_migration(monkeypatch)
    for _ in range(3):
        with pytest.raises(CorruptDataFile) as refused:
            Store(tmp_path).open()
        assert f"migration from schema version {schema_mod.SCHEMA_VERSION - 1} failed" in str(
            refused.value
        )
    assert store.backups() == [good] and store.path.read_bytes() == before


def test_a_migration_cut_short_after_its_backup_backs_up_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store(tmp_path).open()
    current = schema_mod.SCHEMA_VERSION
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(schema_mod.MIGRATIONS, current, lambda data: data)
    real_write = store_mod.write_json_atomic

    def full_disk(path: Path, data: dict[str, Any], sync_dir: bool = True) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_mod, "write_json_atomic", full_disk)
    for _ in range(3):
        with pytest.raises(OSError):
            Store(tmp_path).open()
    monkeypatch.setattr(store_mod, "write_json_atomic", real_write)
    store = Store(tmp_path).open()
    assert len([p for p in store.backups() if f"before-migration-v{current}" in p.name]) == 1
    with store.snapshot() as tx:
        assert tx.get_meta("schema") == current + 1


# -- what the values mean: a file that loads but would break the kiosk later --------------


def _first(data: dict[str, Any], table: str) -> dict[str, Any]:
    return next(iter(data[table].values()))


def _meaningless(good: dict[str, Any]) -> dict[str, tuple[dict[str, Any], tuple[str, ...]]]:
    """Files that pass every type check, each with what its refusal must name: the field,
    and the record (a booking's code, an e-scout's or a time's id)."""

    def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        data = json.loads(json.dumps(good))
        change(data)
        return data

    def setting(name: str, value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda d: _first(d, "settings").__setitem__(name, value)

    def far_booking(d: dict[str, Any]) -> None:
        _first(d, "bookings").update(
            start="9999-12-31T10:00:00+02:00", end="9999-12-31T10:30:00+02:00"
        )

    def row(table: str, doc: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
        return lambda d: d.setdefault(table, {}).__setitem__("99", doc)

    extra = {"id": "x9", "scout": "lukas", "kind": "extra", "start": "14:00", "end": "15:00"}
    return {
        # Every `kiosk slots` exited 1 and the kiosk's time screen failed.
        "horizon": (changed(setting("horizon_days", 1_000_000_000)), ("horizon_days", "1 to 90")),
        # The next purge erased the names of every future booking.
        "retention": (changed(setting("retention_days", -5)), ("retention_days", "1 to 365")),
        "backups-keep": (changed(setting("backups_keep", 0)), ("backups_keep",)),
        "idle": (changed(setting("idle_seconds", 1)), ("idle_seconds",)),
        "no-languages": (changed(setting("languages", [])), ("languages",)),
        "hours-backwards": (
            changed(setting("opening_hours", [{"weekday": 0, "open": "19:00", "close": "10:00"}])),
            ("end must be after the start",),
        ),
        # Every purge after it exited 1.
        "far-booking": (changed(far_booking), ("'GOOD01'", "start 9999-12-31")),
        "old-stamp": (
            changed(
                lambda d: _first(d, "bookings").__setitem__("created_at", "0001-01-01T00:00+00:00")
            ),
            ("'GOOD01'", "created_at"),
        ),
        "seats": (
            changed(lambda d: d["weekly"]["1"].__setitem__("seats", 1000)),
            ("seats", "'w1'"),
        ),
        "extra-seats": (
            changed(row("exceptions", {**extra, "date": "2026-11-27", "seats": 0})),
            ("seats", "'x9'"),
        ),
        "extra-date": (
            changed(row("exceptions", {**extra, "date": "9999-12-31"})),
            ("date 9999-12-31", "'x9'"),
        ),
        "closure": (
            changed(row("closures", {"id": "c9", "first": "2026-12-24", "last": "9999-12-31"})),
            ("last 9999-12-31", "'c9'"),
        ),
        "buffer": (
            changed(lambda d: _first(d, "scouts").__setitem__("buffer_minutes", 10**12)),
            ("buffer_minutes",),
        ),
    }


MEANINGLESS = [
    "horizon",
    "retention",
    "backups-keep",
    "idle",
    "no-languages",
    "hours-backwards",
    "far-booking",
    "old-stamp",
    "seats",
    "extra-seats",
    "extra-date",
    "closure",
    "buffer",
]


@pytest.mark.parametrize("kind", MEANINGLESS)
def test_restore_refuses_values_out_of_range_naming_the_field(
    kind: str, demo: Services, cli: Cli, tmp_path: Path
) -> None:
    data, named = _meaningless(_good(demo))[kind]
    bad = tmp_path / f"{kind}.json"
    bad.write_text(json.dumps(data))
    before = demo.store.path.read_bytes()
    backups = demo.store.backups()

    rc, out, err = cli(demo.data_dir, "restore", str(bad), "--yes")

    assert rc == 2 and out is None
    assert err.count("\n") == 1 and "Traceback" not in err and str(bad) in err
    assert all(word in err for word in named), err
    assert demo.store.path.read_bytes() == before  # the live data untouched
    assert demo.store.backups() == backups


@pytest.mark.parametrize("kind", MEANINGLESS)
def test_a_start_refuses_a_hand_edited_value_out_of_range(
    kind: str, demo: Services, cli: Cli
) -> None:
    good = _good(demo)
    good_backup = demo.maintenance.backup()
    data, named = _meaningless(good)[kind]
    demo.store.path.write_text(json.dumps(data))
    edited = demo.store.path.read_bytes()

    for command in (("slots", "--topic", "e-banking"), ("purge",), ("bookings",)):
        rc, out, err = cli(demo.data_dir, *command)
        assert rc == 3 and out is None, (command, err)
        assert err.count("\n") == 1 and "Traceback" not in err
        assert str(demo.store.path) in err and str(good_backup) in err
        assert all(word in err for word in named), err
    assert demo.store.path.read_bytes() == edited  # refused, never rewritten

    rc, _, _ = cli(demo.data_dir, "restore", str(good_backup), "--yes")
    assert rc == 0
    rc, out, _ = cli(demo.data_dir, "bookings")
    assert rc == 0 and [b["code"] for b in out] == ["GOOD01"]


def test_a_negative_retention_erases_nobody(demo: Services, cli: Cli) -> None:
    put_booking(demo, code="TOMORR", start=NOW + timedelta(days=1), name="Aldona")
    data = json.loads(demo.store.path.read_text())
    _first(data, "settings")["retention_days"] = -5
    demo.store.path.write_text(json.dumps(data))

    rc, _, err = cli(demo.data_dir, "purge")

    assert rc == 3 and "retention_days" in err
    stored = json.loads(demo.store.path.read_text())
    assert {b["code"]: b["name"] for b in stored["bookings"].values()}["TOMORR"] == "Aldona"


def test_the_app_writes_nothing_a_start_refuses(demo: Services) -> None:
    """Everything the services saved, a start reads back (the rules agree with the check)."""
    settings = demo.catalog.settings()
    for name, (low, high) in SETTING_RANGES.items():
        settings = demo.catalog.save_settings(replace(settings, **{name: high}))
        settings = demo.catalog.save_settings(replace(settings, **{name: low}))
    put_booking(demo, code="GOOD02", start=NOW + timedelta(days=3))
    build_services(demo.data_dir, demo.clock)  # raises if the start refused it
