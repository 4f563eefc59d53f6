"""The Textual app: composition root of the UI (one of the two modules that import screens).

One ``KioskApp`` serves both modes:
- ``visitor``: the locked-down kiosk. No key leaves it; F12 (or five taps on the
  library name on the Welcome screen) opens the librarian PIN prompt.
- ``librarian``: the console in any terminal, starting at the PIN prompt.
Idle handling lives here because it spans screens: a quiet spell in the visitor flow
asks "More time?", then wipes everything and returns to Welcome; a quiet librarian
session logs out. So does the scanner: a burst of ticket characters ending in Enter checks
in from any visitor screen (kiosk/domain/scanner.py), an e-scout's card opens the e-scout sign-in
(screens/scout/: their session is a visitor-like one that idles out the same way), and
taps on a screen that has just appeared are ignored for a moment, so a shaky double tap
cannot skip a step. So does failure handling: a worker that fails (the store, the disk,
the lock's time-out) is logged and covered by a calm "please ask the librarian" screen;
the App never ends on its own in visitor mode. So does knowing when another process
changed the data: one watcher per process (kiosk/watch.py: file events, polling as the
fallback) publishes ``data_changed``, which the screens that show shared data subscribe to.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from enum import Enum
from importlib import resources
from pathlib import Path, PurePath
from time import monotonic
from typing import Any

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import Theme
from textual.timer import Timer

from kiosk.domain.scanner import SCAN_GAP_S, TAP_GUARD_S, ScanBuffer, scannable
from kiosk.domain.scout_access import is_card_token
from kiosk.i18n import Translator, available_languages
from kiosk.services import Services
from kiosk.speech import Speaker
from kiosk.watch import DataWatcher
from screens.librarian import ConsoleScreen, LoginScreen
from screens.librarian.results import ResultsPane
from screens.scout.card import CardScanned
from screens.scout.common import ScoutScreen, SignedIn, SignOut
from screens.scout.day import MyDayScreen
from screens.scout.signin import ScoutSignInScreen
from screens.session import Mode, ScreenTraits, Session
from screens.visitor import (
    CheckInScreen,
    MoreTimeScreen,
    TroubleScreen,
    VisitorScreen,
    WelcomeScreen,
)
from screens.visitor.welcome import LibraryName

log = logging.getLogger("kiosk.app")


# How the App treats a screen that says nothing of itself (Textual's own, a plain Screen).
PLAIN_TRAITS = ScreenTraits()

# Taps on a visitor screen this soon after it appeared are the rest of a shaky double tap.
TAP_GUARD_SECONDS = TAP_GUARD_S


# The kiosk's colours, chosen for the contrast a 75-year-old needs (tests/ui/test_contrast.py
# measures them): text at least 7:1 on what it sits on, the edge of every tappable thing at
# least 3:1 against its surroundings, and a focus ring at least 3:1 from the unfocused edge.
KIOSK_THEME = Theme(
    name="kiosk",
    primary="#1f4e8c",  # title bars and primary buttons: white on it is 7.6:1
    secondary="#2f5d7c",
    accent="#4a80c0",
    warning="#ffcf5c",
    error="#b43c3c",
    success="#3f8f55",
    foreground="#f3f6f9",
    background="#0e1621",
    surface="#1a2634",
    panel="#223246",
    dark=True,
    variables={
        "kiosk-edge": "#62758a",  # the edge of a button, key or field: 3.8:1 on the background
        "kiosk-edge-primary": "#4a80c0",
        "kiosk-edge-error": "#c25b5b",
        "kiosk-focus": "#ffdf6b",  # the focus ring: 3.6:1 against the plain edge
        "kiosk-muted": "#c9d3dd",  # secondary text, still 10:1
        "kiosk-placeholder": "#b9c4cf",  # an example in an empty field (italic), 8.6:1
        "kiosk-error-fill": "#7a1e1e",
        "kiosk-text-error": "#ffb0b0",
        "kiosk-text-warning": "#ffd98a",
        "kiosk-text-ok": "#a6f0b5",
        "kiosk-bar": "#152030",
        "block-cursor-text-style": "bold",
    },
)


class ExitReason(Enum):
    """Why the app ended; ``run_app`` turns it into the process exit code."""

    QUIT = 0  # the librarian chose Quit at the console's PIN prompt, and confirmed it


def stylesheet_path() -> Path:
    """kiosk.tcss: beside this module in an installed wheel, at the repo top in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "kiosk.tcss", here.parent / "kiosk.tcss"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("kiosk.tcss is missing from the installation")


