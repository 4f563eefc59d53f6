"""The e-scout's forms: who they are, a weekly time, an absence or an extra session."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Select, SelectionList

from kiosk.domain.auth import check_pin_format
from kiosk.domain.catalog import scout_id_from_name
from kiosk.domain.errors import ErrorCode, KioskError
from kiosk.domain.models import DatedException, ExceptionKind, Scout, Topic, WeeklyTime
from kiosk.domain.validation import (
    check_chosen_languages,
    check_group_topic,
    check_place,
    check_scout_name,
    check_seats,
    check_span,
    parse_day,
)
from screens.common import safe_text
from screens.dialogs import FormScreen
from screens.widgets.words import WordsLabel

WEEKDAY_KEYS = [f"lib.weekday.{n}" for n in range(7)]
EXTRA_LANGUAGES = ["ru", "uk", "pl"]  # often spoken by e-scouts beyond the kiosk's own


class ScoutFormScreen(FormScreen[Scout]):
    FORM_NAME = "scout-form"

    def __init__(
        self,
        scout: Scout | None,
        topics: list[Topic],
        languages: list[str],
        taken: set[str],
        today: str = "",
    ) -> None:
        super().__init__(id="scout-form")
        self.scout = scout
        self.topics = topics
        self.languages = languages
        self.taken = taken
        self.today = today  # a new e-scout's first day unless the librarian types another

    def compose(self) -> ComposeResult:
        t = self.t
        s = self.scout
        langs = list(
            dict.fromkeys([*self.languages, *EXTRA_LANGUAGES, *(s.languages if s else [])])
        )
        with VerticalScroll(classes="lib-dialog lib-wide"):
            yield WordsLabel(
                t("lib.scouts.edit_title" if s else "lib.scouts.new_title"),
                classes="lib-dialog-title",
            )
            with Horizontal(classes="lib-row"):
                with Vertical(classes="lib-col"):
                    yield WordsLabel(t("lib.scouts.name"))
                    yield Input(
                        s.name if s else "",
                        id="scout-name",
                        max_length=40,
                        placeholder=t("lib.scouts.name_ph"),
                    )
                    yield WordsLabel(t("lib.scouts.contact"))
                    yield Input(s.contact if s else "", id="scout-contact", max_length=80)
                    yield WordsLabel(t("lib.scouts.first_day"))
                    yield Input(
                        (s.first_day or "") if s else self.today,
                        id="scout-first-day",
                        max_length=10,
                        placeholder=t("lib.scouts.first_day_ph"),
                    )
                    yield WordsLabel(t("lib.scouts.languages"))
                    yield SelectionList[str](
                        *[
                            (
                                lang.upper(),
                                lang,
                                bool(s and lang in s.languages) or (not s and lang == t.lang),
                            )
                            for lang in langs
                        ],
                        id="scout-languages",
                    )
                    yield Checkbox(
                        t("lib.scouts.active"), value=s.active if s else True, id="scout-active"
                    )
                with Vertical(classes="lib-col"):
                    yield WordsLabel(t("lib.scouts.topics"))
                    yield SelectionList[str](
                        *[
                            (
                                safe_text(tp.name(t.lang)),
                                tp.slug,
                                bool(s and tp.slug in s.topics),
                            )
                            for tp in self.topics
                        ],
                        id="scout-topics",
                    )
                    yield WordsLabel(t("lib.scouts.full_name"))
                    yield Input(s.full_name if s else "", id="scout-full-name", max_length=80)
            yield from self.form_buttons()

    def build(self) -> Scout:
        name = check_scout_name(self.value("#scout-name"))
        topics = list(self.query_one("#scout-topics", SelectionList).selected)
        languages = check_chosen_languages(
            list(self.query_one("#scout-languages", SelectionList).selected)
        )
        active = self.query_one("#scout-active", Checkbox).value
        contact = self.value("#scout-contact")
        full_name = self.value("#scout-full-name")
        typed = self.value("#scout-first-day")
        # Left empty: unknown (an e-scout added before the kiosk asked), no lower limit.
        first_day = parse_day(typed, "first_day").isoformat() if typed else None
        if self.scout is None:
            return Scout(
                scout_id_from_name(name, self.taken),
                name,
                topics,
                languages,
                active,
                contact,
                first_day=first_day,
                full_name=full_name,
            )
        return replace(
            self.scout,
            name=name,
            topics=topics,
            languages=languages,
            active=active,
            contact=contact,
            first_day=first_day,
            full_name=full_name,
        )


class WeeklyFormScreen(FormScreen[WeeklyTime]):
    FORM_NAME = "weekly-form"

    def __init__(
        self,
        scout: Scout,
        weekly: WeeklyTime | None,
        new_id: str,
        topics: list[Topic] | None = None,
    ) -> None:
        super().__init__(id="weekly-form")
        self.scout = scout
        self.weekly = weekly
        self.new_id = new_id
        self.topics = topics or []

    def compose(self) -> ComposeResult:
        t = self.t
        w = self.weekly
        with VerticalScroll(classes="lib-dialog"):
            yield WordsLabel(
                safe_text(t("lib.weekly.title", name=self.scout.name)),
                classes="lib-dialog-title",
                markup=False,
            )
            yield WordsLabel(t("lib.weekly.weekday"))
            yield Select(
                [(t(k), n) for n, k in enumerate(WEEKDAY_KEYS)],
                id="weekly-weekday",
                value=w.weekday if w else 0,
                allow_blank=False,
            )
            with Horizontal(classes="lib-row"):
                with Vertical(classes="lib-col"):
                    yield WordsLabel(t("lib.weekly.start"))
                    yield Input(
                        w.start if w else "", id="weekly-start", placeholder="14:00", max_length=5
                    )
                with Vertical(classes="lib-col"):
                    yield WordsLabel(t("lib.weekly.end"))
                    yield Input(
                        w.end if w else "", id="weekly-end", placeholder="17:00", max_length=5
                    )
            yield WordsLabel(t("lib.weekly.place"))
            yield Input(
                w.place if w else "",
                id="weekly-place",
                max_length=60,
                placeholder=t("lib.weekly.place_ph"),
            )
            yield from group_fields(
                self, "weekly", self.scout, self.topics, w.seats if w else 1, w.topic if w else ""
            )
            yield from self.form_buttons()

    def build(self) -> WeeklyTime:
        start, end = check_span(self.value("#weekly-start"), self.value("#weekly-end"))
        place = check_place(self.value("#weekly-place"))
        weekday = self.query_one("#weekly-weekday", Select).value
        seats, topic = group_values(self, "weekly", self.scout)
        return WeeklyTime(
            self.weekly.id if self.weekly else self.new_id,
            self.scout.id,
            int(weekday) if isinstance(weekday, int) else 0,
            start,
            end,
            place,
            seats=seats,
            # An edit keeps its version: the save refuses it if another desk saved since.
            version=self.weekly.version if self.weekly else 0,
            topic=topic,
        )


def group_fields(
    form: FormScreen[Any], prefix: str, scout: Scout, topics: list[Topic], seats: int, topic: str
) -> ComposeResult:
    """Seats (1, or 2-8 for a group) and a group's own topic, from the e-scout's topics."""
    t = form.t
    names = {tp.slug: tp.name(t.lang) for tp in topics}
    with Horizontal(classes="lib-row"):
        with Vertical(classes="lib-col"):
            yield WordsLabel(t("lib.weekly.seats"))
            yield Input(str(seats), id=f"{prefix}-seats", restrict=r"[0-9]*", max_length=1)
        with Vertical(classes="lib-col"):
            yield WordsLabel(t("lib.weekly.topic"))
            yield Select(
                [(names.get(slug, slug), slug) for slug in scout.topics],
                id=f"{prefix}-topic",
                value=topic if topic in scout.topics else Select.NULL,
                prompt=t("lib.weekly.topic_none"),
            )


def group_values(form: FormScreen[Any], prefix: str, scout: Scout) -> tuple[int, str]:
    """The seats and the group's topic the form holds, checked as a save checks them."""
    text = form.value(f"#{prefix}-seats")
    seats = check_seats(int(text) if text.isdigit() else text)
    chosen = form.query_one(f"#{prefix}-topic", Select).value
    topic = chosen if isinstance(chosen, str) else ""
    return seats, check_group_topic(seats, topic, scout)


