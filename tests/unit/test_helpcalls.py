"""Calls for the librarian: recorded once per kiosk, answered once, gone after a while."""

from __future__ import annotations

import pytest

from kiosk.domain.clock import FixedClock
from kiosk.domain.errors import NotFound
from kiosk.domain.helpcalls import EXPIRE_MINUTES
from kiosk.services import Services


def test_a_call_is_open_until_a_librarian_answers_it(services: Services) -> None:
    call = services.helpcalls.call("Kiosk 1", "Biblioteka")
    assert [c.id for c in services.helpcalls.open_calls()] == [call.id]
    assert call.kiosk == "Kiosk 1" and call.answered_at is None
    answered = services.helpcalls.answer(call.id)
    assert answered.answered_at is not None
    assert services.helpcalls.open_calls() == []


def test_a_second_tap_does_not_call_twice(services: Services) -> None:
    first = services.helpcalls.call("Kiosk 1")
    again = services.helpcalls.call("Kiosk  1 ")
    other = services.helpcalls.call("Kiosk 2")
    assert again.id == first.id
    assert [c.kiosk for c in services.helpcalls.open_calls()] == ["Kiosk 1", "Kiosk 2"]
    services.helpcalls.answer(first.id)
    assert services.helpcalls.call("Kiosk 1").id not in (first.id, other.id)


def test_an_unanswered_call_expires(services: Services, clock: FixedClock) -> None:
    services.helpcalls.call("Kiosk 1")
    clock.advance(minutes=EXPIRE_MINUTES - 1)
    assert len(services.helpcalls.open_calls()) == 1
    clock.advance(minutes=2)
    assert services.helpcalls.open_calls() == []
    services.helpcalls.call("Kiosk 2")  # any write drops the expired record
    with services.store.snapshot() as tx:
        assert [d["kiosk"] for d in tx.all("help_calls")] == ["Kiosk 2"]


def test_answering_an_unknown_call_is_refused(services: Services) -> None:
    with pytest.raises(NotFound):
        services.helpcalls.answer("nope")
