"""Helpers for the Pilot and snapshot tests of both the visitor kiosk and the console.

Import them as ``from tests.ui.conftest import ...``. The one fixture here, ``screens``,
compares the screens of one app run with their snapshots (tests/ui/snapshots.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.domain.booking import Ticket
from kiosk.domain.models import Slot
from kiosk.services import Services
from kiosk.speech import ENGINE, Speaker
from screens.widgets import OnScreenKeyboard
from tests.conftest import PIN

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion

    from tests.ui.snapshots import Screens

BIG = (120, 40)
SMALL = (80, 24)
T = TypeVar("T")


def make_app(services: Services, **kwargs: Any) -> KioskApp:
    """The visitor kiosk; idle timers far away unless a test asks for short ones."""
    kwargs.setdefault("idle_seconds", 3600)
    kwargs.setdefault("countdown_seconds", 3600)
    # Pilot's keys and taps come faster than a person's: no scan detection and no tap guard
    # unless a test is about them (tests/ui/test_visitor_scan_and_taps.py).
    kwargs.setdefault("tap_guard_seconds", 0)
    kwargs.setdefault("scan_gap_seconds", None)
    # "Read aloud" is offered whether or not this machine has espeak-ng: the screens (and
    # their snapshots) are the same everywhere; the speech tests say why they skip.
    kwargs.setdefault("speech", Speaker(ENGINE))
    return KioskApp(services, **kwargs)


def make_console(services: Services, **kwargs: Any) -> KioskApp:
    """The librarian console, starting at its PIN prompt."""
    return KioskApp(services, mode="librarian", **kwargs)


class SideBySide:
    """Several apps running at once, as a kiosk and consoles do in their own processes.

    A widget finds its App through the context its ``run_test`` set, and the last one
    entered wins; so each step for one app runs in a task with that app's own context."""

    def __init__(self) -> None:
        self.pilots: list[Pilot[Any]] = []
        self._contexts: dict[int, contextvars.Context] = {}

    async def on(self, pilot: Pilot[Any], step: Awaitable[T]) -> T:
        """Await ``step`` (a click, a settle...) as ``pilot``'s app."""
        context = self._contexts[id(pilot)].copy()
        return await asyncio.get_running_loop().create_task(_awaited(step), context=context)


async def _awaited(step: Awaitable[T]) -> T:
    return await step


@contextlib.asynccontextmanager
async def side_by_side(
    *apps: App[Any], sizes: list[tuple[int, int]] | None = None
) -> AsyncIterator[SideBySide]:
    """Run ``apps`` together, each at its size in ``sizes`` (all ``BIG`` by default)."""
    both = SideBySide()
    async with contextlib.AsyncExitStack() as stack:
        for app, size in zip(apps, sizes or [BIG] * len(apps), strict=True):
            pilot = await stack.enter_async_context(app.run_test(size=size))
            both._contexts[id(pilot)] = contextvars.copy_context()
            both.pilots.append(pilot)
        yield both


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let pushes, workers and the messages they post all land (no sleeps)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], limit: float = 10.0) -> None:
    """Poll (not a fixed sleep) until ``condition`` holds, failing after ``limit`` seconds."""
    steps = int(limit / 0.02)
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never became true")


async def click(pilot: Pilot[Any], target: str | Widget) -> None:
    """Tap a widget of the current screen, scrolling it into view first (as a visitor would)."""
    widget = pilot.app.screen.query_one(target) if isinstance(target, str) else target
    widget.scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    middle = (widget.size.width // 2, widget.size.height // 2)
    assert await pilot.click(widget, offset=middle), f"the tap on {widget!r} hit something else"
    await settle(pilot)


async def tap_keys(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` on the on-screen keyboard of the current screen."""
    keyboard = pilot.app.screen.query_one(OnScreenKeyboard)
    for char in text:
        await click(pilot, keyboard.key_button(char.lower()))


async def press_text(pilot: Pilot[Any], text: str) -> None:
    """Type on a physical keyboard (or a scanner), one key per character."""
    for char in text:
        await pilot.press("space" if char == " " else char)
    await pilot.pause()


async def login(pilot: Pilot[Any], pin: str = PIN) -> None:
    """Type the PIN into the console's prompt and press OK."""
    pilot.app.screen.query_one("#login-pin", Input).value = pin
    await pilot.click("#login-ok")
    await settle(pilot)


def text_of(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def value_of(app: KioskApp, selector: str) -> str:
    return app.screen.query_one(selector, Input).value


def screen_text(app: KioskApp) -> str:
    """Everything the Static widgets of the current screen show, one per line."""
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


def book_first_free(services: Services, topic: str = "smartphone", name: str = "Ona") -> Ticket:
    slot = services.booking.first_free(topic)
    assert slot is not None
    return services.booking.book(topic, slot.start, name, scout=slot.scout)


def book_cancellable(services: Services, topic: str = "smartphone") -> Ticket:
    """A booking far enough ahead for the visitor to cancel it at the kiosk (the cut-off)."""
    cutoff = timedelta(hours=services.booking.settings().cancel_cutoff_hours)
    now = services.booking.now()
    slot = next(s for s in services.booking.free_slots(topic) if s.start - now > cutoff)
    return services.booking.book(topic, slot.start, "Ona", scout=slot.scout)


def slot_at(services: Services, topic: str, start: datetime) -> Slot:
    return next(s for s in services.booking.free_slots(topic) if s.start == start)


@pytest.fixture
def screens(snapshot: SnapshotAssertion) -> Screens:
    """Snapshots of the screens one app run reaches: ``await screens.check(pilot, "name")``."""
    from tests.ui.snapshots import Screens

    return Screens(snapshot)