class ExceptionFormScreen(FormScreen[DatedException]):
    FORM_NAME = "exception-form"

    def __init__(
        self,
        scout: Scout,
        kind: ExceptionKind,
        new_id: str,
        today: str,
        topics: list[Topic] | None = None,
    ) -> None:
        super().__init__(id="exception-form")
        self.scout = scout
        self.kind = kind
        self.new_id = new_id
        self.today = today
        self.topics = topics or []

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="lib-dialog"):
            yield WordsLabel(
                safe_text(t(f"lib.exception.title_{self.kind}", name=self.scout.name)),
                classes="lib-dialog-title",
                markup=False,
            )
            yield WordsLabel(t("lib.exception.date"))
            yield Input(self.today, id="exception-date", max_length=10)
            with Horizontal(classes="lib-row"):
                with Vertical(classes="lib-col"):
                    yield WordsLabel(t(f"lib.exception.start_{self.kind}"))
                    yield Input("", id="exception-start", max_length=5, placeholder="14:00")
                with Vertical(classes="lib-col"):
                    yield WordsLabel(t(f"lib.exception.end_{self.kind}"))
                    yield Input("", id="exception-end", max_length=5, placeholder="17:00")
            if self.kind == ExceptionKind.EXTRA:
                yield WordsLabel(t("lib.weekly.place"))
                yield Input("", id="exception-place", max_length=60)
                yield from group_fields(self, "exception", self.scout, self.topics, 1, "")
            yield WordsLabel(t("lib.exception.note"))
            yield Input("", id="exception-note", max_length=80)
            yield from self.form_buttons()

    def build(self) -> DatedException:
        day = parse_day(self.value("#exception-date"))
        start, end = self.value("#exception-start"), self.value("#exception-end")
        place, seats, topic = "", 1, ""
        if self.kind == ExceptionKind.EXTRA or start or end:
            start, end = check_span(start, end)
        if self.kind == ExceptionKind.EXTRA:
            place = check_place(self.value("#exception-place"))
            seats, topic = group_values(self, "exception", self.scout)
        return DatedException(
            self.new_id,
            self.scout.id,
            day.isoformat(),
            str(self.kind),
            start or None,
            end or None,
            place,
            self.value("#exception-note"),
            seats=seats,
            topic=topic,
        )


