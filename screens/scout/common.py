"""What the e-scout screens share: the frame, the session messages and refusals in words."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import Static

from kiosk.domain.models import Scout
from screens.common import plain
from screens.visitor.common import TypingScreen


@dataclass
class SignedIn(Message):
    """The e-scout's PIN was right: the App starts their session on My day."""

    scout: Scout


class SignOut(Message):
    """The e-scout is done (Finish, or Back from the sign-in): the App ends the session."""


# An e-scout reads their own words first, then the visitor's, then the form's (the form's
# fields are the librarian's, so their refusals are worded there).
SCOUT_REFUSALS = ("s.err", "v.err", "lib.err")


class ScoutScreen(TypingScreen):
    """An e-scout screen: the visitor kiosk's frame (title, body, bar with Back and help).

    A TypingScreen so that a field on it takes the on-screen keys; the idle machinery of the
    App treats it like any visitor screen, so a forgotten session ends by itself.
    """

    DEFAULT_CLASSES = "s-screen"
    READ_ALOUD = False  # the e-scout's own screens: no "Read aloud"

    def __init__(self, scout: Scout | None = None) -> None:
        super().__init__()
        self.scout = scout

    def title_text(self) -> str:
        """The title line; the e-scout's name goes in as plain text, never markup."""
        return ""

    def show_title(self) -> None:
        self.query_one("#v-title", Static).update(plain(self.title_text()))
