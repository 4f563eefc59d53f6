"""Backups rotate; a restore puts one back; processes see each other's writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db import Store, StoreError
from db import schema as schema_mod
from db import store as store_mod
from kiosk.services import build_services


def test_backups_rotate_keeping_the_newest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path, backups_keep=3).open()
    made = []
    for n in range(5):
        with store.transaction() as tx:
            tx.insert("notes", {"n": n})
        made.append(store.backup())
    kept = store.backups()
    assert kept == sorted(made[-3:], reverse=True)
    assert all(p.is_file() for p in kept) and not any(p.is_file() for p in made[:2])
    assert json.loads(kept[0].read_text())["notes"]  # a whole, parseable copy


def test_a_backup_is_taken_automatically_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path).open()
    with store.transaction() as tx:
        tx.insert("notes", {"n": 1})
    assert len(store.backups()) == 1  # the first write after start backs up the old file
    with store.transaction() as tx:
        tx.insert("notes", {"n": 2})
    assert len(store.backups()) == 1  # not again within the hour
    monkeypatch.setattr(store_mod, "BACKUP_INTERVAL_S", 0.0)
    with store.transaction() as tx:
        tx.insert("notes", {"n": 3})
    assert len(store.backups()) == 2


def test_restore_brings_back_a_backup_and_keeps_the_current_file(tmp_path: Path, clock) -> None:
    services = build_services(tmp_path, clock)
    services.catalog.save_settings(services.catalog.settings())
    backup = services.store.backup()
    with services.store.transaction() as tx:
        tx.insert("notes", {"after": True})
    services.store.restore(backup)
    with services.store.snapshot() as tx:
        assert tx.all("notes") == []
    assert any("before-restore" in p.name for p in services.store.backups())


def test_restore_refuses_a_file_that_does_not_parse(tmp_path: Path) -> None:
    store = Store(tmp_path / "d").open()
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(StoreError):
        store.restore(bad)


def test_each_process_sees_what_another_wrote(tmp_path: Path) -> None:
    one, two = Store(tmp_path).open(), Store(tmp_path).open()
    with two.snapshot() as tx:
        assert tx.all("notes") == []  # two has now cached the file
    with one.transaction() as tx:
        tx.insert("notes", {"from": "one"})
    with two.snapshot() as tx:
        assert tx.all("notes") == [{"from": "one"}]
    with two.transaction() as tx:
        tx.insert("notes", {"from": "two"})
    with one.transaction() as tx:
        assert [d["from"] for d in tx.all("notes")] == ["one", "two"]


def test_a_failed_transaction_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path).open()
    before = store.path.read_bytes()
    with pytest.raises(ZeroDivisionError), store.transaction() as tx:
        tx.insert("notes", {"n": 1})
        1 / 0  # noqa: B018
    assert store.path.read_bytes() == before
    with store.snapshot() as tx:
        assert tx.all("notes") == []


def test_a_snapshot_cannot_write(tmp_path: Path) -> None:
    store = Store(tmp_path).open()
    with store.snapshot() as tx, pytest.raises(RuntimeError):
        tx.insert("notes", {"n": 1})


def test_backups_mirror_the_archive_month_files(tmp_path: Path, clock) -> None:
    from datetime import timedelta

    from tests.unit.test_archive import make_history

    store = build_services(tmp_path, clock).store
    make_history(store, 40, clock.now() - timedelta(days=200))
    assert store.archive_history(clock.now() - timedelta(days=100)) > 0
    store.backup()
    mirror = store.backup_dir / "archive"
    months = store.archived_months()
    assert sorted(p.name for p in mirror.glob("*.json")) == [
        store.history.month_path(m).name for m in months
    ]
    for m in months:
        assert (mirror / store.history.month_path(m).name).read_bytes() == (
            store.history.month_path(m).read_bytes()
        )


def test_an_older_file_is_backed_up_then_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path).open()
    with store.transaction() as tx:
        tx.insert("topics", {"slug": "email", "name": "El. paštas"})
    before = store.path.read_bytes()

    def v1_to_v2(data: dict) -> dict:
        # e.g. a topic's single name becomes names per language
        for doc in data.get("topics", {}).values():
            doc["names"] = {"lt": doc.pop("name")}
        return data

    current = schema_mod.SCHEMA_VERSION
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(schema_mod.MIGRATIONS, current, v1_to_v2)
    migrated = Store(tmp_path).open()
    with migrated.snapshot() as tx:
        assert tx.all("topics") == [{"slug": "email", "names": {"lt": "El. paštas"}}]
        assert tx.get_meta("schema") == current + 1
    saved = [p for p in migrated.backups() if f"before-migration-v{current}" in p.name]
    assert len(saved) == 1 and saved[0].read_bytes() == before
    Store(tmp_path).open()  # opening again changes nothing more
    assert len([p for p in migrated.backups() if "before-migration" in p.name]) == 1


def test_a_backup_name_comes_from_one_clock_reading() -> None:
    from db.backups import backup_name

    # 1 ns before a second ends: two separate readings could mix two seconds in one name.
    ns = 1_795_600_000 * 10**9 + 999_999_999
    assert backup_name("manual", ns) == "kiosk-20261125T094640-999999999-manual.json"


def test_the_console_polls_changes_through_the_maintenance_service(services) -> None:
    before = services.maintenance.identity()
    with services.store.transaction() as tx:
        tx.insert("notes", {"n": 1})
    assert services.maintenance.identity() not in (None, before)


def test_each_backup_is_judged_once_not_by_every_process(tmp_path: Path) -> None:
    judged: list[str] = []

    def check_rows(data: dict) -> None:
        judged.append("x")

    store = Store(tmp_path, backups_keep=3, check_rows=check_rows).open()
    for _ in range(5):
        store.backup()
    first = len(judged)
    assert 0 < first <= 5  # one new backup judged per rotation, the others remembered
    other = Store(tmp_path, backups_keep=3, check_rows=check_rows).open()
    other.backup()
    assert len(judged) == first + 1  # only the new one: the rest came from checked.json