class ScoutPinScreen(FormScreen[str]):
    """The e-scout types a new PIN twice at the console; answers with the PIN."""

    FORM_NAME = "scout-pin"

    def __init__(self, scout: Scout) -> None:
        super().__init__(id="scout-pin-form")
        self.scout = scout

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="lib-dialog"):
            yield WordsLabel(
                t("lib.scouts.card.pin_title", name=safe_text(self.scout.name)),
                classes="lib-dialog-title",
                markup=False,
            )
            for field, label in (("first", "pin_first"), ("again", "pin_again")):
                yield WordsLabel(t(f"lib.scouts.card.{label}"))
                yield Input(
                    id=f"scout-pin-{field}", password=True, restrict=r"[0-9]*", max_length=12
                )
            yield from self.form_buttons()

    def build(self) -> str:
        pin = check_pin_format(self.value("#scout-pin-first"))
        if self.value("#scout-pin-again") != pin:
            raise KioskError(ErrorCode.PIN_MISMATCH, "the two PINs differ")
        return pin

    def refuse(self, exc: BaseException) -> None:
        words = {ErrorCode.PIN_MISMATCH: "pin_mismatch", ErrorCode.PIN_FORMAT: "pin_format"}
        if isinstance(exc, KioskError) and exc.code in words:
            self.say(self.t(f"lib.scouts.card.{words[ErrorCode(exc.code)]}"))
            return
        super().refuse(exc)
