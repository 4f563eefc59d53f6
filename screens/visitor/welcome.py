"""The Welcome screen: library name, today's date, three big choices, language buttons."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Static

from kiosk.domain.week_times import week_times
from kiosk.i18n import DEFAULT_LANGUAGE, Translator, available_languages
from kiosk.speech import text as speech
from screens.common import plain, services_of, store_work, translator
from screens.session import ScreenTraits
from screens.visitor.checkin import CheckInScreen
from screens.visitor.common import VERTICAL_BREAKPOINTS, Body
from screens.visitor.help import HELP_SIGN, HelpButton
from screens.visitor.lookup import LookupScreen
from screens.visitor.poster import IdlePoster, PosterTimes
from screens.visitor.read_aloud import READ_ALOUD_KEY, ReadAloudButton
from screens.visitor.topics import TopicScreen
from screens.widgets import Words

TAPS_FOR_LIBRARIAN = 5
TAP_WINDOW_SECONDS = 4.0


def languages() -> list[str]:
    """Every language with catalogues, Lithuanian first."""
    return sorted(available_languages(), key=lambda lang: (lang != DEFAULT_LANGUAGE, lang))


class LibraryName(Static):
    """The library's name; five quick taps open the librarian PIN prompt (hidden gesture)."""

    class LibrarianRequested(Message):
        """The hidden gesture was made: the App opens the PIN prompt."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._taps: list[float] = []

    def on_click(self, event: events.Click) -> None:
        now = time.monotonic()
        self._taps = [t for t in self._taps if now - t < TAP_WINDOW_SECONDS] + [now]
        if len(self._taps) >= TAPS_FOR_LIBRARIAN:
            self._taps = []
            self.post_message(self.LibrarianRequested())


class WelcomeScreen(Screen[None], ScreenTraits):
    """Where every visit starts and every idle wipe returns."""

    IDLE_EXEMPT = True  # nothing typed here: no "More time?" prompt
    VERTICAL_BREAKPOINTS = VERTICAL_BREAKPOINTS
    BINDINGS = [
        Binding("1", "choose('book')", "v.welcome.book", id="welcome-book", show=False),
        Binding("2", "choose('lookup')", "v.welcome.lookup", id="welcome-lookup", show=False),
        Binding("3", "choose('checkin')", "v.welcome.checkin", id="welcome-checkin", show=False),
        Binding(READ_ALOUD_KEY, "read_aloud", "v.read_aloud", id="welcome-read-aloud", show=False),
    ]

    @dataclass
    class Loaded(Message):
        library: str
        today: date
        languages: list[str]  # the languages the library offers, in its order
        poster_after: float  # seconds without a touch before the poster; 0: never
        poster_turn: float  # seconds each language (or page) of the poster stays

    @dataclass
    class PosterLoaded(Message):
        times: PosterTimes

    @dataclass
    class LanguageChosen(Message):
        """The visitor tapped a language; the App switches and calls ``refresh_texts``."""

        lang: str

    def __init__(self) -> None:
        super().__init__(id="welcome")
        self._library = ""
        self._today: date | None = None
        self._languages: list[str] = []
        self._poster_after = 0.0
        self._poster_turn = 8.0
        self._poster_timer: Timer | None = None

    @property
    def t(self) -> Translator:
        return translator(self)

    def compose(self) -> ComposeResult:
        with Body(classes="v-body", id="welcome-body"):
            yield LibraryName(id="w-library")
            yield Words(id="w-date")
            yield Words(id="w-greeting")
            yield Words(id="w-escouts")
            # "Read aloud" beside the choices: the bottom row is full at 78 columns.
            with Horizontal(id="w-middle"):
                with Vertical(id="w-choices"):
                    yield Button("", id="w-book", classes="v-choice")
                    yield Button("", id="w-lookup", classes="v-choice")
                    yield Button("", id="w-checkin", classes="v-choice")
                yield ReadAloudButton(self.t)
        # Language and help share the bottom row: everything fits on the 78x18 panel.
        with Horizontal(id="w-foot", classes="v-bar"):
            with Horizontal(id="w-langs"):
                for lang in languages():
                    button = Button("", id=f"lang-{lang}", classes="v-lang")
                    button.styles.line_pad = 0  # the border is the gap (CSS cannot say 0)
                    yield button
            yield Words(id="w-foot-gap")
            yield HelpButton(self.t("v.help"))
        poster = IdlePoster(id="w-poster")
        poster.display = False
        yield poster

    def on_mount(self) -> None:
        self.refresh_texts()
        self.query_one("#w-book", Button).focus()
        self._load()

    @store_work(group="welcome")
    def _load(self) -> None:
        services = services_of(self)
        settings = services.booking.settings()
        self.post_message(
            self.Loaded(
                settings.library_name,
                services.booking.now().date(),
                settings.languages,
                settings.poster_after_seconds,
                settings.poster_turn_seconds,
            )
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self._library = message.library
        self._today = message.today
        self._languages = message.languages
        self._poster_after = message.poster_after
        self._poster_turn = message.poster_turn
        self._offer(message.languages)
        self.refresh_texts()
        self.arm_poster()

    # -- the idle poster ----------------------------------------------------------------

    @property
    def poster_shown(self) -> bool:
        return self.query_one(IdlePoster).display

    def arm_poster(self) -> None:
        """Count the quiet spell before the poster from now (every touch and key calls this)."""
        if self._poster_timer is not None:
            self._poster_timer.stop()
            self._poster_timer = None
        if self._poster_after > 0 and self.is_current and not self.poster_shown:
            self._poster_timer = self.set_timer(self._poster_after, self.show_poster)

    def show_poster(self) -> None:
        """The quiet spell is over: read today's and tomorrow's free times for the poster."""
        self._poster_timer = None
        if self.is_current and not self.poster_shown:
            self._load_poster()

    @store_work(group="welcome-poster")
    def _load_poster(self) -> None:
        booking = services_of(self).booking
        today = booking.now().date()
        offered = [lang for lang in dict.fromkeys(self._languages) if lang in languages()]
        by_language = {
            lang: week_times(booking, today, days=2, language=lang)
            for lang in offered or languages()
        }
        self.post_message(self.PosterLoaded(PosterTimes(today, by_language)))

    @on(PosterLoaded)
    def _poster_loaded(self, message: PosterLoaded) -> None:
        if not self.is_current:
            return  # a visitor came in the meantime (a scan, a tap)
        poster = self.query_one(IdlePoster)
        self.query_one("#welcome-body").display = False
        self.query_one("#w-foot").display = False
        poster.display = True
        poster.focus()
        poster.show(message.times, self._poster_turn)

    def hide_poster(self) -> None:
        """Welcome's buttons again, and the quiet spell counted afresh."""
        poster = self.query_one(IdlePoster)
        poster.stop()
        if poster.display:
            poster.display = False
            self.query_one("#welcome-body").display = True
            self.query_one("#w-foot").display = True
            self.set_focus(self.query_one("#w-book", Button))
        self.arm_poster()

    @on(IdlePoster.Dismissed)
    def _poster_dismissed(self) -> None:
        self.hide_poster()

    def on_mouse_down(self) -> None:
        self.arm_poster()

    def on_key(self) -> None:
        self.arm_poster()

    def on_screen_suspend(self) -> None:
        # Another screen on top (a choice, a scan's check-in): no poster under it.
        self.hide_poster()

    def on_screen_resume(self) -> None:
        self.arm_poster()

    def _offer(self, offered: list[str]) -> None:
        """Show the languages the library offers, in its order (all, if it names none)."""
        order = [lang for lang in dict.fromkeys(offered) if lang in languages()] or languages()
        row = self.query_one("#w-langs", Horizontal)
        for lang in languages():
            self.query_one(f"#lang-{lang}", Button).display = lang in order
        for lang in reversed(order):
            row.move_child(self.query_one(f"#lang-{lang}", Button), before=0)

    def refresh_texts(self) -> None:
        """Show every label in the current language (after a language change or a wipe)."""
        t = self.t
        self.query_one("#w-library", Static).update(plain(self._library))
        self.query_one("#w-date", Static).update(
            plain(t.long_date(self._today) if self._today else "")
        )
        self.query_one("#w-greeting", Static).update(plain(t("v.welcome.greeting")))
        self.query_one("#w-escouts", Static).update(plain(t("v.welcome.escouts")))
        self.query_one("#w-book", Button).label = plain(t("v.welcome.book"))
        self.query_one("#w-lookup", Button).label = plain(t("v.welcome.lookup"))
        self.query_one("#w-checkin", Button).label = plain(t("v.welcome.checkin"))
        for lang in languages():
            button = self.query_one(f"#lang-{lang}", Button)
            current = lang == t.lang
            # The chosen language is marked by a sign as well as by colour; each in itself.
            mark = "\u25cf " if current else ""
            button.label = plain(mark + Translator(lang)("v.lang.name"))
            button.set_class(current, "-current")
        self.query_one(ReadAloudButton).refresh_label()
        # One short help label on every screen: beside five languages it fits 78 columns.
        help_button = self.query_one(HelpButton)
        help_button.label = plain(HELP_SIGN + t("v.help"))
        help_button.refresh(layout=True)  # its width follows the label's language

    def spoken_text(self) -> str:
        shown = [lang for lang in self._languages if lang in languages()] or languages()
        names = [Translator(lang)("v.lang.name") for lang in shown]
        return speech.welcome(self.t, self._library, self._today, names)

    def action_read_aloud(self) -> None:
        self.query_one(ReadAloudButton).toggle()

    def start_afresh(self) -> None:
        """The next visitor's Welcome: labels in the default language, the focus on the
        first big choice (not on the language the last visitor tapped)."""
        self.refresh_texts()
        self.hide_poster()
        self.set_focus(self.query_one("#w-book", Button))

    @on(Button.Pressed, ".v-lang")
    def _language(self, event: Button.Pressed) -> None:
        lang = (event.button.id or "").removeprefix("lang-") or DEFAULT_LANGUAGE
        self.post_message(self.LanguageChosen(lang))

    @on(Button.Pressed, "#w-book")
    def _book(self) -> None:
        self.action_choose("book")

    @on(Button.Pressed, "#w-lookup")
    def _lookup(self) -> None:
        self.action_choose("lookup")

    @on(Button.Pressed, "#w-checkin")
    def _checkin(self) -> None:
        self.action_choose("checkin")

    def action_choose(self, choice: str) -> None:

        screens = {"book": TopicScreen, "lookup": LookupScreen, "checkin": CheckInScreen}
        self.app.push_screen(screens[choice]())
