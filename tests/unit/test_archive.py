"""The hot/archive split: closed history moves out of kiosk.json and is still found everywhere."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from db import CorruptArchiveFile, Store, StoreError
from db.history import History
from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.errors import Conflict
from kiosk.domain.records import BOOKINGS
from kiosk.domain.tickets import VerifyResult, new_code, new_token, token_hash
from kiosk.services import Services, build_services

STATUSES = ["done", "no_show", "cancelled", "done", "done"]


def make_history(store: Store, count: int, first: datetime, seed: int = 1) -> dict[str, dict]:
    """``count`` closed bookings, one every 7 hours from ``first``; returns them by id.

    Also returns each token under ``_token`` in the result (not stored)."""
    rnd = random.Random(seed)
    made: dict[str, dict] = {}
    with store.transaction() as tx:
        for n in range(count):
            start = first + timedelta(hours=7 * n)
            token = new_token()
            doc = {
                "id": f"hist{seed}-{n:06d}",
                "code": new_code(),
                "token_hash": token_hash(token),
                "topic": "email",
                "scout": rnd.choice(["ieva", "matas", "austeja"]),
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=30)).isoformat(),
                "place": "Skaitykla",
                "name": "",
                "phone": None,
                "language": "lt",
                "status": STATUSES[n % len(STATUSES)],
                "source": "kiosk",
                "created_at": (start - timedelta(days=2)).isoformat(),
            }
            tx.insert(BOOKINGS, doc)
            made[doc["id"]] = {**doc, "_token": token}
    return made


def hot_ids(store: Store) -> set[str]:
    with store.snapshot() as tx:
        return {d["id"] for d in tx.all(BOOKINGS)}


def history_ids(store: Store) -> list[str]:
    return [d["id"] for d in store.iter_history()]


def test_moved_bookings_are_found_by_code_token_results_and_export(demo: Services, clock) -> None:
    booking = demo.booking
    slots = booking.free_slots("email")
    done = booking.book("email", slots[0].start, "Ona", "+37060000001")
    cancelled = booking.book("email", slots[1].start, "Petras")
    no_show = booking.book("email", slots[2].start, "Jonas")
    kept = booking.book("email", slots[3].start, "Aldona")  # stays booked (open)
    clock.advance(days=1)
    demo.desk.mark_done(done.booking.code)
    booking.cancel(cancelled.booking.code)
    demo.desk.mark_no_show(no_show.booking.code)
    clock.advance(days=60)

    moved = demo.store.archive_history(clock.now() - timedelta(days=37))
    assert moved == 3
    assert hot_ids(demo.store) == {kept.booking.id}  # open bookings are never archived
    assert demo.store.archived_months() == [slots[0].start.strftime("%Y-%m")]

    # Look-up and check-in find archived bookings and answer with the right reason.
    assert booking.lookup(done.booking.code.lower()).status == "done"
    assert demo.arrivals.check_in(done.token).result is VerifyResult.ALREADY_CLOSED
    assert demo.arrivals.check_in(no_show.booking.code).result is VerifyResult.ALREADY_CLOSED
    assert demo.arrivals.check_in(cancelled.token).result is VerifyResult.CANCELLED
    assert demo.arrivals.verify(new_token()).result is VerifyResult.FORGED
    assert demo.arrivals.verify("ACDEFG").result is VerifyResult.UNKNOWN
    with pytest.raises(Conflict):
        booking.cancel(done.booking.code)  # a closed booking, not an unknown code
    with pytest.raises(Conflict):
        demo.arrivals.reissue_ticket(no_show.booking.code)

    # Results and export (BookingService.bookings) still see all history, exactly once.
    every = booking.bookings()
    assert sorted(b.code for b in every) == sorted(
        t.booking.code for t in (done, cancelled, no_show, kept)
    )
    assert [b.code for b in booking.bookings(day=slots[0].start.date(), status="done")] == [
        done.booking.code
    ]
    assert [b.code for b in booking.bookings(status="booked")] == [kept.booking.code]
    assert sorted(history_ids(demo.store)) == sorted(b.id for b in every)


def test_new_codes_are_unique_across_the_history(demo: Services, clock, monkeypatch) -> None:
    made = make_history(demo.store, 20, clock.now() - timedelta(days=200))
    demo.store.archive_history(clock.now() - timedelta(days=37))
    archived_code = next(iter(made.values()))["code"]
    codes = iter([archived_code, "XYXYXY"])
    monkeypatch.setattr("kiosk.domain.booking.new_code", lambda: next(codes))
    slot = demo.booking.free_slots("email")[0]
    assert demo.booking.book("email", slot.start, "Ona").booking.code == "XYXYXY"


def test_nothing_lost_or_duplicated_across_moves(services: Services, clock) -> None:
    store = services.store
    made = make_history(store, 400, clock.now() - timedelta(days=150))
    cutoffs = [clock.now() - timedelta(days=d) for d in (120, 90, 90, 60, 37)]
    for cutoff in cutoffs:
        store.archive_history(cutoff)
        ids = history_ids(store)
        assert Counter(ids) == Counter(list(made))  # every booking exactly once
    with store.snapshot() as tx:
        for doc in random.Random(3).sample(list(made.values()), 25):
            assert tx.find_booking(code=doc["code"])["id"] == doc["id"]
            assert tx.find_booking(token_hash=doc["token_hash"])["id"] == doc["id"]
    archived = {d["id"]: d for d in store.iter_history()}
    for key, doc in made.items():
        assert archived[key] == {k: v for k, v in doc.items() if k != "_token"}


@pytest.mark.parametrize("step", ["write_index", "drop_from_hot"])
def test_a_move_cut_short_neither_loses_nor_duplicates(
    services: Services, clock, monkeypatch, step: str
) -> None:
    store = services.store
    made = make_history(store, 120, clock.now() - timedelta(days=120))
    cutoff = clock.now() - timedelta(days=37)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed between the archive write and the hot rewrite")

    if step == "write_index":
        monkeypatch.setattr(History, "write_index", crash)
    else:
        monkeypatch.setattr(Store, "_drop_from_hot", crash)
    with pytest.raises(KeyboardInterrupt):
        store.archive_history(cutoff)
    monkeypatch.undo()

    # A fresh process: every booking is found once, from the hot copy where both exist.
    other = Store(store.data_dir)
    assert Counter(history_ids(other)) == Counter(list(made))
    doc = next(iter(made.values()))
    with other.snapshot() as tx:
        assert tx.find_booking(code=doc["code"])["id"] == doc["id"]
    # Opening finishes the move that pending.json records.
    other.open()
    assert not (store.data_dir / "archive" / "pending.json").exists()
    assert Counter(history_ids(other)) == Counter(list(made))
    moved = [d for d in made.values() if datetime.fromisoformat(d["start"]) < cutoff]
    assert moved and not {d["id"] for d in moved} & hot_ids(other)
    with other.snapshot() as tx:
        for d in moved[:10]:
            assert tx.find_booking(token_hash=d["token_hash"])["id"] == d["id"]


MOVER = """
import sys, time
from datetime import datetime
import db.history, db.store
from db import Store

