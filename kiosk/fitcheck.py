"""The kiosk checks its own screens: every visitor screen, headless, at a given terminal size.

``fit_check(services, size, lang)`` runs the visitor kiosk on ``services`` (a throwaway data
dir with the demo library: the command line builds it, never the real one) through Textual's
``App.run_test`` and walks it with a ``Pilot``, tapping what a visitor taps. On every screen
it reached it looks for what the design forbids (docs: DESIGN.md, "Kiosk behaviour"):

- a widget cut off: its region not inside the screen, or a button or field not inside every
  container around it (part of it could not be seen or tapped);
- a scrolling part: a scrollable container (the visitor body) with anything to scroll to,
  since a terminal does not scroll by dragging;
- a ticket in pages: one page from 80x20 up, at most two below.

Each finding is a ``Problem`` (screen, widget, what is wrong); none means the size fits.
This is an entry point beside kiosk.app (it runs the App): only the command line imports it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NoReturn

from textual.containers import ScrollableContainer
from textual.css.query import NoMatches
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input

from kiosk.app import KioskApp
from kiosk.services import Services
from kiosk.speech import ENGINE, Speaker
from screens.visitor import (
    CheckInScreen,
    ConfirmBookingScreen,
    ConfirmCancelScreen,
    DetailsScreen,
    LookupScreen,
    MoreTimeScreen,
    TicketScreen,
    TimeScreen,
    TopicScreen,
    TroubleScreen,
    WelcomeScreen,
)
from screens.visitor.help import HelpCalledScreen
from screens.visitor.remind import RemindScreen
from screens.visitor.waitlist import (
    WaitlistConfirmScreen,
    WaitlistDetailsScreen,
    WaitlistDoneScreen,
)
from screens.widgets import OnScreenKeyboard, Pager

Size = tuple[int, int]

# From this size up the ticket is one whole screen (DESIGN.md); below it, two pages at most.
ONE_PAGE_TICKET: Size = (80, 20)
SMALL_TICKET_PAGES = 2
TOPIC = "smartphone"  # a demo topic with times on every weekday
WRONG_CODE = "ACDEFG"  # a well-formed booking code that no booking has
NAME = "Ona"  # the visitor's first name, where their keyboard has these letters


@dataclass(frozen=True)
class Problem:
    """One thing that does not fit: on which screen, which widget, what is wrong."""

    screen: str
    widget: str
    what: str

    def line(self) -> str:
        return f"{self.screen}: {self.widget}: {self.what}"


@dataclass
class FitReport:
    """What one run at one size and language found."""

    size: Size
    lang: str
    screens: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return not self.problems

    @property
    def unfit_screens(self) -> list[str]:
        return sorted({p.screen for p in self.problems}, key=self._order)

    def _order(self, name: str) -> int:
        return self.screens.index(name) if name in self.screens else len(self.screens)


# -- looking at one screen -----------------------------------------------------------------


def describe(widget: Widget) -> str:
    """``#id (Type)``, or ``Type in #nearest-id`` for a widget without an id."""
    kind = type(widget).__name__
    if widget.id:
        return f"#{widget.id} ({kind})"
    for ancestor in widget.ancestors:
        if isinstance(ancestor, Screen):
            break
        if isinstance(ancestor, Widget) and ancestor.id:
            return f"{kind} in #{ancestor.id}"
    return kind


def _shown(widget: Widget, screen: Screen[Any]) -> bool:
    """Displayed and visible, with every container up to the screen displayed."""
    if not widget.visible:
        return False
    node: Any = widget
    while isinstance(node, Widget) and node is not screen:
        if not node.display:
            return False
        node = node.parent
    return True


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _region_text(r: Region) -> str:
    return f"{r.width}x{r.height} at {r.x},{r.y}"


