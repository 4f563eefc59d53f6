"""``kiosk remind``: reminders, offers of freed times, shift texts and "sorry" texts, sent to
a real HTTP gateway on 127.0.0.1 (http.server in a thread), each once."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from kiosk.domain.clock import FixedClock
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.domain.reminders import SendStatus
from kiosk.messages.outbox import run
from kiosk.services import Services
from tests.conftest import NOW, put_settings

TOMORROW = NOW.date() + timedelta(days=1)
LIBRARY_PHONE = "+37052000000"
VISITOR = "+37061234567"


@dataclass
class Gateway:
    """What the local gateway received; ``fail`` makes it answer 500."""

    url: str
    bodies: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    fail: bool = False


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    state = Gateway("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers["Content-Length"])
            state.bodies.append(json.loads(self.rfile.read(length)))
            state.headers.append(dict(self.headers))
            self.send_response(500 if state.fail else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def library(demo: Services, gateway: Gateway) -> Services:
    put_settings(
        demo,
        sms_gateway_url=gateway.url,
        sms_gateway_token="s3cret",
        library_phone=LIBRARY_PHONE,
    )
    return demo


def _slots(services: Services, day: Any = TOMORROW, topic: str = "smartphone") -> list[Any]:
    return [s for s in services.booking.free_slots(topic) if s.start.date() == day]


def _later(services: Services) -> Any:
    """The first free time after tomorrow."""
    return next(s for s in services.booking.free_slots("smartphone") if s.start.date() > TOMORROW)


def _book(services: Services, slot: Any, name: str, remind: bool = True, **kw: Any) -> str:
    ticket = services.booking.book(
        "smartphone",
        slot.start,
        name,
        phone=kw.pop("phone", VISITOR),
        scout=slot.scout,
        remind=remind,
        **kw,
    )
    return ticket.booking.code


def _at(clock: Any, day: Any, hhmm: str) -> None:
    clock.current = datetime.fromisoformat(f"{day.isoformat()}T{hhmm}:00+02:00")


def test_one_sms_per_consenting_booking_of_tomorrow_none_twice_none_cancelled(
    library: Services, gateway: Gateway, clock: FixedClock
) -> None:
    slots = _slots(library)
    agreed = _book(library, slots[0], "Ona", phone="+37061111111")
    _book(library, slots[1], "Jonas", remind=False, phone="+37062222222")
    cancelled = _book(library, slots[2], "Petras", phone="+37063333333")
    library.booking.cancel(cancelled)
    later = _later(library)
    _book(library, later, "Rūta", phone="+37064444444")  # the day after: not yet

    _at(clock, NOW.date(), "17:59")
    assert run(library.remind).sent == [] and gateway.bodies == []
    _at(clock, NOW.date(), "18:00")
    first = run(library.remind)
    _at(clock, NOW.date(), "18:15")
    second = run(library.remind)

    assert [m["ref"] for m in first.sent] == [agreed] and second.sent == []
    assert [b["to"] for b in gateway.bodies] == ["+37061111111"]
    assert gateway.headers[0]["Authorization"] == "Bearer s3cret"
    text = gateway.bodies[0]["text"]
    assert agreed in text and "14:00" in text and "+370 5 200 0000" in text
    assert slots[0].place in text
    log = library.remind.log()
    assert [(r.ref, r.channel, r.status) for r in log] == [(agreed, "sms", "sent")]
    assert "text" not in log[0].to_dict() and VISITOR not in json.dumps(log[0].to_dict())


def test_a_booking_made_after_the_evening_before_is_reminded_hours_before(
    library: Services, gateway: Gateway, clock: FixedClock
) -> None:
    _at(clock, TOMORROW, "08:00")
    today = _slots(library)
    code = _book(library, today[0], "Ona")  # made the same morning
    clock.current = today[0].start - timedelta(hours=3, minutes=1)
    assert run(library.remind).sent == []
    clock.current = today[0].start - timedelta(hours=3)
    assert [m["ref"] for m in run(library.remind).sent] == [code]


def test_a_moved_booking_is_reminded_again_for_its_new_time_only(
    library: Services, gateway: Gateway, clock: FixedClock
) -> None:
    code = _book(library, _slots(library)[0], "Ona")
    _at(clock, NOW.date(), "18:00")
    run(library.remind)
    new_time = _later(library)
    library.booking.move(code, new_time.start, scout=new_time.scout)
    _at(clock, NOW.date(), "19:00")
    assert run(library.remind).sent == []  # not again for the old day, not yet the new
    _at(clock, new_time.start.date() - timedelta(days=1), "18:00")
    assert [m["ref"] for m in run(library.remind).sent] == [code]
    assert len(gateway.bodies) == 2
    assert new_time.start.strftime("%H:%M") in gateway.bodies[1]["text"]


def test_a_failed_send_is_tried_three_times_then_shown_to_the_librarian(
    library: Services, gateway: Gateway, clock: FixedClock
) -> None:
    code = _book(library, _slots(library)[0], "Ona")
    gateway.fail = True
    _at(clock, NOW.date(), "18:00")
    for _ in range(4):
        result = run(library.remind)
        clock.advance(minutes=15)
    assert len(gateway.bodies) == 3  # the fourth run tried no more
    assert result.failed == [] and result.sent == []
    [row] = library.remind.failed()
    assert (row.ref, row.attempts, row.status) == (code, 3, SendStatus.FAILED)
    assert "500" in row.error


def test_a_cancelled_time_offers_itself_once_to_the_first_consenting_waiting_entry(
    library: Services, gateway: Gateway, clock: FixedClock
) -> None:
    slot = _slots(library)[0]
    code = _book(library, slot, "Ona", remind=False)
    library.waitlist.add("smartphone", "Jonas", "+37062222222", "lt")  # no consent
    first = library.waitlist.add("smartphone", "Rūta", "+37063333333", "en", remind=True)
    library.waitlist.add("smartphone", "Petras", "+37064444444", "lt", remind=True)
    library.booking.cancel(code)  # a kiosk or the desk: no network
    assert gateway.bodies == []

    clock.advance(minutes=15)
    result = run(library.remind)
    run(library.remind)
    assert [(m["kind"], m["ref"]) for m in result.sent] == [("offer", first.id)]
    assert [b["to"] for b in gateway.bodies] == ["+37063333333"]
    text = gateway.bodies[0]["text"]
    assert "Smartphone basics" in text and slot.start.strftime("%H:%M") in text
    assert "kiosk" in text and "+370 5 200 0000" in text
    [offer] = library.remind.offers()
    assert offer.ref == first.id and offer.served_at is None
    library.waitlist.book_for(first.id, slot.start, scout=slot.scout)
    assert library.remind.offers()[0].served_at is not None


def test_a_new_extra_session_offers_its_first_time_to_the_first_consenting_waiting_entry(
    library: Services, gateway: Gateway, clock: FixedClock
) -> None:
    from kiosk.domain.models import DatedException, ExceptionKind

    day = NOW.date() + timedelta(days=2)
    scout = next(s for s in library.booking.scouts() if "email" in s.topics)
    library.waitlist.add("email", "Rūta", "+37063333333", "lt", remind=True)
    library.waitlist.add("smartphone", "Jonas", "+37062222222", "lt")  # no consent
    extra = DatedException(
        "x1", scout.id, day.isoformat(), ExceptionKind.EXTRA, "18:00", "19:00", "Skaitykla"
    )
    library.catalog.save_exception(extra)
    library.catalog.save_exception(extra)  # saved again unchanged: nothing new is free
    clock.advance(minutes=15)
    result = run(library.remind)
    assert [m["kind"] for m in result.sent] == ["offer"]
    assert [b["to"] for b in gateway.bodies] == ["+37063333333"]
    assert "18:00" in gateway.bodies[0]["text"]
    assert run(library.remind).sent == []


def test_a_freed_time_taken_again_before_the_run_is_offered_to_nobody(
    library: Services, gateway: Gateway
) -> None:
    slot = _slots(library)[0]
    code = _book(library, slot, "Ona", remind=False)
    library.waitlist.add("smartphone", "Rūta", "+37063333333", "lt", remind=True)
    library.booking.cancel(code)
    _book(library, slot, "Jonas", remind=False, phone="+37061111111")
    assert run(library.remind).sent == [] and gateway.bodies == []


def test_an_escout_who_agreed_gets_a_text_the_evening_before_each_shift(
    library: Services, gateway: Gateway, clock: FixedClock
) -> None:
    library.remind.set_scout_sms("ieva", "861234000", agree=True)
    library.remind.set_scout_sms("lukas", "861234001", agree=False)
    shifts = library.scout_day.shifts("ieva", TOMORROW)
    assert shifts
    _at(clock, NOW.date(), "18:00")
    result = run(library.remind)
    run(library.remind)
    assert [m["kind"] for m in result.sent] == ["shift"] * len(shifts)
    assert {b["to"] for b in gateway.bodies} == {"+37061234000"}
    assert shifts[0].place in gateway.bodies[0]["text"]
    with pytest.raises(ValidationError):
        library.remind.set_scout_sms("gabija", None, agree=True)  # no phone on record


def test_the_sorry_text_is_queued_from_the_call_list_and_clears_the_call_once_sent(
    library: Services, gateway: Gateway, clock: FixedClock
) -> None:
    slots = _slots(library)
    code = _book(library, slots[0], "Ona")
    library.booking.move(code, slots[1].start, scout=slots[1].scout)  # "to call" now
    library.remind.queue_sorry(code)
    library.remind.queue_sorry(code)  # a second press queues nothing more
    result = run(library.remind)
    run(library.remind)
    assert [(m["kind"], m["ref"]) for m in result.sent] == [("sorry", code)]
    assert len(gateway.bodies) == 1 and code in gateway.bodies[0]["text"]
    # The time the visitor was given, not the one it moved to.
    assert slots[0].start.strftime("%H:%M") in gateway.bodies[0]["text"]
    assert library.booking.lookup(code).to_call is None
    assert library.booking.lookup(code).calls[-1]["how"] == "other_way"
    other = _book(library, slots[2], "Jonas", remind=False, phone="+37062222222")
    library.booking.move(other, slots[3].start, scout=slots[3].scout)
    with pytest.raises(KioskError) as refused:
        library.remind.queue_sorry(other)
    assert refused.value.code == "no_message_consent"


def test_dry_run_lists_the_texts_and_sends_and_keeps_nothing(
    library: Services, gateway: Gateway, clock: FixedClock
) -> None:
    code = _book(library, _slots(library)[0], "Ona", language="en")
    _at(clock, NOW.date(), "18:00")
    dry = run(library.remind, dry_run=True).to_dict()
    assert dry["dry_run"] is True and gateway.bodies == [] and library.remind.log() == []
    [item] = dry["would_send"]
    assert item["ref"] == code and item["text"].startswith("Reminder:")
    assert item["parts"] == 1 and item["encoding"] == "gsm7"
    assert [m["ref"] for m in run(library.remind).sent] == [code]


def test_the_retention_purge_erases_the_consent_and_the_address(
    library: Services, clock: FixedClock
) -> None:
    code = _book(library, _slots(library)[0], "Ona", email="ona@example.lt")
    clock.advance(days=40)
    library.retention.purge()
    erased = library.booking.lookup(code)
    assert (erased.phone, erased.email, erased.remind, erased.name) == (None, None, False, "")


def test_consent_needs_a_phone_or_an_address(library: Services) -> None:
    slot = _slots(library)[0]
    with pytest.raises(ValidationError) as refused:
        _book(library, slot, "Ona", phone=None)
    assert refused.value.code == "remind_needs_contact"
    with pytest.raises(ValidationError):
        _book(library, slot, "Ona", phone=None, email="not an address")
    assert _book(library, slot, "Ona", phone=None, email="ona@example.lt")


# -- the command line ------------------------------------------------------------------------


def _one_line(result: tuple[int, object, str]) -> str:
    rc, out, err = result
    assert rc == 2 and out is None and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_cli_book_remind_needs_a_phone_and_remind_needs_the_gateway(cli, gateway) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed-demo")[0] == 0
    rc, slots, _ = cli("slots", "--topic", "smartphone", "--date", TOMORROW.isoformat())
    start = slots[0]["start"]  # type: ignore[index]
    err = _one_line(
        cli("book", "--topic", "smartphone", "--start", start, "--name", "Ona", "--remind")
    )
    assert "--phone" in err
    rc, booked, _ = cli(
        "book",
        "--topic",
        "smartphone",
        "--start",
        start,
        "--name",
        "Ona",
        "--phone",
        "861234567",
        "--remind",
    )
    assert rc == 0 and booked["remind"] is True  # type: ignore[index]
    assert cli("remind")[:2] == (0, {"dry_run": False, "sent": [], "failed": []})  # not yet due

    evening = f"{NOW.date().isoformat()}T18:00:00+02:00"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KIOSK_NOW", evening)
        err = _one_line(cli("remind"))
        assert "sms_gateway_url" in err and "library_phone" in err
        assert cli("config", "set", "sms_gateway_url", gateway.url)[0] == 0
        assert cli("config", "set", "library_phone", "852000000")[0] == 0
        assert cli("config", "set", "sms_gateway_token", "s3cret")[:2] == (
            0,
            {"sms_gateway_token": "***"},
        )
        _one_line(cli("config", "set", "sms_body_template", '{"to": "{to}"}'))
        _one_line(cli("config", "set", "sms_gateway_url", "ftp://x"))
        _one_line(cli("config", "set", "remind_at", "25:00"))
        rc, dry, _ = cli("remind", "--dry-run")
        assert rc == 0 and len(dry["would_send"]) == 1 and gateway.bodies == []  # type: ignore[index]
        rc, sent, _ = cli("remind")
        assert rc == 0 and [m["ref"] for m in sent["sent"]] == [booked["code"]]  # type: ignore[index]
        assert cli("remind")[1]["sent"] == []  # type: ignore[index]
        rc, log, _ = cli("remind", "log")
        assert [(r["ref"], r["status"]) for r in log] == [(booked["code"], "sent")]  # type: ignore[index]
    assert gateway.headers[0]["Authorization"] == "Bearer s3cret"
