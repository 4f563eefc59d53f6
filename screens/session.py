"""Who is at this screen now, and in which language: the one state a kiosk session keeps.

The App holds one ``Session``; screens read it through ``host(widget).session``. How the App
treats a screen (scans, the quiet-spell prompt) is the screen's own ``ScreenTraits``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from kiosk.i18n import DEFAULT_LANGUAGE, Translator

Mode = Literal["visitor", "librarian"]
Who = Literal["visitor", "scout", "librarian"]


@dataclass
class Session:
    """``mode`` is the place of entry: the locked-down kiosk (``visitor``, where F12 opens
    the console) or a console in a terminal (``librarian``). The rest changes as people come
    and go: the librarian signed in, an e-scout signed in, the visitor's language."""

    mode: Mode = "visitor"
    lang: str = DEFAULT_LANGUAGE  # the visitor's or the e-scout's language
    # The visitor chose ``lang`` (a tap on Welcome, or the language their scanned ticket was
    # booked in): it holds for the whole visit. False: Lithuanian only as the default.
    lang_chosen: bool = False
    console_lang: str = DEFAULT_LANGUAGE  # the librarian's, chosen at the PIN prompt
    librarian: bool = False  # the console is open (the PIN was right)
    scout_id: str | None = None  # the e-scout signed in at this kiosk, if any

    @property
    def who(self) -> Who:
        if self.librarian:
            return "librarian"
        return "scout" if self.scout_id is not None else "visitor"

    @property
    def at_kiosk(self) -> bool:
        """A visitor or an e-scout at the locked-down kiosk: taps are guarded, scans read."""
        return self.mode == "visitor" and not self.librarian

    @property
    def words(self) -> Translator:
        """Words in the visitor's (or e-scout's) language."""
        return Translator(self.lang)

    @property
    def console_words(self) -> Translator:
        """Words in the librarian console's language."""
        return Translator(self.console_lang)

    def choose_language(self, lang: str) -> None:
        """The visitor's language from now until the visit ends (``next_person``)."""
        self.lang = lang
        self.lang_chosen = True

    def next_person(self) -> None:
        """Whoever stood here has gone: the next one starts signed out, in Lithuanian."""
        self.scout_id = None
        self.lang = DEFAULT_LANGUAGE
        self.lang_chosen = False


class ScreenTraits:
    """How the App treats a screen while it is on top; a screen class overrides what differs."""

    # Its own focused field takes a scanner's keys (a code field, the PIN): the App does not
    # hold fast keys back as a possible ticket scan.
    TAKES_SCANS: ClassVar[bool] = False
    # Nothing is typed here: a quiet spell asks no "More time?".
    IDLE_EXEMPT: ClassVar[bool] = False

    @property
    def idle_limit(self) -> float | None:
        """Seconds of quiet before "More time?" on this screen; ``None``: the App's own."""
        return None
