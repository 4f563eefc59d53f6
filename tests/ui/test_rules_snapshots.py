"""Snapshots of the booking-rules screens: the kiosk's waiting list, the console's waiting list,
the next session and its ticket (80x24 and 120x40; the kiosk's also at 78x18)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.pilot import Pilot

import tests.ui.test_visitor_snapshots as visitor
from kiosk.services import Services
from screens.librarian.followup import SlotChoice
from tests.ui.conftest import click, make_app, make_console, press_text, settle
from tests.ui.test_librarian_snapshots import library, steps, template  # noqa: F401 - fixtures

fixed = visitor.fixed  # the fixture: predictable codes and tokens, a still countdown
SIZES = [
    pytest.param((78, 18), id="78x18"),
    pytest.param((80, 24), id="80x24"),
    pytest.param((120, 40), id="120x40"),
]
CONSOLE_SIZES = SIZES[1:]


async def waitlist_details(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await visitor.time(pilot)
    await click(pilot, "#time-waitlist")
    await press_text(pilot, "Ona")
    await click(pilot, "#details-next")  # no phone: the list needs one, and says so


async def waitlist_remind(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await visitor.time(pilot)
    await click(pilot, "#time-waitlist")
    await press_text(pilot, "Ona")
    await pilot.press("tab")
    await press_text(pilot, "861234567")
    await click(pilot, "#details-next")  # a phone: asked whether to text a freed time


async def waitlist_confirm(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await waitlist_remind(pilot)
    await click(pilot, "#remind-yes")


async def waitlist_done(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await waitlist_confirm(pilot)
    await click(pilot, "#waitlist-ok")


async def time_none(pilot: Pilot) -> None:  # type: ignore[type-arg]
    services: Services = pilot.app.services  # type: ignore[attr-defined]
    for scout in services.catalog.scouts():
        if "e-health" in scout.topics:
            services.catalog.save_scout(replace(scout, active=False))
    await click(pilot, "#w-book")
    grid = pilot.app.screen.query_one("#topic-grid")
    tile = pilot.app.screen.query_one("#topic-e-health")
    while not tile.region.height:
        await click(pilot, grid.query_one(".pager-more"))
    await click(pilot, tile)


KIOSK_SCREENS = [time_none, waitlist_details, waitlist_remind, waitlist_confirm, waitlist_done]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", KIOSK_SCREENS, ids=[s.__name__ for s in KIOSK_SCREENS])
def test_kiosk_waiting_list(snap_compare, fixed: Services, screen, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(fixed), terminal_size=size, run_before=visitor._still(screen))


def _waiting(services: Services) -> None:
    services.waitlist.add("smartphone", "Ona", "861234567")
    services.clock.advance(seconds=60)  # type: ignore[attr-defined]
    services.waitlist.add("e-health", "Jonas", "862222222", language="en")
    for scout in services.catalog.scouts():  # e-health has no free time: Jonas is not lit
        if "e-health" in scout.topics:
            services.catalog.save_scout(replace(scout, active=False))


@pytest.mark.parametrize("size", CONSOLE_SIZES)
def test_console_waiting_list(snap_compare, library: Services, size) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _waiting(library)
    assert snap_compare(make_console(library), terminal_size=size, run_before=steps("f9"))


@pytest.mark.parametrize("size", CONSOLE_SIZES)
def test_console_book_from_the_waiting_list(snap_compare, library: Services, size) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _waiting(library)
    assert snap_compare(make_console(library), terminal_size=size, run_before=steps("f9", "r"))


@pytest.mark.parametrize("size", CONSOLE_SIZES)
def test_console_next_session(snap_compare, library: Services, size) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    # HERE46 (checked in, Austėja, e-mail) is the second row of Today.
    assert snap_compare(make_console(library), terminal_size=size, run_before=steps("down", "k"))


async def _book_first(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await pilot.click(pilot.app.screen.query(SlotChoice).first())
    await settle(pilot)


@pytest.mark.parametrize("size", CONSOLE_SIZES)
def test_console_next_session_ticket(snap_compare, fixed_library: Services, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_console(fixed_library),
        terminal_size=size,
        run_before=steps("down", "k", _book_first),
    )


@pytest.fixture
def fixed_library(library: Services, monkeypatch: pytest.MonkeyPatch) -> Services:  # noqa: F811
    """The console's library with a predictable code and token for the new ticket."""
    import kiosk.domain.booking

    monkeypatch.setattr(kiosk.domain.booking, "new_code", lambda: "NX7K4M")
    monkeypatch.setattr(kiosk.domain.booking, "new_token", lambda: "NEXTSESSIONTOKEN234567ABCD")
    return library