def screen_problems(screen: Screen[Any], name: str, *, ticket_pages: int = 1) -> list[Problem]:
    """What is cut, scrolled or paged on ``screen`` as it is drawn now.

    A widget is reported once, at the outermost container that is cut: what sits inside it
    is cut with it. ``ticket_pages`` is how many pages a ticket may have at this size.
    """
    problems: list[Problem] = []
    area = screen.region
    cut: set[int] = set()  # ids of widgets already reported as cut
    width, height = area.width, area.height
    for widget in screen.query("*"):
        if not _shown(widget, screen):
            continue
        if any(id(a) in cut for a in widget.ancestors):
            cut.add(id(widget))  # inside something already reported
            continue
        region = widget.region
        target = isinstance(widget, Button | Input)
        if widget.children:
            # A container's padding is blank: only its border and what it holds must show
            # (the short ticket's bar pushes its padding off the edge on purpose).
            region = region.shrink(widget.styles.padding)
        if not region.area:
            if target:
                cut.add(id(widget))
                problems.append(Problem(name, describe(widget), "has no room: it shows nothing"))
            continue
        if not area.contains_region(region):
            cut.add(id(widget))
            problems.append(
                Problem(
                    name,
                    describe(widget),
                    f"cut: {_region_text(region)} is not inside the {width}x{height} screen",
                )
            )
            continue
        if target:
            for ancestor in widget.ancestors:
                if not isinstance(ancestor, Widget) or ancestor is screen:
                    break
                if ancestor.region.area and not ancestor.region.contains_region(region):
                    cut.add(id(widget))
                    problems.append(
                        Problem(
                            name,
                            describe(widget),
                            f"cut: {_region_text(region)} is not inside {describe(ancestor)} "
                            f"({_region_text(ancestor.region)})",
                        )
                    )
                    break
    for container in screen.query(ScrollableContainer):
        if not _shown(container, screen):
            continue
        if container.max_scroll_y > 0:
            problems.append(
                Problem(
                    name,
                    describe(container),
                    f"scrolls: {_count(container.max_scroll_y, 'row')} below the fold",
                )
            )
        if container.max_scroll_x > 0:
            problems.append(
                Problem(
                    name,
                    describe(container),
                    f"scrolls: {_count(container.max_scroll_x, 'column')} past the right edge",
                )
            )
    if isinstance(screen, TicketScreen):
        problems.extend(_ticket_pages(screen, name, ticket_pages))
    return problems


def _ticket_pages(screen: TicketScreen, name: str, allowed: int) -> list[Problem]:
    """The ticket's own pages and any pager on it, against the pages allowed at this size."""
    found: list[tuple[str, int]] = []
    own = getattr(screen, "page_count", 1)
    if isinstance(own, int):
        found.append((describe(screen), own))
    for pager in screen.query(Pager):
        if _shown(pager, screen):
            found.append((describe(pager), pager.page_count))
    width, height = ONE_PAGE_TICKET
    rule = (
        f"one page from {width}x{height} up"
        if allowed == 1
        else f"at most {allowed} pages below {width}x{height}"
    )
    return [
        Problem(name, what, f"paged: {pages} pages, the ticket must be {rule}")
        for what, pages in found
        if pages > allowed
    ]


def ticket_pages_allowed(size: Size) -> int:
    width, height = size
    if width >= ONE_PAGE_TICKET[0] and height >= ONE_PAGE_TICKET[1]:
        return 1
    return SMALL_TICKET_PAGES


# -- walking the screens -----------------------------------------------------------------


class Lost(Exception):
    """A step did not reach the screen it should have: the rest of that part is skipped."""


