"""The Textual app: composition root of the UI (one of the two modules that import screens).

One ``KioskApp`` serves both modes:
- ``visitor``: the locked-down kiosk. No key leaves it; F12 (or five taps on the
  library name on the Welcome screen) opens the librarian PIN prompt.
- ``librarian``: the console in any terminal, starting at the PIN prompt.
Idle handling lives here because it spans screens: a quiet spell in the visitor flow
asks "More time?", then wipes everything and returns to Welcome; a quiet librarian
session logs out.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Literal

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.timer import Timer

from kiosk.i18n import DEFAULT_LANGUAGE, Translator
from kiosk.services import Services
from screens.librarian import ConsoleScreen, LoginScreen
from screens.visitor import MoreTimeScreen, WelcomeScreen

Mode = Literal["visitor", "librarian"]


class ExitReason(Enum):
    """Why the app ended; ``run_app`` turns it into the process exit code."""

    QUIT = 0  # the librarian chose to quit
    ERROR = 1


def stylesheet_path() -> Path:
    """kiosk.tcss: beside this module in an installed wheel, at the repo top in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "kiosk.tcss", here.parent / "kiosk.tcss"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("kiosk.tcss is missing from the installation")


class KioskApp(App[ExitReason], inherit_bindings=False):
    CSS_PATH = stylesheet_path()
    ENABLE_COMMAND_PALETTE = False
    TITLE = "E. skautai"
    BINDINGS = [
        Binding("f12", "librarian", "Librarian console", show=False, id="librarian"),
    ]

    def __init__(
        self,
        services: Services,
        mode: Mode = "visitor",
        *,
        idle_seconds: float | None = None,
        countdown_seconds: float | None = None,
        librarian_idle_seconds: float | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.mode: Mode = mode
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
        self.lang = DEFAULT_LANGUAGE
        self.librarian_active = False
        self._idle_timer: Timer | None = None

    # -- language -------------------------------------------------------------------

    @property
    def t(self) -> Translator:
        """The visitor's current language: ``self.app.t("key", **values)``."""
        return Translator(self.lang)

    def set_language(self, lang: str) -> None:
        self.lang = lang

    # -- start ------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.mode == "librarian":
            self._show_login()
        else:
            self.push_screen(WelcomeScreen())
        self._idle_timer = self.set_timer(self._idle_limit(), self._idle_expired)

    # -- idle -------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.reset_idle()
        await super().on_event(event)

    def _idle_limit(self) -> float:
        return self.librarian_idle_seconds if self.librarian_active else self.idle_seconds

    def reset_idle(self) -> None:
        """Start the quiet-spell timer again (every key, tap or scan calls this)."""
        if self._idle_timer is not None:
            self._idle_timer.stop()
        self._idle_timer = self.set_timer(self._idle_limit(), self._idle_expired)

    def _idle_expired(self) -> None:
        if self.librarian_active:
            self.librarian_logout()
            return
        if self.mode != "visitor" or getattr(self.screen, "IDLE_EXEMPT", False):
            self.reset_idle()
            return
        if isinstance(self.screen, MoreTimeScreen):
            return
        self.push_screen(MoreTimeScreen(self.countdown_seconds), self._after_more_time)

    def _after_more_time(self, wants_more: bool | None) -> None:
        if wants_more:
            self.reset_idle()
        else:
            self.return_to_welcome()

    def return_to_welcome(self) -> None:
        """Wipe the visitor flow: drop every screen above Welcome, back to Lithuanian."""
        self.lang = DEFAULT_LANGUAGE
        while len(self.screen_stack) > 2:
            self.pop_screen()
        welcome = self.screen
        if isinstance(welcome, WelcomeScreen):
            welcome.refresh_texts()
        self.reset_idle()

    # -- librarian --------------------------------------------------------------------

    def action_librarian(self) -> None:
        """The hidden way from the visitor kiosk to the librarian console."""
        if (
            self.mode == "visitor"
            and not self.librarian_active
            and not isinstance(self.screen, LoginScreen)
        ):
            self._show_login()

    def _show_login(self) -> None:
        self.push_screen(LoginScreen(standalone=self.mode == "librarian"), self._after_login)

    def _after_login(self, ok: bool | None) -> None:
        if ok:
            self.librarian_active = True
            self.push_screen(ConsoleScreen())
            self.reset_idle()
        elif self.mode == "librarian":
            self._show_login()

    def librarian_logout(self) -> None:
        """End the librarian session: back to the PIN prompt, or to the visitor Welcome."""
        self.librarian_active = False
        if self.mode == "librarian":
            while len(self.screen_stack) > 1:  # the console and any dialog over it
                self.pop_screen()
            self._show_login()
        else:
            self.return_to_welcome()


def run_app(services: Services, mode: Mode = "visitor") -> int:
    result = KioskApp(services, mode).run()
    return 0 if result in (None, ExitReason.QUIT) else 1
