"""What a visitor's ticket says: built once, used by the screen, the SVG, the PDF and the printer.

A ticket is the booking's code (big), its topic, day and time ("Šiandien"/"Rytoj" when
true), the place with how to find it, the e-scout's first name, what to bring and how to
check in. Every output draws these same lines, so paper and screen never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel import Locale, UnknownLocaleError

from kiosk.domain.models import Booking, Place, Scout, Topic
from kiosk.i18n import Translator, available_languages


@dataclass(frozen=True)
class TicketLine:
    """One labelled part of the ticket: ``key`` is stable (screens and tests find it by it)."""

    key: str  # topic | when | group | place | directions | scout | language | bring
    label: str
    text: str


@dataclass(frozen=True)
class TicketContent:
    lang: str
    library: str
    title: str
    code_label: str
    code: str
    token: str  # the QR's payload; "" when the ticket shows no QR
    lines: tuple[TicketLine, ...]
    arrive: str  # how to check in on arrival

    def line(self, key: str) -> TicketLine | None:
        return next((line for line in self.lines if line.key == key), None)

    def text(self, key: str) -> str:
        found = self.line(key)
        return found.text if found else ""

    def plain_lines(self) -> list[str]:
        """The ticket as plain text lines, top to bottom (the QR goes after them)."""
        return [
            self.library,
            self.title,
            f"{self.code_label} {self.code}",
            *(f"{line.label} {line.text}" for line in self.lines),
            self.arrive,
        ]


def first_name(display_name: str) -> str:
    """ "Ieva K." -> "Ieva": the visitor needs no more of a young volunteer's name."""
    return display_name.split()[0] if display_name.split() else ""


def place_text(place: Place | None, name: str, lang: str) -> str:
    """A place as every visitor screen names it: the sign's Lithuanian name, with the
    visitor's own beside it where the library gave one (``name``: the booking's or time's)."""
    return place.label(lang) if place is not None else name


def place_tile_text(place: Place | None, name: str, lang: str) -> str:
    """A place on a narrow tile: the visitor's own name first, the sign's after it (where
    the tile cuts a long pair, the visitor still reads their own; Confirm shows both)."""
    own = place.names.get(lang, "") if place is not None and lang != "lt" else ""
    return f"{own} ({name})" if own and own != name else name


def language_name(code: str) -> str:
    """A language in its own words ("Lietuvių", "English", "Русский"), as on Welcome."""
    if code in available_languages():
        return Translator(code)("v.lang.name")
    try:
        return str(Locale.parse(code).get_display_name(code) or code).capitalize()
    except (ValueError, UnknownLocaleError):
        return code


def language_note(t: Translator, languages: Sequence[str], short: bool = False) -> str:
    """What a visitor must know when the e-scout does not speak their language (``t.lang``):
    the languages the e-scout does speak, or that it is Lithuanian only; "" when they share
    the visitor's language (or the e-scout's languages are unknown). ``short``: the few
    words of the ticket's labelled line, where the Time screen has said the rest."""
    if not languages or t.lang in languages:
        return ""
    names = ", ".join(language_name(c) for c in languages)
    if set(languages) <= {"lt"}:
        return t("v.ticket.lithuanian_only" if short else "v.time.other_language")
    return t("v.ticket.speaks" if short else "v.time.scout_speaks", languages=names)


def speaks_text(languages: Sequence[str]) -> str:
    """The e-scout's languages, short, for a time tile: "LT · EN · RU"."""
    return " \u00b7 ".join(code.upper() for code in languages)


def group_text(t: Translator, seats: int, left: int, key: str = "v.group.session") -> str:
    """ "Group session, 3 places left" (empty for a one-to-one time); ``key``
    "v.group.tile": the short "Group: 3 places left" of a narrow time tile."""
    return t(key, places=t.n("v.time.free_seats", left)) if seats > 1 else ""


def build_ticket_content(
    t: Translator,
    booking: Booking,
    token: str,
    *,
    library: str,
    topic: Topic | None,
    place: Place | None,
    scout: Scout | None,
    today: date | None,
    checkin_button: str | None = None,
    seats: tuple[int, int] = (1, 0),
) -> TicketContent:
    """The ticket of ``booking`` in the visitor's language (``t``).

    ``place`` is the record of the booking's own place name (None: no directions yet);
    ``checkin_button`` is the label of the start screen's check-in button, which the
    arrival words name (default: that label from the catalogue); ``seats``: a group
    session's seats and how many are still free."""
    lang = t.lang
    lines = [
        TicketLine("topic", t("v.ticket.topic"), topic.name(lang) if topic else booking.topic),
        TicketLine("when", t("v.ticket.when"), t.when(booking.starts, booking.ends, today)),
    ]
    if group_text(t, *seats):
        lines.append(TicketLine("group", t("v.ticket.group"), group_text(t, *seats)))
    lines.append(TicketLine("place", t("v.ticket.place"), place_text(place, booking.place, lang)))
    if place and place.how_to_find(lang):
        lines.append(TicketLine("directions", t("v.ticket.directions"), place.how_to_find(lang)))
    if scout and first_name(scout.name):
        lines.append(TicketLine("scout", t("v.ticket.scout"), first_name(scout.name)))
    if scout and language_note(t, scout.languages, short=True):
        note = language_note(t, scout.languages, short=True)
        lines.append(TicketLine("language", t("v.ticket.language"), note))
    if topic and topic.bring(lang):
        lines.append(TicketLine("bring", t("v.ticket.bring"), topic.bring(lang)))
    button = checkin_button if checkin_button is not None else t("v.welcome.checkin")
    return TicketContent(
        lang=lang,
        library=library,
        title=t("v.ticket.paper_title"),
        code_label=t("v.ticket.code"),
        code=booking.code,
        token=token,
        lines=tuple(lines),
        arrive=t("v.ticket.arrive", button=button),
    )
