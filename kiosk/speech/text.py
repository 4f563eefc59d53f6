"""What "Read aloud" says on each visitor screen: plain text for the speech engine.

Built from the same content the screens show (the booking, the ticket's lines, the times)
and from the visitor catalogues, where a message has a ``v.say.*`` speech form wherever the
screen's words do not read well aloud: a time span is said in words ("nuo dešimtos iki
pusės vienuoliktos"), a date in full ("lapkričio 24 dieną, antradienis"), a booking code
letter by letter with words for characters that look alike. The order is the screen's:
title, the question, then the choices with their numbers or positions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_date

from kiosk.domain.models import Slot, Topic
from kiosk.domain.ticket_content import TicketContent, group_text
from kiosk.i18n import DEFAULT_LANGUAGE, Translator, catalogue

_HOURS_IN_DAY = 24
_HALF_HOUR = 30
_SENTENCE_ENDS = (".", "!", "?", ":", "…")
# Signs the screens put before words for the eye (✔ ⚠ ☎ ▶ ◀ ✖ ▣): not read aloud.
_SIGNS = str.maketrans("", "", "\u2714\u26a0\u260e\u25b6\u25c0\u25bc\u25b2\u2716\u25a3\u25cf\u2022")


def clean(text: str) -> str:
    """``text`` as one line for the engine: no signs for the eye, no line breaks, and the
    non-breaking spaces of the screen's abbreviations as plain spaces."""
    return " ".join(text.translate(_SIGNS).replace("\u00a0", " ").split())


def sentences(parts: Iterable[str]) -> str:
    """The parts read one after the other, each ending as a sentence (a pause between)."""
    said = []
    for part in parts:
        text = clean(part)
        if not text:
            continue
        said.append(text if text.endswith(_SENTENCE_ENDS) else f"{text}.")
    return " ".join(said)


def _word(t: Translator, key: str, hour: int) -> str:
    """The ``hour``-th of the catalogue's ``|``-separated hour words (0 to 24)."""
    words = t.message(key).split("|")
    return words[hour] if 0 <= hour < len(words) else str(hour)


def spoken_time(t: Translator, moment: datetime | tuple[int, int]) -> str:
    """A time of day as said in a span: "dešimtos", "pusės vienuoliktos", "ten a.m."."""
    hour, minute = (moment.hour, moment.minute) if isinstance(moment, datetime) else moment
    if minute == 0:
        return t("v.say.time.whole", hour=_word(t, "v.say.time.hours", hour))
    if minute == _HALF_HOUR:
        return t("v.say.time.half", next=_word(t, "v.say.time.half_hours", hour + 1))
    return t("v.say.time.other", hour=_word(t, "v.say.time.hours", hour), minutes=f"{minute:02d}")


def spoken_span(t: Translator, start: datetime, end: datetime) -> str:
    """ "10:00–10:30" as said: "nuo dešimtos iki pusės vienuoliktos"."""
    end_hour = end.hour if end.date() == start.date() else _HOURS_IN_DAY
    return t(
        "v.say.time.span", start=spoken_time(t, start), end=spoken_time(t, (end_hour, end.minute))
    )


def spoken_date(t: Translator, day: date, today: date | None = None) -> str:
    """The day in full, "Šiandien" or "Rytoj" first when true."""
    full = format_date(day, t.message("v.say.date"), locale=t.lang)
    if today is None:
        return full
    relative = {today: "v.day.today", today + timedelta(days=1): "v.day.tomorrow"}.get(day)
    return t("v.day.relative", relative=t(relative), day=full) if relative else full


def spoken_when(t: Translator, start: datetime, end: datetime, today: date | None = None) -> str:
    """A booking's time: the day in full, then the span in words."""
    return t("v.say.when", day=spoken_date(t, start.date(), today), span=spoken_span(t, start, end))


def spell_code(t: Translator, code: str) -> str:
    """A booking code letter by letter ("K, Q, 4, H, 7, T"); a character that looks like
    another (0 and O, 1 and I) is said in words."""
    said = []
    for char in code.strip().upper():
        key = f"v.say.char.{char}"
        said.append(t(key) if key in catalogue(DEFAULT_LANGUAGE) else char)
    return ", ".join(said)


def choice(t: Translator, number: int, text: str) -> str:
    """A choice with the number the visitor taps or presses: "1: Užsiregistruoti"."""
    return t("v.say.choice", number=number, text=clean(text))


# -- the screens ----------------------------------------------------------------------