# Widen the window: every durable write in the move takes 15 ms longer, so a kill at a
# random moment lands inside the move instead of racing a fast machine.
def slow(write):
    def wrapper(*args, **kwargs):
        time.sleep(0.015)
        return write(*args, **kwargs)
    return wrapper

db.history.write_json_atomic = slow(db.history.write_json_atomic)
db.store.write_json_atomic = slow(db.store.write_json_atomic)
store = Store(sys.argv[1]).open()
print("opened", flush=True)
store.archive_history(datetime.fromisoformat(sys.argv[2]))
print("done", flush=True)
"""


@pytest.mark.slow
def test_sigkill_during_a_move_loses_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = Store(data_dir).open()
    now = datetime(2026, 11, 24, 9, 0, tzinfo=TZ)
    made = make_history(store, 2500, now - timedelta(days=800))
    cutoffs = [now - timedelta(days=d) for d in (600, 450, 300, 150, 37)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    rnd = random.Random(5)
    kills = 0
    for cutoff in cutoffs:
        proc = subprocess.Popen(
            [sys.executable, "-c", MOVER, str(data_dir), cutoff.isoformat()],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "opened"
        time.sleep(rnd.uniform(0.0, 0.1))
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait(timeout=30)
        kills += proc.returncode == -signal.SIGKILL and "done" not in rest
        # After each kill: a reader sees every booking exactly once, unchanged.
        reader = Store(data_dir)
        docs = list(reader.iter_history())
        assert Counter(d["id"] for d in docs) == Counter(list(made))
        reader.open()  # finishes an interrupted move
        assert Counter(history_ids(reader)) == Counter(list(made))
    assert kills >= 3, f"only {kills} of {len(cutoffs)} kills landed inside a move"
    final = Store(data_dir).open()
    final.archive_history(cutoffs[-1])
    assert Counter(history_ids(final)) == Counter(list(made))
    left = {d["id"] for d in made.values() if datetime.fromisoformat(d["start"]) >= cutoffs[-1]}
    assert hot_ids(final) == left


def test_a_corrupt_archive_file_is_refused_and_never_overwritten(services: Services, clock) -> None:
    store = services.store
    made = make_history(store, 60, clock.now() - timedelta(days=120))
    store.archive_history(clock.now() - timedelta(days=110))  # part of the last month
    month = store.archived_months()[-1]
    path = store.history.month_path(month)
    path.write_bytes(b'{"bookings": {"1": {"id": ')
    victim = next(d for d in made.values() if d["start"].startswith(month))

    other = build_services(store.data_dir, FixedClock(clock.now()))
    with pytest.raises(CorruptArchiveFile) as err:
        other.booking.lookup(victim["code"])
    assert str(path) in str(err.value) and isinstance(err.value, StoreError)
    with pytest.raises(StoreError):
        other.store.archive_history(clock.now() - timedelta(days=37))
    assert path.read_bytes() == b'{"bookings": {"1": {"id": '
    with other.store.snapshot() as tx:  # what could not move stayed in the hot file
        assert any(d["start"].startswith(month) for d in tx.all(BOOKINGS))


def test_rewrite_archived_changes_one_month_atomically(services: Services, clock) -> None:
    store = services.store
    made = make_history(store, 30, clock.now() - timedelta(days=100))
    with store.transaction() as tx:
        tx.update(BOOKINGS, {"name": "Ona"}, id=next(iter(made)))
    store.archive_history(clock.now() - timedelta(days=37))
    month = store.archived_months()[0]

    def erase(doc: dict) -> dict | None:
        return {**doc, "name": "", "erased_at": "x"} if doc["name"] else None

    assert store.rewrite_archived(month, erase) == 1
    assert not [d for d in store.iter_history() if d["name"]]
    assert Counter(history_ids(store)) == Counter(list(made))
