"""The waiting list: who waits for a topic, oldest first; it expires like any personal data."""

from __future__ import annotations

import json

import pytest

from kiosk.domain.clock import FixedClock
from kiosk.domain.errors import NotFound, ValidationError
from kiosk.domain.models import Source
from kiosk.services import Services
from tests.conftest import NOW


def test_add_list_oldest_first_and_remove(demo: Services, clock: FixedClock) -> None:
    first = demo.waitlist.add("smart-id", "Ona", "8 612 34567", "lt")
    clock.advance(minutes=5)
    second = demo.waitlist.add("smart-id", "olena", None, "uk")
    demo.waitlist.add("e-health", "Jonas")
    assert [e.id for e in demo.waitlist.entries("smart-id")] == [first.id, second.id]
    assert first.phone == "+37061234567" and second.name == "olena"  # kept as typed
    assert len(demo.waitlist.entries()) == 3
    demo.waitlist.remove(first.id)
    assert [e.id for e in demo.waitlist.entries("smart-id")] == [second.id]
    with pytest.raises(NotFound):
        demo.waitlist.remove(first.id)


def test_bad_input_is_refused(demo: Services) -> None:
    with pytest.raises(ValidationError):
        demo.waitlist.add("smart-id", "<b>Ona</b>")
    with pytest.raises(ValidationError):
        demo.waitlist.add("smart-id", "Ona", "12")
    with pytest.raises(NotFound):
        demo.waitlist.add("no-such-topic", "Ona")


def test_entries_expire_and_are_erased_from_the_file(demo: Services, clock: FixedClock) -> None:
    entry = demo.waitlist.add("smart-id", "Ona", "+37061234567")
    clock.advance(days=demo.booking.settings().waitlist_days)
    assert demo.waitlist.entries() == []
    raw = (demo.data_dir / "kiosk.json").read_text(encoding="utf-8")
    assert entry.id not in raw and "+37061234567" not in raw


def test_the_console_sees_who_waits_when_times_are_free(demo: Services) -> None:
    entry = demo.waitlist.add("smart-id", "Ona", "+37061234567", "en")
    [waiting] = demo.waitlist.waiting_with_free_times()
    assert waiting.topic == "smart-id" and waiting.entries == [entry] and waiting.free_times > 0
    slot = demo.booking.first_free("smart-id")
    assert slot is not None
    ticket = demo.waitlist.book_for(entry.id, slot.start, slot.scout)
    assert ticket.booking.name == "Ona" and ticket.booking.language == "en"
    assert ticket.booking.source == Source.LIBRARIAN
    assert demo.waitlist.entries() == []


def test_waitlist_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    monkeypatch.setenv("KIOSK_NOW", NOW.isoformat())
    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "seed-demo"]) == 0
    capsys.readouterr()
    args = ["--data-dir", data, "waitlist", "add", "--topic", "smart-id", "--name", "Ona"]
    assert main([*args, "--phone", "861234567", "--lang", "pl"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["language"] == "pl" and added["phone"] == "+37061234567"
    assert main(["--data-dir", data, "waitlist", "--topic", "smart-id"]) == 0
    assert [e["id"] for e in json.loads(capsys.readouterr().out)] == [added["id"]]
    assert main(["--data-dir", data, "waitlist", "remove", added["id"]]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "waitlist", "remove", added["id"]]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["--data-dir", data, "waitlist"]) == 0
    assert json.loads(capsys.readouterr().out) == []
