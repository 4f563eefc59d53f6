"""Booking rules through BookingService on a real (temporary) data dir."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.clock import TZ
from kiosk.domain.errors import Conflict, NotFound, ValidationError
from kiosk.domain.models import BookingStatus, Slot, Source
from kiosk.domain.ticket_content import language_note
from kiosk.domain.tickets import VerifyResult, is_code, token_hash
from kiosk.i18n import Translator
from kiosk.services import Services

TUESDAY = date(2026, 11, 24)


def slot_at(demo: Services, topic: str, day: date, hhmm: str):
    wanted = datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=TZ)
    return next(
        s for s in demo.booking.free_slots(topic, first_day=day, days=1) if s.start == wanted
    )


def test_book_returns_code_and_token_and_stores_only_the_hash(demo: Services) -> None:
    slot = slot_at(demo, "e-banking", TUESDAY, "15:00")
    ticket = demo.booking.book("e-banking", slot.start, "Ona", "8 612 34567")
    b = ticket.booking
    assert is_code(b.code) and b.status == "booked" and b.scout == "lukas"
    assert b.place == "Kompiuterių klasė" and b.phone == "+37061234567"
    assert b.created_at == "2026-11-24T09:00:00+02:00"
    raw = demo.store.path.read_text(encoding="utf-8")
    assert ticket.token not in raw and token_hash(ticket.token) in raw
    assert demo.booking.lookup(b.code.lower()) == b


def test_a_booked_time_is_no_longer_offered_and_cannot_be_booked_twice(demo: Services) -> None:
    slot = slot_at(demo, "e-banking", TUESDAY, "15:00")
    demo.booking.book("e-banking", slot.start, "Ona")
    assert slot.start not in {
        s.start for s in demo.booking.free_slots("e-banking") if s.scout == "lukas"
    }
    with pytest.raises(Conflict) as info:
        demo.booking.book("e-banking", slot.start, "Petras", scout="lukas")
    assert info.value.code == "slot_taken"


def test_the_time_is_free_again_after_cancel(demo: Services) -> None:
    slot = slot_at(demo, "e-banking", TUESDAY, "15:00")
    booking = demo.booking.book("e-banking", slot.start, "Ona").booking
    cancelled = demo.booking.cancel(booking.code)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at
    assert demo.booking.book("e-banking", slot.start, "Petras").booking.scout == "lukas"
    with pytest.raises(Conflict):
        demo.booking.cancel(booking.code)


def test_visitor_limit_counts_future_open_bookings_of_same_name_and_phone(demo: Services) -> None:
    slots = demo.booking.free_slots("e-banking")
    demo.booking.book("e-banking", slots[0].start, "Ona", "861234567")
    demo.booking.book("e-banking", slots[1].start, "ONA", "+37061234567")
    with pytest.raises(Conflict) as info:
        demo.booking.book("e-banking", slots[2].start, "ona", "+370 612 34567")
    assert info.value.code == "too_many_bookings"
    # Another phone is another visitor.
    demo.booking.book("e-banking", slots[2].start, "Ona", "+37061234568")


def test_the_limit_can_be_checked_before_a_time_is_confirmed(demo: Services) -> None:
    slots = demo.booking.free_slots("e-banking")
    demo.booking.check_room("Ona", "861234567")  # room for one more: no refusal
    demo.booking.book("e-banking", slots[0].start, "Ona", "861234567")
    demo.booking.book("e-banking", slots[1].start, "Ona", "861234567")
    with pytest.raises(Conflict) as info:
        demo.booking.check_room(" ona ", "+370 612 34567")
    assert info.value.code == "too_many_bookings"
    demo.booking.check_room("Ona", None)  # without the phone: another visitor


def test_refusals_for_bad_input(demo: Services) -> None:
    slot = demo.booking.free_slots("email")[0]
    with pytest.raises(ValidationError):
        demo.booking.book("email", slot.start, "[b]Ona")
    with pytest.raises(ValidationError):
        demo.booking.book("email", slot.start, "Ona", "123")
    with pytest.raises(NotFound):
        demo.booking.book("nope", slot.start, "Ona")
    off_grid = slot.start + timedelta(minutes=7)
    with pytest.raises(Conflict):
        demo.booking.book("email", off_grid, "Ona")
    with pytest.raises(NotFound):
        demo.booking.lookup("ZZZZZZ")


def test_no_booking_beyond_the_horizon_or_in_the_past(demo: Services) -> None:
    slots = demo.booking.free_slots("email")
    horizon = demo.booking.settings().horizon_days
    assert max(s.start.date() for s in slots) < TUESDAY + timedelta(days=horizon)
    later = demo.booking.free_slots("email", first_day=TUESDAY + timedelta(days=horizon + 1))
    assert later == []
    past = datetime(2026, 11, 23, 14, 0, tzinfo=TZ)
    with pytest.raises(Conflict):
        demo.booking.book("smartphone", past, "Ona")


def test_inactive_topic_cannot_be_booked(demo: Services) -> None:
    topic = demo.catalog.topics()[0]
    slot = demo.booking.free_slots(topic.slug)[0]
    topic.active = False
    demo.catalog.save_topic(topic)
    assert topic.slug not in {t.slug for t in demo.booking.topics()}
    with pytest.raises(Conflict) as info:
        demo.booking.book(topic.slug, slot.start, "Ona")
    assert info.value.code == "topic_inactive"


def test_check_in_by_token_then_again(demo: Services) -> None:
    slot = slot_at(demo, "e-banking", TUESDAY, "15:00")
    ticket = demo.booking.book("e-banking", slot.start, "Ona")
    demo.clock.current = slot.start - timedelta(minutes=5)
    first = demo.arrivals.check_in(ticket.token)
    assert first.result is VerifyResult.OK and first.booking.status == "checked_in"
    assert first.booking.checked_in_at == "2026-11-24T14:55:00+02:00"
    second = demo.arrivals.check_in(ticket.token.lower())
    assert second.result is VerifyResult.ALREADY_CHECKED_IN
    assert second.booking.checked_in_at == first.booking.checked_in_at


def test_check_in_by_typed_code(demo: Services) -> None:
    slot = slot_at(demo, "e-banking", TUESDAY, "15:00")
    code = demo.booking.book("e-banking", slot.start, "Ona").booking.code
    demo.clock.current = slot.start
    assert demo.arrivals.check_in(f" {code[:3].lower()} {code[3:]} ").ok


def test_check_in_opens_an_hour_before_the_start_and_closes_at_the_end(demo: Services) -> None:
    slot = slot_at(demo, "e-banking", TUESDAY, "15:00")
    code = demo.booking.book("e-banking", slot.start, "Ona").booking.code
    opens = slot.start - timedelta(minutes=60)
    demo.clock.current = opens - timedelta(minutes=1)
    early = demo.arrivals.check_in(code)
    assert early.result is VerifyResult.TOO_EARLY and early.opens_at == opens
    assert demo.booking.lookup(code).status == "booked"  # refused: nothing changed
    demo.clock.current = slot.end
    assert demo.arrivals.check_in(code).result is VerifyResult.TOO_LATE
    demo.clock.current = opens
    assert demo.arrivals.check_in(code).ok


def test_the_librarian_checks_in_outside_the_window(demo: Services) -> None:
    slot = slot_at(demo, "e-banking", TUESDAY, "15:00")
    code = demo.booking.book("e-banking", slot.start, "Ona").booking.code
    assert demo.arrivals.check_in(code).result is VerifyResult.TOO_EARLY
    assert demo.arrivals.check_in(code, anytime=True).ok


def test_the_check_in_window_is_a_setting(demo: Services) -> None:
    slot = slot_at(demo, "e-banking", TUESDAY, "15:00")
    code = demo.booking.book("e-banking", slot.start, "Ona").booking.code
    demo.catalog.save_settings(replace(demo.catalog.settings(), checkin_before_minutes=10))
    demo.clock.current = slot.start - timedelta(minutes=11)
    outcome = demo.arrivals.check_in(code)
    assert outcome.result is VerifyResult.TOO_EARLY
    assert outcome.opens_at == slot.start - timedelta(minutes=10)


def test_every_refusal_reason(demo: Services, clock) -> None:
    token = demo.booking.book(
        "e-banking", slot_at(demo, "e-banking", TUESDAY, "15:00").start, "Ona"
    ).token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert demo.arrivals.check_in(tampered).result is VerifyResult.FORGED
    assert demo.arrivals.check_in("ACDEFG").result is VerifyResult.UNKNOWN
    assert demo.arrivals.check_in("hello!").result is VerifyResult.MALFORMED
    assert demo.arrivals.check_in("").result is VerifyResult.MALFORMED

    later = demo.booking.book(
        "e-banking",
        demo.booking.free_slots("e-banking", first_day=TUESDAY + timedelta(days=2))[0].start,
        "Jonas",
    )
    outcome = demo.arrivals.check_in(later.token)
    assert outcome.result is VerifyResult.NOT_TODAY and outcome.booking.code == later.booking.code

    demo.booking.cancel(later.booking.code)
    assert demo.arrivals.check_in(later.token).result is VerifyResult.CANCELLED

    first = demo.booking.bookings(day=TUESDAY)[0]
    demo.clock.current = first.starts - timedelta(hours=2)
    assert demo.arrivals.check_in(token).result is VerifyResult.TOO_EARLY
    demo.clock.current = first.ends
    assert demo.arrivals.check_in(token).result is VerifyResult.TOO_LATE
    demo.clock.current = first.starts
    demo.desk.mark_done(first.code)
    assert demo.arrivals.check_in(token).result is VerifyResult.ALREADY_CLOSED
    # Verify alone never changes anything.
    assert demo.arrivals.verify(token).result is VerifyResult.ALREADY_CLOSED


def test_no_show_and_done_transitions(demo: Services) -> None:
    slots = demo.booking.free_slots("e-banking")
    a = demo.booking.book("e-banking", slots[0].start, "Ona").booking
    b = demo.booking.book("e-banking", slots[1].start, "Jonas").booking
    demo.clock.current = b.starts  # both have begun: only then can they be done or missed
    assert demo.desk.mark_no_show(a.code).status == BookingStatus.NO_SHOW
    with pytest.raises(Conflict):
        demo.desk.mark_no_show(a.code)
    demo.arrivals.check_in(b.code)
    done = demo.desk.mark_done(b.code)
    assert done.status == "done" and done.done_at and done.checked_in_at
    assert [x.code for x in demo.booking.bookings(status="done")] == [b.code]


def test_reissue_ticket_invalidates_the_old_token(demo: Services) -> None:
    slot = slot_at(demo, "e-banking", TUESDAY, "15:00")
    old = demo.booking.book("e-banking", slot.start, "Ona", source=Source.LIBRARIAN)
    assert old.booking.source == "librarian"
    new = demo.arrivals.reissue_ticket(old.booking.code)
    assert new.token != old.token
    assert demo.arrivals.verify(old.token).result is VerifyResult.FORGED
    demo.clock.current = slot.start
    assert demo.arrivals.check_in(new.token).ok


def test_first_free_and_scout_choice(demo: Services) -> None:
    first = demo.booking.first_free("e-banking")
    assert first == demo.booking.free_slots("e-banking")[0]
    mine = demo.booking.free_slots("e-banking", scout="dominykas")
    assert mine and {s.scout for s in mine} == {"dominykas"}


def test_the_demo_group_session_is_offered_under_smart_id_only(demo: Services) -> None:
    def groups(topic: str) -> list[Slot]:
        return [s for s in demo.booking.free_slots(topic) if s.seats > 1]

    assert groups("e-health") == [] and groups("sodra-vmi") == []
    friday = groups("smart-id")[0]
    assert (friday.start.weekday(), friday.place, friday.seats_left) == (4, "Renginių salė", 4)
    ticket = demo.booking.book("smart-id", friday.start, "Ona")
    content = demo.catalog.ticket_content(ticket.booking, ticket.token, "en")
    assert content.text("group") == "Group session, 3 places left"
    assert groups("smart-id")[0].seats_left == 3


def test_the_ticket_names_the_place_and_the_escouts_languages(demo: Services) -> None:
    # Gabija speaks Lithuanian only; Lukas Lithuanian, English and Russian (demo data).
    lt_only = next(s for s in demo.booking.free_slots("e-health") if s.scout == "gabija")
    ticket = demo.booking.book("e-health", lt_only.start, "Oksana", language="uk")
    content = demo.catalog.ticket_content(ticket.booking, ticket.token, "uk")
    place = demo.catalog.place(lt_only.place)
    assert place is not None and content.text("place") == place.label("uk") != place.name
    assert "литовською" in content.text("language")
    assert demo.catalog.ticket_content(ticket.booking, "", "lt").line("language") is None
    t = Translator("uk")
    assert language_note(t, ["lt", "en", "ru"]) == (
        "Е-скаут не розмовляє Вашою мовою; він розмовляє: Lietuvių, English, Русский."
    )
    assert language_note(t, ["lt", "uk"]) == ""


def test_the_visitor_may_cancel_only_before_the_cut_off(demo: Services) -> None:
    slot = demo.booking.free_slots("smartphone")[0]
    ticket = demo.booking.book("smartphone", slot.start, "Ona")
    cutoff = timedelta(hours=demo.booking.settings().cancel_cutoff_hours)
    demo.clock.current = slot.start - cutoff - timedelta(minutes=1)
    assert demo.booking.visitor_may_cancel(ticket.booking)
    demo.clock.current = slot.start - cutoff + timedelta(minutes=1)
    assert not demo.booking.visitor_may_cancel(ticket.booking)
    with pytest.raises(Conflict):
        demo.booking.cancel_by_visitor(ticket.booking.code)
