"""The hot file's in-memory index answers exactly what a scan of the table would."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tinydb import TinyDB

from db import Store
from kiosk.domain.clock import TZ

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=TZ)


def doc(n: int, status: str = "booked", hours: float = 0.0) -> dict:
    start = T0 + timedelta(hours=hours)
    return {
        "id": f"id{n}",
        "code": f"C{n:05d}",
        "token_hash": f"{n:064x}",
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=30)).isoformat(),
        "status": status,
        "name": f"N{n}",
    }


def scan(tx, **equals) -> list[dict]:
    return [d for d in tx.all("bookings") if all(d.get(k) == v for k, v in equals.items())]


def check_consistent(store: Store) -> None:
    with store.snapshot() as tx:
        docs = tx.all("bookings")
        for d in docs:
            for key in ("id", "code", "token_hash"):
                assert tx.get("bookings", **{key: d[key]}) == d
                assert tx.find("bookings", **{key: d[key]}) == [d]
        assert tx.get("bookings", code="nope") is None
        for hours in (-50, 0, 3.2, 40):
            moment = T0 + timedelta(hours=hours)
            want = sorted(d["id"] for d in docs if datetime.fromisoformat(d["end"]) > moment)
            assert sorted(d["id"] for d in tx.bookings_ending_after(moment)) == want


def test_index_follows_inserts_updates_and_generic_writes(tmp_path: Path) -> None:
    store = Store(tmp_path).open()
    rnd = random.Random(1)
    with store.transaction() as tx:
        for n in range(50):
            tx.insert("bookings", doc(n, hours=rnd.uniform(-48, 48)))
        # Visible inside the same transaction.
        assert tx.get("bookings", code="C00007")["id"] == "id7"
    check_consistent(store)
    with store.transaction() as tx:
        tx.update("bookings", {"status": "done"}, code="C00003")
        tx.update("bookings", {"token_hash": "f" * 64}, id="id4")
        tx.update("bookings", {"end": (T0 + timedelta(days=9)).isoformat()}, id="id5")
        tx.update("bookings", {"name": "X"}, status="booked", name="N6")  # generic path
        tx.remove("bookings", id="id8")  # generic path
        tx.insert("bookings", doc(99, hours=5))
        assert tx.get("bookings", token_hash="f" * 64)["id"] == "id4"
        assert tx.get("bookings", token_hash=f"{4:064x}") is None
        assert tx.get("bookings", id="id8") is None
    check_consistent(store)
    with store.snapshot() as tx:
        assert tx.get("bookings", code="C00003")["status"] == "done"
        assert tx.get("bookings", id="id6")["name"] == "X"
        assert len(tx.all("bookings")) == 50
        assert len({d["id"] for d in tx.all("bookings")}) == 50
    with store.transaction() as tx:
        tx.upsert("bookings", {**doc(7), "name": "Up"}, id="id7")
        tx.upsert("bookings", doc(100), id="id100")
    with store.snapshot() as tx:
        assert tx.get("bookings", id="id7")["name"] == "Up"
        assert tx.get("bookings", code="C00100") is not None
    check_consistent(store)


def test_an_aborted_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    store = Store(tmp_path).open()
    with store.transaction() as tx:
        tx.insert("bookings", doc(1))
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.insert("bookings", doc(2))
        tx.update("bookings", {"status": "cancelled"}, id="id1")
        raise RuntimeError("refused")
    with store.snapshot() as tx:
        assert [d["id"] for d in tx.all("bookings")] == ["id1"]
        assert tx.get("bookings", id="id1")["status"] == "booked"
        assert tx.get("bookings", code="C00002") is None
    check_consistent(store)


def test_a_snapshot_is_not_changed_by_a_later_commit(tmp_path: Path) -> None:
    store = Store(tmp_path).open()
    with store.transaction() as tx:
        tx.insert("bookings", doc(1))
    with store.snapshot() as before:
        with store.transaction() as tx:
            tx.insert("bookings", doc(2))
            tx.update("bookings", {"status": "done"}, id="id1")
        assert [d["status"] for d in before.all("bookings")] == ["booked"]
        assert before.get("bookings", code="C00002") is None


def test_another_process_writes_are_seen_through_the_index(tmp_path: Path) -> None:
    one, two = Store(tmp_path).open(), Store(tmp_path).open()
    with one.transaction() as tx:
        tx.insert("bookings", doc(1))
    with two.snapshot() as tx:
        assert tx.get("bookings", code="C00001") is not None  # two builds its index
    with one.transaction() as tx:
        tx.update("bookings", {"status": "checked_in"}, code="C00001")
        tx.insert("bookings", doc(2))
    with two.snapshot() as tx:
        assert tx.get("bookings", code="C00001")["status"] == "checked_in"
        assert tx.get("bookings", code="C00002") is not None
    with two.transaction() as tx:  # next doc id follows the other process's inserts
        tx.insert("bookings", doc(3))
    with one.snapshot() as tx:
        assert len(tx.all("bookings")) == 3
    check_consistent(one)


def test_the_file_stays_a_plain_tinydb_file(tmp_path: Path) -> None:
    store = Store(tmp_path).open()
    with store.transaction() as tx:
        tx.insert("bookings", {**doc(1), "name": "Žydrūnė"})
        tx.insert("bookings", doc(2))
    plain = TinyDB(store.path)
    try:
        names = sorted(d["name"] for d in plain.table("bookings").all())
        assert names == ["N2", "Žydrūnė"]
        assert sorted(d.doc_id for d in plain.table("bookings").all()) == [1, 2]
    finally:
        plain.close()
    assert "Žydrūnė".encode() in store.path.read_bytes()  # UTF-8, not \\u escapes