class Walk:
    """One run of the kiosk at one size: taps through the visitor screens, looking at each."""

    def __init__(self, app: KioskApp, pilot: Pilot[Any], report: FitReport) -> None:
        self.app = app
        self.pilot = pilot
        self.report = report
        self.services = app.services
        self.ticket_pages = ticket_pages_allowed(report.size)

    async def settle(self, rounds: int = 4) -> None:
        """Let pushes, workers and the messages they post all land (no sleeps)."""
        for _ in range(rounds):
            await self.pilot.pause()
            await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    def look(self, name: str, expected: type[Screen[Any]], showing: str = "") -> None:
        """Check the screen on top, which must be ``expected`` (showing ``showing``)."""
        screen = self.app.screen
        if not isinstance(screen, expected):
            shown = type(screen).__name__
            self.lost(name, expected.__name__, f"{shown} shows instead")
        if showing and not any(_shown(w, screen) for w in screen.query(showing)):
            self.lost(name, showing, "not shown")
        self.report.screens.append(name)
        self.report.problems.extend(screen_problems(screen, name, ticket_pages=self.ticket_pages))

    def lost(self, name: str, what: str, why: str) -> NoReturn:
        """The walk did not reach ``name``: say so, and skip the rest of this part."""
        self.report.problems.append(Problem(name, what, f"not reached: {why}"))
        raise Lost(name)

    async def tap(self, target: str | Widget, rounds: int = 4) -> None:
        """Tap ``target`` where the screen shows it, as a visitor would.

        An item on another page of a pager is paged to first. Something the visitor could
        not tap (cut off: already reported) is pressed anyway, so the walk goes on.
        """
        screen = self.app.screen
        if isinstance(target, str):
            try:
                widget = screen.query_one(target)
            except NoMatches:
                self.lost(type(screen).__name__, target, "nothing to tap there")
        else:
            widget = target
        pager = next((a for a in widget.ancestors if isinstance(a, Pager)), None)
        if pager is not None and widget in pager.items and widget not in pager.page_items():
            pager.page = pager.page_of(widget)
            await self.settle(1)
        region = widget.region
        tapped = False
        if _shown(widget, screen) and region.area and screen.region.contains_region(region):
            middle = (widget.size.width // 2, widget.size.height // 2)
            tapped = await self.pilot.click(widget, offset=middle)
        if not tapped and isinstance(widget, Button):
            widget.press()
        await self.settle(rounds)

    async def keys(self, text: str) -> None:
        """Type on a physical keyboard (or a scanner), one key per character."""
        for char in text:
            await self.pilot.press("space" if char == " " else char)
        await self.settle(1)

    async def fill(self, text: str) -> None:
        """Put ``text`` into the focused field at once (where typing is not the point)."""
        field = self.app.screen.focused
        if isinstance(field, Input):
            field.insert_text_at_cursor(text)
        await self.settle(1)

    def name_to_tap(self) -> str:
        """``NAME``, or three letters of the language's own keyboard if it lacks them."""
        letters = self.app.screen.query_one(OnScreenKeyboard).letters
        if all(any(char in row for row in letters.rows) for char in NAME.lower()):
            return NAME
        row = max(letters.rows, key=len)
        return row[:3].capitalize()

    async def on_screen_keys(self, text: str) -> None:
        """Type by tapping the on-screen keyboard, switching its key pages where needed
        (a character it has no key for goes straight into the field)."""
        for char in text.lower():
            try:
                keyboard = self.app.screen.query_one(OnScreenKeyboard)
                for _ in range(4):  # a compact keyboard has a few key pages
                    if keyboard.page_of(char) == keyboard.key_page:
                        break
                    await self.tap(keyboard.query_one("#key-switch"), rounds=1)
                    keyboard = self.app.screen.query_one(OnScreenKeyboard)
                await self.tap(keyboard.key_button(char), rounds=1)
            except (LookupError, NoMatches):
                await self.fill(char)

    async def home(self) -> None:
        """Back at Welcome, the next visitor, in the language under check."""
        self.app.return_to_welcome()
        await self.settle()
        if self.report.lang != self.app.session.lang:
            self.app.post_message(WelcomeScreen.LanguageChosen(self.report.lang))
            await self.settle()

    def book(self, part: str, cancellable: bool = False) -> str:
        """A booking made at the desk for the first free time (today, when there is one);
        ``cancellable``: the first one the visitor may still cancel at the kiosk."""
        booking = self.services.booking
        earliest = booking.now()
        if cancellable:
            earliest += timedelta(hours=booking.settings().cancel_cutoff_hours)
        slot = next((s for s in booking.free_slots(TOPIC) if s.start > earliest), None)
        if slot is None:
            self.report.problems.append(
                Problem(part, "-", f"not reached: no free time for {TOPIC} to book")
            )
            raise Lost("no free time")
        return booking.book(TOPIC, slot.start, NAME, scout=slot.scout).booking.code

    # -- the parts of the walk: each starts at Welcome --------------------------------

    async def booking_flow(self) -> None:
        self.look("welcome", WelcomeScreen)
        await self.tap("#w-book")
        self.look("topics", TopicScreen)
        await self.tap(f"#topic-{TOPIC}")
        self.look("times", TimeScreen)
        await self.tap("#time-first")
        await self.tap("#details-next")  # nothing typed: the error shows above the keys
        self.look("details", DetailsScreen, showing="#name-error")
        await self.on_screen_keys(self.name_to_tap())
        await self.tap("#phone")
        await self.on_screen_keys("86")  # the keyboard turns to its digits
        await self.fill("1234567")
        self.look("details (typed)", DetailsScreen)
        await self.tap("#details-next")
        self.look("reminder?", RemindScreen)
        await self.tap("#remind-yes")
        self.look("confirm", ConfirmBookingScreen)
        await self.tap("#confirm-ok")
        self.look("ticket", TicketScreen, showing="QRCode")
        await self.tap("#v-back")  # Done

    async def waiting_list(self) -> None:
        await self.tap("#w-book")
        await self.tap(f"#topic-{TOPIC}")
        await self.tap("#v-help")
        self.look("help called", HelpCalledScreen)
        await self.tap("#help-called-ok")
        await self.tap("#time-waitlist")
        self.look("waiting list details", WaitlistDetailsScreen)
        await self.fill(NAME)
        self.app.push_screen(MoreTimeScreen(60))  # the visitor went quiet
        await self.settle()
        self.look("more time?", MoreTimeScreen)
        await self.tap("#more-yes")
        await self.tap("#phone")
        await self.fill("861234567")
        await self.tap("#details-next")
        self.look("waiting list, a text?", RemindScreen)
        await self.tap("#remind-no")
        self.look("waiting list confirm", WaitlistConfirmScreen)
        await self.tap("#waitlist-ok")
        self.look("waiting list done", WaitlistDoneScreen)

    async def look_up(self) -> None:
        code = self.book("look-up", cancellable=True)
        await self.tap("#w-lookup")
        self.look("look-up", LookupScreen)
        await self.keys(code)
        await self.pilot.press("enter")
        await self.settle()
        self.look("look-up found", LookupScreen, showing="#lookup-result")
        await self.tap("#lookup-cancel")
        self.look("cancel?", ConfirmCancelScreen)
        await self.tap("#cancel-no")

    async def check_in(self) -> None:
        code = self.book("check-in")
        await self.tap("#w-checkin")
        self.look("check-in", CheckInScreen)
        await self.keys(WRONG_CODE)
        await self.pilot.press("enter")
        await self.settle()
        self.look("check-in refused", CheckInScreen, showing="#checkin-result")
        field = self.app.screen.focused  # the answer leaves the focus in the code field
        if isinstance(field, Input):
            field.value = ""
        await self.keys(code)
        await self.pilot.press("enter")
        await self.settle()
        self.look("check-in answer", CheckInScreen, showing="#checkin-result")

    async def trouble(self) -> None:
        self.app.push_screen(TroubleScreen())
        await self.settle()
        self.look("trouble", TroubleScreen)
        await self.tap("#trouble-ok")

    def parts(self) -> list[Callable[[], Awaitable[None]]]:
        return [self.booking_flow, self.waiting_list, self.look_up, self.check_in, self.trouble]


async def _run(services: Services, size: Size, lang: str) -> FitReport:
    report = FitReport(size, lang)
    # No quiet-spell prompt, tap guard or scan detection of its own during the walk: Pilot
    # taps faster than a person (the "more time?" prompt is brought up by the walk).
    app = KioskApp(
        services,
        idle_seconds=3600,
        countdown_seconds=3600,
        tap_guard_seconds=0,
        scan_gap_seconds=None,
        speech=Speaker(ENGINE),  # "Read aloud" must fit whether or not espeak-ng is here
    )
    async with app.run_test(size=size) as pilot:
        walk = Walk(app, pilot, report)
        for part in walk.parts():
            await walk.home()
            try:
                await part()
            except Lost:
                continue
            except Exception as error:  # noqa: BLE001 - the other parts are still walked
                name = part.__name__.replace("_", " ")
                report.problems.append(
                    Problem(name, "-", f"the walk stopped: {type(error).__name__}: {error}")
                )
    return report


def fit_check(services: Services, size: Size, lang: str) -> FitReport:
    """Walk every visitor screen at ``size`` in ``lang``; the report lists what does not fit.

    ``services`` must be a throwaway data dir: the walk books, joins the waiting list and
    checks in."""
    return asyncio.run(_run(services, size, lang))