# Each room's own rules, in the package beside its screens. Read after kiosk.tcss and in this
# order: between rules of equal specificity the later file wins, as a later rule in one file.
ROOM_STYLESHEETS = (
    ("screens.visitor", "visitor.tcss"),
    ("screens.scout", "scout.tcss"),
    ("screens.librarian", "console.tcss"),
)


def stylesheet_paths() -> list[str | PurePath]:
    """The App's stylesheets in cascade order: kiosk.tcss (theme, shared rules), then the rooms'."""
    paths: list[str | PurePath] = [stylesheet_path()]
    for package, name in ROOM_STYLESHEETS:
        path = Path(str(resources.files(package) / name))
        if not path.is_file():
            raise FileNotFoundError(f"{name} is missing from {package}")
        paths.append(path)
    return paths


class KioskApp(App[ExitReason], inherit_bindings=False):
    CSS_PATH = stylesheet_paths()
    ENABLE_COMMAND_PALETTE = False
    TITLE = "E. skautai"
    BINDINGS = [
        Binding("f12", "librarian", "lib.login.title", show=False, id="librarian"),
    ]

    def __init__(
        self,
        services: Services,
        mode: Mode = "visitor",
        *,
        idle_seconds: float | None = None,
        countdown_seconds: float | None = None,
        librarian_idle_seconds: float | None = None,
        tap_guard_seconds: float = TAP_GUARD_SECONDS,
        scan_gap_seconds: float | None = SCAN_GAP_S,
        watch_events: bool | None = None,
        speech: Speaker | None = None,
    ) -> None:
        super().__init__()
        self.register_theme(KIOSK_THEME)
        self.theme = KIOSK_THEME.name
        self.services = services
        self.session = Session(mode)
        settings = services.booking.settings()
        self.idle_seconds = idle_seconds if idle_seconds is not None else settings.idle_seconds
        self.countdown_seconds = (
            countdown_seconds if countdown_seconds is not None else settings.idle_countdown_seconds
        )
        self.librarian_idle_seconds = (
            librarian_idle_seconds
            if librarian_idle_seconds is not None
            else settings.librarian_idle_seconds
        )
        self._idle_timer: Timer | None = None
        self.tap_guard_seconds = tap_guard_seconds
        self._screen_since = monotonic()
        # None: every key goes straight through (tests that type without a scanner).
        self._scan = ScanBuffer(scan_gap_seconds) if scan_gap_seconds is not None else None
        self._held_keys: list[events.Key] = []
        self._flush_timer: Timer | None = None
        # Published (no data) whenever the data file changed, from this or another process.
        self.data_changed: Signal[None] = Signal(self, "data-changed")
        self.watcher = DataWatcher(
            services.data_dir, services.maintenance.identity, use_events=watch_events
        )
        self._watch_task: asyncio.Task[None] | None = None
        # "Read aloud" (espeak-ng from PATH unless given): one voice for the whole kiosk.
        self.speech = speech if speech is not None else Speaker.from_environment()

    # -- language -------------------------------------------------------------------

    @property
    def t(self) -> Translator:
        """The visitor's current language: ``translator(widget)("key", **values)``."""
        return self.session.words

    @property
    def console_t(self) -> Translator:
        """The librarian console's language."""
        return self.session.console_words

    @on(WelcomeScreen.LanguageChosen)
    def _language_chosen(self, message: WelcomeScreen.LanguageChosen) -> None:
        self._set_visitor_language(message.lang)

    def _set_visitor_language(self, lang: str) -> None:
        """The visitor's language for the rest of the visit; Welcome underneath marks it."""
        self.session.choose_language(lang)
        welcome = self.screen_stack[0] if self.screen_stack else None
        if isinstance(welcome, WelcomeScreen):
            welcome.refresh_texts()

    # -- start ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """Welcome at the bottom of the visitor kiosk; the console's prompt sits on a blank."""
        if self.session.mode == "visitor":
            return WelcomeScreen()
        return Screen(id="_default")

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        if self.session.mode == "librarian":
            self._show_login()
        self._idle_timer = self.set_timer(self._idle_limit(), self._idle_expired)
        # A plain task, not a worker: it never completes, and waiting for the workers to
        # complete (tests do) must not wait for it.
        self._watch_task = asyncio.create_task(self._watch_data(), name="data-watch")

    async def on_unmount(self) -> None:
        # No idle timer may fire while the watcher winds down: the screens are gone.
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        self.watcher.stop()  # the watching thread ends now, not at its next wake-up
        if self._watch_task is not None:
            self._watch_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch_task

    async def _watch_data(self) -> None:
        try:
            async for _ in self.watcher.changes():
                self.data_changed.publish(None)
        except Exception as error:  # noqa: BLE001 - the screens keep what they show
            log.error("data watcher failed: %r", error)

    def _back_to_base(self, then: Callable[[], object] | None = None) -> None:
        """Drop every screen above the default one, then run ``then``.

        Deferred: a modal whose result callback calls this is still on the stack.
        """

        def pop() -> None:
            self.screen_stack[0].pop_until_active()
            if then is not None:
                self.call_later(then)

        self.call_later(pop)

    # -- failures ---------------------------------------------------------------------

    def report_failure(self, error: BaseException, where: str) -> None:
        """A worker failed underneath a screen: log it and cover it calmly, never exit."""
        log.error("%s failed: %r", where, error)
        if isinstance(self.screen, TroubleScreen):
            return
        self.push_screen(TroubleScreen(librarian=self.session.librarian), self._after_trouble)

    def _after_trouble(self, _: None) -> None:
        if self.session.librarian:
            console = next((s for s in self.screen_stack if isinstance(s, ConsoleScreen)), None)
            if console is not None:
                console.reload_all()
        elif self.session.mode == "visitor":
            self.return_to_welcome()

    # -- idle -------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.reset_idle()
        if self._visitor_at_kiosk():
            if isinstance(event, events.MouseDown | events.MouseUp) and self._too_soon():
                return  # the second half of a double tap: the screen it aimed at is gone
            if isinstance(event, events.Key) and await self._held_for_scan(event):
                return
        await super().on_event(event)

    def _visitor_at_kiosk(self) -> bool:
        return self.session.at_kiosk

    # -- taps and scans -----------------------------------------------------------------

    def _screen_changed(self, _: Screen[Any]) -> None:
        self._screen_since = monotonic()
        self.speech.stop()  # what was read aloud belonged to the screen that has gone

    def _too_soon(self) -> bool:
        return monotonic() - self._screen_since < self.tap_guard_seconds

    async def _held_for_scan(self, event: events.Key) -> bool:
        """Hold ticket characters that come in a burst; True when the event was taken.

        Screens with their own code field (check-in, look-up) take scans themselves.
        """
        scan = self._scan
        if scan is None or self._traits().TAKES_SCANS:
            return False
        if event.key in ("enter", "ctrl+j") and self._held_keys:
            if scan.is_scan(event.time):
                self._held_keys.clear()
                self._check_in_scanned(scan.take())
                return True
            await self._flush_keys()
            return False
        if scannable(event.character):
            if not scan.continues(event.time):
                await self._flush_keys()
            scan.add(event.character or "", event.time)
            self._held_keys.append(event)
            if self._flush_timer is not None:
                self._flush_timer.stop()
            self._flush_timer = self.set_timer(scan.gap * 2, self._flush_keys)
            return True
        await self._flush_keys()
        return False

    async def _flush_keys(self) -> None:
        """Not a scan after all: hand the held keys over as ordinary key presses."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        held, self._held_keys = self._held_keys, []
        if self._scan is not None:
            self._scan.clear()
        for key in held:
            await super().on_event(key)

    def _check_in_scanned(self, ticket: str) -> None:
        """A ticket was scanned on a screen without a code field: check it in there."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        log.info("scan on %s", type(self.screen).__name__)
        if is_card_token(ticket):
            self.open_scout_sign_in(CardScanned(ticket))
            return
        if self._scout_session():
            self.session.next_person()  # a visitor's ticket ends an e-scout's session left open
        # The visitor's language holds for the whole visit, scans included. Nobody chose one
        # and no visit is under way: answer in the language the ticket was booked in.
        if self.session.lang_chosen or self._mid_visit():
            self._open_check_in(ticket)
        else:
            self._check_in_in_booking_language(ticket)

    def _mid_visit(self) -> bool:
        """Is a visitor somewhere in a flow (a visitor's screen above Welcome)?"""
        return any(
            isinstance(screen, VisitorScreen) and not isinstance(screen, ScoutScreen)
            for screen in self.screen_stack[1:]
        )

    def _open_check_in(self, ticket: str, lang: str | None = None) -> None:
        if lang is not None and not self.session.lang_chosen:
            self._set_visitor_language(lang)
        self._back_to_base(then=lambda: self.push_screen(CheckInScreen(scanned=ticket)))

    @work(thread=True, group="scan-language", exit_on_error=False)
    def _check_in_in_booking_language(self, ticket: str) -> None:
        """Read the scanned ticket's booking language (a store read), then check it in."""
        lang: str | None = None
        try:
            booking = self.services.arrivals.verify(ticket).booking
            offered = self.services.booking.settings().languages
            if (
                booking is not None
                and booking.language in available_languages()
                and (not offered or booking.language in offered)
            ):
                lang = booking.language
        except Exception as error:  # noqa: BLE001 - the check-in itself reports a failing store
            log.error("the scanned ticket's language: %r", error)
        self.call_from_thread(self._open_check_in, ticket, lang)

    def _idle_limit(self) -> float:
        if self.session.librarian:
            return self.librarian_idle_seconds
        # A screen may wait longer than the rest (the ticket: the visitor reads, photographs).
        own = self._traits().idle_limit
        return own if own is not None and own > 0 else self.idle_seconds

    def _traits(self) -> ScreenTraits:
        """How the screen on top wants to be treated (plain defaults for Textual's own)."""
        screen = self.screen
        return screen if isinstance(screen, ScreenTraits) else PLAIN_TRAITS

    def reset_idle(self) -> None:
        """Start the quiet-spell timer again (every key, tap or scan calls this)."""
        if self._idle_timer is not None:
            self._idle_timer.stop()
        self._idle_timer = self.set_timer(self._idle_limit(), self._idle_expired)

    def _idle_expired(self) -> None:
        if not self.screen_stack:
            return  # the App is closing: a timer that fires now has nothing to act on
        if self.session.librarian:
            self.librarian_logout()
            return
        in_session = self.session.mode == "visitor" or self._scout_session()
        if not in_session or self._traits().IDLE_EXEMPT:
            self.reset_idle()
            return
        if isinstance(self.screen, MoreTimeScreen):
            return
        self.push_screen(MoreTimeScreen(self.countdown_seconds), self._after_more_time)

    def _after_more_time(self, wants_more: bool | None) -> None:
        if wants_more:
            self.reset_idle()
        elif self._scout_session():
            self.scout_sign_out()
        else:
            self.return_to_welcome()

    @on(VisitorScreen.ReturnToWelcome)
    def return_to_welcome(self) -> None:
        """Wipe the visitor flow: drop every screen above Welcome, back to Lithuanian."""
        self.session.next_person()
        welcome = self.screen_stack[0]
        if isinstance(welcome, WelcomeScreen):
            welcome.start_afresh()
        self._back_to_base()
        self.reset_idle()

    # -- e-scouts ---------------------------------------------------------------------

    def _scout_session(self) -> bool:
        """Is an e-scout signed in, or signing in, here (their screens on the stack)?"""
        return self.session.scout_id is not None or any(
            isinstance(screen, ScoutScreen) for screen in self.screen_stack
        )

    @on(CardScanned)
    def open_scout_sign_in(self, message: CardScanned) -> None:
        """An e-scout's card, scanned on any screen: their sign-in over a cleared stack."""
        if self.session.librarian:
            return  # the console is open: a card means nothing there
        log.info("e-scout card on %s", type(self.screen).__name__)
        self.session.next_person()  # a new card ends any session left open
        token = message.token
        login = self._console_login()
        if login is not None:
            # The console's prompt stays underneath: the e-scout's Finish comes back to it.
            self._pop_to(login, then=lambda: self.push_screen(ScoutSignInScreen(token)))
        else:
            self._back_to_base(then=lambda: self.push_screen(ScoutSignInScreen(token)))
        self.reset_idle()

    def _console_login(self) -> LoginScreen | None:
        """The standalone console's PIN prompt, when it is on the stack."""
        if self.session.mode != "librarian":
            return None
        return next((s for s in self.screen_stack if isinstance(s, LoginScreen)), None)

    def _pop_to(self, screen: Screen[Any], then: Callable[[], object] | None = None) -> None:
        """Drop every screen above ``screen`` (deferred, as ``_back_to_base``), then ``then``."""

        def pop() -> None:
            if screen in self.screen_stack:
                screen.pop_until_active()
            if then is not None:
                self.call_later(then)

        self.call_later(pop)

    @on(SignedIn)
    def _scout_signed_in(self, message: SignedIn) -> None:
        self.session.scout_id = message.scout.id
        self.switch_screen(MyDayScreen(message.scout))
        self.reset_idle()

    @on(SignOut)
    def scout_sign_out(self) -> None:
        """End the e-scout's session: back to Welcome, or to the console's PIN prompt."""
        self.session.scout_id = None
        if self.session.mode == "librarian":
            login = self._console_login()
            if login is not None:
                self._pop_to(login)
            else:
                self._back_to_base(then=self._show_login)
        else:
            self.return_to_welcome()

    # -- librarian --------------------------------------------------------------------

    @on(LibraryName.LibrarianRequested)
    def action_librarian(self) -> None:
        """The hidden way from the visitor kiosk to the librarian console."""
        if (
            self.session.mode == "visitor"
            and not self.session.librarian
            and not isinstance(self.screen, LoginScreen)
        ):
            self._show_login()

    def _show_login(self) -> None:
        self.push_screen(
            LoginScreen(standalone=self.session.mode == "librarian"), self._after_login
        )

    def _after_login(self, ok: bool | None) -> None:
        if ok:
            self.session.librarian = True
            self.push_screen(ConsoleScreen())
            self.reset_idle()
        elif self.session.mode == "librarian":
            self._show_login()

    @on(ConsoleScreen.LogoutRequested)
    def librarian_logout(self) -> None:
        """End the librarian session: back to the PIN prompt, or to the visitor Welcome."""
        self.session.librarian = False
        if self.session.mode == "librarian":
            self._back_to_base(then=self._show_login)  # the console and any dialog over it
        else:
            self.return_to_welcome()

    @on(ResultsPane.Exported)
    def _deliver_export(self, message: ResultsPane.Exported) -> None:
        """In a browser the export also comes down to the librarian's own PC as a download."""
        if self.is_web:
            self.deliver_binary(Path(message.path))

    @on(LoginScreen.QuitRequested)
    def _quit(self) -> None:
        if self.session.mode == "librarian":
            self.exit(ExitReason.QUIT)


def run_app(services: Services, mode: Mode = "visitor") -> int:
    """Run the App; the exit code is 0 for the librarian's Quit, else Textual's own."""
    app = KioskApp(services, mode)
    result = app.run()
    if result is ExitReason.QUIT:
        return 0
    return app.return_code or 0