def welcome(t: Translator, library: str, today: date | None, languages: Sequence[str] = ()) -> str:
    """Welcome: the library, the day, the greeting, the three choices (keys 1 to 3) and
    the languages offered (each by its own name)."""
    return sentences(
        [
            library,
            spoken_date(t, today) if today else "",
            t("v.welcome.greeting"),
            t("v.welcome.escouts"),
            t("v.say.choose"),
            choice(t, 1, t("v.welcome.book")),
            choice(t, 2, t("v.welcome.lookup")),
            choice(t, 3, t("v.welcome.checkin")),
            t("v.say.welcome.languages", names=", ".join(languages)) if languages else "",
        ]
    )


def topics(t: Translator, shown: Sequence[Topic], page: int = 0, pages: int = 1) -> str:
    """The topics on the page in sight, by their position on it."""
    parts = [t("v.topic.title"), t("v.topic.intro")]
    if not shown:
        parts.append(t("v.topic.none"))
    for number, topic in enumerate(shown, start=1):
        description = topic.description(t.lang)
        name = topic.name(t.lang)
        parts.append(choice(t, number, f"{name}. {description}" if description else name))
    return sentences([*parts, _pages(t, page, pages)])


def _pages(t: Translator, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    return t("v.say.page", page=page + 1, pages=pages, more=t("v.page.more"))


@dataclass(frozen=True)
class TimeChoice:
    """A free time as its tile shows it: the slot and the place in the visitor's words."""

    slot: Slot
    place: str


def times(
    t: Translator,
    topic: str,
    shown: Sequence[TimeChoice],
    today: date,
    *,
    first: TimeChoice | None = None,
    notice: str = "",
    days: int = 0,
    page: int = 0,
    pages: int = 1,
) -> str:
    """The topic, the first free time, then the times on the page in sight by position;
    with no time, how many days were searched and the waiting list."""
    parts = [t("v.time.title"), topic, notice]
    if first is None:
        parts += [t.n("v.time.none_days", days), t("v.waitlist.none_hint")]
        return sentences([*parts, t("v.waitlist.offer")])
    parts.append(t("v.say.time.first", when=_time_choice(t, first, today)))
    for number, item in enumerate(shown, start=1):
        parts.append(choice(t, number, _time_choice(t, item, today)))
    return sentences([*parts, _pages(t, page, pages), t("v.waitlist.offer")])


def _time_choice(t: Translator, item: TimeChoice, today: date) -> str:
    slot = item.slot
    when = spoken_when(t, slot.start, slot.end, today)
    group = group_text(t, slot.seats, slot.seats_left)
    return ", ".join(filter(None, (when, item.place, group)))


def details(t: Translator, title: str, name_label: str, phone_label: str, consent: str) -> str:
    """The visitor's details: what each field asks, what the data is for, the way on."""
    return sentences(
        [title, name_label, phone_label, consent, t("v.say.details.next", next=t("v.details.next"))]
    )


def confirm(t: Translator, title: str, intro: str, rows: Sequence[tuple[str, str]], ok: str) -> str:
    """A confirm step: its rows as label and value (already in spoken form), then the button."""
    parts = [title, intro]
    parts += [f"{clean(label).rstrip(':')}: {value}" for label, value in rows if value]
    return sentences([*parts, t("v.say.confirm.ok", ok=ok)])


def booking_rows(
    t: Translator,
    rows: Sequence[tuple[str, str]],
    start: datetime,
    end: datetime,
    today: date | None,
) -> list[tuple[str, str]]:
    """The Confirm screen's rows (key, value) with the label's words, the day and the time
    in their spoken forms."""
    spoken = {
        "v.confirm.day": spoken_date(t, start.date(), today),
        "v.confirm.time": spoken_span(t, start, end),
    }
    return [(t(key), spoken.get(key, value)) for key, value in rows]


def ticket(
    t: Translator,
    content: TicketContent,
    start: datetime,
    end: datetime,
    today: date | None = None,
    reissued: bool = False,
) -> str:
    """The ticket: booked, the code spelled out, then day, time, place and how to find it,
    the e-scout, what to bring and how to check in."""
    parts = [t("v.ticket.title"), t("v.ticket.booked")]
    parts.append(f"{clean(content.code_label).rstrip(':')}: {spell_code(t, content.code)}")
    for line in content.lines:
        text = spoken_when(t, start, end, today) if line.key == "when" else line.text
        parts.append(f"{clean(line.label).rstrip(':')}: {text}")
    parts += [content.arrive, t("v.ticket.photo")]
    if reissued:
        parts.append(t("v.ticket.reissued"))
    return sentences(parts)


def screen(t: Translator, title: str, lines: Iterable[str], actions: Sequence[str] = ()) -> str:
    """A screen said as it reads: its title, its lines, then its buttons by position."""
    parts = [title, *lines]
    parts += [choice(t, number, text) for number, text in enumerate(actions, start=1)]
    return sentences(parts)
