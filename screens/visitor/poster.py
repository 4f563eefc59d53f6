"""Welcome's idle poster: the next free times today and tomorrow, by topic, and who the
e-scouts are, in each offered language in turn (a page of topics after another where they do
not all fit). Welcome shows it after a quiet spell; any tap or key hides it again, and that
tap presses nothing underneath (the poster covers the whole screen while it shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer

from kiosk.domain.week_times import Span, TopicWeek
from kiosk.i18n import Translator
from screens.common import plain
from screens.widgets import Words

# Each topic takes two rows: its name, then its times.
ROWS_PER_TOPIC = 2


@dataclass(frozen=True)
class PosterTimes:
    """What the poster shows, read from the store: per offered language (in the library's
    order), the topics with free times today or tomorrow for e-scouts who speak it."""

    today: date
    by_language: dict[str, list[TopicWeek]]


def joined(spans: list[Span]) -> list[Span]:
    """The spans of every place joined where they touch or overlap, never across days."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        last = out[-1] if out else None
        if last and span.start <= last.end and span.start.date() == last.start.date():
            out[-1] = Span(last.start, max(last.end, span.end))
        else:
            out.append(span)
    return out


def times_line(t: Translator, week: TopicWeek, today: date) -> str:
    """One topic's free times: "Today 14:00–17:00 · Tomorrow 10:00–12:00, 15:00–19:00"."""
    days: dict[date, list[str]] = {}
    for span in joined([span for place in week.places for span in place.spans]):
        days.setdefault(span.start.date(), []).append(f"{t.time(span.start)}–{t.time(span.end)}")
    parts = []
    for day, times in days.items():
        word = t("v.day.today") if day == today else t("v.day.tomorrow")
        parts.append(f"{word} {', '.join(times)}")
    return " · ".join(parts)


class IdlePoster(Vertical, can_focus=True):
    """The poster; ``show`` fills and starts it, ``stop`` ends its turns."""

    class Dismissed(Message):
        """A tap or a key on the poster: Welcome shows its buttons again."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._times = PosterTimes(date.min, {})
        self._lang = 0  # the index of the language shown
        self._page = 0  # the page of topics shown in it
        self._turns: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Words(id="poster-title")
        # One row each, cut with an ellipsis where too long: the pages count on it.
        yield Words(id="poster-times")
        yield Words(id="poster-who")
        yield Words(id="poster-touch")

    # -- showing ------------------------------------------------------------------------

    def show(self, times: PosterTimes, turn_seconds: float) -> None:
        """Start at the first language's first page; turn every ``turn_seconds``."""
        self._times = times
        self._lang = 0
        self._page = 0
        self.stop()
        self._turns = self.set_interval(turn_seconds, self.next_turn)
        # The rows the topics have are known once the poster is laid out.
        self.call_after_refresh(self._draw)

    def stop(self) -> None:
        if self._turns is not None:
            self._turns.stop()
            self._turns = None

    @property
    def languages(self) -> list[str]:
        return list(self._times.by_language) or ["lt"]

    @property
    def language(self) -> str:
        """The language on the poster now."""
        return self.languages[self._lang % len(self.languages)]

    def _per_page(self) -> int:
        rows = self.query_one("#poster-times", Words).content_size.height
        return max(1, rows // ROWS_PER_TOPIC)

    def _pages(self, lang: str) -> int:
        topics = len(self._times.by_language.get(lang, []))
        return max(1, -(-topics // self._per_page()))

    def next_turn(self) -> None:
        """The next page of topics, or the next language's first page."""
        self._page += 1
        if self._page >= self._pages(self.language):
            self._page = 0
            self._lang = (self._lang + 1) % len(self.languages)
        self._draw()

    def _draw(self) -> None:
        lang = self.language
        t = Translator(lang)
        weeks = self._times.by_language.get(lang, [])
        pages = self._pages(lang)
        page = min(self._page, pages - 1)
        per_page = self._per_page()
        title = t("v.welcome.poster_times")
        if pages > 1:
            title += f"  {page + 1} / {pages}"
        self.query_one("#poster-title", Words).update(plain(title))
        if weeks:
            shown = weeks[page * per_page : (page + 1) * per_page]
            rows = [
                row
                for week in shown
                for row in (
                    plain(week.topic.name(lang)).stylize("bold"),
                    plain(times_line(t, week, self._times.today)),
                )
            ]
            times = Content("\n").join(rows)
        else:
            times = plain(t("v.welcome.poster_none"))
        self.query_one("#poster-times", Words).update(times)
        self.query_one("#poster-who", Words).update(plain(t("v.welcome.escouts")))
        self.query_one("#poster-touch", Words).update(plain(t("v.welcome.poster_touch")))

    # -- leaving ------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        # The tap ends here: it reaches no button under the poster.
        event.stop()
        self.post_message(self.Dismissed())

    def on_key(self, event: events.Key) -> None:
        # Taken here: Welcome's keys (1, 2, 3, Enter on a button) do nothing while it shows.
        event.stop()
        event.prevent_default()
        self.post_message(self.Dismissed())
